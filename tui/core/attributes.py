"""Person attributes (P6): names, size, parsing `K=V` / JSON / `@FILE`, top-level merging.

Attributes are a JSON object of string keys. `id`, `email`, `cio_id` and `created_at` are the
person's own fields and refused as attribute names. One person's attributes are at most
102,400 bytes of compact UTF-8 JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from tui.core import json_input
from tui.core.errors import InvalidInput
from tui.core.input_files import read_text
from tui.core.text import check_scalar_text

RESERVED = ("id", "email", "cio_id", "created_at")
MAX_BYTES = 102_400
MAX_FILE_BYTES = 1_048_576  # `--attrs-json @FILE`: room for pretty-printed JSON of MAX_BYTES
# Compact JSON spends at most 6 bytes on one character (`\u001f`): a string-only object whose
# characters times 6 stays under the limit needs no exact measurement (the import's fast path).
_WORST_BYTES_PER_CHAR = 6


def check_name(name: object) -> str:
    """A usable attribute name: text, not empty, not reserved."""
    if not isinstance(name, str):
        raise InvalidInput(f"attribute name {name!r} is not valid: it must be text")
    if not name:
        raise InvalidInput("attribute name is empty: give every attribute a name")
    check_scalar_text(name, "attribute name")
    if name in RESERVED:
        raise InvalidInput(
            f"attribute name {name!r} is reserved ({', '.join(RESERVED)} are the person's own fields): use another name"
        )
    return name


def encoded_size(attributes: Mapping[str, Any]) -> int:
    """Bytes of compact UTF-8 JSON; refuses values JSON cannot hold (NaN, sets, objects...)."""
    try:
        text = json.dumps(attributes, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"attributes are not valid JSON values: {exc}") from None
    return len(text.encode("utf-8", "surrogatepass"))


def check_size(attributes: Mapping[str, Any]) -> None:
    """P6: at most MAX_BYTES of compact UTF-8 JSON."""
    if _surely_small(attributes):
        return
    size = encoded_size(attributes)
    if size > MAX_BYTES:
        raise InvalidInput(
            f"attributes would take {size:,} bytes of JSON; one person's attributes may take at most "
            f"{MAX_BYTES:,}: make them smaller or unset some"
        )


def _surely_small(attributes: Mapping[str, Any]) -> bool:
    chars = 2
    for key, value in attributes.items():
        if not isinstance(value, str):
            return False
        chars += len(key) + len(value) + 6  # quotes, colon, comma
    return chars * _WORST_BYTES_PER_CHAR <= MAX_BYTES


def check_attributes(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """Names and size of a set of attribute changes, as a plain dict."""
    for name in attributes:
        check_name(name)
    checked = dict(attributes)
    check_size(checked)
    return checked


def merge(current: Mapping[str, Any], changes: Mapping[str, Any], unset: Iterable[str] = ()) -> dict[str, Any]:
    """Top-level merge: `changes` replace keys, `unset` removes them; the result must fit P6."""
    merged = {**current, **changes}
    for name in unset:
        merged.pop(name, None)
    check_size(merged)
    return merged


def parse_pairs(pairs: Iterable[str]) -> dict[str, str]:
    """`K=V` options: split at the first `=`; values stay strings."""
    parsed: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise InvalidInput(f"attribute {pair!r} is not valid: write it as NAME=VALUE")
        parsed[check_name(name)] = value
    return parsed


def parse_json_object(text: str, *, source: str = "--attrs-json") -> dict[str, Any]:
    """A JSON object of attributes (keeping JSON types), checked for names and size."""
    value = json_input.loads(text, what=source)
    if not isinstance(value, dict):
        raise InvalidInput(f'{source} must be a JSON object such as {{"plan": "pro"}}, not {type(value).__name__}')
    return check_attributes(value)


def load_json_option(value: str) -> dict[str, Any]:
    """`--attrs-json`: a JSON object, or `@FILE` naming a file that holds one."""
    if not value.startswith("@"):
        return parse_json_object(value)
    path = Path(value[1:]).expanduser()
    return parse_json_object(
        read_text(path, limit=MAX_FILE_BYTES, what="attributes from "), source=f"file {str(path)!r}"
    )

"""JSON from untrusted text (P6, P8): bounded nesting, JSON values only, Unicode text only.

Python's decoder recurses once per level of nesting, so 100,000 `[` end in RecursionError: the
depth is measured before decoding. NaN and Infinity are not JSON (and PostgreSQL refuses them).
A `\\ud800` escape decodes to a lone surrogate, which neither backend can store.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tui.core.errors import InvalidInput
from tui.core.text import check_scalar_text

MAX_DEPTH = 20
_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def loads(text: str, *, what: str) -> Any:
    """The JSON value in `text`; InvalidInput naming `what` when it is not valid JSON, nests
    deeper than MAX_DEPTH, or holds a lone surrogate."""
    _check_depth(text, what)
    try:
        value = json.loads(text, parse_constant=reject_constant)
    except ValueError as exc:
        raise InvalidInput(f"{what} is not valid JSON: {exc}") from None
    if "\\u" in text and _SURROGATE_ESCAPE.search(text):
        _check_strings(value, what)
    return value


def reject_constant(name: str) -> Any:
    """json `parse_constant` hook: NaN and Infinity are not JSON and PostgreSQL refuses them."""
    raise ValueError(f"{name} is not a JSON value")


def _check_depth(text: str, what: str) -> None:
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return  # cannot nest deeper: the common case costs two counts
    depth = 0
    for token in _STRUCTURE.finditer(text):
        mark = token.group()
        if mark in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise InvalidInput(f"{what} nests arrays and objects more than {MAX_DEPTH} levels deep")
        elif mark in "]}":
            depth -= 1


def _check_strings(value: Any, what: str) -> None:
    """Every key and string in `value` is valid Unicode text (the depth is already bounded)."""
    if isinstance(value, str):
        check_scalar_text(value, what)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_scalar_text(key, what)
            _check_strings(item, what)
    elif isinstance(value, list):
        for item in value:
            _check_strings(item, what)

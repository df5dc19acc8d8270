"""JSON from untrusted text (P6, P8): bounded nesting, JSON values only, Unicode text only.

Python's decoder recurses once per level of nesting, so 100,000 `[` end in RecursionError,
which is refused as too deep; what decodes is refused when it nests deeper than MAX_DEPTH. NaN and Infinity are not JSON (and PostgreSQL refuses them).
A `\\ud800` escape decodes to a lone surrogate, which neither backend can store.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tui.core.errors import InvalidInput
from tui.core.text import check_scalar_text

MAX_DEPTH = 20
_CONTAINERS = (dict, list)  # what json.loads makes arrays and objects into, exactly
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def loads(text: str, *, what: str) -> Any:
    """The JSON value in `text`; InvalidInput naming `what` when it is not valid JSON, nests
    deeper than MAX_DEPTH, or holds a lone surrogate."""
    try:
        value = json.loads(text, parse_constant=reject_constant)
    except ValueError as exc:
        raise InvalidInput(f"{what} is not valid JSON: {exc}") from None
    except RecursionError:  # the decoder gave up far deeper than MAX_DEPTH
        raise InvalidInput(_too_deep(what)) from None
    if text.count("[") + text.count("{") > MAX_DEPTH and _deeper_than_allowed(value):
        raise InvalidInput(_too_deep(what))
    if "\\u" in text and _SURROGATE_ESCAPE.search(text):
        _check_strings(value, what)
    return value


def reject_constant(name: str) -> Any:
    """json `parse_constant` hook: NaN and Infinity are not JSON and PostgreSQL refuses them."""
    raise ValueError(f"{name} is not a JSON value")


def _deeper_than_allowed(value: Any) -> bool:
    """Arrays and objects nested more than MAX_DEPTH levels (walked level by level, without
    recursing: a batch of a thousand operations is a few thousand containers)."""
    level = [value] if type(value) in _CONTAINERS else []
    depth = 1
    while level:
        if depth > MAX_DEPTH:
            return True
        inner: list[Any] = []
        for item in level:
            inner.extend(
                child for child in (item.values() if type(item) is dict else item) if type(child) in _CONTAINERS
            )
        level = inner
        depth += 1
    return False


def _too_deep(what: str) -> str:
    return f"{what} nests arrays and objects more than {MAX_DEPTH} levels deep"


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

"""Showing untrusted text safely: control characters become visible, never reach a terminal."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from tui.core.errors import InvalidInput

# C0 and C1 controls, DEL, the bidi overrides/isolates that reorder what a terminal shows, and
# the invisible ones: zero-width spaces and joiners, direction marks, line and paragraph
# separators, the byte order mark.
_INVISIBLE = "\u200b-\u200f\u2028\u2029\ufeff"
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069{_INVISIBLE}]")
_UNSAFE_KEEP_LINES = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069{_INVISIBLE}]")
INVISIBLE = re.compile(f"[{_INVISIBLE}]")


def iso(moment: datetime | None) -> str | None:
    """ISO-8601 UTC with a Z (the CLI's and the import record's timestamp format), or None."""
    if moment is None:
        return None
    return moment.isoformat().replace("+00:00", "Z")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # U+2400 CONTROL PICTURES: ␀ ... ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"\\u{code:04x}"


def visible(text: str, *, keep_lines: bool = False) -> str:
    """`text` with every control character replaced by a visible stand-in (ESC shows as ␛).

    `keep_lines` keeps newlines and tabs, for multi-line bodies.
    """
    pattern = _UNSAFE_KEEP_LINES if keep_lines else _UNSAFE
    return pattern.sub(_picture, text)


def check_scalar_text(value: str, what: str) -> str:
    """`value`, if it is Unicode text that UTF-8 can hold; InvalidInput naming `what` if not.

    A lone surrogate (a JSON escape such as "\\ud800", or a byte that is not UTF-8 decoded with
    "surrogateescape") cannot be stored by either backend, nor written back out as UTF-8.
    """
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InvalidInput(
                f"{what} is not valid Unicode text: character {exc.start + 1} is a lone surrogate "
                f"({value[exc.start]!r}), which no text encoding can hold"
            ) from None
    return value


# json.dumps escapes C0 controls itself; with ensure_ascii=False it leaves DEL, C1 controls, bidi
# controls and invisible characters as they are, which a terminal must not receive.
_UNSAFE_IN_JSON = re.compile(f"[\x7f-\x9f\u202a-\u202e\u2066-\u2069{_INVISIBLE}]")


def safe_json(data: Any, **dumps_options: Any) -> str:
    """`json.dumps(data, ensure_ascii=False, ...)` with every character a terminal must not
    receive escaped as `\\uXXXX`: still the same JSON, safe to print or show."""
    text = json.dumps(data, ensure_ascii=False, **dumps_options)
    return _UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)

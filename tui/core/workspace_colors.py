"""A workspace's colour (W1): one of the named colours or `#rrggbb`.

Apart from `workspaces.py` so that the app can draw colours before the database layer is
imported (the first frame, issue 14): nothing here needs SQLAlchemy.
"""

from __future__ import annotations

import re

from tui.core.errors import InvalidInput

NAMED_COLORS = (
    "blue",
    "green",
    "orange",
    "purple",
    "red",
    "teal",
    "yellow",
    "pink",
    "cyan",
    "magenta",
    "gray",
)
HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def validate_color(raw: str) -> str:
    color = raw.strip().lower()
    if color in NAMED_COLORS or HEX_COLOR.fullmatch(color):
        return color
    raise InvalidInput(f"colour {raw!r} is not valid: use #rrggbb or one of {', '.join(NAMED_COLORS)}")

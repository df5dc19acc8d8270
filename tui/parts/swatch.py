"""A workspace's colour as a mark on screen: the one place colours are not theme variables."""

from __future__ import annotations

from textual.color import Color
from textual.content import Content
from textual.style import Style

from tui.core.workspace_colors import HEX_COLOR

# Mid-tone versions of the named workspace colours: readable on dark and light themes alike.
NAMED = {
    "blue": "#4C8DF6",
    "green": "#3DB56E",
    "orange": "#F08A3C",
    "purple": "#9B6BF2",
    "red": "#E5484D",
    "teal": "#2AB3A6",
    "yellow": "#E2B531",
    "pink": "#EC6CB9",
    "cyan": "#35B8D8",
    "magenta": "#C94FD6",
    "gray": "#8B93A1",
}
FALLBACK = "#8B93A1"


def swatch_color(color: str) -> Color:
    """The colour to draw for a workspace colour (a name or #rrggbb); unknown values draw grey."""
    if color in NAMED:
        return Color.parse(NAMED[color])
    return Color.parse(color if HEX_COLOR.fullmatch(color) else FALLBACK)


def swatch(color: str, glyph: str = "●") -> Content:
    """`glyph` drawn in the workspace colour."""
    return Content.styled(glyph, Style(foreground=swatch_color(color)))

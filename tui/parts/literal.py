"""Untrusted text (names, labels, error sentences quoting them) rendered literally."""

from __future__ import annotations

import os
from pathlib import Path

from textual.content import Content

from tui.core.text import visible


def literal(text: str, style: str = "") -> Content:
    """`text` as Content: never parsed as markup, control characters shown as visible stand-ins."""
    return Content.styled(visible(text), style) if style else Content(visible(text))


def count(n: int, one: str, many: str | None = None) -> str:
    """'1 person', '1,204 people'."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def database_label(description: str) -> str:
    """The opened database for a header: 'db: ~/…/switchboard.db' (the home folder as ~)."""
    home = str(Path.home())
    if description.startswith(home + os.sep):
        description = "~" + description[len(home) :]
    return f"db: {visible(description)}"


def row_detail(text: str) -> Content:
    """Secondary text in a list row: dim, not $text-muted. A muted colour is made for the list's
    background and turns unreadable on the highlight (light grey on the contrast theme's yellow);
    dim derives from the row's own foreground, so it stays readable on either."""
    return Content.styled(text, "dim")

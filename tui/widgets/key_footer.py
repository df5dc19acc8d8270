"""The Footer every screen uses."""

from __future__ import annotations

from textual.widgets import Footer


class KeyFooter(Footer):
    """Compact, with the command palette key listed among the others (not docked at the right,
    where a narrow terminal would draw it over the keys that do not fit)."""

    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)

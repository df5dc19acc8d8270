"""A list to pick one row from, with a filter Input above it: typing filters, Enter picks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.parts.literal import literal

NAME_COLUMN = 32  # at most this many cells of a name before the details


class FilterInput(Input):
    """Enter picks the highlighted row (and says so in the Footer)."""

    BINDINGS = [Binding("enter", "submit", "Pick", tooltip="Pick the highlighted row", id="wizard.open")]


@dataclass(frozen=True)
class Row:
    key: str  # what `Picked` reports
    name: str  # untrusted; typing filters on it
    details: Content  # shown after the name
    mark: Content = Content()  # noqa: RUF009 (immutable)  # shown before the name, such as a colour swatch


def prompts(rows: Sequence[Row]) -> list[Content]:
    """Each row as one line: mark, name (literal, in a column as wide as the longest, capped) and details."""
    width = min(NAME_COLUMN, max((literal(row.name).cell_length for row in rows), default=0))
    return [
        Content.assemble(row.mark, literal(row.name).truncate(width, ellipsis=True, pad=True), "  ", row.details)
        for row in rows
    ]


class PickList(Vertical):
    """Shows rows given to `show`; posts `Picked` with the key of the row chosen.

    The filter Input keeps the focus: up/down/page keys move the highlight in the list.
    """

    DEFAULT_CSS = """
    PickList {
        height: 1fr;
        & > OptionList, & > OptionList:focus { height: 1fr; border: none; padding: 0; background: transparent; }
        & > .empty { color: $text-muted; padding: 0 1; }
        & > Input { margin-bottom: 1; }
    }
    """
    BINDINGS = [
        Binding("down", "move('cursor_down')", "Down", show=False, id="wizard.nav_down"),
        Binding("up", "move('cursor_up')", "Up", show=False, id="wizard.nav_up"),
        Binding("pagedown", "move('page_down')", "Page down", show=False, id="wizard.nav_page_down"),
        Binding("pageup", "move('page_up')", "Page up", show=False, id="wizard.nav_page_up"),
    ]

    @dataclass
    class Picked(Message):
        key: str

    def __init__(self, placeholder: str) -> None:
        super().__init__()
        self.placeholder = placeholder
        self._rows: list[Row] = []
        self._empty = Content()

    def compose(self) -> ComposeResult:
        yield FilterInput(placeholder=self.placeholder, compact=True)
        yield OptionList()
        yield Static(classes="empty")

    def focus_filter(self) -> None:
        self.query_one(Input).focus()

    def show(self, rows: Sequence[Row], *, empty: Content) -> None:
        """List `rows` (filtered by what is typed); `empty` says what to do when there are none."""
        self._rows, self._empty = list(rows), empty
        self._refilter()

    @on(Input.Changed)
    def _refilter(self) -> None:
        """Show the rows whose name contains what is typed, keeping the highlighted row if it still shows."""
        options = self.query_one(OptionList)
        keep = options.highlighted_option.id if options.highlighted_option else None
        typed = self.query_one(Input).value.strip()
        shown = [row for row in self._rows if typed.casefold() in row.name.casefold()]
        options.set_options(Option(prompt, id=row.key) for row, prompt in zip(shown, prompts(shown), strict=True))
        keys = [row.key for row in shown]
        options.highlighted = keys.index(keep) if keep in keys else (0 if keys else None)
        options.display = bool(shown)
        note = self.query_one(".empty", Static)
        note.display = not shown
        if not self._rows:
            note.update(self._empty)
        elif not shown:
            note.update(Content.assemble("Nothing matches ", literal(repr(typed)), ": change or clear the filter."))

    def action_move(self, action: str) -> None:
        getattr(self.query_one(OptionList), f"action_{action}")()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        chosen = self.query_one(OptionList).highlighted_option
        if chosen is not None and chosen.id is not None:
            self.post_message(self.Picked(chosen.id))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Picked(event.option.id))

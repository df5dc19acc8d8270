"""Ticks and radio dots that read without colour.

Textual draws a toggle's inner mark (`X`, `●`) whether it is on or off and tells the two apart by
colour alone; on a monochrome terminal, to a colour-blind user, or in a screen reader's text they
look the same. These draw the mark only when it is on, so the state is in the text itself.
"""

from __future__ import annotations

from typing import Generic

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import RadioButton, RadioSet, SelectionList
from textual.widgets._selection_list import SelectionType
from textual.widgets.option_list import OptionDoesNotExist

OFF = " "


class RadioChoice(RadioButton):
    """A radio button whose dot shows only when it is the one chosen."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # a class constant in Textual
        return RadioButton.BUTTON_INNER if self.value else OFF


class RadioChoices(RadioSet):
    """A radio group whose arrow keys choose, as a radio group does in a browser: the dot goes
    where the highlight goes (in Textual's the arrows only move a highlight that Enter confirms,
    so a choice made by arrows alone was silently not made)."""

    def action_previous_button(self) -> None:
        super().action_previous_button()
        self._choose_highlighted()

    def action_next_button(self) -> None:
        super().action_next_button()
        self._choose_highlighted()

    def _choose_highlighted(self) -> None:
        if self.has_focus:  # a key; not the highlight that Textual puts on the first one on mount
            self.action_toggle_button()


class TickList(SelectionList[SelectionType], Generic[SelectionType]):
    """A selection list whose tick shows only on the ticked options."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        try:
            option = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        if option.value in self._selected:
            return strip
        segments = list(strip)
        # The button is drawn as the strip's first three segments: left side, mark, right side.
        if len(segments) > 1:
            text, style, control = segments[1]
            segments[1] = Segment(OFF * len(text), style, control)
        return Strip(segments, strip.cell_length)

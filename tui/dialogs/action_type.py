"""The first step of adding an action: which type."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.core.action_settings import ACTION_TYPES, takes
from tui.dialogs.dialog import Dialog
from tui.parts.campaign_badges import type_tag

WIDTH = max(map(len, ACTION_TYPES)) + 2


def type_row(action_type: str) -> Content:
    tag = type_tag(action_type)
    return Content.assemble(
        tag, " " * (WIDTH - len(tag) + 1), Content.styled(f"takes {takes(action_type)}", "$text-muted")
    )


class ActionTypeDialog(Dialog[str | None]):
    """Dismisses the chosen action type (`email`, `sms`, `push`, `webhook`, `delay`), or None."""

    DEFAULT_CSS = """
    ActionTypeDialog .dialog { width: 72; }
    ActionTypeDialog OptionList { margin-top: 1; height: auto; }
    """
    heading = "Add an action"

    def __init__(self, where: Content) -> None:
        super().__init__()
        self.where = where

    def compose_body(self) -> ComposeResult:
        yield Static(self.where, classes="note")
        yield OptionList(*(Option(type_row(t), id=t) for t in ACTION_TYPES), compact=True)
        yield Static("Enter picks the type; its fields come next.", classes="note")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

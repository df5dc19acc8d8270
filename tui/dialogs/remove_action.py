"""Removing a workflow action that may have sent messages: keep them in history (the default)
or delete them too."""

from __future__ import annotations

from typing import Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button, Static

from tui.dialogs.dialog import Dialog
from tui.parts.literal import literal

Choice = Literal["keep", "delete"]


class RemoveActionDialog(Dialog[Choice]):
    """Dismisses "keep" (y, Enter: remove the action, keep its sent messages), "delete" (d: the
    messages go too) or None (n, Escape: nothing changes)."""

    heading = "Remove action"
    BINDINGS = [
        Binding("y", "answer('keep')", "Remove, keep messages", id="remove_action.keep"),
        Binding("d", "answer('delete')", "Remove with messages", id="remove_action.delete"),
        Binding("n,escape", "answer(None)", "Cancel", id="remove_action.no"),
    ]

    def __init__(self, position: int, name: str) -> None:
        super().__init__()
        self.position = position
        self.action_name = name

    def compose_body(self) -> ComposeResult:
        yield Static(
            Content.assemble(
                f"Remove step {self.position}, ",
                literal(self.action_name, "bold"),
                ", from the workflow? Any messages it sent stay in people's history unless you delete "
                "them too. Billing does not change either way.",
            )
        )

    def compose_buttons(self) -> ComposeResult:
        with Horizontal(classes="buttons"):
            yield Button("Cancel", compact=True, id="no")
            yield Button("Delete messages", variant="error", compact=True, id="delete")
            yield Button("Keep messages", variant="warning", compact=True, id="keep")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#keep", Button).focus()

    def action_answer(self, choice: Choice | None) -> None:
        self.dismiss(choice)

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "no" else ("delete" if event.button.id == "delete" else "keep"))

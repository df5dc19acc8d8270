"""A yes/no question."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button, Static

from tui.dialogs.dialog import Dialog


class ConfirmDialog(Dialog[bool]):
    """Dismisses True for yes, False for no (n, Escape)."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, heading: str, question: Content, yes: str) -> None:
        super().__init__()
        self.heading = heading
        self.question = question
        self.yes = yes

    def compose_body(self) -> ComposeResult:
        yield Static(self.question)

    def compose_buttons(self) -> ComposeResult:
        with Horizontal(classes="buttons"):
            yield Button("No", compact=True, id="no")
            yield Button(self.yes, variant="warning", compact=True, id="yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

"""The dialog that changes a workspace's send mode: normal, test (to one address) or never."""

from __future__ import annotations

from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Input, Label, RadioSet, Static

from tui.core.workspaces import SEND_MODES, WorkspaceInfo, update_workspace
from tui.dialogs.dialog import WorkspaceDialog
from tui.parts.literal import literal
from tui.parts.toggle_marks import RadioChoice, RadioChoices

MEANING = {
    "normal": "normal: deliver to each person",
    "test": "test: emails go to the test address below",
    "never": "never: deliver nothing (messages are suppressed)",
}


class SendModeDialog(WorkspaceDialog[WorkspaceInfo | None]):
    """Dismisses the updated workspace, or None."""

    heading = "Send mode"
    BINDINGS = [Binding("ctrl+s", "save", "Save", tooltip="Save the send mode", id="send_mode.save")]

    def compose_body(self) -> ComposeResult:
        yield Static(Content.assemble("Workspace ", literal(self.workspace.name, "bold")))
        with RadioChoices(id="send-mode", compact=True):
            for mode in SEND_MODES:
                yield RadioChoice(MEANING[mode], value=mode == self.workspace.send_mode, id=mode)
        yield Label("Test address")
        yield Input(
            self.workspace.test_address or "", placeholder="e.g. qa@example.com", compact=True, id="test-address"
        )
        yield Static("ctrl+s saves; Enter in the address saves too.", classes="note")

    def on_mount(self) -> None:
        self._enable_address()

    @on(RadioSet.Changed)
    def _enable_address(self) -> None:
        self.query_one("#test-address", Input).disabled = self._mode() != "test"

    def _mode(self) -> str:
        pressed = self.query_one(RadioChoices).pressed_button
        return pressed.id if pressed and pressed.id else self.workspace.send_mode

    @on(Input.Submitted)
    def action_save(self) -> None:
        address = self.query_one("#test-address", Input).value
        self.save(self._mode(), address if self._mode() == "test" else None)

    def save(self, mode: str, test_address: str | None) -> None:
        update = partial(update_workspace, self.db, self.workspace.name, send_mode=mode, test_address=test_address)
        self.run_core(update, self.dismiss)

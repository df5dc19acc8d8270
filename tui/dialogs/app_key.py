"""The dialog that adds a labelled App API key to a workspace."""

from __future__ import annotations

from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Input, Label, Static

from tui.core.credentials import MAX_LABEL, Credentials, credentials
from tui.dialogs.dialog import WorkspaceDialog
from tui.parts.literal import literal


class AddAppKeyDialog(WorkspaceDialog[Credentials | None]):
    """Dismisses the credentials including the new key's secret, or None."""

    heading = "New App API key"

    def compose_body(self) -> ComposeResult:
        yield Static(Content.assemble("For workspace ", literal(self.workspace.name, "bold")))
        yield Label("Label")
        yield Input(placeholder="e.g. billing-service", max_length=MAX_LABEL, compact=True, id="label")
        yield Static("Say what will use the key; labels are unique in the workspace.", classes="note")

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        self.add(event.value)

    def add(self, label: str) -> None:
        self.run_core(partial(credentials, self.db, self.workspace.name, add_app_key=label), self.dismiss)

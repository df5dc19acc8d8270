"""The dialog that renames a workspace."""

from __future__ import annotations

from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Input, Label, Static

from tui.core.text import visible
from tui.core.workspaces import MAX_NAME, WorkspaceInfo, rename_workspace
from tui.dialogs.dialog import WorkspaceDialog
from tui.parts.literal import literal


class RenameWorkspaceDialog(WorkspaceDialog[WorkspaceInfo | None]):
    """Dismisses the renamed workspace, or None."""

    heading = "Rename workspace"

    def compose_body(self) -> ComposeResult:
        yield Static(Content.assemble("Now: ", literal(self.workspace.name, "bold")))
        yield Label("New name")
        yield Input(visible(self.workspace.name), max_length=MAX_NAME, compact=True, id="new-name")
        yield Static("Enter saves. Names are unique, ignoring case.", classes="note")

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        self.rename(event.value)

    def rename(self, new_name: str) -> None:
        self.run_core(partial(rename_workspace, self.db, self.workspace.name, new_name), self.dismiss)

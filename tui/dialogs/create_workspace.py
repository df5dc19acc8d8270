"""The dialog that creates another workspace."""

from __future__ import annotations

from textual.app import ComposeResult

from tui.core.db import Database
from tui.core.workspaces import CreatedWorkspace
from tui.dialogs.dialog import Dialog
from tui.dialogs.workspace_form import WorkspaceForm


class CreateWorkspaceDialog(Dialog[CreatedWorkspace | None]):
    """Dismisses the created workspace (with its tracking key, shown once), or None."""

    heading = "New workspace"

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db

    def compose_body(self) -> ComposeResult:
        yield WorkspaceForm(self.db)

    def on_workspace_form_created(self, event: WorkspaceForm.Created) -> None:
        self.dismiss(event.created)

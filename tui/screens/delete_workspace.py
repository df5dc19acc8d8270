"""The dialog that deletes a workspace: it says what will go, and the user types the name."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Static

from tui.core.text import visible
from tui.core.workspaces import DeletedWorkspace, delete_workspace, deletion_preview
from tui.screens.dialog import WorkspaceDialog
from tui.widgets.literal import count, literal


def contents(deleted: DeletedWorkspace) -> str:
    """'3 people, 1 campaign and 0 messages'."""
    return (
        f"{count(deleted.people, 'person', 'people')}, {count(deleted.campaigns, 'campaign')} "
        f"and {count(deleted.messages, 'message')}"
    )


class DeleteWorkspaceDialog(WorkspaceDialog[DeletedWorkspace | None]):
    """Dismisses what was deleted, or None. Nothing is deleted unless the typed name matches."""

    heading = "Delete workspace"

    def compose_body(self) -> ComposeResult:
        yield Static(Content.assemble("Delete ", literal(self.workspace.name, "bold"), " for good?"))
        yield Static("Counting what it holds…", id="what-goes")
        yield Label("Type the workspace name to confirm")
        yield Input(placeholder=visible(self.workspace.name), compact=True, id="confirm-name")

    def compose_buttons(self) -> ComposeResult:
        with Horizontal(classes="buttons"):
            yield Button("Cancel", compact=True, id="cancel")
            yield Button("Delete workspace", variant="error", compact=True, id="delete")

    def on_mount(self) -> None:
        self.query_one(".dialog").add_class("-danger")
        self.preview()
        self.query_one(Input).focus()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def preview(self) -> DeletedWorkspace:
        return deletion_preview(self.db, self.workspace.name)

    @on(Input.Submitted)
    @on(Button.Pressed, "#delete")
    def confirm(self) -> None:
        if self.query_one(Input).value.strip() != self.workspace.name:
            self.show_error("the name typed does not match the workspace's name; nothing was deleted")
            return
        self.delete()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def delete(self) -> DeletedWorkspace:
        return delete_workspace(self.db, self.workspace.name, confirmed=True)

    def core_done(self, name: str, result: Any) -> None:
        if name == "preview":
            self.query_one("#what-goes", Static).update(self._what_goes(result))
        else:
            self.dismiss(result)

    @staticmethod
    def _what_goes(preview: DeletedWorkspace) -> Content:
        return Content.assemble(
            "This removes ",
            Content.styled(contents(preview), "bold $text-error"),
            ", and its API keys stop working. Billing already recorded stays.",
        )

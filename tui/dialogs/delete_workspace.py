"""The dialog that deletes a workspace: it says what will go, and the user types the name.

A big workspace is deleted in batches (see `tui.core.workspaces.delete_workspace`) by this
dialog's thread worker: a progress bar and a line ("Deleting… 120,000 of 1,000,000 people")
follow it while the rest of the app stays responsive. Escape (or Stop) stops it after the batch
being written: what was deleted stays deleted, the workspace remains with the rest, and
deleting it again finishes the job. A failure shows in the dialog, which stays open to retry.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import partial
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Label, ProgressBar, Static
from textual.worker import get_current_worker

from tui.core.identity import name_key
from tui.core.text import visible
from tui.core.workspaces import DeletedWorkspace, delete_workspace, deletion_preview
from tui.dialogs.dialog import WorkspaceDialog
from tui.parts.core_work import CoreError, error_text
from tui.parts.literal import count, literal


def contents(deleted: DeletedWorkspace) -> str:
    """'3 people, 1 campaign and 0 messages'."""
    return (
        f"{count(deleted.people, 'person', 'people')}, {count(deleted.campaigns, 'campaign')} "
        f"and {count(deleted.messages, 'message')}"
    )


def deleting_line(done: int, total: int) -> str:
    """'Deleting… 120,000 of 1,000,000 people'."""
    return f"Deleting… {done:,} of {count(total, 'person', 'people')}"


class DeleteWorkspaceDialog(WorkspaceDialog[DeletedWorkspace | None]):
    """Dismisses what was deleted, or None. Nothing is deleted unless the typed name matches."""

    DEFAULT_CSS = """
    DeleteWorkspaceDialog .dialog {
        #deleting { display: none; height: auto; margin-top: 1; }
        &.-deleting #deleting { display: block; }
        #deleting ProgressBar Bar { width: 1fr; }
    }
    """

    heading = "Delete workspace"

    @dataclass
    class Progressed(Message):
        """Posted by the worker after each committed batch."""

        done: int
        total: int

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stop = threading.Event()
        self._total = self.workspace.people  # until the preview counts it again

    def compose_body(self) -> ComposeResult:
        yield Static(Content.assemble("Delete ", literal(self.workspace.name, "bold"), " for good?"))
        yield Static("Counting what it holds…", id="what-goes")
        yield Label("Type the workspace name to confirm")
        yield Input(placeholder=f"type {visible(self.workspace.name)} here", compact=True, id="confirm-name")
        with Vertical(id="deleting"):
            yield Static(id="delete-status")
            yield ProgressBar(total=1, show_eta=False, id="delete-progress")  # determinate: no timer while hidden

    def compose_buttons(self) -> ComposeResult:
        with Horizontal(classes="buttons"):
            yield Button("Cancel", compact=True, id="cancel")
            yield Button("Delete workspace", variant="error", compact=True, id="delete")

    def on_mount(self) -> None:
        self.query_one(".dialog").add_class("-danger")
        self.preview()
        self.query_one(Input).focus()

    @property
    def deleting(self) -> bool:
        return self.query_one(".dialog").has_class("-deleting")

    def preview(self) -> None:
        self.run_core(partial(deletion_preview, self.db, self.workspace.name), self._previewed, group="preview")

    def _previewed(self, preview: DeletedWorkspace) -> None:
        self._total = preview.people
        self.query_one("#what-goes", Static).update(self._what_goes(preview))

    @on(Input.Submitted)
    @on(Button.Pressed, "#delete")
    def confirm(self) -> None:
        if self.deleting:
            return
        if name_key(self.query_one(Input).value) != name_key(self.workspace.name):  # names ignore case
            self.show_error("the name typed does not match the workspace's name; nothing was deleted")
            return
        self._start()
        self.run_core(self._delete, self.dismiss, group="delete-workspace", refused=self._delete_refused)

    @on(Button.Pressed, "#cancel")
    def cancel_pressed(self, event: Button.Pressed) -> None:
        event.prevent_default()  # Dialog's own handler would close the dialog, even while deleting
        self.action_cancel()

    def action_cancel(self) -> None:
        """Escape or Cancel: close; while deleting, Stop: end after the batch being written
        (what was deleted stays deleted)."""
        if not self.deleting:
            self.dismiss(None)
        elif not self._stop.is_set():
            self._stop.set()
            self._status("Stopping after this batch…")

    def _delete(self) -> DeletedWorkspace:
        """In the worker thread."""
        worker = get_current_worker()
        return delete_workspace(
            self.db,
            self.workspace.name,
            confirmed=True,
            progress=self._progress,
            cancelled=lambda: self._stop.is_set() or worker.is_cancelled,
        )

    def _progress(self, done: int, total: int) -> None:
        """In the worker thread, after each committed batch: never waits for the UI."""
        self.post_message(self.Progressed(done, total))

    def on_delete_workspace_dialog_progressed(self, message: Progressed) -> None:
        message.stop()
        self.query_one(ProgressBar).update(total=max(message.total, 1), progress=message.done)
        if not self._stop.is_set():
            self._status(deleting_line(message.done, message.total))

    def _start(self) -> None:
        self._stop.clear()
        self.query_one(".dialog > .error", Static).display = False
        self.query_one(".dialog").add_class("-deleting")
        self.query_one(ProgressBar).update(total=max(self._total, 1), progress=0)
        self._status(deleting_line(0, self._total))
        self.query_one(Input).disabled = True
        self.query_one("#delete", Button).disabled = True
        stop = self.query_one("#cancel", Button)
        stop.label = "Stop"
        stop.focus()

    def _end(self) -> None:
        """Back to asking: the deletion failed or was stopped (the workspace remains)."""
        self.query_one(".dialog").remove_class("-deleting")
        self.query_one(Input).disabled = False
        self.query_one("#delete", Button).disabled = False
        self.query_one("#cancel", Button).label = "Cancel"
        self.query_one(Input).focus()

    def _status(self, text: str) -> None:
        self.query_one("#delete-status", Static).update(text)

    def _delete_refused(self, error: CoreError) -> None:
        self._end()
        self.preview()  # what is left, if it was stopped half-way
        self.show_error(error_text(error))

    @staticmethod
    def _what_goes(preview: DeletedWorkspace) -> Content:
        return Content.assemble(
            "This removes ",
            Content.styled(contents(preview), "bold $text-error"),
            ", and its API keys stop working. Billing already recorded stays.",
        )

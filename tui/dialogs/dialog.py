"""The frame every dialog shares: a centred box with a title, an error line and its own Footer."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui.parts.core_work import CoreWork
from tui.parts.key_footer import KeyFooter
from tui.parts.literal import literal

if TYPE_CHECKING:
    from tui.core.db import Database
    from tui.core.workspaces import WorkspaceInfo

ResultT = TypeVar("ResultT")


class Dialog(CoreWork, ModalScreen[ResultT]):
    """Subclasses yield their body from `compose_body` (and buttons from `compose_buttons`);
    `heading` titles the frame; Escape dismisses None.

    A dialog saves with `self.run_core(call, self.dismiss)`: success dismisses the result; a
    refusal shows in the error line and the dialog stays open so the user can correct it.
    """

    DEFAULT_CSS = """
    Dialog {
        align: center middle;
        background: $background 60%;
    }
    Dialog .dialog {
        width: 64;
        max-width: 95%;
        height: auto;
        max-height: 90%;
        padding: 1 2;
        background: $surface;
        border: round $border;
        border-title-color: $text-accent;
        border-title-style: bold;

        &.-danger { border: round $error; border-title-color: $text-error; }
        & > .error { display: none; color: $text-error; margin-top: 1; }
        & > Label { margin-top: 1; text-style: bold; }
        & > .note { color: $text-muted; }
        & > .buttons {
            height: auto;
            margin-top: 1;
            align-horizontal: right;
            Button { margin-left: 2; }
        }
    }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without changing anything", id="dialog.back")]
    heading = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as frame:
            frame.border_title = self.heading
            yield from self.compose_body()
            yield Static(classes="error")
            yield from self.compose_buttons()
        yield KeyFooter()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def compose_buttons(self) -> ComposeResult:
        """Below the error line; a Button with id `cancel` cancels."""
        yield from ()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def show_error(self, message: str) -> None:
        error = self.query_one(".dialog > .error", Static)
        error.update(literal(message))
        error.display = True

    def core_failed(self, message: str) -> None:
        self.show_error(message)


class WorkspaceDialog(Dialog[ResultT]):
    """A dialog about one workspace, changing it through core with `db`."""

    def __init__(self, db: Database, workspace: WorkspaceInfo) -> None:
        super().__init__()
        self.db = db
        self.workspace = workspace

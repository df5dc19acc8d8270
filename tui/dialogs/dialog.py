"""The frame every dialog shares: a centred box with a title, an error line and its own Footer."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, RadioSet, Static, TextArea

from tui.parts.core_work import CoreWork
from tui.parts.key_footer import KeyFooter
from tui.parts.literal import literal

if TYPE_CHECKING:
    from tui.core.db import Database
    from tui.core.workspaces import WorkspaceInfo

ResultT = TypeVar("ResultT")


class Dialog(CoreWork, ModalScreen[ResultT]):
    """Subclasses yield their body from `compose_body` (and buttons from `compose_buttons`);
    `heading` titles the frame; Escape dismisses None, after asking when something typed would be
    lost (the fields differ from what they held once the dialog was up; a dialog that fills its
    fields later calls `mark_clean` then).

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
    _clean: tuple[str, ...] | None = None

    def on_mount(self) -> None:
        self.call_after_refresh(self.mark_clean)

    def mark_clean(self) -> None:
        """What the fields hold now is what Escape may throw away without asking."""
        self._clean = self._typed()

    def _typed(self) -> tuple[str, ...]:
        """What the fields and choices hold. A `lookup` field (a filter, the person to preview for) is a way to
        look, not something typed to keep."""
        fields = [field.value for field in self.query(Input) if not field.has_class("lookup")]
        choices = [str(radios.pressed_index) for radios in self.query(RadioSet)]
        return tuple(fields) + tuple(area.text for area in self.query(TextArea)) + tuple(choices)

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
        if self._clean is None or self._typed() == self._clean:
            self.dismiss(None)
            return
        from tui.dialogs.confirm import ConfirmDialog  # a confirmation is a Dialog itself

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        question = Content("What you changed here is not saved. Throw it away?")
        self.app.push_screen(ConfirmDialog("Discard changes", question, "Discard"), answered)

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

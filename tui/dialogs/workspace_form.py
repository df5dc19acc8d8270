"""The form that creates a workspace: a name, and how people are identified (fixed for good)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, RadioSet, Static

from tui.core.db import Database
from tui.core.workspaces import MAX_NAME, CreatedWorkspace, create_workspace
from tui.parts.core_work import CoreWork
from tui.parts.literal import literal
from tui.parts.toggle_marks import RadioChoice, RadioChoices

WHICH = (
    "Choose id when your systems give each person a stable id (emails may change); "
    "choose email when an address is all you have."
)
WARNING = "⚠ This cannot be changed later: people are stored by it."


class WorkspaceForm(CoreWork, Vertical):
    """Creates the workspace in a worker and posts `Created`; a refusal shows under the form."""

    DEFAULT_CSS = """
    WorkspaceForm {
        height: auto;
        & > Label { margin-top: 1; text-style: bold; }
        & > Label:first-of-type { margin-top: 0; }
        RadioSet { layout: horizontal; width: 100%; }
        RadioSet > RadioButton { width: auto; margin-right: 4; }
        .which { color: $text-muted; }
        .warning { color: $text-warning; }
        .error { color: $text-error; display: none; margin-top: 1; }
        Button { margin-top: 1; }
    }
    """

    @dataclass
    class Created(Message):
        created: CreatedWorkspace

    def __init__(self, db: Database, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.db = db

    def compose(self) -> ComposeResult:
        yield Label("Name")
        yield Input(placeholder="e.g. Acme production", max_length=MAX_NAME, compact=True, id="workspace-name")
        yield Label("Identify people by")
        with RadioChoices(compact=True, id="identify-by"):
            yield RadioChoice("id", id="by-id")
            yield RadioChoice("email", id="by-email")
        yield Static(WHICH, classes="which")
        yield Static(WARNING, classes="warning")
        yield Static(classes="error")
        yield Button("Create workspace", variant="primary", compact=True, id="create")

    def show_error(self, message: str) -> None:
        error = self.query_one(".error", Static)
        error.update(literal(message))
        error.display = True

    @on(RadioSet.Changed)
    def _chosen(self) -> None:
        """The kind is chosen: the error asking for it goes (issue 10: it stayed)."""
        self.query_one(".error", Static).display = False

    @on(Input.Submitted, "#workspace-name")
    @on(Button.Pressed, "#create")
    def submit(self) -> None:
        """Check that a kind is chosen, then create the workspace off the UI thread."""
        pressed = self.query_one(RadioChoices).pressed_button
        if pressed is None:
            self.show_error("choose how to identify people: by id or by email")
            return
        name = self.query_one("#workspace-name", Input).value
        self.create(name, "id" if pressed.id == "by-id" else "email")

    def create(self, name: str, identify_by: str) -> None:
        self.run_core(partial(create_workspace, self.db, name, identify_by), self._created)

    def _created(self, created: CreatedWorkspace) -> None:
        self.post_message(self.Created(created))

    def core_failed(self, message: str) -> None:
        self.show_error(message)

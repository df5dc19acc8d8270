"""First run: what a workspace is, and the form that creates the first one."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, Static

from tui.core.db import Database
from tui.core.workspaces import CreatedWorkspace
from tui.dialogs.workspace_form import WorkspaceForm
from tui.parts.key_footer import KeyFooter
from tui.parts.literal import database_label

ABOUT = (
    "A workspace holds one set of people, campaigns, messages and API keys, kept apart from "
    "every other workspace. Most teams make one per product, brand or environment, such as "
    "production and staging."
)


class WelcomeScreen(Screen[CreatedWorkspace | None]):
    """Shown while the database has no workspace; dismisses the workspace it creates
    (None when one was created elsewhere meanwhile)."""

    heading = "Welcome"
    DEFAULT_CSS = """
    WelcomeScreen {
        align: center middle;
        #welcome {
            width: 72;
            max-width: 100%;
            height: auto;
            max-height: 100%;
            padding: 1 2;
            background: $surface;
            border: round $border;
            overflow-y: auto;
        }
        .title { text-style: bold; color: $text-primary; }
        .about { margin: 1 0; }
    }
    """

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db

    def compose(self) -> ComposeResult:
        yield Header(icon="☎")
        with Vertical(id="welcome"):
            yield Static("Welcome to Switchboard", classes="title")
            yield Static(ABOUT, classes="about")
            yield WorkspaceForm(self.db)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = database_label(self.db.description)
        self.title = "Create your first workspace"

    def on_workspace_form_created(self, event: WorkspaceForm.Created) -> None:
        self.dismiss(event.created)

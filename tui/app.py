"""The Textual app. (Placeholder window until the app issue: it says which database it opened.)"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.content import Content
from textual.widgets import Footer, Header, Static

from tui.core.db import Database


class SwitchboardApp(App[None]):
    TITLE = "Switchboard"
    BINDINGS = [("ctrl+q", "quit", "Quit"), ("q", "quit", "Quit")]

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Content(f"Database: {self.db.description}"), id="database")
        yield Footer()


def run_app(db: Database) -> None:
    SwitchboardApp(db).run()

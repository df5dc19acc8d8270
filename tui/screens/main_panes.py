"""What the main screen adds once its database is open: the database itself, the first list of
workspaces, and the tabs' panes.

Imported by the worker that opens the database, after the first frame: this module is where
SQLAlchemy, the core and the panes' widgets (DataTable and the rest) load, off the UI thread, so
that the main screen is drawn before any of them (issue 14).
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.db import Database, open_database
from tui.core.workspaces import WorkspaceInfo, list_workspaces
from tui.widgets.activity_pane import ActivityPane
from tui.widgets.campaigns_pane import CampaignsPane
from tui.widgets.messages_pane import MessagesPane
from tui.widgets.pane import WorkspacePane
from tui.widgets.people_pane import PeoplePane

# What the app is given: a database already open (tests, the demo), or a target for
# `open_database` (a path or URL; None: $SWITCHBOARD_DB or the default file).
DatabaseSource = Database | str | None


@dataclass(frozen=True)
class Opened:
    db: Database
    workspaces: tuple[WorkspaceInfo, ...]


def open_main(source: DatabaseSource) -> Opened:
    """Open the database (in a worker thread) and read its workspaces."""
    db = source if isinstance(source, Database) else open_database(source)
    return Opened(db, tuple(list_workspaces(db)))


def tab_panes(db: Database) -> dict[str, WorkspacePane]:
    """Each tab's pane, by the id of its tab."""
    return {
        "people": PeoplePane(db, id="people-pane"),
        "campaigns": CampaignsPane(db, id="campaigns-pane"),
        "activity": ActivityPane(db, id="activity-pane"),
        "messages": MessagesPane(db, id="messages-pane"),
    }

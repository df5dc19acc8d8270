"""What the main area's tabs have in common: they show one workspace, set by the main screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import Vertical
from textual.reactive import reactive
from textual.widget import Widget

if TYPE_CHECKING:
    from tui.core.db import Database
    from tui.core.workspaces import WorkspaceInfo


class WorkspacePane(Vertical, can_focus=True):
    """A tab's body. The main screen sets `workspace` (None when there is none) whenever the
    current workspace changes or is reloaded; `db` is the opened database, to be queried only
    from thread workers."""

    DEFAULT_CSS = """
    WorkspacePane {
        padding: 1 2;
        &:focus { background-tint: $foreground 4%; }
    }
    """

    workspace: reactive[WorkspaceInfo | None] = reactive(None)

    def __init__(self, db: Database, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.db = db

    def key_target(self) -> Widget:
        """The widget that takes the keys when the pane is shown: the pane itself, unless a list
        in it should. The main screen focuses it at once, so a key typed right after the one that
        showed the pane goes where the user sees the focus."""
        return self

    def on_focus(self) -> None:
        target = self.key_target()
        if target is not self:
            target.focus()

"""The People tab of the main screen."""

from __future__ import annotations

from textual.app import ComposeResult

from tui.widgets.pane import WorkspacePane
from tui.widgets.placeholder import PanePlaceholder


class PeoplePane(WorkspacePane):
    """The current workspace's people.

    TODO(people-core): replace the placeholder with the people table once tui.core.people lands:
    keyset pages as you scroll, `/` filters by identifier prefix, Enter opens a person, adding
    with inline validation, CSV/JSONL import with progress. Keep the interface of WorkspacePane.
    """

    def compose(self) -> ComposeResult:
        yield PanePlaceholder("people", "people list")

    def watch_workspace(self) -> None:
        ws = self.workspace
        figures = f"{ws.people:,} people, identified by {ws.identify_by}" if ws else ""
        self.query_one(PanePlaceholder).show(ws, figures)

"""Step 1: the workspace to import from (the others first), with people and campaign counts."""

from __future__ import annotations

from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from tui.core.action_import import source_workspaces
from tui.core.db import Database
from tui.core.identity import name_key
from tui.core.workspaces import WorkspaceInfo
from tui.dialogs.import_wizard.pick_list import PickList, Row
from tui.dialogs.import_wizard.step import WizardStep
from tui.parts.literal import count
from tui.parts.swatch import swatch


def workspace_row(workspace: WorkspaceInfo, *, own: bool) -> Row:
    """Kind, people and campaign counts; the target's own workspace says so."""
    people, campaigns = count(workspace.people, "person", "people"), count(workspace.campaigns, "campaign")
    details = Content.styled(f"{workspace.identify_by} · {people} · {campaigns}", "$foreground-muted")
    if own:
        details = Content.assemble(details, Content.styled("  this workspace", "italic $text-secondary"))
    return Row(str(workspace.id), workspace.name, details, mark=Content.assemble(swatch(workspace.color), " "))


class SourceStep(WizardStep):
    """Picks a WorkspaceInfo."""

    title = "Source workspace"

    def __init__(self, db: Database, target: str, *, id: str) -> None:
        super().__init__(db, id=id)
        self.target = target
        self._workspaces: dict[str, WorkspaceInfo] = {}

    def compose(self) -> ComposeResult:
        yield Static("Import from which workspace?", classes="prompt")
        yield PickList("Type to filter workspaces")

    def focus_main(self) -> None:
        self.query_one(PickList).focus_filter()

    def enter(self) -> None:
        """Load the workspaces."""
        self.loading = True
        self.load()

    def load(self) -> None:
        self.run_core(partial(source_workspaces, self.db, self.target), self._loaded)

    def _loaded(self, workspaces: list[WorkspaceInfo]) -> None:
        own = name_key(self.target)
        self._workspaces = {str(ws.id): ws for ws in workspaces}
        rows = [workspace_row(ws, own=name_key(ws.name) == own) for ws in workspaces]
        self.loading = False
        self.query_one(PickList).show(rows, empty=Content("There are no workspaces: create one first."))

    @on(PickList.Picked)
    def _picked(self, event: PickList.Picked) -> None:
        event.stop()
        self.pick(self._workspaces[event.key])

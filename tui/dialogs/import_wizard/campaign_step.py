"""Step 2: one campaign of the source workspace, with its state and action count."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from tui.core.campaigns import CampaignSummary, list_campaigns
from tui.core.db import Database
from tui.core.states import CampaignState
from tui.core.workspaces import WorkspaceInfo
from tui.dialogs.import_wizard.pick_list import PickList, Row
from tui.dialogs.import_wizard.step import WizardStep
from tui.parts.literal import count, literal

STATE_STYLE = {
    CampaignState.RUNNING: "$text-success",
    CampaignState.STOPPED: "$text-warning",
    CampaignState.ARCHIVED: "$foreground-muted italic",
}


def campaign_rows(campaigns: Sequence[CampaignSummary]) -> list[Row]:
    """State (coloured, padded to a column) and action count."""
    return [
        Row(
            str(c.id),
            c.name,
            Content.assemble(
                Content.styled(f"{c.state:<9}", STATE_STYLE.get(c.state, "$foreground")),
                Content.styled(count(c.actions, "action"), "$foreground-muted"),
            ),
        )
        for c in campaigns
    ]


class CampaignStep(WizardStep):
    """Picks a CampaignSummary of the workspace given to `enter`."""

    title = "Source campaign"

    def __init__(self, db: Database, *, id: str) -> None:
        super().__init__(db, id=id)
        self._workspace = ""
        self._campaigns: dict[str, CampaignSummary] = {}

    def compose(self) -> ComposeResult:
        yield Static(classes="prompt")
        yield PickList("Type to filter campaigns")

    def focus_main(self) -> None:
        self.query_one(PickList).focus_filter()

    def enter(self, workspace: WorkspaceInfo) -> None:
        """Load the campaigns of `workspace`."""
        self._workspace = workspace.name
        self.query_one(".prompt", Static).update(
            Content.assemble("Which campaign of ", literal(workspace.name, "bold"), "?")
        )
        self.loading = True
        self.load(workspace.name)

    def load(self, workspace: str) -> None:
        self.run_core(partial(list_campaigns, self.db, workspace), self._loaded)

    def _loaded(self, campaigns: list[CampaignSummary]) -> None:
        self._campaigns = {str(c.id): c for c in campaigns}
        self.loading = False
        empty = Content.assemble(
            "Workspace ", literal(self._workspace, "bold"), " has no campaigns: press Escape to pick another workspace."
        )
        self.query_one(PickList).show(campaign_rows(campaigns), empty=empty)

    @on(PickList.Picked)
    def _picked(self, event: PickList.Picked) -> None:
        event.stop()
        self.pick(self._campaigns[event.key])

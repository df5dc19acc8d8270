"""The Campaigns tab of the main screen."""

from __future__ import annotations

from textual.app import ComposeResult

from tui.widgets.pane import WorkspacePane
from tui.widgets.placeholder import PanePlaceholder


class CampaignsPane(WorkspacePane):
    """The current workspace's campaigns.

    TODO(campaigns-core): replace the placeholder with the campaign list and workflow view once
    tui.core.campaigns and tui.core.actions land: state and action count per campaign, the
    workflow as boxes and arrows, add/edit/move/remove actions, start/stop/archive/duplicate,
    send now, the import-actions wizard. Keep the interface of WorkspacePane.
    """

    def compose(self) -> ComposeResult:
        yield PanePlaceholder("campaigns", "campaigns list")

    def watch_workspace(self) -> None:
        ws = self.workspace
        figures = f"{ws.campaigns:,} campaigns, {ws.messages_sent:,} messages sent" if ws else ""
        self.query_one(PanePlaceholder).show(ws, figures)

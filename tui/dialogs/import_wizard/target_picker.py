"""Asks which campaign of a workspace receives imported actions (the palette knows none)."""

from __future__ import annotations

from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from tui.core.campaigns import CampaignSummary, list_campaigns
from tui.core.db import Database
from tui.dialogs.dialog import Dialog
from tui.dialogs.import_wizard.campaign_step import campaign_rows
from tui.dialogs.import_wizard.pick_list import PickList
from tui.parts.literal import literal


class TargetCampaignDialog(Dialog[str | None]):
    """Dismisses the name of the campaign picked, or None."""

    heading = "Import actions"
    DEFAULT_CSS = """
    TargetCampaignDialog .dialog { width: 72; }
    TargetCampaignDialog .prompt { margin-bottom: 1; }
    TargetCampaignDialog PickList { height: auto; }
    TargetCampaignDialog PickList > OptionList { height: auto; max-height: 14; }
    """

    def __init__(self, db: Database, workspace: str) -> None:
        super().__init__()
        self.db = db
        self.workspace = workspace
        self._campaigns: dict[str, CampaignSummary] = {}

    def compose_body(self) -> ComposeResult:
        yield Static(
            Content.assemble("Into which campaign of ", literal(self.workspace, "bold"), "?"), classes="prompt"
        )
        yield PickList("Type to filter campaigns")

    def on_mount(self) -> None:
        self.query_one(PickList).focus_filter()
        self.query_one(PickList).loading = True
        self.load()

    def load(self) -> None:
        self.run_core(partial(list_campaigns, self.db, self.workspace), self._loaded)

    def _loaded(self, campaigns: list[CampaignSummary]) -> None:
        self._campaigns = {str(c.id): c for c in campaigns}
        pick_list = self.query_one(PickList)
        pick_list.loading = False
        empty = Content.assemble(
            "Workspace ", literal(self.workspace, "bold"), " has no campaigns yet: create one in the Campaigns tab."
        )
        pick_list.show(campaign_rows(campaigns), empty=empty)

    def core_failed(self, message: str) -> None:
        self.query_one(PickList).loading = False
        super().core_failed(message)

    @on(PickList.Picked)
    def _picked(self, event: PickList.Picked) -> None:
        event.stop()
        self.dismiss(self._campaigns[event.key].name)

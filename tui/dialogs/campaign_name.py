"""The dialog that names a new campaign or renames one."""

from __future__ import annotations

from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Input, Label, Static

from tui.core.campaigns import MAX_NAME, CampaignInfo, CampaignSummary, create_campaign, rename_campaign
from tui.core.db import Database
from tui.core.text import visible
from tui.dialogs.campaign_stale import Stale, stale_or_refused
from tui.dialogs.dialog import Dialog
from tui.parts.literal import literal


class CampaignNameDialog(Dialog[CampaignInfo | Stale | None]):
    """Creates a campaign in `workspace` (or renames `campaign`); dismisses it, Stale or None."""

    def __init__(self, db: Database, workspace: str, campaign: CampaignSummary | CampaignInfo | None = None) -> None:
        super().__init__()
        self.db = db
        self.workspace = workspace
        self.campaign = campaign
        self.heading = "New campaign" if campaign is None else "Rename campaign"

    def compose_body(self) -> ComposeResult:
        if self.campaign is None:
            yield Static(Content.assemble("In workspace ", literal(self.workspace, "bold"), "."))
        else:
            yield Static(Content.assemble("Now: ", literal(self.campaign.name, "bold")))
        yield Label("Name")
        value = visible(self.campaign.name) if self.campaign else ""
        yield Input(value, placeholder="e.g. Welcome series", max_length=MAX_NAME, compact=True, id="campaign-name")
        note = "It starts as a draft with no actions." if self.campaign is None else ""
        yield Static(f"Enter saves. Names are unique in a workspace, ignoring case. {note}", classes="note")

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        self.save(event.value)

    def save(self, name: str) -> None:
        campaign = self.campaign
        if campaign is None:
            self.run_core(partial(create_campaign, self.db, self.workspace, name), self.dismiss)
            return
        rename = partial(
            rename_campaign, self.db, self.workspace, campaign.name, name, expected_version=campaign.version
        )
        self.run_core(rename, self.dismiss, refused=partial(stale_or_refused, self))

"""What the Campaigns pane reads on each reload, in one worker: the list and the open campaign.

A refusal comes back as its sentence rather than as a failed worker: reloads every few seconds
are routine, and a campaign or workspace renamed elsewhere is found again on the next one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError

from tui.core.campaigns import CampaignInfo, CampaignSummary, get_campaign, list_campaigns
from tui.core.db import Database
from tui.core.errors import SwitchboardError
from tui.parts.core_work import error_text

T = TypeVar("T")


@dataclass(frozen=True)
class Loaded:
    workspace: str  # the workspace asked for
    campaigns: list[CampaignSummary] | str  # or why they could not be listed
    name: str | None  # the open campaign asked for (None: the list showed)
    campaign: CampaignInfo | str | None  # it, or why it could not be read
    after_write: bool  # asked for once a change was made: what shows is now up to date


def or_refusal(call: Callable[[], T]) -> T | str:
    """`call()`, or the sentence saying why core or the database refused it."""
    try:
        return call()
    except (SwitchboardError, SQLAlchemyError) as exc:
        return error_text(exc)


def read_campaigns(db: Database, workspace: str, name: str | None, *, after_write: bool) -> Loaded:
    """The workspace's campaigns and, when `name` is given, that campaign with its actions."""
    campaigns = or_refusal(lambda: list_campaigns(db, workspace))
    campaign = or_refusal(lambda: get_campaign(db, workspace, name)) if name is not None else None
    return Loaded(workspace, campaigns, name, campaign, after_write)

"""Snapshots of the import-action wizard (each step, a refusal) and the billing screen.

Look at them as pictures before accepting (README, "Snapshots"): open the SVGs in tests/__snapshots__,
or the side-by-side report (snapshot_report.html) that a failing run writes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from app_factory import make_app, palette, settle, steady_db_label, type_into  # noqa: F401 (fixture)
from textual.pilot import Pilot
from wizard_helpers import db_of, demo, open_wizard, pick, to_actions, to_place

from tui.core.campaigns import change_state
from tui.core.db import Database
from tui.core.workspaces import delete_workspace

pytestmark = pytest.mark.usefixtures("steady_db_label")

SIZES = pytest.mark.parametrize("size", [(80, 24), (200, 50)], ids=["80x24", "200x50"])
Run = Callable[[Pilot], Awaitable[None]]


def wizard(then: Run, workspace: str, campaign: str) -> Run:
    """Open the wizard into `campaign`, then `then`."""

    async def run(pilot: Pilot) -> None:
        await open_wizard(pilot, workspace, campaign)
        await then(pilot)
        await settle(pilot)

    return run


async def nothing(pilot: Pilot) -> None:
    """Stay where the wizard opens."""


async def filtered_campaigns(pilot: Pilot) -> None:
    await pick(pilot, "Mobile")
    await type_into(pilot, "#campaign PickList Input", "re")


async def review_preview(pilot: Pilot) -> None:
    await to_actions(pilot, "Acme US", "Onboarding")
    await pilot.press("space", "down", "down", "space", "up", "up")


async def confirm(pilot: Pilot) -> None:
    await to_place(pilot, "space", "down", "down", "space")
    await pilot.press("up", "up")


async def refused(pilot: Pilot) -> None:
    await to_place(pilot)
    change_state(db_of(pilot), "Acme US", "Onboarding", "archive")
    await pilot.press("enter")


STATES = {  # name -> (what to do in the wizard, target workspace, target campaign)
    "step_1_source_workspace": (nothing, "Acme US", "Onboarding"),
    "step_2_campaigns_filtered": (filtered_campaigns, "Acme US", "Onboarding"),
    "step_3_actions_with_review_preview": (review_preview, "Acme EU", "Welcome series"),
    "step_4_confirm_sentence": (confirm, "Acme US", "Onboarding"),
    "refusal_archived_target": (refused, "Acme US", "Onboarding"),
}


@SIZES
@pytest.mark.parametrize("state", STATES)
def test_wizard(snap_compare, db: Database, size: tuple[int, int], state: str) -> None:
    then, workspace, campaign = STATES[state]
    assert snap_compare(make_app(demo(db)), terminal_size=size, run_before=wizard(then, workspace, campaign))


@SIZES
def test_target_campaign_picker(snap_compare, db: Database, size: tuple[int, int]) -> None:
    async def run(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("down", "enter")
        await palette(pilot, "Import actions")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_app(demo(db)), terminal_size=size, run_before=run)


@SIZES
def test_billing_screen_with_a_deleted_workspace(snap_compare, db: Database, size: tuple[int, int]) -> None:
    async def run(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)

    demo(db)
    delete_workspace(db, "Newsletter", confirmed=True)
    assert snap_compare(make_app(db), terminal_size=size, run_before=run)

"""Snapshots of the Campaigns pane, the workflow view and their dialogs, at 80x24 and 200x50.

Look at them as pictures before accepting (README, "Snapshots"): open the SVGs in tests/__snapshots__,
or the side-by-side report (snapshot_report.html) that a failing run writes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from app_factory import make_app, seed, settle, steady_db_label, type_into  # noqa: F401 (fixture)
from campaign_helpers import WELCOME, WS, seed_campaigns, seed_import_needing_review, seed_people
from textual.pilot import Pilot

from tui.core.campaigns import change_state
from tui.core.db import Database
from tui.core.sending import send_campaign

pytestmark = pytest.mark.usefixtures("steady_db_label")

SIZES = {"small": (80, 24), "wide": (200, 50)}
# The list is in name order: [bold red]x[/], Old promo, Spring sale, Welcome series, Win-back.
OPEN_WELCOME = ("c", "down", "down", "down", "enter")
OPEN_OLD_PROMO = ("c", "down", "enter")


def keys(*pressed: str, then: Callable[[Pilot], Awaitable[None]] | None = None) -> Callable[[Pilot], Awaitable[None]]:
    """Wait for the data, press keys (waiting after each), run `then`, and clear the toasts
    (they expire on a timer, which would make the pictures depend on the machine's speed)."""

    async def run(pilot: Pilot) -> None:
        await settle(pilot)
        for key in pressed:
            await pilot.press(key)
            await settle(pilot)
        if then is not None:
            await then(pilot)
            await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    return run


@pytest.fixture
def campaigns(db: Database) -> Database:
    seed_campaigns(db)
    seed_import_needing_review(db)
    return db


def test_campaigns_empty(snap_compare, db: Database) -> None:
    seed(db)
    assert snap_compare(make_app(db), terminal_size=SIZES["small"], run_before=keys("c"))


@pytest.mark.parametrize("size", SIZES)
def test_campaign_list(snap_compare, campaigns: Database, size: str) -> None:
    assert snap_compare(make_app(campaigns), terminal_size=SIZES[size], run_before=keys("c"))


def test_campaign_list_filtered_and_sorted_by_state(snap_compare, campaigns: Database) -> None:
    assert snap_compare(
        make_app(campaigns), terminal_size=SIZES["small"], run_before=keys("c", "o", "o", "slash", "s", "enter")
    )


@pytest.mark.parametrize("size", SIZES)
def test_removing_an_action_that_sent_messages_asks_whether_to_keep_them(
    snap_compare, campaigns: Database, size: str
) -> None:
    seed_people(campaigns)
    change_state(campaigns, WS, WELCOME, "start")
    send_campaign(campaigns, WS, WELCOME)
    assert snap_compare(make_app(campaigns), terminal_size=SIZES[size], run_before=keys(*OPEN_WELCOME, "d"))


@pytest.mark.parametrize("size", SIZES)
def test_workflow(snap_compare, campaigns: Database, size: str) -> None:
    assert snap_compare(make_app(campaigns), terminal_size=SIZES[size], run_before=keys(*OPEN_WELCOME))


def test_workflow_imported_action_needing_review(snap_compare, campaigns: Database) -> None:
    """The last steps: delays added up to +1d 2h, and the import from Acme US marked for review."""
    run = keys(*OPEN_WELCOME, *["down"] * 5)
    assert snap_compare(make_app(campaigns), terminal_size=SIZES["small"], run_before=run)


def test_workflow_in_daybreak(snap_compare, campaigns: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWITCHBOARD_THEME", "daybreak")
    assert snap_compare(make_app(campaigns), terminal_size=SIZES["small"], run_before=keys(*OPEN_WELCOME, "down"))


def test_archived_campaign_is_read_only(snap_compare, campaigns: Database) -> None:
    assert snap_compare(make_app(campaigns), terminal_size=SIZES["small"], run_before=keys(*OPEN_OLD_PROMO))


def test_action_type_picker(snap_compare, campaigns: Database) -> None:
    assert snap_compare(make_app(campaigns), terminal_size=SIZES["small"], run_before=keys(*OPEN_WELCOME, "n"))


@pytest.mark.parametrize("size", SIZES)
def test_add_action_with_a_liquid_error(snap_compare, campaigns: Database, size: str) -> None:
    async def fill(pilot: Pilot) -> None:
        await type_into(pilot, "#action-name", "Follow-up")
        await type_into(pilot, "#setting-subject", "Still there, {{ customer.first_name }")
        await pilot.press("ctrl+s")

    run = keys(*OPEN_WELCOME, "n", "enter", then=fill)
    assert snap_compare(make_app(campaigns), terminal_size=SIZES[size], run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_send_result(snap_compare, campaigns: Database, size: str) -> None:
    seed_people(campaigns)
    change_state(campaigns, WS, WELCOME, "start")
    run = keys(*OPEN_WELCOME, "S", "y")
    assert snap_compare(make_app(campaigns), terminal_size=SIZES[size], run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_send_now_asks_first(snap_compare, campaigns: Database, size: str) -> None:
    seed_people(campaigns)
    change_state(campaigns, WS, WELCOME, "start")
    run = keys(*OPEN_WELCOME, "S")
    assert snap_compare(make_app(campaigns), terminal_size=SIZES[size], run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_preview(snap_compare, campaigns: Database, size: str) -> None:
    seed_people(campaigns)
    run = keys(*OPEN_WELCOME, "v")
    assert snap_compare(make_app(campaigns), terminal_size=SIZES[size], run_before=run)

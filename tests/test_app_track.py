"""Pilot: what the Track API stored shows in the app (T7): a person's subscription, devices and
activity, paged as the cursor moves down."""

from __future__ import annotations

from app_factory import pilot_test, press, running, seed, type_into, until
from people_helpers import people_tab
from textual.widgets import DataTable, Static

from tui.core import people, track, workspaces
from tui.core.db import Database
from tui.core.track import Operation
from tui.core.track_identifiers import Ref
from tui.screens.person import PersonScreen
from tui.widgets.activity_pane import ActivityPane
from tui.widgets.person_activity import PAGE


def call(db: Database, action: str, who: str | None, body: dict[str, object] | None = None) -> None:
    """One Track API operation on Acme EU, as the server would apply it."""
    ws = next(w for w in workspaces.list_workspaces(db) if w.name == "Acme EU")
    [outcome] = track.apply(db, ws.id, [Operation(action, Ref("path", who) if who else None, body or {})])
    assert not outcome.rejected, outcome.detail


@pilot_test
async def test_T7_the_person_screen_shows_subscription_devices_and_activity_paged(db: Database) -> None:
    seed(db)
    for n in range(PAGE + 20):
        call(db, "event", "ann@example.com", {"name": f"view {n}", "data": {"n": n}})
    call(db, "add_device", "ann@example.com", {"device": {"id": "tok-1", "platform": "ios"}})
    call(db, "identify", "ann@example.com", {"unsubscribed": True})
    async with people_tab(db) as (app, pilot):
        await press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, PersonScreen)
        card = str(screen.query_one("#person-card", Static).content)
        assert "unsubscribed" in card and "tok-1" in card
        activity = screen.query_one("#activity-table", DataTable)
        assert activity.row_count == PAGE
        assert str(activity.get_row_at(0)[2]) == f"view {PAGE + 19}"  # newest first
        activity.focus()
        activity.move_cursor(row=PAGE - 1)
        await until(pilot, lambda: activity.row_count == PAGE + 20, "the next page of activity")
        assert str(screen.query_one("#activity-title", Static).content) == f"Activity ({PAGE + 20:,}, newest first)"


@pilot_test
async def test_T7_the_activity_tab_is_live_filtered_by_kind_and_person(db: Database) -> None:
    seed(db)
    call(db, "identify", "ann@example.com")
    call(db, "event", "bob@example.com", {"name": "signup"})
    async with running(db) as pilot:
        await press(pilot, "t")
        pane = pilot.app.screen.query_one(ActivityPane)
        listing = pane.query_one("#activity-list", DataTable)
        assert [str(listing.get_row_at(n)[1]) for n in range(listing.row_count)] == ["event", "identify"]
        call(db, "identify", "cy@example.com")  # elsewhere, meanwhile
        await press(pilot, "ctrl+r")
        assert str(listing.get_row_at(0)[2]) == "created cy@example.com"
        await press(pilot, "p")
        call(db, "identify", "dee@example.com")  # meanwhile, with the tab hidden
        await press(pilot, "ctrl+r", "t")  # shown again, it catches up
        assert str(listing.get_row_at(0)[2]) == "created dee@example.com"
        await press(pilot, "f")  # identify only
        assert {str(listing.get_row_at(n)[1]) for n in range(listing.row_count)} == {"identify"}
        await press(pilot, "escape", "slash")
        bob = people.get_person(db, "Acme EU", "bob@example.com").reference
        await type_into(pilot, "#activity-filter-input", bob)
        await press(pilot, "enter")
        assert [str(listing.get_row_at(n)[2]) for n in range(listing.row_count)] == ["event 'signup'"]
        assert bob in str(pane.query_one("#activity-heading", Static).content)


@pilot_test
async def test_T7_an_empty_activity_tab_says_how_to_feed_it(db: Database) -> None:
    seed(db)
    async with running(db) as pilot:
        await press(pilot, "t")
        empty = pilot.app.screen.query_one("#activity-empty", Static)
        assert empty.display and "switchboard serve api" in str(empty.content)

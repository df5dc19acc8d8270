"""Keys typed faster than the screen redraws are not lost (issue 10, bug 2 and its kin): a key
that shows a pane or the sidebar moves the focus at once, so the key typed right after it goes
there, as the user sees it, and never to the pane they left."""

from __future__ import annotations

from app_factory import pilot_test, press, running, seed, settle
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from tui.core.campaigns import create_campaign
from tui.core.db import Database
from tui.core.people import add_person
from tui.screens.main import MainScreen
from tui.screens.person import PersonScreen


async def type_ahead(pilot: Pilot, *keys: str) -> None:
    """Queue every key before the app handles any, as a fast typist or a pasted burst over SSH does."""
    for key in keys:
        pilot.app.post_message(events.Key(key, key if len(key) == 1 else None))
    await settle(pilot)


@pilot_test
async def test_enter_right_after_p_opens_the_highlighted_person(db: Database) -> None:
    seed(db)
    add_person(db, "Acme EU", email="ann@example.com")
    async with running(db) as pilot:
        await type_ahead(pilot, "w", "p", "enter")
        assert isinstance(pilot.app.screen, PersonScreen)


@pilot_test
async def test_down_and_enter_right_after_w_switch_the_workspace(db: Database) -> None:
    seed(db)
    async with running(db) as pilot:
        screen = pilot.app.screen
        assert isinstance(screen, MainScreen)
        first = screen.current
        await type_ahead(pilot, "p", "w", "down", "enter")
        assert screen.current is not None and first is not None
        assert screen.current.name == screen.workspaces[1].name != first.name


@pilot_test
async def test_what_is_typed_right_after_slash_goes_into_the_people_filter(db: Database) -> None:
    seed(db)
    add_person(db, "Acme EU", email="ann@example.com")
    async with running(db) as pilot:
        await type_ahead(pilot, "w", "p", "slash", "n", "/", "a")  # `n` would add a person, were it a key
        field = pilot.app.screen.query_one("#people-filter-input", Input)
        assert isinstance(pilot.app.screen, MainScreen), "no dialog opened: the letters were typed"
        assert (field.value, pilot.app.focused) == ("n/a", field)
        await type_ahead(pilot, "p", "c", "t", "w")  # the tabs' keys, typed in a field, are letters
        assert (field.value, pilot.app.focused) == ("n/apctw", field)


@pilot_test
async def test_what_is_typed_right_after_slash_goes_into_the_campaigns_filter(db: Database) -> None:
    seed(db)
    create_campaign(db, "Acme EU", "Welcome")
    async with running(db) as pilot:
        await press(pilot, "c")
        await type_ahead(pilot, "slash", "n", "e", "w")
        field = pilot.app.screen.query_one("#campaign-filter-input", Input)
        assert isinstance(pilot.app.screen, MainScreen), "no dialog opened: the letters were typed"
        assert (field.value, pilot.app.focused) == ("new", field)


@pilot_test
async def test_what_is_typed_right_after_slash_goes_into_the_activity_filter(db: Database) -> None:
    seed(db)
    async with running(db) as pilot:
        await press(pilot, "t")
        await type_ahead(pilot, "slash", "c", "i", "o")
        field = pilot.app.screen.query_one("#activity-filter-input", Input)
        assert (field.value, pilot.app.focused) == ("cio", field)

"""Pilot: the app reopens where the user was, number keys switch workspace, and a workspace whose
send mode is not normal says so in words (issue 10)."""

from __future__ import annotations

from app_factory import main_of, pilot_test, press, running, seed

from tui.core.db import Database
from tui.core.workspaces import update_workspace
from tui.widgets.workspace_list import workspace_row


@pilot_test
async def test_the_last_workspace_and_tab_are_reopened(db: Database) -> None:
    seed(db)
    async with running(db) as pilot:
        await press(pilot, "3", "c")
        assert main_of(pilot.app).current.name == "Newsletter"
    async with running(db) as pilot:
        main = main_of(pilot.app)
        assert main.current.name == "Newsletter"
        assert main.query_one("TabbedContent").active == "campaigns"


@pilot_test
async def test_number_keys_switch_to_the_nth_workspace_and_ignore_the_others(db: Database) -> None:
    seed(db)
    async with running(db) as pilot:
        await press(pilot, "2")
        assert main_of(pilot.app).current.name == "Acme US"
        await press(pilot, "9")  # there is no 9th: nothing changes
        assert main_of(pilot.app).current.name == "Acme US"


@pilot_test
async def test_test_and_never_modes_show_in_words_in_the_sidebar_and_the_title(db: Database) -> None:
    seed(db)
    update_workspace(db, "Acme EU", send_mode="test", test_address="qa@example.com")
    update_workspace(db, "Newsletter", send_mode="never")
    async with running(db) as pilot:
        main = main_of(pilot.app)
        rows = {ws.name: workspace_row(ws, current=False).plain for ws in main.workspaces}
        assert " TEST " in rows["Acme EU"] and " NEVER " in rows["Newsletter"] and "TEST" not in rows["Acme US"]
        assert main.title == "Switchboard · Acme EU · TEST MODE"

"""Pilot: the Messages tab (issue 13) lists a workspace's messages (or one campaign's) with their
status and last answer, filters by status, retries a failed one with r, and shows one whole with
Enter; its texts are shown literally (DESIGN rule 3). When messages wait and no delivery worker
has been seen lately, it says so and how to start one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app_factory import palette, pilot_test, press, running, settle, until
from factories import EMAIL, add_campaign, three_message_outbox
from textual.pilot import Pilot
from textual.widgets import DataTable, Static, TabbedContent

from tui.core.db import Database
from tui.core.messages import list_messages
from tui.core.runtime import FixedClock
from tui.core.sending import send_campaign
from tui.core.worker_heartbeats import STALE_AFTER, beat
from tui.core.workspaces import get_workspace
from tui.dialogs.message_detail import MessageDialog
from tui.screens.main import MainScreen
from tui.screens.person import PersonScreen
from tui.widgets.messages_pane import MessagesPane

START = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


def messages_pane(pilot: Pilot) -> MessagesPane:
    """The Messages tab, which must be the one shown."""
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    assert screen.query_one(TabbedContent).active == "messages"
    return screen.query_one(MessagesPane)


def rows(pane: MessagesPane) -> dict[str, tuple[str, str]]:
    """Recipient -> (status, last answer) as the table shows them."""
    table = pane.query_one(DataTable)
    shown = [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]
    return {row[3]: (row[1], row[6]) for row in shown}


@pilot_test
async def test_D1_the_messages_tab_shows_status_and_answer_filters_and_retries(db: Database) -> None:
    ids = three_message_outbox(db)
    async with running(db, size=(120, 30)) as pilot:
        await press(pilot, "M")
        screen = messages_pane(pilot)
        assert rows(screen) == {
            "ann@example.com": ("delivered", "250 2.0.0 Ok: queued"),
            "bob@example.com": ("failed", "550 5.1.1 no such user"),
            "cat@example.com": ("queued", ""),
        }

        await press(pilot, *"f" * 6)  # all, queued, scheduled, sending, retrying, delivered, failed
        assert rows(screen) == {"bob@example.com": ("failed", "550 5.1.1 no such user")}

        await press(pilot, "R")
        assert rows(screen) == {}  # bob's message is queued again: no longer failed
        assert "No failed messages here" in str(screen.query_one("#messages-empty", Static).render())
        bob = next(m for m in list_messages(db, "Acme") if m.id == ids["bob"])
        assert (bob.status, bob.attempts) == ("queued", 0)


@pilot_test
async def test_D1_enter_shows_the_whole_message_literally(db: Database) -> None:
    ids = three_message_outbox(db)
    async with running(db, size=(120, 40)) as pilot:
        await palette(pilot, "Messages")
        await press(pilot, "enter")
        screen = messages_pane(pilot)
        table = screen.query_one(DataTable)
        table.move_cursor(row=table.get_row_index(str(ids["ann"])))
        await press(pilot, "enter")
        dialog = pilot.app.screen
        assert isinstance(dialog, MessageDialog)
        shown = "\n".join(str(static.render()) for static in dialog.query(Static))
        assert "250 2.0.0 Ok: queued" in shown and "Body of ann" in shown
        assert "Hi ann [bold red]boom[/] ␛[31m" in shown  # markup and escapes as text
        await settle(pilot)


@pilot_test
async def test_enter_on_a_message_in_the_person_screen_opens_it_whole(db: Database) -> None:
    """Everything the CLI can do, the app can do: a person's message is read whole from their screen."""
    three_message_outbox(db)
    async with running(db, size=(120, 40)) as pilot:
        await press(pilot, "p", "enter")  # ann, the first person
        screen = pilot.app.screen
        assert isinstance(screen, PersonScreen)
        await until(pilot, lambda: screen.query_one("#messages-table", DataTable).row_count == 1)
        await press(pilot, "enter")
        dialog = pilot.app.screen
        assert isinstance(dialog, MessageDialog)
        shown = "\n".join(str(static.render()) for static in dialog.query(Static))
        assert "Body of ann" in shown and "250 2.0.0 Ok: queued" in shown
        await press(pilot, "escape")
        assert pilot.app.screen is screen


@pilot_test
async def test_D1_m_on_a_campaign_shows_its_messages_and_escape_shows_all(db: Database) -> None:
    three_message_outbox(db)  # campaign Hello: ann, bob and cat
    add_campaign(db, get_workspace(db, "Acme").id, "Other", [EMAIL])
    send_campaign(db, "Acme", "Other")
    async with running(db, size=(120, 30)) as pilot:
        await press(pilot, "c", "M")  # on the highlighted campaign, Hello (the list is by name)
        pane = messages_pane(pilot)
        assert pane.campaign == "Hello"
        assert len(rows(pane)) == 3 and pane.query_one(DataTable).row_count == 3
        assert "of campaign Hello" in str(pane.query_one("#messages-heading", Static).render())

        await press(pilot, "escape")
        assert pane.campaign is None
        assert pane.query_one(DataTable).row_count == 6


@pilot_test
async def test_D4_queued_messages_and_no_worker_lately_say_how_to_start_one(db: Database, clock: FixedClock) -> None:
    clock.set(START)
    three_message_outbox(db)  # cat's message is queued
    async with running(db, size=(120, 30)) as pilot:
        await press(pilot, "M")
        hint = messages_pane(pilot).query_one("#worker-hint", Static)
        assert hint.display
        assert "1 message to go, and no delivery worker has run on this database" in str(hint.render())
        assert "switchboard deliver" in str(hint.render())

        beat(db, "host:1:start", START)  # a worker runs
        await press(pilot, "ctrl+r")
        assert not hint.display

        clock.set(START + STALE_AFTER + timedelta(minutes=3))  # and stops
        await press(pilot, "ctrl+r")
        assert hint.display
        assert "no delivery worker has run for 5 minutes" in str(hint.render())

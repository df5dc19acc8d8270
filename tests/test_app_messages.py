"""Pilot: the Messages screen (issue 13) lists a workspace's messages with their status and last
answer, filters by status, retries a failed one with r, and shows one whole with Enter; its
texts are shown literally (DESIGN rule 3)."""

from __future__ import annotations

from app_factory import palette, pilot_test, press, running, settle
from factories import three_message_outbox
from textual.widgets import DataTable, Static

from tui.core.db import Database
from tui.core.messages import list_messages
from tui.dialogs.message_detail import MessageDialog
from tui.screens.messages import MessagesScreen


def rows(screen: MessagesScreen) -> dict[str, tuple[str, str]]:
    """Recipient -> (status, last answer) as the table shows them."""
    table = screen.query_one(DataTable)
    shown = [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]
    return {row[3]: (row[1], row[6]) for row in shown}


@pilot_test
async def test_D1_the_messages_screen_shows_status_and_answer_filters_and_retries(db: Database) -> None:
    ids = three_message_outbox(db)
    async with running(db, size=(120, 30)) as pilot:
        await press(pilot, "M")
        screen = pilot.app.screen
        assert isinstance(screen, MessagesScreen)
        assert rows(screen) == {
            "ann@example.com": ("delivered", "250 2.0.0 Ok: queued"),
            "bob@example.com": ("failed", "550 5.1.1 no such user"),
            "cat@example.com": ("queued", ""),
        }

        await press(pilot, *"f" * 6)  # all, queued, scheduled, sending, retrying, delivered, failed
        assert rows(screen) == {"bob@example.com": ("failed", "550 5.1.1 no such user")}

        await press(pilot, "r")
        assert rows(screen) == {}  # bob's message is queued again: no longer failed
        assert "No failed messages here" in str(screen.query_one("#messages-empty", Static).render())
        bob = next(m for m in list_messages(db, "Acme") if m.id == ids["bob"])
        assert (bob.status, bob.attempts) == ("queued", 0)

        await press(pilot, "escape")
        assert not isinstance(pilot.app.screen, MessagesScreen)


@pilot_test
async def test_D1_enter_shows_the_whole_message_literally(db: Database) -> None:
    ids = three_message_outbox(db)
    async with running(db, size=(120, 40)) as pilot:
        await palette(pilot, "Messages")
        await press(pilot, "enter")
        screen = pilot.app.screen
        assert isinstance(screen, MessagesScreen)
        table = screen.query_one(DataTable)
        table.move_cursor(row=table.get_row_index(str(ids["ann"])))
        await press(pilot, "enter")
        dialog = pilot.app.screen
        assert isinstance(dialog, MessageDialog)
        shown = "\n".join(str(static.render()) for static in dialog.query(Static))
        assert "250 2.0.0 Ok: queued" in shown and "Body of ann" in shown
        assert "Hi ann [bold red]boom[/] ␛[31m" in shown  # markup and escapes as text
        await settle(pilot)

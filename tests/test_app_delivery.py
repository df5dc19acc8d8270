"""Pilot: the Delivery dialog (issue 13) edits a workspace's delivery settings through the core
function the CLI uses, shows a refusal under the field it is about (changing nothing), keeps
secrets as variable names and file paths, and its Test connection says what the server answered
and sends nothing."""

from __future__ import annotations

from app_factory import palette, pilot_test, press, running, seed, type_into, until
from factories import three_message_outbox
from smtp_sink import SmtpSink
from textual.screen import Screen
from textual.widgets import Input, Static

from tui.core import outbox
from tui.core.db import Database
from tui.core.delivery_settings import DeliveryConfig, get_delivery, set_delivery
from tui.dialogs.delivery import DeliveryDialog
from tui.widgets.workspace_list import WorkspaceList


def error_under(dialog: DeliveryDialog, setting: str) -> str:
    note = dialog.query_one(f"#{setting}-error", Static)
    return str(note.render()) if note.display else ""


@pilot_test
async def test_D2_the_dialog_saves_through_core_and_a_refusal_marks_its_field(db: Database) -> None:
    seed(db)
    set_delivery(db, "Acme EU", {"smtp_host": "smtp.example.com", "rate_per_s": "5/s"})
    async with running(db, size=(80, 24)) as pilot:
        await press(pilot, "w", "D")  # the sidebar's key
        dialog = pilot.app.screen
        assert isinstance(dialog, DeliveryDialog)
        assert dialog.query_one("#smtp_host", Input).value == "smtp.example.com"
        assert dialog.query_one("#rate_per_s", Input).value == "5/s"

        await type_into(pilot, "#smtp_security", "ssl")  # checked as it is typed
        assert "SMTP security 'ssl' is not valid" in error_under(dialog, "smtp_security")
        await type_into(pilot, "#smtp_security", "starttls")
        assert error_under(dialog, "smtp_security") == ""

        await type_into(pilot, "#smtp_user", "mailer")  # a login without a password
        await press(pilot, "ctrl+s")
        assert pilot.app.screen is dialog
        assert "an SMTP user needs a password" in error_under(dialog, "smtp_password_env")
        assert pilot.app.screen.focused is dialog.query_one("#smtp_password_env", Input)
        assert get_delivery(db, "Acme EU") == DeliveryConfig(smtp_host="smtp.example.com", rate_per_s=5.0)

        await type_into(pilot, "#smtp_password_env", "SMTP_PASS")
        await type_into(pilot, "#rate_per_s", "")  # an emptied field clears its setting
        await press(pilot, "ctrl+s")
        assert pilot.app.screen is not dialog
        assert get_delivery(db, "Acme EU") == DeliveryConfig(
            smtp_host="smtp.example.com", smtp_security="starttls", smtp_user="mailer", smtp_password_env="SMTP_PASS"
        )


@pilot_test
async def test_D2_test_connection_says_what_the_server_answered_and_sends_nothing(db: Database, smtp: SmtpSink) -> None:
    seed(db)
    async with running(db, size=(80, 24)) as pilot:
        await palette(pilot, "Delivery settings")
        await press(pilot, "enter")
        dialog = pilot.app.screen
        assert isinstance(dialog, DeliveryDialog)
        await type_into(pilot, "#smtp_host", "127.0.0.1")
        await type_into(pilot, "#smtp_port", str(smtp.port))

        await pilot.press("ctrl+t")  # tests the settings as typed, before they are saved
        check = dialog.query_one("#check", Static)
        await until(pilot, lambda: "answered" in str(check.render()), "the connection test")

        assert f"SMTP ok      127.0.0.1:{smtp.port} answered 220 " in str(check.render())
        assert smtp.received == []
        assert get_delivery(db, "Acme EU") == DeliveryConfig()  # nothing saved either


def sidebar_row(screen: Screen[object]) -> str:
    return str(screen.query_one(WorkspaceList).get_option_at_index(0).prompt)


@pilot_test
async def test_D3_the_sidebar_and_the_campaign_view_show_counts_that_move_as_a_worker_delivers(
    db: Database,
) -> None:
    ids = three_message_outbox(db)  # Acme: ann delivered, bob failed, cat queued
    async with running(db, size=(100, 30)) as pilot:
        main = pilot.app.screen
        assert "1 queued ✓1 ✗1" in sidebar_row(main)
        await press(pilot, "c", "enter")  # open campaign Hello
        counts = main.query_one("#workflow-counts", Static)
        assert str(counts.render()) == "1 queued · 1 delivered · 1 failed"

        [cat] = outbox.claim(db, 10)  # a worker, elsewhere, delivers cat's message
        outbox.mark_delivered(db, cat.id, "250 ok")

        await press(pilot, "ctrl+r")  # what the app does every 3 s

        assert cat.id == ids["cat"]
        assert "0 queued ✓2 ✗1" in sidebar_row(main)
        assert str(main.query_one("#workflow-counts", Static).render()) == "0 queued · 2 delivered · 1 failed"

"""Snapshots (pytest-textual-snapshot) of every screen and dialog of the app shell.

Look at them as pictures before accepting (README, "Snapshots"): open the SVGs in tests/__snapshots__,
or the side-by-side report (snapshot_report.html) that a failing run writes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from app_factory import make_app, palette, seed, settle, steady_db_label, type_into  # noqa: F401 (fixture)
from factories import three_message_outbox
from textual.pilot import Pilot

from tui.core.credentials import credentials
from tui.core.db import Database
from tui.core.delivery_settings import set_delivery
from tui.core.workspaces import create_workspace

pytestmark = pytest.mark.usefixtures("steady_db_label")

WIDE = (200, 50)
SMALL = (80, 24)


def keys(*pressed: str) -> Callable[[Pilot], Awaitable[None]]:
    """A run_before that waits for the data, presses keys and waits again."""

    async def run(pilot: Pilot) -> None:
        await settle(pilot)
        for key in pressed:
            await pilot.press(key)
            await settle(pilot)

    return run


@pytest.fixture
def seeded(db: Database) -> Database:
    seed(db)
    return db


def test_welcome(snap_compare, db: Database) -> None:
    assert snap_compare(make_app(db), terminal_size=SMALL, run_before=keys())


def test_welcome_without_a_kind_chosen(snap_compare, db: Database) -> None:
    async def run(pilot: Pilot) -> None:
        await settle(pilot)
        await type_into(pilot, "#workspace-name", "Acme EU")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_app(db), terminal_size=SMALL, run_before=run)


def test_main_small(snap_compare, seeded: Database) -> None:
    assert snap_compare(make_app(seeded), terminal_size=SMALL, run_before=keys())


def test_main_wide(snap_compare, seeded: Database) -> None:
    assert snap_compare(make_app(seeded), terminal_size=WIDE, run_before=keys())


def test_main_after_switching_to_campaigns(snap_compare, seeded: Database) -> None:
    assert snap_compare(make_app(seeded), terminal_size=SMALL, run_before=keys("down", "enter", "c"))


def test_main_sidebar_folded(snap_compare, seeded: Database) -> None:
    assert snap_compare(make_app(seeded), terminal_size=SMALL, run_before=keys("ctrl+b"))


def test_markup_names_render_literally(snap_compare, db: Database) -> None:
    seed(db, [("[bold red]x[/]", "email", "red"), ("[@click=app.quit]y", "id", "#ff8800")])
    create_workspace(db, "A name long enough to be cut short in the sidebar", "email")
    assert snap_compare(make_app(db), terminal_size=SMALL, run_before=keys())


@pytest.mark.parametrize("theme", ["daybreak", "ember", "contrast"])
def test_main_in_theme(snap_compare, seeded: Database, monkeypatch: pytest.MonkeyPatch, theme: str) -> None:
    monkeypatch.setenv("SWITCHBOARD_THEME", theme)
    assert snap_compare(make_app(seeded), terminal_size=SMALL, run_before=keys())


def test_delete_dialog_in_daybreak(snap_compare, seeded: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWITCHBOARD_THEME", "daybreak")
    assert snap_compare(make_app(seeded), terminal_size=SMALL, run_before=keys("d"))


def test_delete_dialog(snap_compare, seeded: Database) -> None:
    assert snap_compare(make_app(seeded), terminal_size=SMALL, run_before=keys("d"))


def test_delete_dialog_wrong_name(snap_compare, seeded: Database) -> None:
    async def run(pilot: Pilot) -> None:
        await keys("d")(pilot)
        await type_into(pilot, "#confirm-name", "Acme US")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_app(seeded), terminal_size=SMALL, run_before=run)


def test_new_workspace_dialog(snap_compare, seeded: Database) -> None:
    assert snap_compare(make_app(seeded), terminal_size=SMALL, run_before=keys("n"))


def test_rename_dialog_refusal(snap_compare, seeded: Database) -> None:
    async def run(pilot: Pilot) -> None:
        await keys("r")(pilot)
        await type_into(pilot, "#new-name", "ACME us")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_app(seeded), terminal_size=SMALL, run_before=run)


def test_colour_dialog(snap_compare, seeded: Database) -> None:
    assert snap_compare(make_app(seeded), terminal_size=SMALL, run_before=keys("C"))


def test_send_mode_dialog(snap_compare, seeded: Database) -> None:
    assert snap_compare(make_app(seeded), terminal_size=SMALL, run_before=keys("m"))


def test_credentials(snap_compare, seeded: Database) -> None:
    credentials(seeded, "Acme EU", add_app_key="billing-service")
    assert snap_compare(make_app(seeded), terminal_size=SMALL, run_before=keys("a"))


def test_delivery_dialog_at_80x24(snap_compare, seeded: Database) -> None:
    changes = {"smtp_host": "smtp.example.com", "smtp_security": "starttls", "smtp_user": "mailer"}
    set_delivery(seeded, "Acme EU", {**changes, "smtp_password_env": "SMTP_PASS", "sender": "Acme <news@example.com>"})
    assert snap_compare(make_app(seeded), terminal_size=SMALL, run_before=keys("w", "D"))


def test_new_tracking_key_shown_once(snap_compare, seeded: Database) -> None:
    assert snap_compare(make_app(seeded), terminal_size=SMALL, run_before=keys("a", "T", "y"))


def test_help(snap_compare, seeded: Database) -> None:
    assert snap_compare(make_app(seeded), terminal_size=SMALL, run_before=keys("f1"))


def test_command_palette(snap_compare, seeded: Database) -> None:
    async def run(pilot: Pilot) -> None:
        await palette(pilot, "work")
        await settle(pilot)

    assert snap_compare(make_app(seeded), terminal_size=SMALL, run_before=run)


# The Messages screen (issue 13) and one message shown whole.


def test_messages(snap_compare, db: Database) -> None:
    three_message_outbox(db)
    assert snap_compare(make_app(db), terminal_size=(120, 24), run_before=keys("M"))


def test_messages_small_filtered_to_failed(snap_compare, db: Database) -> None:
    three_message_outbox(db)
    assert snap_compare(make_app(db), terminal_size=SMALL, run_before=keys("M", *"f" * 6))


def test_message_shown_whole(snap_compare, db: Database) -> None:
    three_message_outbox(db)
    assert snap_compare(make_app(db), terminal_size=(100, 30), run_before=keys("M", "enter"))

"""The app opens its database after the first frame (issue 14); a database that does not open
still reaches the person: a screen says what failed, why, and how to fix it, and quitting from it
ends with status 1 and the reason on the terminal (as the CLI's `error: ...`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from app_factory import pilot_test, settle
from sqlalchemy import text
from textual.pilot import Pilot
from textual.widgets import Static

from tui.app import SwitchboardApp
from tui.core.db import open_database
from tui.screens.main import MainScreen
from tui.screens.main_panes import Opened
from tui.screens.open_failed import OpenFailedScreen

UNREACHABLE_POSTGRESQL = "postgresql+psycopg://nobody@127.0.0.1:1/switchboard"  # port 1: nothing listens


def newer_database(path: Path) -> str:
    database = open_database(str(path))
    with database.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    database.dispose()
    return str(path)


def corrupt_file(path: Path) -> str:
    path.write_bytes(b"not a database, whatever its name says " * 100)
    return str(path)


def shown(pilot: Pilot, selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Static).render())


async def open_failed(pilot: Pilot) -> OpenFailedScreen:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, OpenFailedScreen)
    assert "cannot open its database" in shown(pilot, ".title")
    assert "switchboard --db PATH" in shown(pilot, "#how-to-fix")
    return screen


@pytest.mark.parametrize(
    ("make_target", "says"),
    [
        pytest.param(
            lambda tmp: newer_database(tmp / "newer.db"),
            ["schema revision '9999', newer than this Switchboard", "upgrade Switchboard to open it"],
            id="newer-schema",
        ),
        pytest.param(
            lambda tmp: corrupt_file(tmp / "corrupt.db"),
            ["cannot open the database: file is not a database", "restore it from a backup, or give another file"],
            id="corrupt-file",
        ),
        pytest.param(
            lambda tmp: UNREACHABLE_POSTGRESQL,
            ["cannot open the database: connection failed", "Check that the server is running"],
            id="unreachable-postgresql",
        ),
    ],
)
@pilot_test
async def test_a_database_that_does_not_open_is_a_screen_saying_why_and_what_to_do(
    tmp_path: Path, make_target: Callable[[Path], str], says: list[str]
) -> None:
    target = make_target(tmp_path)
    files_before = {path: path.read_bytes() for path in tmp_path.glob("*.db")}
    app = SwitchboardApp(target, refresh_seconds=None)
    async with app.run_test() as pilot:
        await open_failed(pilot)
        reason = shown(pilot, "#reason")
        assert all(sentence in reason for sentence in says), reason
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 1
    assert {path: path.read_bytes() for path in tmp_path.glob("*.db")} == files_before  # nothing changed


@pilot_test
async def test_quitting_with_ctrl_q_from_the_screen_also_ends_with_status_1(tmp_path: Path) -> None:
    app = SwitchboardApp(corrupt_file(tmp_path / "corrupt.db"), refresh_seconds=None)
    async with app.run_test() as pilot:
        await open_failed(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 1


@pilot_test
async def test_the_main_screen_opens_its_database_from_a_target_after_its_first_frame(tmp_path: Path) -> None:
    """The CLI gives the app a target, not an opened database: the main screen opens it."""
    app = SwitchboardApp(str(tmp_path / "new.db"), refresh_seconds=None)
    async with app.run_test() as pilot:
        await settle(pilot)
        main = pilot.app.screen_stack[0]
        assert isinstance(main, MainScreen) and main.opened
        assert main.db.file_path == tmp_path / "new.db"


def test_snapshot_of_the_screen_for_a_corrupt_file(snap_compare, tmp_path: Path) -> None:
    app = SwitchboardApp(corrupt_file(tmp_path / "corrupt.db"), refresh_seconds=None, cursor_blink=False)
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)


@pilot_test
async def test_quitting_just_before_the_database_opens_ends_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A quit that comes while the open is under way (ctrl+q on the first frame, as a quick
    person or an SSH session does) ends with status 0: the panes are not mounted into a screen
    that is going away (they would never compose, and their first update would crash)."""
    opened = MainScreen._opened

    def quit_first(screen: MainScreen, result: Opened) -> None:
        screen.app.exit()
        opened(screen, result)

    monkeypatch.setattr(MainScreen, "_opened", quit_first)
    app = SwitchboardApp(str(tmp_path / "new.db"), refresh_seconds=None)
    async with app.run_test() as pilot:
        await settle(pilot)
    assert app.return_code == 0
    assert not list(tmp_path.glob("xdg-state/**/crash-*.log"))

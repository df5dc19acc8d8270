"""W2 at scale: a big workspace is deleted in short batches, so that other processes keep writing.

Each batch deletes people with their messages, lowers the kept people count and records
`people_deleted` in one transaction; a last one removes the rest and sets the ledger's
`deleted_at`. The tests use batches of 50 (the product uses 20,000) and run on both backends;
the app's test runs on SQLite, as the app's tests do.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from app_factory import make_app, pilot_test, settle, type_into
from factories import EMAIL, add_campaign, make_workspace, sqlite_plans
from sqlalchemy import event, func, select
from textual.pilot import Pilot
from textual.widgets import Button, ProgressBar, Static

from tui.cli import progress_meter
from tui.core import credentials, people, sending
from tui.core import workspaces as core
from tui.core.db import Database, open_database
from tui.core.errors import DatabaseError, NotFound
from tui.core.models import Action, AppKey, Campaign, Message, Person, UsageDay, Workspace, WorkspaceLedger
from tui.core.people_import import import_people
from tui.core.runtime import FixedClock, Runtime, SeededTokens
from tui.core.workspaces import DeletionStopped, delete_workspace, get_workspace
from tui.dialogs import delete_workspace as dialog_module
from tui.dialogs.delete_workspace import DeleteWorkspaceDialog
from tui.screens.main import MainScreen

BATCH = 50
BIG = 120  # people: two whole batches and a part
SHORT_BUSY_TIMEOUT_MS = 300  # a second writer gives up this soon if the lock is not released


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 50 everywhere (core default, CLI, app); no pause between them on SQLite."""
    monkeypatch.setattr(core, "DELETE_BATCH_SIZE", BATCH)
    monkeypatch.setattr(core, "SQLITE_PAUSE_SECONDS", 0.0)


def fill(db: Database, name: str, n: int, folder: Path, *, identify_by: str = "email") -> int:
    """A workspace of `n` people imported from a file, a running campaign sent to all of them
    (one message each) and an App API key; returns its id."""
    ws = make_workspace(db, name, identify_by)
    path = folder / f"{name}.csv"
    path.write_text("email\n" + "".join(f"p{i:04d}@{name.lower()}.example.com\n" for i in range(n)), encoding="utf-8")
    assert import_people(db, name, path).created == n
    add_campaign(db, ws, "Hello", [EMAIL])
    assert sending.send_campaign(db, name, "Hello").queued == n
    credentials.credentials(db, name, add_app_key="ci")
    return ws


def holdings(db: Database, ws: int) -> dict[str, int]:
    """Rows of the workspace per table, and its kept people count (-1: no workspace row)."""
    with db.read() as session:
        count = session.scalar(select(Workspace.people_count).where(Workspace.id == ws))

        def rows(model: type, *where: object) -> int:
            return session.scalar(select(func.count()).select_from(model).where(*where)) or 0  # type: ignore[arg-type]

        campaign_ids = select(Campaign.id).where(Campaign.workspace_id == ws)
        return {
            "people_count": -1 if count is None else count,
            "people": rows(Person, Person.workspace_id == ws),
            "messages": rows(Message, Message.workspace_id == ws),
            "campaigns": rows(Campaign, Campaign.workspace_id == ws),
            "actions": rows(Action, Action.campaign_id.in_(campaign_ids)),
            "app_keys": rows(AppKey, AppKey.workspace_id == ws),
        }


GONE = {"people_count": -1, "people": 0, "messages": 0, "campaigns": 0, "actions": 0, "app_keys": 0}


def usage(db: Database, ws: int) -> dict[str, int]:
    """The workspace's billing facts summed over all days."""
    with db.read() as session:
        row = session.execute(
            select(func.sum(UsageDay.people_created), func.sum(UsageDay.people_deleted)).where(
                UsageDay.workspace_id == ws
            )
        ).one()
    return {"created": row[0] or 0, "deleted": row[1] or 0}


def deleted_per_day(db: Database, ws: int) -> dict[str, int]:
    with db.read() as session:
        rows = session.execute(select(UsageDay.day, UsageDay.people_deleted).where(UsageDay.workspace_id == ws))
        return {day.isoformat(): n for day, n in rows if n}


def ledger_deleted_at(db: Database, ws: int):  # type: ignore[no-untyped-def]
    with db.read() as session:
        return session.get_one(WorkspaceLedger, ws).deleted_at


@pytest.fixture
def second(db_target: str, clock: FixedClock, backend: str) -> Iterator[Database]:
    """Another session on the same database, as another process has (its own engine). On SQLite
    its writers wait SHORT_BUSY_TIMEOUT_MS for the lock, not 30 s: a lock held across batches
    would make them fail."""
    other = open_database(db_target, Runtime(clock=clock, tokens=SeededTokens(99)))
    if backend == "sqlite":
        event.listen(
            other.engine, "connect", lambda conn, _record: conn.execute(f"PRAGMA busy_timeout={SHORT_BUSY_TIMEOUT_MS}")
        )
        other.engine.dispose()  # connections made from now on have the short timeout
    yield other
    other.dispose()


# Core -------------------------------------------------------------------------------------------


def test_deleting_more_people_than_a_batch_removes_everything_and_bills_each_person_once(
    db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    big = fill(db, "Big", BIG, tmp_path)
    other = fill(db, "Other", 30, tmp_path)
    other_before = holdings(db, other)
    steps: list[tuple[int, int]] = []

    deleted = delete_workspace(db, "big", confirmed=True, progress=lambda done, total: steps.append((done, total)))

    assert deleted == core.DeletedWorkspace("Big", BIG, 1, BIG)  # what it held at the start
    assert steps == [(50, BIG), (100, BIG), (BIG, BIG)]
    assert holdings(db, big) == GONE
    assert ledger_deleted_at(db, big) == clock()
    assert usage(db, big) == {"created": BIG, "deleted": BIG}
    with pytest.raises(NotFound):
        get_workspace(db, "Big")
    assert (
        holdings(db, other)
        == other_before
        == {
            "people_count": 30,
            "people": 30,
            "messages": 30,
            "campaigns": 1,
            "actions": 1,
            "app_keys": 1,
        }
    )
    assert usage(db, other) == {"created": 30, "deleted": 0}
    assert ledger_deleted_at(db, other) is None


def test_people_deleted_are_billed_on_the_day_their_batch_committed(
    db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    big = fill(db, "Big", BIG, tmp_path)

    def next_day(done: int, total: int) -> None:
        clock.set(clock() + timedelta(days=1))

    delete_workspace(db, "Big", confirmed=True, progress=next_day)

    assert deleted_per_day(db, big) == {"2026-03-15": 50, "2026-03-16": 50, "2026-03-17": 20}
    assert ledger_deleted_at(db, big) == clock()  # the last transaction's time


def test_other_writers_commit_between_batches_and_people_added_meanwhile_are_deleted_and_counted(
    db: Database, second: Database, tmp_path: Path
) -> None:
    big = fill(db, "Big", BIG, tmp_path)
    other = make_workspace(db, "Other")
    seen: list[tuple[int, int, int, int]] = []  # (done, total, kept count, rows) the other session saw

    def meanwhile(done: int, total: int) -> None:
        # Another process writes between batches: with its short busy timeout on SQLite this
        # fails ("database is locked") unless the batch released the write lock.
        n = len(seen)
        people.add_person(second, "Other", email=f"other{n}@example.com")
        if n < 2:
            people.add_person(second, "Big", email=f"late{n}@example.com")  # into the workspace going away
        seen.append((done, total, get_workspace(second, "Big").people, holdings(second, big)["people"]))

    deleted = delete_workspace(db, "Big", confirmed=True, progress=meanwhile)

    assert deleted.people == BIG  # the summary counts what was there at the start
    # The workspace stayed with a falling count, always equal to its rows; the late people were
    # deleted in the batches that came to them, and counted.
    assert seen == [(50, BIG, 71, 71), (100, BIG, 22, 22), (122, 122, 0, 0)]
    assert holdings(db, big) == GONE
    assert usage(db, big) == {"created": BIG + 2, "deleted": BIG + 2}
    assert holdings(db, other)["people"] == get_workspace(db, "Other").people == 3
    assert usage(db, other) == {"created": 3, "deleted": 0}


@pytest.mark.parametrize("late", [3, BATCH + 5])
def test_people_committed_behind_the_last_batch_are_deleted_by_the_last_transaction_or_batched(
    db: Database, second: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, late: int
) -> None:
    """People committed after the batches found no one left (on PostgreSQL their ids may even be
    lower than the last batch's) are deleted and counted: by the last transaction when they fit
    in a batch, else in batches first. The ON DELETE CASCADE of the workspace row never sees one."""
    big = fill(db, "Big", BIG, tmp_path)
    real = core._delete_the_rest
    steps: list[tuple[int, int]] = []

    def someone_commits_first(*args, **kwargs):  # type: ignore[no-untyped-def]
        if not steps or steps[-1][0] == BIG:  # the first time only
            for n in range(late):
                people.add_person(second, "Big", email=f"late{n}@example.com")
        return real(*args, **kwargs)

    monkeypatch.setattr(core, "_delete_the_rest", someone_commits_first)
    delete_workspace(db, "Big", confirmed=True, progress=lambda *step: steps.append(step))

    assert steps[:3] == [(50, BIG), (100, BIG), (BIG, BIG)]
    assert steps[-1] == (BIG + late, BIG + late)
    assert holdings(db, big) == GONE
    assert usage(db, big) == {"created": BIG + late, "deleted": BIG + late}


def test_adding_to_a_workspace_after_its_deletion_is_refused(db: Database, second: Database, tmp_path: Path) -> None:
    fill(db, "Big", 10, tmp_path)
    delete_workspace(db, "Big", confirmed=True)
    with pytest.raises(NotFound, match="no workspace named 'Big'"):
        people.add_person(second, "Big", email="late@example.com")


def test_an_interrupted_deletion_keeps_counts_equal_to_rows_and_deleting_again_finishes_it(
    db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    big = fill(db, "Big", BIG, tmp_path)

    def interrupt(done: int, total: int) -> None:
        raise KeyboardInterrupt  # Ctrl-C after the first batch

    with pytest.raises(KeyboardInterrupt):
        delete_workspace(db, "Big", confirmed=True, progress=interrupt)

    assert holdings(db, big) == {
        "people_count": 70,
        "people": 70,
        "messages": 70,
        "campaigns": 1,
        "actions": 1,
        "app_keys": 1,
    }
    assert usage(db, big) == {"created": BIG, "deleted": 50}
    assert ledger_deleted_at(db, big) is None
    assert get_workspace(db, "Big").people == 70

    again = delete_workspace(db, "Big", confirmed=True)

    assert again == core.DeletedWorkspace("Big", 70, 1, 70)
    assert holdings(db, big) == GONE
    assert usage(db, big) == {"created": BIG, "deleted": BIG}
    assert ledger_deleted_at(db, big) == clock()


def test_a_batch_that_fails_half_way_changes_nothing_and_deleting_again_finishes(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash inside the second batch (after its deletes, before its billing) rolls it back whole."""
    big = fill(db, "Big", BIG, tmp_path)
    real = core.record_usage
    calls = []

    def crash_on_second(*args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("power cut")
        real(*args, **kwargs)

    monkeypatch.setattr(core, "record_usage", crash_on_second)
    with pytest.raises(RuntimeError, match="power cut"):
        delete_workspace(db, "Big", confirmed=True)
    monkeypatch.setattr(core, "record_usage", real)

    assert holdings(db, big)["people_count"] == holdings(db, big)["people"] == 70
    assert holdings(db, big)["messages"] == 70
    assert usage(db, big) == {"created": BIG, "deleted": 50}

    delete_workspace(db, "Big", confirmed=True)
    assert holdings(db, big) == GONE
    assert usage(db, big) == {"created": BIG, "deleted": BIG}


def test_a_cancelled_deletion_stops_between_batches_and_says_how_far_it_got(db: Database, tmp_path: Path) -> None:
    big = fill(db, "Big", BIG, tmp_path)
    steps: list[int] = []

    with pytest.raises(DeletionStopped, match=r"stopped after 100 of 120 people.*delete it again to finish"):
        delete_workspace(
            db, "Big", confirmed=True, progress=lambda done, _: steps.append(done), cancelled=lambda: len(steps) == 2
        )

    assert holdings(db, big)["people_count"] == holdings(db, big)["people"] == 20
    assert usage(db, big) == {"created": BIG, "deleted": 100}


def test_a_workspace_without_people_is_deleted_in_one_transaction(db: Database) -> None:
    ws = make_workspace(db, "Empty")
    steps: list[tuple[int, int]] = []
    assert delete_workspace(db, "Empty", confirmed=True, progress=lambda *step: steps.append(step)).people == 0
    assert steps == [] and holdings(db, ws) == GONE and usage(db, ws) == {"created": 0, "deleted": 0}


@pytest.mark.backends("sqlite")
def test_each_batch_is_an_index_range_not_a_scan(db: Database, tmp_path: Path) -> None:
    fill(db, "Big", BIG, tmp_path)
    fill(db, "Other", 10, tmp_path)
    plans = dict(sqlite_plans(db, lambda: delete_workspace(db, "Big", confirmed=True), ("SELECT", "DELETE")))
    assert plans
    for statement, plan in plans.items():
        assert all(step.startswith(("SEARCH", "LIST SUBQUERY")) for step in plan), (statement, plan)
    batch = next(plan for statement, plan in plans.items() if statement.startswith("DELETE FROM people"))
    assert batch[0] == "SEARCH people USING COVERING INDEX ix_people_workspace_id (workspace_id=? AND id>? AND id<?)"
    messages = next(
        plan
        for statement, plan in plans.items()
        if statement.startswith("DELETE FROM messages WHERE messages.person_id")
    )
    assert messages[0] == "SEARCH messages USING COVERING INDEX ix_messages_person (person_id=?)"


# CLI --------------------------------------------------------------------------------------------


@pytest.fixture
def progress_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI shows progress from the first batch (it waits 2 s otherwise)."""
    monkeypatch.setattr(progress_meter, "AFTER_SECONDS", 0.0)
    monkeypatch.setattr(progress_meter, "EVERY_SECONDS", 0.0)


def test_cli_delete_shows_progress_on_stderr_and_prints_its_summary(
    cli, db: Database, tmp_path: Path, progress_at_once: None
) -> None:  # type: ignore[no-untyped-def]
    big = fill(db, "Big", BIG, tmp_path)

    result = cli("workspaces", "delete", "Big", "--yes")

    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        "deleting: 50 of 120 people (42%)",
        "deleting: 100 of 120 people (83%)",
        "deleting: 120 of 120 people (100%)",
    ]
    assert result.stdout == "Deleted workspace Big (120 people, 1 campaigns, 120 messages)\n"
    assert holdings(db, big) == GONE

    fill(db, "Again", 60, tmp_path)
    as_json = cli("workspaces", "delete", "Again", "--yes", "--json")
    assert json.loads(as_json.stdout) == {"name": "Again", "people": 60, "campaigns": 1, "messages": 60}
    assert "deleting: 50 of 60 people" in as_json.stderr


def test_cli_delete_progress_is_throttled_but_shows_the_end(
    cli, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(progress_meter, "AFTER_SECONDS", 0.0)
    monkeypatch.setattr(progress_meter, "EVERY_SECONDS", 3600.0)
    fill(db, "Big", BIG, tmp_path)
    result = cli("workspaces", "delete", "Big", "--yes")
    assert result.stderr.splitlines() == ["deleting: 50 of 120 people (42%)", "deleting: 120 of 120 people (100%)"]


def test_cli_delete_interrupted_says_what_is_left_and_running_it_again_finishes(
    cli,
    db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    big = fill(db, "Big", BIG, tmp_path)

    def ctrl_c(self, text: str, last: bool = False) -> None:  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(progress_meter.ProgressMeter, "show", ctrl_c)
        stopped = cli("workspaces", "delete", "Big", "--yes")

    assert stopped.exit_code == 130
    assert stopped.stdout == ""
    assert stopped.stderr == (
        "interrupted: workspace 'Big' remains with 70 people (the others were deleted); run the same command again to finish\n"
    )
    assert holdings(db, big)["people"] == 70 and usage(db, big)["deleted"] == 50
    finished = cli("workspaces", "delete", "Big", "--yes")
    assert finished.exit_code == 0
    assert finished.stdout == "Deleted workspace Big (70 people, 1 campaigns, 70 messages)\n"
    assert usage(db, big) == {"created": BIG, "deleted": BIG}


def test_cli_delete_of_a_small_workspace_prints_no_progress(cli, db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fill(db, "Big", BIG, tmp_path)  # quick: well under the 2 s after which progress shows
    result = cli("workspaces", "delete", "Big", "--yes")
    assert (result.exit_code, result.stderr) == (0, "")


# App --------------------------------------------------------------------------------------------


class Gate:
    """Holds the delete worker after each batch it reports, until the test lets it go on."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.reported = threading.Event()
        self.go_on = threading.Event()
        real: Callable[[DeleteWorkspaceDialog, int, int], None] = DeleteWorkspaceDialog._progress

        def held(dialog: DeleteWorkspaceDialog, done: int, total: int) -> None:
            real(dialog, done, total)
            self.reported.set()
            assert self.go_on.wait(30), "the test never let the deletion go on"
            self.go_on.clear()

        monkeypatch.setattr(DeleteWorkspaceDialog, "_progress", held)

    async def next_batch(self, pilot) -> None:  # type: ignore[no-untyped-def]
        for _ in range(500):
            if self.reported.is_set():
                break
            await pilot.pause(0.01)
        assert self.reported.is_set(), "no batch was reported"
        self.reported.clear()
        await pilot.pause()

    def release(self) -> None:
        self.go_on.set()


def sidebar(app) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    main = next(screen for screen in app.screen_stack if isinstance(screen, MainScreen))
    return [(ws.name, ws.people) for ws in main.workspaces]


async def start_deleting(pilot: Pilot[None], name: str) -> DeleteWorkspaceDialog:
    """Open the delete dialog on the current workspace, confirm `name` and press Enter."""
    await settle(pilot)
    await pilot.press("d")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, DeleteWorkspaceDialog)
    await type_into(pilot, "#confirm-name", name)
    await pilot.press("enter")
    return dialog


@pytest.mark.backends("sqlite")
@pilot_test
async def test_app_shows_the_deletion_progress_and_removes_the_workspace(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(db, "Big", BIG, tmp_path)
    make_workspace(db, "Small")
    gate = Gate(monkeypatch)
    app = make_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        dialog = await start_deleting(pilot, "Big")

        await gate.next_batch(pilot)
        assert str(dialog.query_one("#delete-status", Static).content) == "Deleting… 50 of 120 people"
        bar = dialog.query_one(ProgressBar)
        assert (bar.progress, bar.total) == (50, BIG)
        assert bar.display and dialog.query_one("#delete", Button).disabled
        assert str(dialog.query_one("#cancel", Button).label) == "Stop"
        gate.release()
        await gate.next_batch(pilot)
        assert str(dialog.query_one("#delete-status", Static).content) == "Deleting… 100 of 120 people"
        gate.release()
        await gate.next_batch(pilot)
        gate.release()
        await settle(pilot)

        assert isinstance(app.screen, MainScreen)
        assert sidebar(app) == [("Small", 0)]
    with pytest.raises(NotFound):
        get_workspace(db, "Big")


@pytest.mark.backends("sqlite")
@pilot_test
async def test_app_stops_a_deletion_on_escape_and_deleting_again_finishes(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = fill(db, "Big", BIG, tmp_path)
    make_workspace(db, "Small")
    gate = Gate(monkeypatch)
    app = make_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        dialog = await start_deleting(pilot, "Big")
        await gate.next_batch(pilot)

        await pilot.press("escape")  # Stop: the dialog stays until the batch under way ends
        assert app.screen is dialog
        assert str(dialog.query_one("#delete-status", Static).content) == "Stopping after this batch…"
        gate.release()
        await settle(pilot)

        assert app.screen is dialog
        error = str(dialog.query_one(".dialog > .error", Static).content)
        assert "stopped after 50 of 120 people" in error and "delete it again to finish" in error
        assert "70 people, 1 campaign and 70 messages" in str(dialog.query_one("#what-goes", Static).content)
        assert not dialog.query_one("#delete", Button).disabled
        assert str(dialog.query_one("#cancel", Button).label) == "Cancel"
        assert holdings(db, big)["people"] == 70

        await pilot.press("enter")  # the name is still typed: delete again
        for _ in range(2):
            await gate.next_batch(pilot)
            gate.release()
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert sidebar(app) == [("Small", 0)]
    assert holdings(db, big) == GONE
    assert usage(db, big) == {"created": BIG, "deleted": BIG}


@pytest.mark.backends("sqlite")
@pilot_test
async def test_app_shows_a_failed_deletion_and_stays_open(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    make_workspace(db, "Big")

    def refuse(*args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        raise DatabaseError("the database refused the change: disk I/O error")

    monkeypatch.setattr(dialog_module, "delete_workspace", refuse)
    app = make_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        dialog = await start_deleting(pilot, "Big")
        await settle(pilot)
        assert app.screen is dialog
        assert (
            str(dialog.query_one(".dialog > .error", Static).content)
            == "the database refused the change: disk I/O error"
        )
        assert not dialog.query_one("#deleting").display
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


@pytest.mark.backends("sqlite")
@pilot_test
async def test_app_stop_button_stops_the_deletion_and_keeps_the_dialog(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = fill(db, "Big", BIG, tmp_path)
    gate = Gate(monkeypatch)
    app = make_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        dialog = await start_deleting(pilot, "Big")
        await gate.next_batch(pilot)
        assert app.focused is dialog.query_one("#cancel", Button)  # Stop has the focus
        await pilot.press("enter")
        gate.release()
        await settle(pilot)
        assert app.screen is dialog
        assert "stopped after 50 of 120 people" in str(dialog.query_one(".dialog > .error", Static).content)
        await pilot.press("escape")  # now Cancel again: closes
        assert isinstance(app.screen, MainScreen)
    assert holdings(db, big)["people"] == holdings(db, big)["people_count"] == 70

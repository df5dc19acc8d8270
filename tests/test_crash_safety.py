"""A bulk import killed with SIGKILL leaves the database consistent, openable, and holding
exactly the batches its `--progress-file` report says were committed (issue 4, "Safe concurrent
use"). The importer is a real `python -m tui` subprocess over a 1,000,000-row CSV, killed
while it holds the write lock (in the middle of a batch's transaction).
"""

from __future__ import annotations

import itertools
import json
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from tui.core.db import open_database
from tui.core.models import Person, UsageDay, Workspace
from tui.core.people_import import DEFAULT_BATCH_SIZE
from tui.core.workspaces import create_workspace

ROOT = Path(__file__).resolve().parents[1]
ROWS = 1_000_000
WS = "Big"
RERUN_EXTRA = 10_000  # rows past the committed ones that the re-run adds
DEADLINE_SECONDS = 300.0  # generous: a loaded 2-core machine


def email(n: int) -> str:
    """Row n's address: zero-padded, so identifier order is row order."""
    return f"user{n:07d}@example.com"


@pytest.fixture(scope="session")
def million_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CSV of ROWS valid, distinct people (row n is physical line n + 2), written once."""
    path = tmp_path_factory.mktemp("crash") / "million.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("email,n\n")
        for start in range(0, ROWS, 100_000):
            out.write("".join(f"{email(n)},{n}\n" for n in range(start, min(start + 100_000, ROWS))))
    return path


def prefix_csv(source: Path, rows: int, target: Path) -> Path:
    """The header and the first `rows` rows of `source`."""
    with source.open(encoding="utf-8") as lines, target.open("w", encoding="utf-8") as out:
        out.writelines(itertools.islice(lines, rows + 1))
    return target


def import_command(db_file: Path, csv: Path, progress: Path) -> list[str]:
    return [
        sys.executable, "-m", "tui", "--db", str(db_file),
        "people", "import", "-w", WS, str(csv), "--progress-file", str(progress), "--json",
    ]  # fmt: skip


def committed_records(progress: Path) -> list[dict[str, int | bool]]:
    """The complete lines of a progress file (a torn last line would not count)."""
    if not progress.exists():
        return []
    content = progress.read_text(encoding="utf-8")
    return [json.loads(line) for line in content.splitlines(keepends=True) if line.endswith("\n")]


def write_lock_held(probe: sqlite3.Connection) -> bool:
    """Whether another connection is inside a write transaction right now."""
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return True
        raise
    probe.execute("ROLLBACK")
    return False


def kill_at(proc: subprocess.Popen[bytes], db_file: Path, progress: Path, after_batches: int, moment: str) -> None:
    """SIGKILL `proc` once `after_batches` batches are reported, at `moment`: "holding" the
    write lock (inside a batch's transaction) or as soon as it has "released" it (just after a
    commit, before or while its progress line is written)."""
    probe = sqlite3.connect(db_file, timeout=0, isolation_level=None)
    seen_holding = False
    try:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"the import ended (exit {proc.returncode}) before it could be killed")
            if len(committed_records(progress)) >= after_batches:
                holding = write_lock_held(probe)
                if (moment == "holding" and holding) or (moment == "released" and seen_holding and not holding):
                    proc.send_signal(signal.SIGKILL)
                    proc.wait(timeout=60)
                    return
                seen_holding = seen_holding or holding
            time.sleep(0.001)
        pytest.fail(f"the import never reached the moment to kill it ({moment} after {after_batches} batches)")
    finally:
        probe.close()


@dataclass(frozen=True)
class Ledger:
    """One workspace as the database holds it: rows, kept counter, billing facts."""

    rows: int
    counter: int
    usage: int  # people created minus people deleted, over every day
    first: str | None
    last: str | None


def ledger(db_file: Path) -> Ledger:
    """Open the database the ordinary way (recovering its WAL) and read the workspace back."""
    db = open_database(str(db_file))
    try:
        with db.read() as session:
            ws = session.scalars(select(Workspace).where(Workspace.name == WS)).one()
            rows, first, last = session.execute(
                select(func.count(), func.min(Person.ident), func.max(Person.ident)).where(Person.workspace_id == ws.id)
            ).one()
            usage = session.scalar(
                select(func.coalesce(func.sum(UsageDay.people_created - UsageDay.people_deleted), 0)).where(
                    UsageDay.workspace_id == ws.id
                )
            )
            return Ledger(rows, ws.people_count, usage, first, last)
    finally:
        db.dispose()


def assert_consistent(db_file: Path) -> None:
    """SQLite's own checks: no corruption, no dangling reference."""
    db = open_database(str(db_file))
    try:
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalars().all() == ["ok"]
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
    finally:
        db.dispose()


def assert_exactly_first_rows(book: Ledger, rows: int) -> None:
    """The workspace holds rows 0..rows-1 of the file and nothing else, and its counts agree."""
    assert (book.rows, book.counter, book.usage) == (rows, rows, rows)
    if rows:  # distinct identifiers between the first and the last: exactly that range
        assert (book.first, book.last) == (email(0), email(rows - 1))


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    """A SQLite file with the workspace the import goes into."""
    path = tmp_path / "crash.db"
    db = open_database(str(path))
    create_workspace(db, WS, "email")
    db.dispose()
    return path


@pytest.mark.parametrize(
    ("after_batches", "moment"),
    [(0, "holding"), (1, "holding"), (1, "released")],
    ids=["inside-the-first-batch", "inside-a-later-batch", "just-after-a-commit"],
)
def test_sigkill_mid_import_leaves_exactly_the_reported_batches(
    million_csv: Path, db_file: Path, tmp_path: Path, after_batches: int, moment: str
) -> None:
    """Killed anywhere, the import is absent or exactly the batches its progress file reports
    (or one more, when the kill fell between a commit and its line); re-running it is safe."""
    progress = tmp_path / "progress.jsonl"
    with (tmp_path / "out").open("wb") as out, (tmp_path / "err").open("wb") as err:
        proc = subprocess.Popen(import_command(db_file, million_csv, progress), stdout=out, stderr=err, cwd=ROOT)
        try:
            kill_at(proc, db_file, progress, after_batches, moment)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert proc.returncode == -signal.SIGKILL

    records = committed_records(progress)
    assert len(records) >= after_batches
    assert not any(record.get("done") for record in records)
    for number, record in enumerate(records, 1):  # every row valid and new: line = created + 1
        assert record == {
            "last_line": number * DEFAULT_BATCH_SIZE + 1,
            "created": number * DEFAULT_BATCH_SIZE,
            "updated": 0,
            "rejected": 0,
        }
    reported = int(records[-1]["created"]) if records else 0

    assert_consistent(db_file)
    book = ledger(db_file)
    # The batches reported, or (killed between a commit and its line) one more: never part of one.
    assert book.rows in (reported, reported + DEFAULT_BATCH_SIZE), (book, reported)
    assert book.rows < ROWS
    assert_exactly_first_rows(book, book.rows)

    if not book.rows:
        return  # absent: importing again is an import like any other
    # Importing again is safe: what is there is updated, the rest created, the counts still agree.
    total = book.rows + RERUN_EXTRA
    rerun = prefix_csv(million_csv, total, tmp_path / "again.csv")
    result = subprocess.run(
        import_command(db_file, rerun, tmp_path / "again.jsonl"),
        capture_output=True,
        cwd=ROOT,
        timeout=DEADLINE_SECONDS,
    )
    assert result.returncode == 0, result.stderr.decode()
    report = json.loads(result.stdout)
    assert (report["created"], report["updated"], report["rejected"]) == (RERUN_EXTRA, book.rows, 0)
    final = committed_records(tmp_path / "again.jsonl")[-1]
    assert final == {
        "last_line": total + 1,
        "created": RERUN_EXTRA,
        "updated": book.rows,
        "rejected": 0,
        "done": True,
        "interrupted": False,
    }
    assert_consistent(db_file)
    assert_exactly_first_rows(ledger(db_file), total)


def test_a_progress_file_that_cannot_be_written_is_refused_before_any_row(db_file: Path, tmp_path: Path) -> None:
    """A report that could not be kept is no report: the import does not start."""
    csv = tmp_path / "few.csv"
    csv.write_text(f"email,n\n{email(0)},0\n", encoding="utf-8")
    result = subprocess.run(
        import_command(db_file, csv, tmp_path / "no such folder" / "progress.jsonl"),
        capture_output=True,
        cwd=ROOT,
        timeout=DEADLINE_SECONDS,
    )
    assert result.returncode == 1
    assert result.stderr.decode().startswith("error: cannot write the progress file")
    assert ledger(db_file).rows == 0


@pytest.mark.parametrize("victim", ["database", "input", "other"])
def test_a_progress_file_that_would_overwrite_data_is_refused_and_nothing_changes(
    db_file: Path, tmp_path: Path, victim: str
) -> None:
    """It used to be truncated first: pointed at the database it emptied the database."""
    csv = tmp_path / "few.csv"
    csv.write_text(f"email,n\n{email(0)},0\n", encoding="utf-8")
    other = tmp_path / "notes.txt"
    other.write_text("my notes\n", encoding="utf-8")
    target = {"database": db_file, "input": csv, "other": other}[victim]
    before = target.read_bytes()
    result = subprocess.run(
        import_command(db_file, csv, target), capture_output=True, cwd=ROOT, timeout=DEADLINE_SECONDS
    )
    assert result.returncode == 1
    reason = {"database": "it is the database", "input": "it is the file being imported"}.get(
        victim, "it exists and is not a progress file of an import"
    )
    assert result.stderr.decode().startswith(f"error: refusing --progress-file {str(target)!r}: {reason}")
    assert target.read_bytes() == before
    assert ledger(db_file).rows == 0


def test_a_progress_file_of_an_earlier_import_is_replaced_whole(db_file: Path, tmp_path: Path) -> None:
    csv = tmp_path / "few.csv"
    csv.write_text(f"email,n\n{email(0)},0\n", encoding="utf-8")
    progress = tmp_path / "progress.jsonl"
    for _ in range(2):
        result = subprocess.run(
            import_command(db_file, csv, progress), capture_output=True, cwd=ROOT, timeout=DEADLINE_SECONDS
        )
        assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in progress.read_text().splitlines()]
    assert [r.get("done") for r in records] == [None, True]  # the second run's batch and end only
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".progress")) == []

"""Bulk import of people (P8) from CSV or JSON Lines, committed in batches.

Every row is validated on its own; refused rows are reported with the physical line where their
record starts (a CSV header is line 1) and the valid rows are imported. Rows are committed in
batches, one transaction each: a crash or Ctrl-C part-way leaves the database consistent, the
report says the last line committed, and importing the file again is safe (identify is an
upsert). Rows repeating an identifier merge in file order.

Speed (tests/benchmarks/bench_import.py compares the import with a raw `sqlite3` executemany
of the same rows):
- A large file is read and validated by a second process while this one writes the batches
  it has already sent, so both cores work.
- Batches are big (a commit writes every page its rows changed, so fewer commits write less),
  and their new people are inserted in identifier order: the identifier index is walked in
  order, each page fetched and changed once per batch instead of again and again.
- Per batch: one SELECT of the people that exist (an IN list), one executemany INSERT of the
  new people, one executemany UPDATE of the merged ones, and the kept counters. The INSERT is
  compiled once per import for the database's dialect and run through the driver's
  executemany, its values serialized by the columns' own types (the timestamps once per batch).
- CSV attribute names are checked once, at the header; emails take P3's fast path.

The parts: people_rows (reading and validating records), people_reader (the second process),
people_commit (one batch's transaction); this module runs them and keeps the tally.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tui.core.db import Database
from tui.core.errors import Conflict, DatabaseError, InvalidInput
from tui.core.input_files import open_regular
from tui.core.people_commit import PeopleInsert, Target, commit_rows
from tui.core.people_reader import ImportStopped, batch_source
from tui.core.people_rows import RowError
from tui.core.workspaces import find_workspace

# Each commit rewrites the index pages its rows touched: big batches write each page fewer times.
DEFAULT_BATCH_SIZE = 20_000
MAX_BATCH_SIZE = 20_000  # keeps the IN list under every backend's limit of bound parameters
FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


@dataclass(frozen=True)
class ImportProgress:
    """Where an import stands after a committed batch (for a progress bar)."""

    lines: int  # the last line committed
    bytes_read: int
    total_bytes: int
    created: int
    updated: int
    rejected: int

    @property
    def fraction(self) -> float:
        return min(1.0, self.bytes_read / self.total_bytes) if self.total_bytes else 1.0


@dataclass(frozen=True)
class ImportReport:
    created: int  # new people
    updated: int  # rows merged into a person who existed (repeats in the file included)
    errors: tuple[RowError, ...]
    last_line: int  # the last line whose rows are committed; 0 when none are
    interrupted: bool = False  # stopped by Ctrl-C: the lines after `last_line` were not imported

    @property
    def rejected(self) -> int:
        return len(self.errors)


ProgressCallback = Callable[[ImportProgress], None]


def import_people(
    db: Database,
    workspace: str,
    path: str | os.PathLike[str],
    *,
    progress: ProgressCallback | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> ImportReport:
    """P8: import a `.csv`, `.jsonl` or `.ndjson` file into a workspace.

    `progress` is called after each committed batch; it may raise KeyboardInterrupt to stop
    the import (as Ctrl-C does), which then returns a report with `interrupted` set.
    A file that cannot be read, or a CSV header that is not valid, is refused before any row.
    """
    if not 1 <= batch_size <= MAX_BATCH_SIZE:
        raise InvalidInput(f"batch size {batch_size} is not valid: give 1 to {MAX_BATCH_SIZE}")
    source_path = Path(path)
    kind = FORMATS.get(source_path.suffix.lower())
    if kind is None:
        raise InvalidInput(f"cannot tell the format of {str(source_path)!r}: name the file .csv, .jsonl or .ndjson")
    with db.read() as session:
        ws = find_workspace(session, workspace)
        target = Target(ws.id, ws.name, ws.identify_by, PeopleInsert.compile(db.engine.dialect))
    tally = _Tally()
    try:
        with (
            open_regular(source_path) as source,
            closing(batch_source(source, source_path, kind, target.identify_by, batch_size)) as batches,
        ):
            total = os.fstat(source.fileno()).st_size
            for batch in batches:
                with _interrupts_deferred():
                    created, updated, refused = commit_rows(db, target, batch.rows) if batch.rows else (0, 0, [])
                    tally.add(created, updated, sorted([*batch.rejected, *refused], key=lambda e: e.line), batch.end)
                if progress is not None:
                    progress(tally.progress(batch.bytes_read, total))
    except KeyboardInterrupt:
        return tally.report(interrupted=True)
    except (Conflict, DatabaseError, ImportStopped) as exc:
        if not tally.last_line:
            raise
        raise type(exc)(
            f"{exc}; the lines up to {tally.last_line} were imported, and importing the file again is safe"
        ) from exc
    return tally.report()


@dataclass
class _Tally:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    last_line: int = 0

    def add(self, created: int, updated: int, errors: list[RowError], end: int) -> None:
        self.created += created
        self.updated += updated
        self.errors.extend(errors)
        self.last_line = end

    def progress(self, bytes_read: int, total: int) -> ImportProgress:
        return ImportProgress(self.last_line, bytes_read, total, self.created, self.updated, len(self.errors))

    def report(self, *, interrupted: bool = False) -> ImportReport:
        return ImportReport(self.created, self.updated, tuple(self.errors), self.last_line, interrupted)


@contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Ctrl-C waits until the batch is committed and counted, so the report stays exact."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)
    if caught:
        raise KeyboardInterrupt

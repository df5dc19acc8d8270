"""Bulk import of people (P8) from CSV or JSON Lines, committed in batches.

Every row is validated on its own; refused rows are reported with the physical line where their
record starts (a CSV header is line 1) and the valid rows are imported. Rows are committed in
batches, one transaction each: a crash or Ctrl-C part-way leaves the database consistent, the
report says the last line committed, and importing the file again is safe (identify is an
upsert). Rows repeating an identifier merge in file order.

Per batch: one SELECT of the identifiers that exist (an IN list), one executemany INSERT of the
new people, one executemany UPDATE of the merged ones, and the kept counters, so the cost per
row stays close to a raw insert.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import threading
from collections.abc import Callable, Generator, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import bindparam, select, update

from tui.core import attributes as attrs
from tui.core.db import Database
from tui.core.errors import Conflict, DatabaseError, InvalidInput, NotFound
from tui.core.identity import new_cio_id
from tui.core.models import Person, Workspace
from tui.core.people import identifier
from tui.core.usage import bump_counters, record_usage
from tui.core.workspaces import find_workspace

DEFAULT_BATCH_SIZE = 5000
MAX_BATCH_SIZE = 20_000  # keeps the IN list under every backend's limit of bound parameters
FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
NOT_UTF8 = "the row is not valid UTF-8 text: save the file as UTF-8"
# Bytes that are not UTF-8, kept by the "surrogateescape" error handler as lone surrogates.
_UNDECODABLE = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str


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


@dataclass(slots=True)
class _Row:
    line: int
    end: int  # the record's last physical line
    ident: str
    email: str | None
    attributes: dict[str, Any]


@dataclass(slots=True)
class _Rejected:
    line: int
    end: int
    reason: str


_Record = _Row | _Rejected


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
        raise InvalidInput(
            f"cannot tell the format of {str(source_path)!r}: name the file .csv, .jsonl or .ndjson"
        )
    with db.read() as session:
        ws = find_workspace(session, workspace)
        target = _Target(ws.id, ws.name, ws.identify_by)
    tally = _Tally()
    try:
        with _open(source_path) as source, closing(_READERS[kind](source, target.identify_by)) as records:
            total = os.fstat(source.fileno()).st_size
            for rows, rejected, end in _batches(records, batch_size):
                with _interrupts_deferred():
                    created, updated, refused = _commit(db, target, rows) if rows else (0, 0, [])
                    tally.add(created, updated, sorted([*rejected, *refused], key=lambda e: e.line), end)
                if progress is not None:
                    progress(tally.progress(min(source.tell(), total), total))
    except KeyboardInterrupt:
        return tally.report(interrupted=True)
    except (Conflict, DatabaseError) as exc:
        if not tally.last_line:
            raise
        raise type(exc)(
            f"{exc}; the lines up to {tally.last_line} were imported, and importing the file again is safe"
        ) from exc
    return tally.report()


@dataclass(frozen=True)
class _Target:
    workspace_id: int
    name: str
    identify_by: str


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
def _open(path: Path) -> Iterator[IO[bytes]]:
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InvalidInput(f"cannot read {str(path)!r}: {exc.strerror or exc}") from None
    with handle:
        yield handle


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


def _batches(records: Iterator[_Record], size: int) -> Iterator[tuple[list[_Row], list[RowError], int]]:
    """Groups of `size` records: (valid rows, refused rows, the last line they cover)."""
    rows: list[_Row] = []
    rejected: list[RowError] = []
    end = 0
    for record in records:
        if isinstance(record, _Row):
            rows.append(record)
        else:
            rejected.append(RowError(record.line, record.reason))
        end = record.end
        if len(rows) + len(rejected) >= size:
            yield rows, rejected, end
            rows, rejected = [], []
    if rows or rejected:
        yield rows, rejected, end


def _row(line: int, end: int, identify_by: str, person_id: object, email: object, attributes: dict[str, Any]) -> _Record:
    """One validated row, or its refusal."""
    try:
        ident, clean_email = identifier(identify_by, person_id, email)
        return _Row(line, end, ident, clean_email, attrs.check_attributes(attributes))
    except InvalidInput as exc:
        return _Rejected(line, end, str(exc))


# CSV ----------------------------------------------------------------------------------------


def _csv_records(source: IO[bytes], identify_by: str) -> Generator[_Record, None, None]:
    """Records of a CSV file with their physical lines (multi-line quoted cells included)."""
    text = io.TextIOWrapper(source, encoding="utf-8-sig", errors="surrogateescape", newline="")
    try:
        yield from _csv_text_records(text, identify_by)
    finally:
        text.detach()  # the caller still reads the byte position and closes the file


def _csv_text_records(text: IO[str], identify_by: str) -> Iterator[_Record]:
    reader = csv.reader(text)
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInput("the file is empty: a CSV import needs a header row naming an 'email' or 'id' column") from None
    except csv.Error as exc:
        raise InvalidInput(f"the header (line 1) cannot be read as CSV: {exc}") from None
    columns = _csv_columns(header, identify_by)
    end = reader.line_num
    while True:
        line = end + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield _Rejected(line, reader.line_num, f"the file cannot be read as CSV from this line on: {exc}")
            return
        end = reader.line_num
        if any(cells):  # blank lines and rows of empty cells are skipped
            yield _csv_row(line, end, cells, columns, identify_by)


def _csv_columns(header: list[str], identify_by: str) -> list[str]:
    """Column names: `id` and `email` (any case) are the person's; every other one an attribute."""
    columns: list[str] = []
    for position, raw in enumerate(header, 1):
        name = raw.strip()
        if name.lower() in ("id", "email"):
            name = name.lower()
        problem = None
        if _UNDECODABLE.search(name):
            problem = "it is not valid UTF-8 text: save the file as UTF-8"
        elif name in columns:
            problem = f"column {name!r} appears twice"
        elif name not in ("id", "email"):
            try:
                attrs.check_name(name)
            except InvalidInput as exc:
                problem = f"column {position}: {exc}"
        if problem:
            raise InvalidInput(f"the header (line 1) is not valid: {problem}; nothing was imported")
        columns.append(name)
    if identify_by not in columns:
        raise InvalidInput(
            f"the file has no {identify_by!r} column: this workspace identifies people by {identify_by}; "
            "nothing was imported"
        )
    return columns


def _csv_row(line: int, end: int, cells: list[str], columns: list[str], identify_by: str) -> _Record:
    if len(cells) > len(columns):
        return _Rejected(line, end, f"the row has {len(cells)} cells but the header names {len(columns)} columns")
    person_id: str | None = None
    email: str | None = None
    attributes: dict[str, Any] = {}
    for name, value in zip(columns, cells):
        if value == "":
            continue
        if not value.isascii() and _UNDECODABLE.search(value):
            return _Rejected(line, end, NOT_UTF8)
        if name == "id":
            person_id = value
        elif name == "email":
            email = value
        else:
            attributes[name] = value
    return _row(line, end, identify_by, person_id, email, attributes)


# JSON Lines ---------------------------------------------------------------------------------


def _jsonl_records(source: IO[bytes], identify_by: str) -> Generator[_Record, None, None]:
    """One flat JSON object a line: `id`/`email` are the person's keys, the others attributes."""
    for number, raw in enumerate(source, 1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield _Rejected(number, number, NOT_UTF8)
            continue
        if number == 1:
            text = text.removeprefix("\ufeff")
        if text.strip():
            yield _jsonl_row(number, text, identify_by)


def _jsonl_row(number: int, text: str, identify_by: str) -> _Record:
    try:
        data = json.loads(text, parse_constant=attrs.reject_constant)
    except ValueError as exc:
        return _Rejected(number, number, f"the line is not valid JSON: {exc}")
    if not isinstance(data, dict):
        return _Rejected(number, number, 'the line must be a JSON object such as {"email": "ann@example.com"}')
    person_id = data.pop("id", None)
    email = data.pop("email", None)
    # An empty id or email is "not given", like an empty CSV cell.
    return _row(number, number, identify_by, None if person_id == "" else person_id, None if email == "" else email, data)


_Reader = Callable[[IO[bytes], str], Generator[_Record, None, None]]
_READERS: dict[str, _Reader] = {"csv": _csv_records, "jsonl": _jsonl_records}


# Committing a batch -------------------------------------------------------------------------


@dataclass(slots=True)
class _Merged:
    """What a batch makes of one identifier: an existing person (`person_id`) or a new one."""

    person_id: int | None
    email: str | None
    attributes: dict[str, Any]
    rows: int = 0


def _commit(db: Database, target: _Target, rows: list[_Row]) -> tuple[int, int, list[RowError]]:
    """One transaction: merge the rows in file order, insert the new people, update the others.

    Returns (created, updated, rows refused because a merge went over the attribute limit).
    """
    people = Person.__table__
    now = db.runtime.now()
    with db.write() as session:
        if session.get(Workspace, target.workspace_id) is None:
            raise NotFound(f"workspace {target.name!r} was deleted during the import")
        found = session.execute(
            select(people.c.id, people.c.ident, people.c.email, people.c.attributes)
            .where(people.c.workspace_id == target.workspace_id, people.c.ident.in_({row.ident for row in rows}))
            .with_for_update()
        )
        merged = {ident: _Merged(person_id, email, attributes) for person_id, ident, email, attributes in found}
        created, updated, refused = _merge_rows(rows, merged)
        new = [(ident, m) for ident, m in merged.items() if m.person_id is None]
        if new:
            session.execute(
                people.insert(),
                [
                    {
                        "workspace_id": target.workspace_id,
                        "cio_id": new_cio_id(db.runtime.tokens),
                        "ident": ident,
                        "email": m.email,
                        "attributes": m.attributes,
                        "created_at": now,
                        "updated_at": now,
                        "version": 1,
                    }
                    for ident, m in new
                ],
            )
        changed = [m for m in merged.values() if m.person_id is not None and m.rows]
        if changed:
            session.execute(
                update(people)
                .where(people.c.id == bindparam("person"))
                .values(
                    email=bindparam("new_email"),
                    attributes=bindparam("new_attributes", type_=people.c.attributes.type),
                    updated_at=now,
                    version=people.c.version + 1,
                ),
                [{"person": m.person_id, "new_email": m.email, "new_attributes": m.attributes} for m in changed],
            )
        bump_counters(session, target.workspace_id, people=created)
        record_usage(session, target.workspace_id, now.date(), people_created=created)
    return created, updated, refused


def _merge_rows(rows: list[_Row], merged: dict[str, _Merged]) -> tuple[int, int, list[RowError]]:
    """Apply rows in file order onto `merged` (the people found, by identifier), adding new ones."""
    created = updated = 0
    refused: list[RowError] = []
    for row in rows:
        into = merged.get(row.ident)
        if into is None:
            merged[row.ident] = _Merged(None, row.email, row.attributes, rows=1)
            created += 1
            continue
        try:
            into.attributes = attrs.merge(into.attributes, row.attributes)
        except InvalidInput as exc:
            refused.append(RowError(row.line, str(exc)))
            continue
        if row.email is not None:
            into.email = row.email
        into.rows += 1
        updated += 1
    return created, updated, refused

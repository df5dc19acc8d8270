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
"""

from __future__ import annotations

import csv
import io
import json
import os
import pickle
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Generator, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Dialect, Integer, bindparam, cast, func, select, update
from sqlalchemy.orm import Session

from tui.core import attributes as attrs
from tui.core import json_input
from tui.core.db import Database
from tui.core.errors import Conflict, DatabaseError, InvalidInput, NotFound, SwitchboardError
from tui.core.identity import new_cio_ids
from tui.core.input_files import open_regular
from tui.core.models import Person, Workspace, table_of
from tui.core.people import identifier
from tui.core.runtime import TokenSource
from tui.core.usage import bump_counters, record_usage
from tui.core.workspaces import find_workspace

# Each commit rewrites the index pages its rows touched: big batches write each page fewer times.
DEFAULT_BATCH_SIZE = 20_000
MAX_BATCH_SIZE = 20_000  # keeps the IN list under every backend's limit of bound parameters
# Files this big or bigger are read by a second process (when this interpreter can start one):
# starting it (a new interpreter that imports this module) costs about what reading a few
# megabytes here would.
PARALLEL_MIN_BYTES = 4_000_000
# A CSV record (one row, its quoted cells across lines included) and a JSON line are at most
# this big: far more than one person's attributes (P6) take, so only broken files reach it.
MAX_RECORD_CHARS = 1_048_576
MAX_LINE_BYTES = 1_048_576
FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
NOT_UTF8 = "the row is not valid UTF-8 text: save the file as UTF-8"
# Bytes that are not UTF-8, kept by the "surrogateescape" error handler as lone surrogates.
_UNDECODABLE = re.compile("[\udc80-\udcff]")


class ImportStopped(SwitchboardError):
    """Reading the file failed part-way (its reading process died, or the file could not be read)."""


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


# A valid record: (line, end, ident, email, attributes), `end` being the record's last physical
# line and the attributes JSON text (see `_to_json`): a tuple of plain values, the cheapest thing
# to send between processes, and the attributes already in the form they are stored in.
_Row = tuple[int, int, str, str | None, str]
# How attributes are stored: SQLAlchemy's JSON type serializes with json.dumps (on SQLite and
# PostgreSQL alike) unless the engine is given another serializer, and ours are not.
_to_json = json.dumps


@dataclass(slots=True)
class _Rejected:
    line: int
    end: int
    reason: str


_Record = _Row | _Rejected


@dataclass(frozen=True)
class _Batch:
    """Consecutive records of the file, validated, and how far the file has been read."""

    rows: list[_Row]
    rejected: list[RowError]
    end: int  # the last line the batch covers
    bytes_read: int


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
        target = _Target(ws.id, ws.name, ws.identify_by, _PeopleInsert.compile(db.engine.dialect))
    tally = _Tally()
    try:
        with (
            open_regular(source_path) as source,
            closing(_batches(source, source_path, kind, target.identify_by, batch_size)) as batches,
        ):
            total = os.fstat(source.fileno()).st_size
            for batch in batches:
                with _interrupts_deferred():
                    created, updated, refused = _commit(db, target, batch.rows) if batch.rows else (0, 0, [])
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


@dataclass(frozen=True)
class _Target:
    workspace_id: int
    name: str
    identify_by: str
    insert: _PeopleInsert


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


# Reading ------------------------------------------------------------------------------------


def _batches(source: IO[bytes], path: Path, kind: str, identify_by: str, size: int) -> Generator[_Batch, None, None]:
    """The file's batches: read by a second process if the file is big (and one can be started)."""
    if os.fstat(source.fileno()).st_size >= PARALLEL_MIN_BYTES and sys.executable:
        return _batches_read_elsewhere(path, kind, identify_by, size)
    return _read_batches(source, kind, identify_by, size)


def _read_batches(source: IO[bytes], kind: str, identify_by: str, size: int) -> Generator[_Batch, None, None]:
    """The file's records, validated, in groups of `size`."""
    total = os.fstat(source.fileno()).st_size
    rows: list[_Row] = []
    rejected: list[RowError] = []
    end = 0
    with closing(_READERS[kind](source, identify_by)) as records:
        for record in records:
            if isinstance(record, _Rejected):
                rejected.append(RowError(record.line, record.reason))
                end = record.end
            else:
                rows.append(record)
                end = record[1]
            if len(rows) + len(rejected) >= size:
                yield _Batch(rows, rejected, end, min(source.tell(), total))
                rows, rejected = [], []
    if rows or rejected:
        yield _Batch(rows, rejected, end, total)


# What the reading process runs: `python -I -c _READER_MAIN SYS_PATH PATH KIND IDENTIFY_BY SIZE`.
# It imports this module from the importing process's sys.path (a JSON list), and nothing else.
_READER_MAIN = (
    "import json, sys; sys.path[:] = json.loads(sys.argv[1]); "
    "from tui.core.people_import import _read_for_importer; _read_for_importer(*sys.argv[2:])"
)


def _batches_read_elsewhere(path: Path, kind: str, identify_by: str, size: int) -> Generator[_Batch, None, None]:
    """`_read_batches` run by a second process, which reads ahead while this one commits.

    The batches come pickled through its stdout. It runs in a session of its own, so Ctrl-C
    at the terminal is this process's alone to handle; closing this generator ends it.
    """
    reader = subprocess.Popen(
        [sys.executable, "-I", "-c", _READER_MAIN, json.dumps(sys.path), str(path), kind, identify_by, str(size)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    assert reader.stdout is not None
    finished = False
    try:
        while isinstance(message := _receive(reader, path), _Batch):
            yield message
        finished = True
    finally:
        reader.stdout.close()
        if not finished:  # stopped early (Ctrl-C, an error): it may still be reading
            reader.kill()
        reader.wait()
    if message is not None:
        raise message


def _receive(reader: subprocess.Popen[bytes], path: Path) -> _Batch | SwitchboardError | None:
    """The reading process's next message: a batch, what stopped it, or None at the end."""
    assert reader.stdout is not None
    try:
        return pickle.load(reader.stdout)
    except (EOFError, pickle.UnpicklingError):  # it died, maybe part-way through a batch
        return ImportStopped(f"the process reading {str(path)!r} ended unexpectedly (exit status {reader.wait()})")


def _read_for_importer(path: str, kind: str, identify_by: str, size: str) -> None:
    """The reading process: pickle each batch to stdout, then None, or what stopped the reading
    (a refusal of the file as it is, or a failure to read it)."""
    channel = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write into the channel

    def send(message: _Batch | SwitchboardError | None) -> None:
        pickle.dump(message, channel, pickle.HIGHEST_PROTOCOL)
        channel.flush()

    try:
        with open_regular(Path(path)) as source:
            for batch in _read_batches(source, kind, identify_by, int(size)):
                send(batch)
        send(None)
    except BrokenPipeError:
        pass  # the importing process stopped reading: it ended or was interrupted
    except InvalidInput as exc:
        send(exc)
    except Exception as exc:
        send(ImportStopped(f"reading {path!r} failed: {type(exc).__name__}: {exc}"))


def _row(
    line: int,
    end: int,
    identify_by: str,
    person_id: object,
    email: object,
    attributes: dict[str, Any],
    *,
    names_checked: bool = False,
) -> _Record:
    """One validated row, or its refusal. `names_checked`: the attribute names are known to be
    valid (a CSV header's), so only the size is left to check."""
    try:
        ident, clean_email = identifier(identify_by, person_id, email)
        if names_checked:
            attrs.check_size(attributes)
        else:
            attributes = attrs.check_attributes(attributes)
        return (line, end, ident, clean_email, _to_json(attributes))
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


class _RecordTooLong(Exception):
    """The record being read passed MAX_RECORD_CHARS."""


class _CsvLines:
    """The physical lines that csv.reader reads, bounded, keeping the lines of the record being
    read: a record that never ends (a quote never closed) or grows past the bound is refused on
    its first line, and reading goes on from its second line, so the rest of the file is read."""

    def __init__(self, text: IO[str]) -> None:
        self._text = text
        self._replay: list[str] = []  # lines to read again, last first
        self.pending: list[str] = []  # the lines of the record being read
        self._pending_chars = 0
        self.number = 0  # physical lines handed out
        self.ended = False  # the record being read reached the end of the file

    def __iter__(self) -> _CsvLines:
        return self

    def __next__(self) -> str:
        if self._replay:
            line = self._replay.pop()
        else:
            line = self._text.readline(MAX_RECORD_CHARS + 1)
            if not line:
                self.ended = True
                raise StopIteration
            if len(line) > MAX_RECORD_CHARS and not line.endswith(("\n", "\r")):
                while (rest := self._text.readline(MAX_RECORD_CHARS)) and not rest.endswith("\n"):
                    pass  # the rest of a line too long to keep
                self.number += 1
                self.pending.append("")
                raise _RecordTooLong
        self.number += 1
        self.pending.append(line)
        self._pending_chars += len(line)
        if self._pending_chars > MAX_RECORD_CHARS:
            raise _RecordTooLong
        return line

    def record_read(self) -> None:
        self.pending.clear()
        self._pending_chars = 0

    def again_from_second_line(self) -> None:
        """Read the lines of the record being read again, from its second line."""
        self.number -= len(self.pending) - 1
        self._replay.extend(reversed(self.pending[1:]))
        self.ended = False
        self.record_read()


def _csv_text_records(text: IO[str], identify_by: str) -> Iterator[_Record]:
    csv.field_size_limit(max(csv.field_size_limit(), MAX_RECORD_CHARS))
    lines = _CsvLines(text)
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInput(
            "the file is empty: a CSV import needs a header row naming an 'email' or 'id' column"
        ) from None
    except (csv.Error, _RecordTooLong) as exc:
        reason = f"it is over {MAX_RECORD_CHARS:,} characters" if isinstance(exc, _RecordTooLong) else exc
        raise InvalidInput(f"the header (line 1) cannot be read as CSV: {reason}") from None
    lines.record_read()
    columns = _csv_columns(header, identify_by)
    while True:
        line = lines.number + 1
        problem = None
        try:
            cells = next(reader)
        except StopIteration:
            return
        except _RecordTooLong:
            problem = (
                f"the record starting on this line is over {MAX_RECORD_CHARS:,} characters (is a quote never closed?)"
            )
        except csv.Error as exc:
            problem = f"the line cannot be read as CSV: {exc}"
        else:
            if lines.ended:
                problem = "a quoted cell opened on this line is never closed: the file ends inside it"
        if problem is not None:
            yield _Rejected(line, line, problem)
            lines.again_from_second_line()
            reader = csv.reader(lines)
            continue
        end = lines.number
        lines.record_read()
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
    joined = "".join(cells)
    if not joined.isascii() and _UNDECODABLE.search(joined):
        return _Rejected(line, end, NOT_UTF8)
    attributes: dict[str, Any] = {name: value for name, value in zip(columns, cells, strict=False) if value}
    person_id = attributes.pop("id", None)
    email = attributes.pop("email", None)
    return _row(line, end, identify_by, person_id, email, attributes, names_checked=True)


# JSON Lines ---------------------------------------------------------------------------------


def _jsonl_records(source: IO[bytes], identify_by: str) -> Generator[_Record, None, None]:
    """One flat JSON object a line: `id`/`email` are the person's keys, the others attributes."""
    number = 0
    while raw := source.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while (rest := source.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass  # the rest of a line too long to keep
            yield _Rejected(number, number, f"the line is over {MAX_LINE_BYTES:,} bytes")
            continue
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
        data = json_input.loads(text, what="the line")
    except InvalidInput as exc:
        return _Rejected(number, number, str(exc))
    if not isinstance(data, dict):
        return _Rejected(number, number, 'the line must be a JSON object such as {"email": "ann@example.com"}')
    person_id = data.pop("id", None)
    email = data.pop("email", None)
    # An empty id or email is "not given", like an empty CSV cell.
    return _row(
        number, number, identify_by, None if person_id == "" else person_id, None if email == "" else email, data
    )


_Reader = Callable[[IO[bytes], str], Generator[_Record, None, None]]
_READERS: dict[str, _Reader] = {"csv": _csv_records, "jsonl": _jsonl_records}


# Committing a batch -------------------------------------------------------------------------

_INSERTED = ("workspace_id", "cio_id", "ident", "email", "attributes", "created_at", "updated_at", "version")
_PEOPLE = table_of(Person)
# PostgreSQL: the batches of imports into one workspace take turns, each holding this advisory
# lock (the pair: this key, the workspace id) until it commits, so that a batch sees the people
# the other import committed. Without it two imports of the same new identifiers both insert
# them and one fails on the unique index. SQLite's writers take turns already (BEGIN IMMEDIATE).
_IMPORT_LOCK = 0x5357_4950  # "SWIP", an int4 like the workspace id it is paired with
# The people a batch names who exist (locked on PostgreSQL until the batch commits): an IN list
# that SQLAlchemy expands per batch; on SQLite, one JSON parameter (expanding 20,000 values one
# by one costs more than SQLite's lookups themselves).
_FOUND_COLUMNS = select(_PEOPLE.c.id, _PEOPLE.c.ident, _PEOPLE.c.email, _PEOPLE.c.attributes).with_for_update()
_FOUND = _FOUND_COLUMNS.where(
    _PEOPLE.c.workspace_id == bindparam("workspace"), _PEOPLE.c.ident.in_(bindparam("idents", expanding=True))
)
_FOUND_SQLITE = _FOUND_COLUMNS.where(
    _PEOPLE.c.workspace_id == bindparam("workspace"),
    _PEOPLE.c.ident.in_(select(func.json_each(bindparam("idents")).table_valued("value").c.value)),
)


@dataclass(frozen=True)
class _PeopleInsert:
    """The INSERT of new people, compiled once per import for the database's dialect and run
    through the driver's executemany; values are serialized by the columns' own bind
    processors, the timestamps once per batch."""

    sql: str
    positional: bool
    moment: Callable[[Any], Any]

    @classmethod
    def compile(cls, dialect: Dialect) -> _PeopleInsert:
        compiled = _PEOPLE.insert().inline().compile(dialect=dialect, column_keys=list(_INSERTED))
        if compiled.positional and tuple(compiled.positiontup or ()) != _INSERTED:
            raise RuntimeError(f"unexpected parameter order {compiled.positiontup} in {compiled.string}")
        return cls(
            compiled.string,
            compiled.positional,
            _bind_processor(_PEOPLE.c.created_at.type, dialect),
        )

    def execute(
        self, session: Session, workspace_id: int, now: datetime, tokens: TokenSource, new: list[tuple[str, _Merged]]
    ) -> None:
        stamp = self.moment(now)
        rows: list[Any] = [
            (workspace_id, cio_id, ident, m.email, m.attributes_json(), stamp, stamp, 1)
            for cio_id, (ident, m) in zip(new_cio_ids(tokens, len(new)), new, strict=True)
        ]
        if not self.positional:
            rows = [dict(zip(_INSERTED, row, strict=True)) for row in rows]
        session.connection().exec_driver_sql(self.sql, rows)


def _bind_processor(type_: Any, dialect: Dialect) -> Callable[[Any], Any]:
    """What the column's type does to a value on its way to this database."""
    process = type_.dialect_impl(dialect).bind_processor(dialect)
    return process if process is not None else _unchanged


def _unchanged(value: Any) -> Any:
    return value


@dataclass(slots=True)
class _Merged:
    """What a batch makes of one identifier: an existing person (`person_id`) or a new one.

    A new person's attributes stay the JSON text of their row until another row merges in.
    """

    person_id: int | None
    email: str | None
    attributes: dict[str, Any] | str
    rows: int = 0

    def merge(self, email: str | None, attributes: str) -> None:
        """A later row of the file: its attributes replace these key by key (P6's limit holds)."""
        current = self.attributes if isinstance(self.attributes, dict) else json.loads(self.attributes)
        self.attributes = attrs.merge(current, json.loads(attributes))
        if email is not None:
            self.email = email
        self.rows += 1

    def attributes_json(self) -> str:
        return self.attributes if isinstance(self.attributes, str) else _to_json(self.attributes)


def _commit(db: Database, target: _Target, rows: list[_Row]) -> tuple[int, int, list[RowError]]:
    """One transaction: merge the rows in file order, insert the new people, update the others.

    Returns (created, updated, rows refused because a merge went over the attribute limit).
    """
    now = db.runtime.now()
    with db.write() as session:
        if db.engine.dialect.name == "postgresql":
            session.execute(select(func.pg_advisory_xact_lock(_IMPORT_LOCK, cast(target.workspace_id, Integer))))
        if session.get(Workspace, target.workspace_id) is None:
            raise NotFound(f"workspace {target.name!r} was deleted during the import")
        idents = list({row[2] for row in rows})
        if db.is_sqlite:
            found = session.execute(_FOUND_SQLITE, {"workspace": target.workspace_id, "idents": json.dumps(idents)})
        else:
            found = session.execute(_FOUND, {"workspace": target.workspace_id, "idents": idents})
        merged = {ident: _Merged(person_id, email, attributes) for person_id, ident, email, attributes in found}
        created, updated, refused = _merge_rows(rows, merged)
        # In identifier order the (workspace, ident) index is walked once, page after page.
        new = sorted(((ident, m) for ident, m in merged.items() if m.person_id is None), key=itemgetter(0))
        if new:
            target.insert.execute(session, target.workspace_id, now, db.runtime.tokens, new)
        changed = [m for m in merged.values() if m.person_id is not None and m.rows]
        if changed:
            session.execute(
                update(_PEOPLE)
                .where(_PEOPLE.c.id == bindparam("person"))
                .values(
                    email=bindparam("new_email"),
                    attributes=bindparam("new_attributes", type_=_PEOPLE.c.attributes.type),
                    updated_at=now,
                    version=_PEOPLE.c.version + 1,
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
    for line, _end, ident, email, attributes in rows:
        into = merged.get(ident)
        if into is None:
            merged[ident] = _Merged(None, email, attributes, rows=1)
            created += 1
            continue
        try:
            into.merge(email, attributes)
        except InvalidInput as exc:
            refused.append(RowError(line, str(exc)))
            continue
        updated += 1
    return created, updated, refused

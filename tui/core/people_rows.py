"""Reading people from CSV and JSON Lines (P8): each record validated on its own, in batches.

A refused record is reported with the physical line where it starts (a CSV header is line 1).
CSV attribute names are checked once, at the header; emails take P3's fast path.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Callable, Generator, Iterator
from contextlib import closing
from dataclasses import dataclass
from typing import IO, Any

from tui.core import attributes as attrs
from tui.core import json_input
from tui.core.errors import InvalidInput
from tui.core.identity import identifier

# A CSV record (one row, its quoted cells across lines included) and a JSON line are at most
# this big: far more than one person's attributes (P6) take, so only broken files reach it.
MAX_RECORD_CHARS = 1_048_576
MAX_LINE_BYTES = 1_048_576
NOT_UTF8 = "the row is not valid UTF-8 text: save the file as UTF-8"
# Bytes that are not UTF-8, kept by the "surrogateescape" error handler as lone surrogates.
_UNDECODABLE = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str


# A valid record: (line, end, ident, email, attributes), `end` being the record's last physical
# line and the attributes JSON text (see `to_json`): a tuple of plain values, the cheapest thing
# to send between processes, and the attributes already in the form they are stored in.
Row = tuple[int, int, str, str | None, str]
# How attributes are stored: SQLAlchemy's JSON type serializes with json.dumps (on SQLite and
# PostgreSQL alike) unless the engine is given another serializer, and ours are not.
to_json = json.dumps


@dataclass(slots=True)
class Rejected:
    line: int
    end: int
    reason: str


Record = Row | Rejected


@dataclass(frozen=True)
class Batch:
    """Consecutive records of the file, validated, and how far the file has been read."""

    rows: list[Row]
    rejected: list[RowError]
    end: int  # the last line the batch covers
    bytes_read: int


def read_batches(source: IO[bytes], kind: str, identify_by: str, size: int) -> Generator[Batch, None, None]:
    """The file's records, validated, in groups of `size`."""
    total = os.fstat(source.fileno()).st_size
    rows: list[Row] = []
    rejected: list[RowError] = []
    end = 0
    with closing(READERS[kind](source, identify_by)) as records:
        for record in records:
            if isinstance(record, Rejected):
                rejected.append(RowError(record.line, record.reason))
                end = record.end
            else:
                rows.append(record)
                end = record[1]
            if len(rows) + len(rejected) >= size:
                yield Batch(rows, rejected, end, min(source.tell(), total))
                rows, rejected = [], []
    if rows or rejected:
        yield Batch(rows, rejected, end, total)


def _row(
    line: int,
    end: int,
    identify_by: str,
    person_id: object,
    email: object,
    attributes: dict[str, Any],
    *,
    names_checked: bool = False,
) -> Record:
    """One validated row, or its refusal. `names_checked`: the attribute names are known to be
    valid (a CSV header's), so only the size is left to check."""
    try:
        ident, clean_email = identifier(identify_by, person_id, email)
        if names_checked:
            attrs.check_size(attributes)
        else:
            attributes = attrs.check_attributes(attributes)
        return (line, end, ident, clean_email, to_json(attributes))
    except InvalidInput as exc:
        return Rejected(line, end, str(exc))


# CSV ----------------------------------------------------------------------------------------


def _csv_records(source: IO[bytes], identify_by: str) -> Generator[Record, None, None]:
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


def _csv_text_records(text: IO[str], identify_by: str) -> Iterator[Record]:
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
            yield Rejected(line, line, problem)
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


def _csv_row(line: int, end: int, cells: list[str], columns: list[str], identify_by: str) -> Record:
    if len(cells) > len(columns):
        return Rejected(line, end, f"the row has {len(cells)} cells but the header names {len(columns)} columns")
    joined = "".join(cells)
    if not joined.isascii() and _UNDECODABLE.search(joined):
        return Rejected(line, end, NOT_UTF8)
    attributes: dict[str, Any] = {name: value for name, value in zip(columns, cells, strict=False) if value}
    person_id = attributes.pop("id", None)
    email = attributes.pop("email", None)
    return _row(line, end, identify_by, person_id, email, attributes, names_checked=True)


# JSON Lines ---------------------------------------------------------------------------------


def _jsonl_records(source: IO[bytes], identify_by: str) -> Generator[Record, None, None]:
    """One flat JSON object a line: `id`/`email` are the person's keys, the others attributes."""
    number = 0
    while raw := source.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while (rest := source.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass  # the rest of a line too long to keep
            yield Rejected(number, number, f"the line is over {MAX_LINE_BYTES:,} bytes")
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield Rejected(number, number, NOT_UTF8)
            continue
        if number == 1:
            text = text.removeprefix("\ufeff")
        if text.strip():
            yield _jsonl_row(number, text, identify_by)


def _jsonl_row(number: int, text: str, identify_by: str) -> Record:
    try:
        data = json_input.loads(text, what="the line")
    except InvalidInput as exc:
        return Rejected(number, number, str(exc))
    if not isinstance(data, dict):
        return Rejected(number, number, 'the line must be a JSON object such as {"email": "ann@example.com"}')
    person_id = data.pop("id", None)
    email = data.pop("email", None)
    # An empty id or email is "not given", like an empty CSV cell.
    return _row(
        number, number, identify_by, None if person_id == "" else person_id, None if email == "" else email, data
    )


_Reader = Callable[[IO[bytes], str], Generator[Record, None, None]]
READERS: dict[str, _Reader] = {"csv": _csv_records, "jsonl": _jsonl_records}

"""Listing people (L1, L2): keyset pages in a chosen order, read forwards or backwards.

A listing is a workspace's people (or those a search keeps) in the order of one sort: by
identifier, by creation time or by an attribute's text, ascending or descending, ties broken by
cio_id so that every person has one place. A page is read after a cursor, from one (inclusive),
before one (backwards), or at the end of the listing; nothing is ever counted or offset. The
identifier and creation orders are range scans of the (workspace, ident) and (workspace,
created_at, cio_id) indexes; an attribute order reads the whole workspace (there is no index
for it).

A cursor is a string: the identifier itself in identifier order (as `people list --after` has
always taken), else the JSON array `[value, cio_id]`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, String, case, func, literal, null, select, tuple_, type_coerce
from sqlalchemy.orm import InstrumentedAttribute, Session

from tui.core.db import Database
from tui.core.errors import InvalidInput
from tui.core.models import Person, UTCDateTime, Workspace
from tui.core.people import PersonInfo
from tui.core.people_search import SCAN_CHUNK, Plan, Progress, parse_search, plan
from tui.core.workspaces import find_workspace

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000
ATTRIBUTE_PREFIX = "attr:"


@dataclass(frozen=True)
class PeopleSort:
    """L1: the order of a listing: `ident`, `created` or `attr:NAME`, ascending unless `descending`."""

    column: str = "ident"
    descending: bool = False

    def __post_init__(self) -> None:
        if self.column not in ("ident", "created") and not (
            self.column.startswith(ATTRIBUTE_PREFIX) and len(self.column) > len(ATTRIBUTE_PREFIX)
        ):
            raise InvalidInput(
                f"sort {self.column!r} is not valid: sort by ident, created or attr:NAME (an attribute's name)"
            )

    @property
    def attribute(self) -> str | None:
        """The attribute sorted by, or None."""
        return self.column[len(ATTRIBUTE_PREFIX) :] if self.column.startswith(ATTRIBUTE_PREFIX) else None

    @property
    def indexed(self) -> bool:
        """An index serves this order (no whole-workspace read)."""
        return self.attribute is None


BY_IDENT = PeopleSort()


@dataclass(frozen=True)
class PeoplePage:
    """People in listing order. `next`: the cursor to read on below (None: nothing below);
    `previous`: the cursor to read on above (None: nothing above, as far as this read knows)."""

    people: list[PersonInfo]
    next: str | None
    previous: str | None = None


@dataclass(frozen=True)
class PageAt:
    """Where a page starts: after a cursor, from one (inclusive), before one (the page ends just
    above it), or at the `last` people of the listing. All None and False: the first page."""

    after: str | None = None
    start: str | None = None
    before: str | None = None
    last: bool = False

    def __post_init__(self) -> None:
        given = [name for name in ("after", "start", "before") if getattr(self, name) is not None]
        if len(given) + self.last > 1:
            raise InvalidInput(f"give one place to read from, not {' and '.join([*given, 'last'][: len(given) + 1])}")

    @property
    def backwards(self) -> bool:
        return self.before is not None or self.last


def check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit {limit} is not valid: give 1 to {MAX_LIMIT}")


def dialect_of(session: Session) -> str:
    return session.get_bind().dialect.name


def sort_key(sort: PeopleSort, dialect: str) -> ColumnElement[Any] | InstrumentedAttribute[Any]:
    """The column (or expression) a listing is ordered by before its cio_id tie-break."""
    if sort.column == "ident":
        return Person.ident
    if sort.column == "created":
        return Person.created_at
    return func.coalesce(attribute_text(dialect, sort.attribute or ""), "")


def attribute_text(dialect: str, name: str) -> ColumnElement[Any]:
    """An attribute's value as text (strings as they are, other values as JSON), NULL when absent."""
    if dialect == "sqlite":
        path = literal(f"$.{json.dumps(name)}")
        kind = func.json_type(Person.attributes, path)
        return case(
            (kind == "text", type_coerce(func.json_extract(Person.attributes, path), String)),
            (kind == "null", null()),
            else_=type_coerce(Person.attributes.op("->")(path), String),
        )
    return type_coerce(Person.attributes.op("->>")(literal(name)), String)


def cursor_of(person: PersonInfo, sort: PeopleSort) -> str:
    """The cursor that names `person`'s place in a listing in the order `sort`."""
    ident = person.id if person.id is not None else (person.email or "")
    if sort.column == "ident":
        return ident
    if sort.column == "created":
        return json.dumps([person.created_at.isoformat(), person.cio_id])
    value = person.attributes.get(sort.attribute or "")
    text = "" if value is None else value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return json.dumps([text, person.cio_id], ensure_ascii=False)


Position = tuple[Any, "str | None"]  # (the sort value, the cio_id tie-break; None in identifier order)


def _parse_cursor(cursor: str, sort: PeopleSort) -> Position:
    """The place a cursor names; a broken cursor is refused."""
    if sort.column == "ident":
        return cursor, None
    try:
        value, cio_id = json.loads(cursor)
        if not isinstance(value, str) or not isinstance(cio_id, str):
            raise ValueError
        return (datetime.fromisoformat(value) if sort.column == "created" else value), cio_id
    except ValueError:
        raise InvalidInput(
            f"cursor {cursor!r} is not a cursor of a listing sorted by {sort.column}: "
            "pass the `next` (or `previous`) of a page read in that order"
        ) from None


def _beyond(sort: PeopleSort, dialect: str, place: Position, *, below: bool, inclusive: bool) -> ColumnElement[bool]:
    """People below `place` in the listing (or above, with below=False)."""
    value, cio_id = place
    key = sort_key(sort, dialect)
    bound: Any = literal(value, UTCDateTime()) if sort.column == "created" else value
    ascending = below != sort.descending
    if cio_id is None:
        left, right = key, bound
    else:
        left, right = tuple_(key, Person.cio_id), tuple_(bound, literal(cio_id))
    if ascending:
        return left >= right if inclusive else left > right
    return left <= right if inclusive else left < right


def ordered(query: Select[Any], sort: PeopleSort, dialect: str, *, reverse: bool = False) -> Select[Any]:
    """`query` in the listing's order (or its reverse)."""
    down = sort.descending != reverse
    return query.order_by(*(column.desc() if down else column.asc() for column in _key_columns(sort, dialect)))


def _key_columns(sort: PeopleSort, dialect: str) -> list[Any]:
    key = sort_key(sort, dialect)
    return [key] if sort.column == "ident" else [key, Person.cio_id]


def read_page(
    session: Session,
    ws: Workspace,
    search: Plan,
    sort: PeopleSort,
    at: PageAt,
    limit: int,
    progress: Progress | None = None,
) -> PeoplePage:
    """L2: one page of the people of `ws` that `search` keeps, at `at` in the order `sort`."""
    dialect = dialect_of(session)
    query = select(Person).where(search.in_workspace(ws))
    if search.condition is not None:
        query = query.where(search.condition)
    place: Position | None = None
    cursor = next((given for given in (at.after, at.start, at.before) if given is not None), None)
    if cursor is not None:
        place = _parse_cursor(cursor, sort)
    walk = Walk(sort, dialect, reverse=at.backwards, place=place, inclusive=at.start is not None)
    if search.scan and sort.indexed:
        rows = _scan(session, ws, query, walk, limit + 1, progress)
    else:
        rows = list(session.scalars(walk.apply(query).limit(limit + 1)).all())
    more = len(rows) > limit
    people = [PersonInfo.of(person, ws.identify_by) for person in rows[:limit]]
    if at.backwards:
        people.reverse()
        following = people[-1] if people and at.before is not None else None
        return PeoplePage(
            people,
            cursor_of(following, sort) if following else None,
            cursor_of(people[0], sort) if more else None,
        )
    return PeoplePage(
        people,
        cursor_of(people[-1], sort) if more else None,
        cursor_of(people[0], sort) if people and cursor is not None else None,
    )


@dataclass
class Walk:
    """Reading a listing from a place (or its start), down the listing or up it (`reverse`)."""

    sort: PeopleSort
    dialect: str
    reverse: bool
    place: Position | None
    inclusive: bool

    def within(self, query: Select[Any], *, until: Position | None = None) -> Select[Any]:
        """`query` kept to the people from the place on, up to `until` (inclusive) if given."""
        if self.place is not None:
            query = query.where(
                _beyond(self.sort, self.dialect, self.place, below=not self.reverse, inclusive=self.inclusive)
            )
        if until is not None:
            query = query.where(_beyond(self.sort, self.dialect, until, below=self.reverse, inclusive=True))
        return query

    def apply(self, query: Select[Any], *, until: Position | None = None) -> Select[Any]:
        """`query` from the place on, in the walk's order, up to `until` (inclusive) if given."""
        return ordered(self.within(query, until=until), self.sort, self.dialect, reverse=self.reverse)

    def edge(self, session: Session, ws: Workspace) -> Position | None:
        """The place SCAN_CHUNK people of the whole listing on (None: the listing ends before),
        read from the order's index alone."""
        columns = _key_columns(self.sort, self.dialect)
        bounds = self.apply(select(*columns).where(Person.workspace_id == ws.id))
        row = session.execute(bounds.offset(SCAN_CHUNK - 1).limit(1)).first()
        return None if row is None else (row[0], row[1] if len(row) > 1 else None)

    def step_on(self, until: Position) -> None:
        self.place, self.inclusive = until, False


def _scan(
    session: Session, ws: Workspace, query: Select[Any], walk: Walk, need: int, progress: Progress | None
) -> list[Person]:
    """S2: the first `need` people of `query` along `walk`, reading SCAN_CHUNK people of the
    listing at a time (their order's index bounds each step) and reporting after each step."""
    found: list[Person] = []
    scanned, total = 0, max(ws.people_count, 1)
    while True:
        until = walk.edge(session, ws)
        found += session.scalars(walk.apply(query, until=until).limit(need - len(found))).all()
        if len(found) >= need or until is None:
            return found
        scanned += SCAN_CHUNK
        walk.step_on(until)
        if progress is not None:
            progress(min(scanned, total), total)


def list_people(
    db: Database,
    workspace: str,
    *,
    search: str | None = None,
    limit: int = DEFAULT_LIMIT,
    sort: PeopleSort = BY_IDENT,
    after: str | None = None,
    start: str | None = None,
    before: str | None = None,
    last: bool = False,
    progress: Progress | None = None,
) -> PeoplePage:
    """L2: one page of the workspace's people that `search` finds (S1; everyone without), in the
    order `sort`, at the place given (the first page without one). A search that no index serves
    reports to `progress` as it scans (S2)."""
    check_limit(limit)
    at = PageAt(after=after, start=start, before=before, last=last)
    with db.read() as session:
        ws = find_workspace(session, workspace)
        found = plan(session, ws, parse_search(search, ws.identify_by))
        return read_page(session, ws, found, sort, at, limit, progress)


def count_people(db: Database, workspace: str, *, search: str | None = None, progress: Progress | None = None) -> int:
    """L3: how many people `search` finds (S1): the kept count without one, one query where an
    index serves it, else counted a chunk of the identifier index at a time, reporting to
    `progress` (which may raise to stop)."""
    with db.read() as session:
        ws = find_workspace(session, workspace)
        found = plan(session, ws, parse_search(search, ws.identify_by))
        if found.condition is None:
            return ws.people_count
        query = select(func.count()).select_from(Person).where(found.in_workspace(ws), found.condition)
        if not found.scan:
            return session.scalar(query) or 0
        walk = Walk(BY_IDENT, dialect_of(session), reverse=False, place=None, inclusive=False)
        counted, scanned, total = 0, 0, max(ws.people_count, 1)
        while True:
            until = walk.edge(session, ws)
            counted += session.scalar(walk.within(query, until=until)) or 0
            if until is None:
                return counted
            scanned += SCAN_CHUNK
            walk.step_on(until)
            if progress is not None:
                progress(min(scanned, total), total)

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

from sqlalchemy import ColumnElement, Select, String, cast, func, literal, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from tui.core.db import Database
from tui.core.errors import InvalidInput
from tui.core.models import Person, UTCDateTime, Workspace
from tui.core.people import PREFIX_END, PersonInfo, search_prefix
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
        return cast(func.json_extract(Person.attributes, literal(f"$.{json.dumps(name)}")), String)
    return Person.attributes.op("->>")(literal(name))


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


def _parse_cursor(cursor: str, sort: PeopleSort) -> tuple[Any, str | None]:
    """(the sort value, the cio_id tie-break) a cursor names; a broken cursor is refused."""
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


def _beyond(sort: PeopleSort, dialect: str, cursor: str, *, below: bool, inclusive: bool) -> ColumnElement[bool]:
    """People below the cursor's place in the listing (or above, with below=False)."""
    value, cio_id = _parse_cursor(cursor, sort)
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
    key = sort_key(sort, dialect)
    down = sort.descending != reverse
    columns = [key] if sort.column == "ident" else [key, Person.cio_id]
    return query.order_by(*(column.desc() if down else column.asc() for column in columns))


def read_page(
    session: Session,
    ws: Workspace,
    query: Select[Any],
    sort: PeopleSort,
    at: PageAt,
    limit: int,
) -> PeoplePage:
    """L2: one page of `query` (people of `ws`, filtered) at `at` in the order `sort`."""
    dialect = dialect_of(session)
    if at.after is not None:
        query = query.where(_beyond(sort, dialect, at.after, below=True, inclusive=False))
    elif at.start is not None:
        query = query.where(_beyond(sort, dialect, at.start, below=True, inclusive=True))
    elif at.before is not None:
        query = query.where(_beyond(sort, dialect, at.before, below=False, inclusive=False))
    rows = list(session.scalars(ordered(query, sort, dialect, reverse=at.backwards).limit(limit + 1)).all())
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
    earlier = at.after is not None or at.start is not None
    return PeoplePage(
        people,
        cursor_of(people[-1], sort) if more else None,
        cursor_of(people[0], sort) if people and earlier else None,
    )


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
) -> PeoplePage:
    """L2: one page of the workspace's people whose identifier starts with `search` (everyone
    without), in the order `sort`, at the place given (the first page without one)."""
    check_limit(limit)
    at = PageAt(after=after, start=start, before=before, last=last)
    with db.read() as session:
        ws = find_workspace(session, workspace)
        query = select(Person).where(Person.workspace_id == ws.id)
        if search:
            prefix = search_prefix(ws.identify_by, search)
            query = query.where(Person.ident >= prefix, Person.ident < prefix + PREFIX_END)
        return read_page(session, ws, query, sort, at, limit)

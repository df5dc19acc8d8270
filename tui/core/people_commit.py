"""Committing a batch of imported people: one transaction that merges rows in file order, inserts
the new people and updates the others (P5, P8).

Per batch: one SELECT of the people that exist (an IN list), one executemany INSERT of the new
people (compiled once per import for the dialect, run through the driver's executemany, values
serialized by the columns' own types), one executemany UPDATE of the merged ones, and the kept
counters. New people are inserted in identifier order, so the identifier index is walked once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Dialect, Integer, bindparam, cast, func, select, update
from sqlalchemy import Row as ResultRow
from sqlalchemy.orm import Session

from tui.core import attributes as attrs
from tui.core.db import Database
from tui.core.driver_many import bind_processor
from tui.core.errors import InvalidInput, NotFound
from tui.core.identity import new_cio_ids
from tui.core.models import Person, Workspace, table_of
from tui.core.people_rows import Row, RowError, to_json
from tui.core.runtime import TokenSource
from tui.core.usage import bump_counters, record_usage


@dataclass(frozen=True)
class Target:
    workspace_id: int
    name: str
    identify_by: str
    insert: PeopleInsert


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


# A new person as inserted: (ident, email, attributes as JSON text).
NewPerson = tuple[str, str | None, str]
_ANY_BETWEEN = (
    select(_PEOPLE.c.id)
    .where(
        _PEOPLE.c.workspace_id == bindparam("workspace"),
        _PEOPLE.c.ident >= bindparam("low"),
        _PEOPLE.c.ident <= bindparam("high"),
    )
    .limit(1)
)


@dataclass(frozen=True)
class PeopleInsert:
    """The INSERT of new people, compiled once per import for the database's dialect and run
    through the driver's executemany; values are serialized by the columns' own bind
    processors, the timestamps once per batch."""

    sql: str
    positional: bool
    moment: Callable[[Any], Any]

    @classmethod
    def compile(cls, dialect: Dialect) -> PeopleInsert:
        compiled = _PEOPLE.insert().inline().compile(dialect=dialect, column_keys=list(_INSERTED))
        if compiled.positional and tuple(compiled.positiontup or ()) != _INSERTED:
            raise RuntimeError(f"unexpected parameter order {compiled.positiontup} in {compiled.string}")
        return cls(
            compiled.string,
            compiled.positional,
            bind_processor(_PEOPLE.c.created_at.type, dialect),
        )

    def execute(
        self, session: Session, workspace_id: int, now: datetime, tokens: TokenSource, new: list[NewPerson]
    ) -> None:
        stamp = self.moment(now)
        rows: list[Any] = [
            (workspace_id, cio_id, ident, email, attributes, stamp, stamp, 1)
            for cio_id, (ident, email, attributes) in zip(new_cio_ids(tokens, len(new)), new, strict=True)
        ]
        if not self.positional:
            rows = [dict(zip(_INSERTED, row, strict=True)) for row in rows]
        session.connection().exec_driver_sql(self.sql, rows)


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
        return self.attributes if isinstance(self.attributes, str) else to_json(self.attributes)


def commit_rows(db: Database, target: Target, rows: list[Row]) -> tuple[int, int, list[RowError]]:
    """One transaction: merge the rows in file order, insert the new people, update the others.

    Returns (created, updated, rows refused because a merge went over the attribute limit).
    """
    now = db.runtime.now()
    with db.write() as session:
        if db.engine.dialect.name == "postgresql":
            session.execute(select(func.pg_advisory_xact_lock(_IMPORT_LOCK, cast(target.workspace_id, Integer))))
        if session.get(Workspace, target.workspace_id) is None:
            raise NotFound(f"workspace {target.name!r} was deleted during the import")
        idents = {row[2] for row in rows}
        merged = {
            ident: _Merged(person_id, email, attributes)
            for person_id, ident, email, attributes in _people_found(session, db.is_sqlite, target, idents)
        }
        if len(idents) == len(rows):  # each identifier once: new people go from their row to the INSERT
            new = [(ident, email, attributes) for _, _, ident, email, attributes in rows if ident not in merged]
            created = len(new)
            _, updated, refused = _merge_rows([row for row in rows if row[2] in merged], merged)
        else:
            created, updated, refused = _merge_rows(rows, merged)
            new = [(ident, m.email, m.attributes_json()) for ident, m in merged.items() if m.person_id is None]
        # In identifier order the (workspace, ident) index is walked once, page after page (the
        # identifiers are unique, so the tuples compare by them alone).
        new.sort()
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


def _people_found(
    session: Session, sqlite: bool, target: Target, idents: set[str]
) -> Sequence[ResultRow[int, str, str | None, Any]]:
    """(id, ident, email, attributes) of the people among `idents` who exist.

    A cheap look first: when nobody exists between the batch's lowest and highest identifier
    (a new workspace filled from a file sorted by identifier, batch after batch), there is
    nothing to look up one by one.
    """
    bounds = {"workspace": target.workspace_id, "low": min(idents), "high": max(idents)}
    if session.execute(_ANY_BETWEEN, bounds).first() is None:
        return []
    if sqlite:
        return session.execute(
            _FOUND_SQLITE, {"workspace": target.workspace_id, "idents": json.dumps(list(idents))}
        ).all()
    return session.execute(_FOUND, {"workspace": target.workspace_id, "idents": list(idents)}).all()


def _merge_rows(rows: list[Row], merged: dict[str, _Merged]) -> tuple[int, int, list[RowError]]:
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

"""T2 and T3 set-based: a run of consecutive identify and event operations in a few statements.

The people a run names are read at once (by identifier, cio_id and email, locked on PostgreSQL,
with the suppressed identifiers among them, and the client event ids already stored); the
operations are then applied in order to those rows in memory, as one at a time through the ORM
would: the same outcomes, the same version increments, cio_ids drawn in the same order. The
result is written with one executemany each: the new people, the changed ones, the events, the
Activity rows. This is the only identify and person event there is, so a request of one
operation and a batch of a thousand follow the same rules.

An operation refused as bad input (InvalidInput) changes nothing: everything that can refuse
is decided before a row is touched.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Dialect, bindparam, func, insert, or_, select, update
from sqlalchemy.orm import Session

from tui.core import activity
from tui.core import attributes as attrs
from tui.core.driver_many import DriverMany
from tui.core.errors import InvalidInput, naming
from tui.core.identity import CIO_PREFIX, new_cio_id, normalize_email, validate_person_id
from tui.core.models import AnonymousLink, Event, Person, Suppression, Workspace, table_of
from tui.core.runtime import Runtime
from tui.core.track_identifiers import BY_EMAIL, Key, Ref, decide, key_of
from tui.core.track_values import EventValues, IdentifyBody, event_values, identify_body

RUN_ACTIONS = ("identify", "event", "page", "screen")
_PEOPLE = table_of(Person)
_SUPPRESSIONS = table_of(Suppression)
_EVENTS = table_of(Event)
_EVENT_COLUMNS = (
    "workspace_id",
    "person_id",
    "anonymous_id",
    "client_id",
    "name",
    "type",
    "data",
    "timestamp",
    "received_at",
)
_COLUMNS = ("id", "cio_id", "ident", "email", "attributes", "unsubscribed", "updated_at", "version")


@dataclass(frozen=True)
class _Statements:
    update: DriverMany  # a changed person, by id
    insert: DriverMany  # a new one
    events: DriverMany  # a new event


@lru_cache(maxsize=4)
def _statements(dialect: Dialect) -> _Statements:
    changed = update(_PEOPLE).where(_PEOPLE.c.id == bindparam("id"))
    changed = changed.values({name: bindparam(f"new_{name}") for name in _COLUMNS[2:]})
    inserted = ("workspace_id", "created_at", *_COLUMNS[1:])
    return _Statements(
        DriverMany.compile(changed, dialect, repeated=("new_updated_at",)),
        DriverMany.compile(insert(_PEOPLE), dialect, inserted, repeated=("created_at", "updated_at"), copy=True),
        DriverMany.compile(insert(_EVENTS), dialect, _EVENT_COLUMNS, repeated=("received_at",), copy=True),
    )


@dataclass(frozen=True)
class Applied:
    """One operation's Activity entry: its kind, the person (a cio_id) and in words; for a
    refused one, the field of the body that was refused."""

    kind: str
    person: str | None
    detail: str
    at: datetime
    field: str = ""


@dataclass(slots=True, eq=False)
class _Row:
    """A person as the run has left them so far; `id` None: created by this run."""

    id: int | None
    cio_id: str
    ident: str
    email: str | None
    attributes: dict[str, Any]
    unsubscribed: bool
    updated_at: datetime
    version: int
    created_at: datetime | None = None

    def state(self) -> tuple[Any, ...]:
        """What a change of the ORM object would compare (a version is spent when it differs)."""
        return (self.ident, self.email, self.attributes, self.unsubscribed, self.updated_at)


@dataclass(frozen=True)
class _Parsed:
    """An operation as far as it can be decided without the database: its checked body (an
    identify's or an event's) or the sentence refusing it, and what its reference looks up or
    the sentence refusing that (an event stored before under its id is ignored first)."""

    action: str
    ref: Ref
    body: IdentifyBody | EventValues | None = None
    error: InvalidInput | None = None
    key: Key | None = None
    key_error: InvalidInput | None = None


@dataclass
class _Rows:
    """The people of the run, found by each way a reference names them (track_identifiers.People)."""

    idents: dict[str, _Row] = field(default_factory=dict)
    cio_ids: dict[str, _Row] = field(default_factory=dict)
    emails: dict[str, list[_Row]] = field(default_factory=dict)

    def add(self, row: _Row) -> None:
        self.idents[row.ident] = row
        self.cio_ids[row.cio_id] = row
        if row.email is not None:
            self.emails.setdefault(row.email, []).append(row)

    def by_cio(self, cio_id: str) -> _Row | None:
        return self.cio_ids.get(cio_id)

    def by_ident(self, ident: str) -> _Row | None:
        return self.idents.get(ident)

    def holders(self, email: str) -> Sequence[_Row]:
        return self.emails.get(email, [])[:2]

    def ident_of(self, person: _Row) -> str:
        return person.ident

    def move(self, row: _Row, ident: str, email: str | None) -> None:
        if ident != row.ident:
            del self.idents[row.ident]
            self.idents[ident] = row
            row.ident = ident
        if email != row.email:
            if row.email is not None:
                self.emails[row.email].remove(row)
            if email is not None:
                self.emails.setdefault(email, []).append(row)
            row.email = email


def apply_run(
    session: Session, ws: Workspace, runtime: Runtime, operations: Sequence[tuple[str, Ref, dict[str, Any]]]
) -> tuple[list[Applied], int]:
    """Apply operations (action in RUN_ACTIONS, who, body) in order; their Activity entries
    (written) and how many people they created (the caller counts them)."""
    parsed = [_parse(ws.identify_by, *op) for op in operations]
    run = _Run(session, ws, runtime)
    run.load(parsed)
    now = runtime.now()  # the run's time, as a transaction's own time: one for all its rows
    entries = [run.apply(op, now) for op in parsed]
    run.write(entries, now)
    return entries, len(run.created)


def _parse(identify_by: str, action: str, ref: Ref, body: dict[str, Any]) -> _Parsed:
    try:
        checked = identify_body(body) if action == "identify" else event_values(body, default_type=action)
    except InvalidInput as exc:
        return _Parsed(action, ref, error=exc)
    try:
        with naming("person"):
            return _Parsed(action, ref, checked, key=key_of(identify_by, ref))
    except InvalidInput as exc:
        return _Parsed(action, ref, checked, key_error=exc)


@dataclass
class _Run:
    session: Session
    ws: Workspace
    runtime: Runtime
    rows: _Rows = field(default_factory=_Rows)
    suppressed: set[str] = field(default_factory=set)
    created: list[_Row] = field(default_factory=list)
    changed: dict[int, _Row] = field(default_factory=dict)  # existing people, by id
    renames: list[tuple[int, str]] = field(default_factory=list)  # (id, ident), in order
    joins: list[tuple[str, _Row]] = field(default_factory=list)  # (anonymous_id, person), in order
    event_ids: set[str] = field(default_factory=set)  # the client event ids stored
    events: list[tuple[_Row, EventValues]] = field(default_factory=list)  # to store, in order

    # -- reading ---------------------------------------------------------------------------

    def load(self, parsed: Sequence[_Parsed]) -> None:
        """The people the run can name, and the suppressed identifiers among theirs."""
        idents: set[str] = set()
        cio_ids: set[str] = set()
        emails: set[str] = set()
        event_ids = {op.body.client_id for op in parsed if isinstance(op.body, EventValues) and op.body.client_id}
        if event_ids:
            stored = select(_EVENTS.c.client_id).where(
                _EVENTS.c.workspace_id == self.ws.id, self._in(_EVENTS.c.client_id, event_ids)
            )
            self.event_ids = set(self.session.scalars(stored))
        for op in parsed:
            if op.key is None or op.body is None:
                continue
            if op.key.cio_id is not None:
                cio_ids.add(op.key.cio_id)
                moved_to = self._new_ident(op.body, quiet=True) if isinstance(op.body, IdentifyBody) else None
                if moved_to is not None:
                    idents.add(moved_to)
            if op.key.ident is not None:
                idents.add(op.key.ident)
            if op.key.email is not None:
                emails.add(op.key.email)
        wanted = [
            self._in(column, values)
            for column, values in ((_PEOPLE.c.ident, idents), (_PEOPLE.c.cio_id, cio_ids), (_PEOPLE.c.email, emails))
            if values
        ]
        if wanted:
            query = select(*(_PEOPLE.c[name] for name in _COLUMNS)).where(
                _PEOPLE.c.workspace_id == self.ws.id, or_(*wanted)
            )
            if not self._sqlite:
                query = query.with_for_update()
            for found in self.session.execute(query):
                self.rows.add(_Row(*found))
        idents.update(self.rows.idents)
        if idents:
            blocked = select(_SUPPRESSIONS.c.ident).where(
                _SUPPRESSIONS.c.workspace_id == self.ws.id, self._in(_SUPPRESSIONS.c.ident, idents)
            )
            self.suppressed = set(self.session.scalars(blocked))

    @property
    def _sqlite(self) -> bool:
        return self.session.get_bind().dialect.name == "sqlite"

    def _in(self, column: Any, values: set[str]) -> ColumnElement[bool]:
        """`column IN values`: on SQLite one JSON parameter (binding thousands one by one costs
        more than the lookups), elsewhere an expanding list."""
        if self._sqlite:
            return column.in_(select(func.json_each(json.dumps(sorted(values))).table_valued("value").c.value))
        return column.in_(sorted(values))

    # -- applying ----------------------------------------------------------------------------

    def apply(self, op: _Parsed, now: datetime) -> Applied:
        try:
            if op.error is not None:
                raise op.error
            if isinstance(op.body, EventValues):
                kind, person, detail = self._event(op, op.body, now)
            else:
                if op.key_error is not None:
                    raise op.key_error
                assert op.body is not None and op.key is not None
                kind, person, detail = self._identify(op.ref, op.body, op.key, now)
        except InvalidInput as exc:
            return Applied("rejected", None, f"{op.action} {op.ref}: {exc}", now, exc.field)
        return Applied(kind, person, detail, now)

    def _event(self, op: _Parsed, values: EventValues, now: datetime) -> tuple[str, str | None, str]:
        """T3: an event for a person; one that names nobody creates them first; an event id
        stored before is stored once."""
        if values.client_id is not None and values.client_id in self.event_ids:
            return "ignored", None, f"{values.type} {values.name!r}: event id {values.client_id!r} already stored"
        if op.key_error is not None:
            raise op.key_error
        assert op.key is not None
        with naming("person"):
            target = decide(op.key, self.ws.identify_by, self.rows, creating=True)
        if target.unknown_cio:
            return "ignored", None, f"{values.type} for {op.ref}: no person has that cio_id; nothing stored"
        if target.ident is not None and target.ident in self.suppressed:
            return "ignored", None, f"{values.type} for {op.ref}: the identifier is suppressed; nothing stored"
        row = target.person
        if row is None:
            if target.ident is None:
                with naming("person"):
                    raise InvalidInput(BY_EMAIL)
            row = self._create(target.ident, target.email, now)
        self.events.append((row, values))
        if values.client_id is not None:
            self.event_ids.add(values.client_id)
        return "event", row.cio_id, f"{values.type} {values.name!r}"

    def _identify(self, ref: Ref, body: IdentifyBody, key: Key, now: datetime) -> tuple[str, str | None, str]:
        """T2: create or update; a clash of identifiers changes nothing (recorded, answered 200)."""
        identify_by = self.ws.identify_by
        with naming("person"):
            target = decide(key, identify_by, self.rows, creating=not body.update_only)
        if target.unknown_cio:
            return "ignored", None, f"identify {ref}: no person has that cio_id; nothing changed"
        if target.ident is not None and target.ident in self.suppressed:
            return "ignored", None, f"identify {ref}: the identifier is suppressed; nothing stored"
        row = target.person
        if row is None and (body.update_only or target.ident is None):
            return "ignored", None, f"identify {ref}: no such person and _update is set; nobody created"
        # Everything that can refuse, before anything changes.
        by_cio = ref.kind == "cio_id" or (ref.kind == "path" and ref.value.startswith(CIO_PREFIX))
        new_ident = self._new_ident(body) if by_cio else None
        with naming("email"):
            new_email = normalize_email(body.new_email) if identify_by == "id" and body.new_email is not None else None
        if row is not None and new_ident is not None and new_ident != row.ident:
            holder = self.rows.by_ident(new_ident)
            if holder is not None:
                what = "id" if identify_by == "id" else "email"
                clash = f"{what} {new_ident!r} already belongs to cio_{holder.cio_id}; nothing changed"
                return "failed_change", row.cio_id, f"identify {ref}: {clash}"
        current = row.attributes if row is not None else {}
        with naming("attributes"):
            merged = attrs.merge(current, body.changes, body.removed) if body.changes or body.removed else current
        creating = row is None
        if row is None:
            assert target.ident is not None
            row = self._create(target.ident, new_email or target.email, now)
        before = row.state()
        ident = new_ident if new_ident is not None else row.ident
        email = new_ident if new_ident is not None and identify_by == "email" else row.email
        if ident != row.ident and row.id is not None:
            self.renames.append((row.id, ident))
        self.rows.move(row, ident, new_email if new_email is not None else email)
        row.attributes = merged
        if body.unsubscribed is not None:
            row.unsubscribed = body.unsubscribed
        row.updated_at = now
        if row.state() != before:
            row.version += 1
            if row.id is not None:
                self.changed[row.id] = row
        if body.anonymous_id is not None:
            self.joins.append((body.anonymous_id, row))
        return "identify", row.cio_id, f"{'created' if creating else 'updated'} {ref}"

    def _new_ident(self, body: IdentifyBody, *, quiet: bool = False) -> str | None:
        """The identifier a body under a cio_ reference moves the person to (P7), if any."""
        try:
            if self.ws.identify_by == "id" and body.new_id is not None:
                with naming("id"):
                    return validate_person_id(body.new_id)
            if self.ws.identify_by == "email" and body.new_email is not None:
                with naming("email"):
                    return normalize_email(body.new_email)
        except InvalidInput:
            if not quiet:
                raise
        return None

    def _create(self, ident: str, email: str | None, now: datetime) -> _Row:
        row = _Row(None, new_cio_id(self.runtime.tokens), ident, email, {}, False, now, 1, created_at=now)
        self.rows.add(row)
        self.created.append(row)
        return row

    # -- writing -----------------------------------------------------------------------------

    def write(self, entries: Sequence[Applied], now: datetime) -> None:
        """Everything the run did, in the order one at a time would have left it valid: renames
        first (each frees an identifier a later one may take), then the changed people, the new
        ones, their events, Activity, and the anonymous ids joined."""
        for person_id, ident in self.renames:
            self.session.execute(update(_PEOPLE).where(_PEOPLE.c.id == person_id).values(ident=ident))
        statements = _statements(self.session.get_bind().dialect)
        if self.changed:
            changed = [
                {"id": row.id, **{f"new_{name}": getattr(row, name) for name in _COLUMNS[2:]}}
                for row in self.changed.values()
            ]
            statements.update.execute(self.session, changed)
        if self.created:
            created = [
                {
                    "workspace_id": self.ws.id,
                    "created_at": row.created_at,
                    **{name: getattr(row, name) for name in _COLUMNS[1:]},
                }
                for row in self.created
            ]
            statements.insert.execute(self.session, created)
        if self.events or self.joins:
            self._ids_of_new_people()
        if self.events:
            stored = [
                {
                    "workspace_id": self.ws.id,
                    "person_id": row.id,
                    "anonymous_id": values.anonymous_id,
                    "client_id": values.client_id,
                    "name": values.name,
                    "type": values.type,
                    "data": values.data,
                    "timestamp": values.timestamp or now,
                    "received_at": now,
                }
                for row, values in self.events
            ]
            statements.events.execute(self.session, stored)
        activity.record_many(self.session, self.ws.id, [(e.kind, e.person, e.detail, e.at) for e in entries])
        if self.joins:
            self._join_anonymous()
        # ORM objects of these people loaded earlier in the transaction are stale now.
        for person in [obj for obj in self.session.identity_map.values() if isinstance(obj, Person)]:
            self.session.expire(person)

    def _ids_of_new_people(self) -> None:
        """The ids the database gave the people this run created (read back by cio_id)."""
        if not self.created:
            return
        found = self.session.execute(
            select(_PEOPLE.c.cio_id, _PEOPLE.c.id).where(
                _PEOPLE.c.workspace_id == self.ws.id, self._in(_PEOPLE.c.cio_id, {row.cio_id for row in self.created})
            )
        )
        ids = {row.cio_id: row.id for row in found}
        for row in self.created:
            row.id = ids[row.cio_id]

    def _join_anonymous(self) -> None:
        """T3: an anonymous id's earlier events go to the first person who identified with it,
        its link (for later events) to the last."""
        first: dict[str, int] = {}
        last: dict[str, int] = {}
        for anonymous_id, row in self.joins:
            assert row.id is not None
            first.setdefault(anonymous_id, row.id)
            last[anonymous_id] = row.id
        for anonymous_id, person_id in first.items():
            self.session.execute(
                update(Event)
                .where(Event.workspace_id == self.ws.id, Event.anonymous_id == anonymous_id, Event.person_id.is_(None))
                .values(person_id=person_id)
                .execution_options(synchronize_session=False)
            )
        for anonymous_id, person_id in last.items():
            link = self.session.get(AnonymousLink, (self.ws.id, anonymous_id))
            if link is None:
                self.session.add(AnonymousLink(workspace_id=self.ws.id, anonymous_id=anonymous_id, person_id=person_id))
            else:
                link.person_id = person_id
        self.session.flush()

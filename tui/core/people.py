"""People (P1-P7): identify (an upsert), find by reference, change, delete.

A person's identifier (`Person.ident`) is the id in an `id` workspace and the normalized email
in an `email` workspace. Listing them is `people_list`'s. The workspace's kept `people_count`
and the billing facts change in the same transaction as the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tui.core import attributes as attrs
from tui.core.campaign_reach import person_leaves
from tui.core.db import Database
from tui.core.errors import ChangedElsewhere, Conflict, InvalidInput, NotFound
from tui.core.identity import CIO_PREFIX, identifier, new_cio_id, normalize_email, parse_reference, validate_person_id
from tui.core.message_counts import forget_messages
from tui.core.models import Message, Person, Workspace
from tui.core.runtime import TokenSource
from tui.core.usage import bump_counters, record_usage
from tui.core.workspaces import find_workspace


@dataclass(frozen=True)
class PersonInfo:
    cio_id: str
    id: str | None  # the id in an id workspace; always None in an email workspace
    email: str | None
    attributes: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    version: int
    unsubscribed: bool = False

    @property
    def reference(self) -> str:
        """How to name this person anywhere: `cio_<hex>`."""
        return f"{CIO_PREFIX}{self.cio_id}"

    @classmethod
    def of(cls, person: Person, identify_by: str) -> PersonInfo:
        return cls(
            cio_id=person.cio_id,
            id=person.ident if identify_by == "id" else None,
            email=person.email,
            attributes=dict(person.attributes),
            created_at=person.created_at,
            updated_at=person.updated_at,
            version=person.version,
            unsubscribed=bool(person.unsubscribed),
        )


@dataclass(frozen=True)
class AddResult:
    created: bool  # False: the identifier existed and that person was updated (P5)
    person: PersonInfo


def find_person(session: Session, ws: Workspace, ref: str) -> Person:
    """P4: `cio_<hex>` finds by cio_id; anything else is the workspace's identifier."""
    try:
        parsed = parse_reference(ref, ws.identify_by)
    except InvalidInput as exc:
        raise NotFound(
            f"no person {ref!r} in workspace {ws.name!r}: people there are named by email or cio_<hex>, and {exc}"
        ) from None
    query = select(Person).where(Person.workspace_id == ws.id)
    if parsed.cio_id is not None:
        query = query.where(Person.cio_id == parsed.cio_id)
    else:
        query = query.where(Person.ident == parsed.ident)
    person = session.scalar(query)
    if person is None:
        raise NotFound(f"no person {ref!r} in workspace {ws.name!r}")
    return person


def by_ident(session: Session, ws: Workspace, ident: str) -> Person | None:
    return session.scalar(select(Person).where(Person.workspace_id == ws.id, Person.ident == ident))


def add_person(
    db: Database,
    workspace: str,
    *,
    id: str | None = None,
    email: str | None = None,
    attributes: Mapping[str, Any] | None = None,
) -> AddResult:
    """P5: identify a person. An existing identifier updates that person, merging attributes."""
    changes = attrs.check_attributes(attributes or {})
    now = db.runtime.now()
    with db.write() as session:
        ws = find_workspace(session, workspace)
        ident, clean_email = identifier(ws.identify_by, id, email)
        person = by_ident(session, ws, ident)
        if person is not None:
            person.attributes = attrs.merge(person.attributes, changes)
            if clean_email is not None:
                person.email = clean_email
            person.updated_at = now
            _flush(session, ws, ident)
            return AddResult(False, PersonInfo.of(person, ws.identify_by))
        person = create_person(session, ws, ident, clean_email, changes, db.runtime.tokens, now)
        return AddResult(True, PersonInfo.of(person, ws.identify_by))


def create_person(
    session: Session,
    ws: Workspace,
    ident: str,
    email: str | None,
    attributes: dict[str, Any],
    tokens: TokenSource,
    now: datetime,
    *,
    counted: bool = True,
) -> Person:
    """Insert a person with checked values, counting them in the kept count and billing (P1).
    `counted=False`: the caller counts them (once for many, in the same transaction)."""
    person = Person(
        workspace_id=ws.id,
        cio_id=new_cio_id(tokens),
        ident=ident,
        email=email,
        attributes=attributes,
        unsubscribed=False,
        created_at=now,
        updated_at=now,
    )
    session.add(person)
    session.flush()
    if counted:
        bump_counters(session, ws.id, people=1)
        record_usage(session, ws.id, now.date(), people_created=1)
    return person


def get_person(db: Database, workspace: str, ref: str) -> PersonInfo:
    with db.read() as session:
        ws = find_workspace(session, workspace)
        return PersonInfo.of(find_person(session, ws, ref), ws.identify_by)


def update_person(
    db: Database,
    workspace: str,
    ref: str,
    *,
    id: str | None = None,
    email: str | None = None,
    attributes: Mapping[str, Any] | None = None,
    unset: Iterable[str] = (),
    expected_version: int | None = None,
) -> PersonInfo:
    """P6/P7: change a person. A new identifier keeps the cio_id and must be free.

    In an id workspace `email=""` removes the email. With `expected_version`, a person changed
    since that version was loaded is refused (ChangedElsewhere) rather than overwritten.
    """
    changes = attrs.check_attributes(attributes or {})
    removed = [attrs.check_name(name) for name in unset]
    both = sorted(set(changes) & set(removed))
    if both:
        raise InvalidInput(f"attribute {both[0]!r} is both set and unset: choose one")
    if id is None and email is None and not changes and not removed:
        raise InvalidInput("nothing to change: give a new id, email, attributes to set or attributes to unset")
    now = db.runtime.now()
    with db.write() as session:
        ws, person = _load_for_change(session, workspace, ref, expected_version)
        _change_identifier(session, ws, person, id, email)
        if changes or removed:
            person.attributes = attrs.merge(person.attributes, changes, removed)
        person.updated_at = now
        _flush(session, ws, ref)
        return PersonInfo.of(person, ws.identify_by)


def _change_identifier(session: Session, ws: Workspace, person: Person, new_id: str | None, email: str | None) -> None:
    if ws.identify_by == "email":
        if new_id is not None:
            raise InvalidInput("this workspace identifies people by email: a person there has no id to change")
        if email is not None:
            _claim_ident(session, ws, person, normalize_email(email), "email")
            person.email = person.ident
        return
    if new_id is not None:
        _claim_ident(session, ws, person, validate_person_id(new_id), "id")
    if email is not None:
        person.email = normalize_email(email) if email != "" else None


def _claim_ident(session: Session, ws: Workspace, person: Person, ident: str, what: str) -> None:
    """P7: move `person` to a new identifier, refused when someone else holds it."""
    holder = by_ident(session, ws, ident)
    if holder is not None and holder.id != person.id:
        raise Conflict(
            f"{what} {ident!r} already belongs to another person in workspace {ws.name!r} "
            f"({CIO_PREFIX}{holder.cio_id}): choose another {what}, or change or delete that person first"
        )
    person.ident = ident


def delete_person(db: Database, workspace: str, ref: str, *, expected_version: int | None = None) -> PersonInfo:
    """Delete a person and their messages; counted as deleted for billing."""
    now = db.runtime.now()
    with db.write() as session:
        ws, person = _load_for_change(session, workspace, ref, expected_version)
        info = PersonInfo.of(person, ws.identify_by)
        remove_person(session, ws, person, now)
        _flush(session, ws, ref)
        return info


def remove_person(session: Session, ws: Workspace, person: Person, now: datetime, *, counted: bool = True) -> None:
    """P7: delete a person with their messages (their events and devices go by cascade); they
    stay counted for billing. `counted=False`: the caller counts the deletion."""
    person_leaves(session, person.id)
    forget_messages(session, Message.person_id == person.id)
    session.execute(delete(Message).where(Message.person_id == person.id))
    session.delete(person)
    if counted:
        bump_counters(session, ws.id, people=-1)
        record_usage(session, ws.id, now.date(), people_deleted=1)


def _load_for_change(
    session: Session, workspace: str, ref: str, expected_version: int | None
) -> tuple[Workspace, Person]:
    """The workspace and person to change; ChangedElsewhere if the person is past `expected_version`."""
    ws = find_workspace(session, workspace)
    person = find_person(session, ws, ref)
    if expected_version is not None and person.version != expected_version:
        raise _changed(ref, ws)
    return ws, person


def _changed(ref: str, ws: Workspace) -> ChangedElsewhere:
    return ChangedElsewhere(
        f"person {ref!r} in workspace {ws.name!r} was changed elsewhere since it was loaded: reload and try again"
    )


def _flush(session: Session, ws: Workspace, ref: str) -> None:
    """Flush, turning the ORM's version check (a concurrent writer on PostgreSQL) into ChangedElsewhere."""
    try:
        session.flush()
    except StaleDataError:
        raise _changed(ref, ws) from None

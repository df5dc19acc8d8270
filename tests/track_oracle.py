"""The oracle of the set-based runs: identify and person events as they were before them
(session 1 of issue 12), one operation at a time through the ORM, each in a savepoint.
tests/test_track_bulk.py puts it in place of `track_runs.apply_run` and checks that both leave
the same database.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tui.core import activity
from tui.core import attributes as attrs
from tui.core.errors import InvalidInput
from tui.core.identity import CIO_PREFIX, normalize_email, validate_person_id
from tui.core.models import AnonymousLink, Event, Person, Suppression, Workspace
from tui.core.people import by_ident, create_person
from tui.core.runtime import Runtime
from tui.core.track_identifiers import BY_EMAIL, Ref, resolve
from tui.core.track_runs import Applied
from tui.core.track_values import EventValues, IdentifyBody, event_values, identify_body


def one_at_a_time(
    session: Session, ws: Workspace, runtime: Runtime, operations: Sequence[tuple[str, Ref, dict[str, Any]]]
) -> tuple[list[Applied], int]:
    """`apply_run`'s contract, one operation at a time."""
    entries: list[Applied] = []
    created = 0
    for action, ref, body in operations:
        now = runtime.now()
        one = _OneAtATime(session, ws, runtime, now)
        try:
            if action != "identify":
                values = event_values(body, default_type=action)
            with session.begin_nested():
                if action == "identify":
                    kind, person, detail = one.identify(ref, identify_body(body))
                else:
                    kind, person, detail = one.event(ref, values)
                session.flush()
        except InvalidInput as exc:
            kind, person, detail = "rejected", None, f"{action} {ref}: {exc}"
        else:
            created += one.created
        activity.record(session, ws.id, kind, person, detail, now)
        entries.append(Applied(kind, person, detail, now))
    return entries, created


class _OneAtATime:
    def __init__(self, session: Session, ws: Workspace, runtime: Runtime, now: datetime) -> None:
        self.session, self.ws, self.runtime, self.now = session, ws, runtime, now
        self.created = 0

    def identify(self, ref: Ref, body: IdentifyBody) -> tuple[str, str | None, str]:
        target = resolve(self.session, self.ws, ref, creating=not body.update_only)
        if target.unknown_cio:
            return "ignored", None, f"identify {ref}: no person has that cio_id; nothing changed"
        if target.ident is not None and self.session.get(Suppression, (self.ws.id, target.ident)) is not None:
            return "ignored", None, f"identify {ref}: the identifier is suppressed; nothing stored"
        person = target.person
        if person is None:
            if body.update_only or target.ident is None:
                return "ignored", None, f"identify {ref}: no such person and _update is set; nobody created"
            email = target.email
            if self.ws.identify_by == "id" and body.new_email is not None:
                email = normalize_email(body.new_email)
            self.created += 1
            person = create_person(
                self.session, self.ws, target.ident, email, {}, self.runtime.tokens, self.now, counted=False
            )
            created = True
        else:
            created = False
        clash = self._identifier_change(ref, person, body)
        if clash is not None:
            return "failed_change", person.cio_id, clash
        if body.changes or body.removed:
            person.attributes = attrs.merge(person.attributes, body.changes, body.removed)
        if body.unsubscribed is not None:
            person.unsubscribed = body.unsubscribed
        if body.anonymous_id is not None:
            self._join_anonymous(person, body.anonymous_id)
        person.updated_at = self.now
        return "identify", person.cio_id, f"{'created' if created else 'updated'} {ref}"

    def event(self, ref: Ref, values: EventValues) -> tuple[str, str | None, str]:
        if values.client_id is not None:
            stored = select(Event.id).where(Event.workspace_id == self.ws.id, Event.client_id == values.client_id)
            if self.session.scalar(stored) is not None:
                return "ignored", None, f"{values.type} {values.name!r}: event id {values.client_id!r} already stored"
        target = resolve(self.session, self.ws, ref, creating=True)
        if target.unknown_cio:
            return "ignored", None, f"{values.type} for {ref}: no person has that cio_id; nothing stored"
        if target.ident is not None and self.session.get(Suppression, (self.ws.id, target.ident)) is not None:
            return "ignored", None, f"{values.type} for {ref}: the identifier is suppressed; nothing stored"
        person = target.person
        if person is None:
            if target.ident is None:
                raise InvalidInput(BY_EMAIL)
            self.created += 1
            person = create_person(
                self.session, self.ws, target.ident, target.email, {}, self.runtime.tokens, self.now, counted=False
            )
        self.session.add(
            Event(
                workspace_id=self.ws.id,
                person_id=person.id,
                anonymous_id=values.anonymous_id,
                client_id=values.client_id,
                name=values.name,
                type=values.type,
                data=values.data,
                timestamp=values.timestamp or self.now,
                received_at=self.now,
            )
        )
        return "event", person.cio_id, f"{values.type} {values.name!r}"

    def _identifier_change(self, ref: Ref, person: Person, body: IdentifyBody) -> str | None:
        by_cio = ref.kind == "cio_id" or (ref.kind == "path" and ref.value.startswith(CIO_PREFIX))
        what = "id" if self.ws.identify_by == "id" else "email"
        new_ident = None
        if by_cio and what == "id" and body.new_id is not None:
            new_ident = validate_person_id(body.new_id)
        elif by_cio and what == "email" and body.new_email is not None:
            new_ident = normalize_email(body.new_email)
        new_email = normalize_email(body.new_email) if what == "id" and body.new_email is not None else None
        if new_ident is not None and new_ident != person.ident:
            holder = by_ident(self.session, self.ws, new_ident)
            if holder is not None:
                return f"identify {ref}: {what} {new_ident!r} already belongs to cio_{holder.cio_id}; nothing changed"
            person.ident = new_ident
            if what == "email":
                person.email = new_ident
        if new_email is not None:
            person.email = new_email
        return None

    def _join_anonymous(self, person: Person, anonymous_id: str) -> None:
        link = self.session.get(AnonymousLink, (self.ws.id, anonymous_id))
        if link is None:
            self.session.add(AnonymousLink(workspace_id=self.ws.id, anonymous_id=anonymous_id, person_id=person.id))
        else:
            link.person_id = person.id
        self.session.execute(
            update(Event)
            .where(Event.workspace_id == self.ws.id, Event.anonymous_id == anonymous_id, Event.person_id.is_(None))
            .values(person_id=person.id)
            .execution_options(synchronize_session=False)
        )

"""The Track API's operations on a workspace (T1-T7): identify, delete, events, devices,
suppression, merge. The API server is a door to `apply`; every write goes through the people
rules (P1-P7), the kept counters and the billing facts.

`apply` runs a list of operations in ONE transaction, each inside a savepoint: an operation
refused as bad input (InvalidInput) changes nothing and is recorded in Activity as rejected,
the others are applied. When `apply` returns, everything it reports as applied is committed.
Operations that Customer.io answers with 200 but that change nothing (an unknown cio_id, a
suppressed identifier, an identifier another person holds) are applied as "ignored" or
"failed_change", with the reason in Activity.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from tui.core import activity
from tui.core import attributes as attrs
from tui.core.campaign_reach import bump_reached, campaigns_of
from tui.core.db import Database
from tui.core.errors import Conflict, Contention, InvalidInput, NotFound, naming
from tui.core.models import AnonymousLink, Device, Event, Message, Person, Suppression, Workspace
from tui.core.people import create_person, remove_person
from tui.core.runtime import Runtime
from tui.core.track_identifiers import BY_EMAIL, Ref, Target, resolve
from tui.core.track_runs import RUN_ACTIONS, apply_run
from tui.core.track_values import (
    EventValues,
    device_token,
    device_values,
    event_values,
)
from tui.core.usage import bump_counters, record_usage

CONFLICT_ATTEMPTS = 5
ACTIONS = (
    "identify",
    "delete",
    "event",
    "page",
    "screen",
    "anonymous_event",
    "add_device",
    "delete_device",
    "suppress",
    "unsuppress",
    "merge",
)


@dataclass(frozen=True)
class Operation:
    """One Track call: `action` (ACTIONS), who it names, and the body's JSON object.

    `merge` names the primary in `person` and the secondary in `other`; `delete_device` carries
    the token in `body["token"]`; `anonymous_event` names no one.
    """

    action: str
    person: Ref | None = None
    body: dict[str, Any] = field(default_factory=dict)
    other: Ref | None = None


@dataclass(frozen=True)
class Outcome:
    """What an operation did: its Activity kind, the person (a cio_id), and in words. A
    refused one names the field it was refused for: a key of its body, "person" or "other"
    (who it names), or "action"."""

    kind: str
    person: str | None
    detail: str
    field: str = ""

    @property
    def rejected(self) -> bool:
        return self.kind == "rejected"


def apply(db: Database, workspace_id: int, operations: Sequence[Operation]) -> list[Outcome]:
    """Apply the operations in one transaction (see the module docstring); NotFound when the
    workspace is gone."""
    [outcomes] = apply_groups(db, [(workspace_id, operations)])
    if outcomes is None:
        raise NotFound("the workspace of these credentials no longer exists")
    return outcomes


def apply_groups(db: Database, groups: Sequence[tuple[int, Sequence[Operation]]]) -> list[list[Outcome] | None]:
    """Group commit: the operations of several requests (each a workspace id and its
    operations) in ONE transaction, so that concurrent requests share one commit. Each group's
    outcomes, or None for a workspace that no longer exists.

    Requests in flight together have no order between them, so those of one workspace are
    applied together: first the ones made only of identify and event operations, as one run,
    then the others in the order given; its people are counted once for all of them."""
    for attempt in range(1, CONFLICT_ATTEMPTS + 1):
        try:
            with db.write() as session:
                return _apply_all(session, db.runtime, groups)
        except (Conflict, Contention):
            # A concurrent writer committed the same new person, event id or token first, or
            # PostgreSQL rolled this transaction back for a concurrent one (a deadlock: two
            # transactions creating the same new people in different orders, `--workers N`):
            # nothing was saved; applied again, the operations find what the other wrote.
            if attempt == CONFLICT_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def _apply_all(
    session: Session, runtime: Runtime, groups: Sequence[tuple[int, Sequence[Operation]]]
) -> list[list[Outcome] | None]:
    results: list[list[Outcome] | None] = [None] * len(groups)
    by_workspace: dict[int, list[int]] = {}
    for index, (workspace_id, _) in enumerate(groups):
        by_workspace.setdefault(workspace_id, []).append(index)
    # In workspace order: two transactions lock workspaces' rows (their counters) in one order,
    # never each waiting for the other's (PostgreSQL, `--workers N`).
    for workspace_id, indexes in sorted(by_workspace.items()):
        ws = session.get(Workspace, workspace_id)
        if ws is None:
            continue
        tally = _Tally()
        run_only = [i for i in indexes if groups[i][1] and all(_in_run(op) for op in groups[i][1])]
        together = _apply_operations(session, ws, runtime, [op for i in run_only for op in groups[i][1]], tally)
        for index in run_only:
            count = len(groups[index][1])
            results[index], together = together[:count], together[count:]
        for index in indexes:
            if results[index] is None:
                results[index] = _apply_operations(session, ws, runtime, groups[index][1], tally)
        bump_counters(session, ws.id, people=tally.created - tally.deleted)
        day = runtime.now().date()
        record_usage(session, ws.id, day, people_created=tally.created, people_deleted=tally.deleted)
    return results


def _apply_operations(
    session: Session, ws: Workspace, runtime: Runtime, operations: Sequence[Operation], tally: _Tally
) -> list[Outcome]:
    """Operations in order; runs of identify and event operations set-based (track_runs).
    The people they create and delete are added to `tally`."""
    outcomes: list[Outcome] = []
    start = 0
    while start < len(operations):
        end = start
        while end < len(operations) and _in_run(operations[end]):
            end += 1
        if end > start:
            run = [(op.action, op.person, op.body) for op in operations[start:end] if op.person is not None]
            entries, created = apply_run(session, ws, runtime, run)
            outcomes += [Outcome(entry.kind, entry.person, entry.detail, entry.field) for entry in entries]
            tally.created += created
            start = end
        else:
            outcomes.append(_apply_one(session, ws, runtime, operations[start], tally))
            start += 1
    return outcomes


def _in_run(op: Operation) -> bool:
    return op.action in RUN_ACTIONS and op.person is not None


@dataclass
class _Tally:
    created: int = 0
    deleted: int = 0


def _apply_one(session: Session, ws: Workspace, runtime: Runtime, op: Operation, tally: _Tally) -> Outcome:
    now = runtime.now()
    track = _Track(session, ws, runtime, now)
    try:
        with session.begin_nested():
            outcome = track.run(op)
            session.flush()
    except InvalidInput as exc:
        named = f" {op.person}" if op.person is not None else ""
        outcome = Outcome("rejected", None, f"{op.action}{named}: {exc}", exc.field)
    else:  # counted only once its savepoint is released
        tally.created += track.tally.created
        tally.deleted += track.tally.deleted
    activity.record(session, ws.id, outcome.kind, outcome.person, outcome.detail, now)
    return outcome


@dataclass
class _Track:
    session: Session
    ws: Workspace
    runtime: Runtime
    now: datetime
    tally: _Tally = field(default_factory=_Tally)

    def run(self, op: Operation) -> Outcome:
        if op.action not in ACTIONS:
            with naming("action"):
                raise InvalidInput(
                    f"action {op.action!r} is not supported; the person actions are: {', '.join(ACTIONS)}"
                )
        if op.action == "anonymous_event":
            return self.anonymous_event(event_values(op.body))
        if op.person is None:
            with naming("person"):
                raise InvalidInput(f"{op.action} needs a person: give identifiers")
        if op.action == "add_device":
            return self.add_device(op.person, op.body.get("device"))
        if op.action == "delete_device":
            return self.delete_device(op.person, device_token(op.body.get("token")))
        if op.action == "merge":
            if op.other is None:
                with naming("other"):
                    raise InvalidInput("merge needs a primary and a secondary person")
            return self.merge(op.person, op.other)
        return {"delete": self.delete, "suppress": self.suppress, "unsuppress": self.unsuppress}[op.action](op.person)

    # -- people ------------------------------------------------------------------------------

    def delete(self, ref: Ref) -> Outcome:
        target = self._resolve(ref, creating=False)
        if target.person is None:
            return self._ignored(f"delete {ref}: no such person; nothing changed")
        cio_id = target.person.cio_id
        self._remove(target.person)
        return Outcome("delete", cio_id, f"deleted {ref}")

    def suppress(self, ref: Ref) -> Outcome:
        """T5: delete the person, if any, and block the identifier until unsuppressed."""
        target = self._resolve(ref, creating=False)
        if target.ident is None:
            return self._ignored(f"suppress {ref}: names no one and no identifier to block; nothing changed")
        cio_id = target.person.cio_id if target.person else None
        if target.person is not None:
            self._remove(target.person)
        if self.session.get(Suppression, (self.ws.id, target.ident)) is None:
            self.session.add(Suppression(workspace_id=self.ws.id, ident=target.ident, created_at=self.now))
        return Outcome("suppress", cio_id, f"suppressed {target.ident!r}")

    def unsuppress(self, ref: Ref) -> Outcome:
        target = self._resolve(ref, creating=False)
        if target.ident is None:
            return self._ignored(f"unsuppress {ref}: names no identifier; nothing changed")
        self.session.execute(
            delete(Suppression).where(Suppression.workspace_id == self.ws.id, Suppression.ident == target.ident)
        )
        return Outcome("unsuppress", None, f"unsuppressed {target.ident!r}")

    def merge(self, primary_ref: Ref, secondary_ref: Ref) -> Outcome:
        """T6: fold the secondary into the primary (the primary's attributes win), delete it."""
        primary = self._resolve(primary_ref, creating=False).person
        secondary = self._resolve(secondary_ref, creating=False, field="other").person
        if primary is None or secondary is None:
            missing = primary_ref if primary is None else secondary_ref
            return self._ignored(f"merge: no person {missing}; nothing changed")
        if primary.id == secondary.id:
            return self._ignored(f"merge: {primary_ref} and {secondary_ref} are one person; nothing changed")
        primary.attributes = attrs.merge(secondary.attributes, primary.attributes)
        if primary.email is None:
            primary.email = secondary.email
        primary.unsubscribed = primary.unsubscribed or secondary.unsubscribed
        primary.updated_at = self.now
        for model in (Event, Device, AnonymousLink):
            self.session.execute(
                update(model)
                .where(model.person_id == secondary.id)
                .values(person_id=primary.id)
                .execution_options(synchronize_session=False)
            )
        # A message for an action both received stays the primary's; the secondary's copy goes.
        in_both = campaigns_of(self.session, primary.id) & campaigns_of(self.session, secondary.id)
        both = select(Message.action_id).where(Message.person_id == primary.id)
        self.session.execute(
            update(Message)
            .where(Message.person_id == secondary.id, Message.action_id.not_in(both))
            .values(person_id=primary.id)
            .execution_options(synchronize_session=False)
        )
        # A campaign both were reached by reaches one person now; removing the secondary below
        # counts that for the campaigns whose copies it still holds.
        bump_reached(self.session, Counter(dict.fromkeys(in_both - campaigns_of(self.session, secondary.id), -1)))
        self.session.expire(secondary)
        self._remove(secondary)
        return Outcome("merge", primary.cio_id, f"merged cio_{secondary.cio_id} into cio_{primary.cio_id}")

    # -- events and devices -------------------------------------------------------------------

    def anonymous_event(self, values: EventValues) -> Outcome:
        """T3: an event with no person, joined to one when an identify names its anonymous_id."""
        if self._duplicate(values):
            return self._ignored(f"event {values.name!r}: event id {values.client_id!r} already stored")
        person_id = None
        if values.anonymous_id is not None:
            link = self.session.get(AnonymousLink, (self.ws.id, values.anonymous_id))
            person_id = link.person_id if link else None
        self._add_event(values, person_id, values.anonymous_id)
        cio_id = self.session.scalar(select(Person.cio_id).where(Person.id == person_id)) if person_id else None
        return Outcome("event", cio_id, f"anonymous event {values.name!r}")

    def add_device(self, ref: Ref, raw: Any) -> Outcome:
        """T4: a token belongs to one person at a time: adding it to another moves it."""
        values = device_values(raw)
        person = self._person_for_data(ref, "device")
        if isinstance(person, Outcome):
            return person
        device = self.session.scalar(
            select(Device).where(Device.workspace_id == self.ws.id, Device.token == values.token)
        )
        if device is None:
            device = Device(workspace_id=self.ws.id, token=values.token)
            self.session.add(device)
        device.person_id = person.id
        device.platform = values.platform
        device.last_used = values.last_used
        device.attributes = values.attributes
        return Outcome("device", person.cio_id, f"added device {values.token!r} ({values.platform})")

    def delete_device(self, ref: Ref, token: str) -> Outcome:
        person = self._resolve(ref, creating=False).person
        if person is None:
            return self._ignored(f"delete device {token!r} of {ref}: no such person; nothing changed")
        self.session.execute(delete(Device).where(Device.person_id == person.id, Device.token == token))
        return Outcome("device", person.cio_id, f"deleted device {token!r}")

    # -- helpers ------------------------------------------------------------------------------

    def _resolve(self, ref: Ref, *, creating: bool, field: str = "person") -> Target[Person]:
        with naming(field):
            return resolve(self.session, self.ws, ref, creating=creating)

    def _person_for_data(self, ref: Ref, what: str) -> Person | Outcome:
        """The person an event or device is for, created as identify would when missing."""
        target = self._resolve(ref, creating=True)
        if target.unknown_cio:
            return self._ignored(f"{what} for {ref}: no person has that cio_id; nothing stored")
        if self._suppressed(target):
            return self._ignored(f"{what} for {ref}: the identifier is suppressed; nothing stored")
        if target.person is not None:
            return target.person
        if target.ident is None:
            with naming("person"):
                raise InvalidInput(BY_EMAIL)
        return self._create(target.ident, target.email)

    def _add_event(self, values: EventValues, person_id: int | None, anonymous_id: str | None) -> None:
        self.session.add(
            Event(
                workspace_id=self.ws.id,
                person_id=person_id,
                anonymous_id=anonymous_id,
                client_id=values.client_id,
                name=values.name,
                type=values.type,
                data=values.data,
                timestamp=values.timestamp or self.now,
                received_at=self.now,
            )
        )

    def _duplicate(self, values: EventValues) -> bool:
        if values.client_id is None:
            return False
        found = self.session.scalar(
            select(Event.id).where(Event.workspace_id == self.ws.id, Event.client_id == values.client_id)
        )
        return found is not None

    def _suppressed(self, target: Target) -> bool:
        return target.ident is not None and self.session.get(Suppression, (self.ws.id, target.ident)) is not None

    def _create(self, ident: str, email: str | None) -> Person:
        self.tally.created += 1
        return create_person(self.session, self.ws, ident, email, {}, self.runtime.tokens, self.now, counted=False)

    def _remove(self, person: Person) -> None:
        self.tally.deleted += 1
        remove_person(self.session, self.ws, person, self.now, counted=False)

    def _ignored(self, detail: str) -> Outcome:
        return Outcome("ignored", None, detail)

"""The outbox (D1): how messages wait, are claimed by workers, and end delivered or failed.

A send stores each message that can go as `queued` (due now) or `scheduled` (after a delay step),
with `next_attempt_at` its due time: nothing takes a message before that time (issue 10 bug 5).
Workers claim due messages with a lease: on PostgreSQL `SELECT ... FOR UPDATE SKIP LOCKED` lets
any number of workers share the outbox; on SQLite the claim picks and leases its messages inside
one write transaction (BEGIN IMMEDIATE), so a second worker is safe too. A worker that dies
loses its leases: a `sending` message whose lease ran out is due again (at least once; receivers
drop duplicates by the Message-ID / Idempotency-Key, which derive from the message's id). A
worker never holds a message its workspace's rate limit keeps waiting: it goes back to `queued`,
due at its turn (`defer`).

Each transition is one short transaction. Billing counts a message when it is delivered.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, Connection, Row, Select, bindparam, func, select, update
from sqlalchemy.orm import Session

from tui.core.db import Database
from tui.core.delivered_record import Deliverable, record_delivered
from tui.core.message_counts import bump_message_counts, counted, moved
from tui.core.models import Device, Message, Workspace, table_of
from tui.core.states import MessageStatus

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8
BACKOFF_BASE_S = 30.0
BACKOFF_CAP_S = 3600.0
WAITING = (MessageStatus.QUEUED, MessageStatus.SCHEDULED, MessageStatus.RETRYING)


@dataclass(frozen=True)
class OutboxItem:
    """A claimed message: what a transport needs to deliver it."""

    id: int
    workspace_id: int
    person_id: int
    site_id: str
    channel: str
    test: bool
    recipient: str | None
    subject: str | None
    body: str | None
    attempts: int  # including this one


_MESSAGES = table_of(Message)


def _due_ids(condition: ColumnElement[bool], by_workspace: bool) -> Select[datetime | None, int]:
    pick = select(_MESSAGES.c.next_attempt_at, _MESSAGES.c.id).where(condition)
    if by_workspace:
        pick = pick.where(_MESSAGES.c.workspace_id == bindparam("workspace_id"))
    return pick.order_by(_MESSAGES.c.next_attempt_at).limit(bindparam("limit")).with_for_update(skip_locked=True)


# What a claim may take, one ordered range of the (status, next_attempt_at) index each: the waiting
# statuses once due, and `sending` once its lease ran out. Built once (with and without a
# workspace): a claim runs many times a second, and building them was most of its time.
_DUE = {
    by_workspace: [
        *(
            _due_ids((_MESSAGES.c.status == s) & (_MESSAGES.c.next_attempt_at <= bindparam("now")), by_workspace)
            for s in WAITING
        ),
        _due_ids(
            (_MESSAGES.c.status == MessageStatus.SENDING) & (_MESSAGES.c.lease_until < bindparam("now")), by_workspace
        ),
    ]
    for by_workspace in (False, True)
}


def _pick(connection: Connection, now: datetime, limit: int, workspace_id: int | None) -> list[int]:
    """The ids of up to `limit` due messages, oldest due first, locked (SKIP LOCKED).

    One query per status, each an ordered range of the (status, next_attempt_at) index: a single
    query over all of them (`status IN (...)` or an OR) made both backends read and sort every
    due message on each claim, so draining a big outbox took time quadratic in its size."""
    found: list[tuple[datetime, int]] = []
    params = {"now": now, "limit": limit, "workspace_id": workspace_id}
    for pick in _DUE[workspace_id is not None]:
        found += [(due or now, message_id) for due, message_id in connection.execute(pick, params)]
    return [message_id for _, message_id in sorted(found)[:limit]]


# The picked rows are still due: they are locked (SKIP LOCKED) or under the write lock (SQLite's
# BEGIN IMMEDIATE) until the claim commits. By id alone: re-checking that they are due here let
# SQLite's planner read every due message instead (a multi-index OR over the status index), so a
# claim grew slower with the size of the outbox.
_LEASE = (
    update(_MESSAGES)
    .where(_MESSAGES.c.id.in_(bindparam("ids", expanding=True)))
    .values(status=MessageStatus.SENDING, lease_until=bindparam("lease_until"), attempts=_MESSAGES.c.attempts + 1)
)
# The claimed messages as OutboxItems, columns in its fields' order (plain rows: building ORM
# objects was a tenth of a worker's time per message).
_CLAIMED = (
    select(
        Message.id,
        Message.workspace_id,
        Message.person_id,
        Workspace.site_id,
        Message.channel,
        Message.test,
        Message.recipient,
        Message.subject,
        Message.body,
        Message.attempts,
    )
    .join(Workspace, Workspace.id == Message.workspace_id)
    .where(Message.id.in_(bindparam("ids", expanding=True)), Message.lease_until == bindparam("lease_until"))
    .order_by(Message.next_attempt_at)
)


def claim(
    db: Database,
    limit: int,
    *,
    workspace_id: int | None = None,
    lease: timedelta = LEASE,
) -> list[OutboxItem]:
    """Lease up to `limit` due messages (oldest due first) to the caller; they become `sending`."""
    now = db.runtime.now()
    with db.write() as session:
        connection = session.connection()
        ids = _pick(connection, now, limit, workspace_id)
        if not ids:
            return []
        connection.execute(_LEASE, {"ids": ids, "lease_until": now + lease})
        rows = connection.execute(_CLAIMED, {"ids": ids, "lease_until": now + lease})
        # Positional, as OutboxItem's fields (the rows' type ends in an open tail past 10 columns).
        return [OutboxItem(*cast(tuple[Any, ...], row)) for row in rows]


# Built once: a worker records deliveries hundreds of times a second.
_DELIVERABLE = (
    select(Message.id, Message.workspace_id, Message.campaign_id, Message.status)
    .where(Message.id.in_(bindparam("ids", expanding=True)), Message.status != MessageStatus.DELIVERED)
    .with_for_update()
)


def mark_delivered(db: Database, message_id: int, answer: str) -> bool:
    """The message went out; `answer` is the server's (SMTP reply, HTTP status). Bills it once:
    False when it was already delivered (a duplicate after a lost lease)."""
    return mark_delivered_many(db, [(message_id, answer)]) == 1


def mark_delivered_many(db: Database, answers: Sequence[tuple[int, str]]) -> int:
    """`mark_delivered` for many messages in one short transaction (a worker's group commit:
    each message's transition is still whole). Returns how many were newly delivered (billed)."""
    if not answers:
        return 0
    now = db.runtime.now()
    by_id = dict(answers)
    with db.write() as session:
        connection = session.connection()
        # Locked (PostgreSQL) or under the write lock (SQLite): a message another worker marks
        # delivered meanwhile is billed by one of the two only.
        rows = [Deliverable(*row) for row in connection.execute(_DELIVERABLE, {"ids": list(by_id)})]
        if rows:
            record_delivered(session, rows, by_id, now)
        return len(rows)


def _still_sending(session: Session, message_id: int) -> Row[int, int, int] | None:
    """The message's attempts, workspace and campaign, locked, while it is still `sending` (None
    when it was deleted, or finished by a worker that took it after a lost lease)."""
    return session.execute(
        select(Message.attempts, Message.workspace_id, Message.campaign_id)
        .where(Message.id == message_id, Message.status == MessageStatus.SENDING)
        .with_for_update()
    ).first()


def _leave_sending(
    session: Session, message_id: int, row: Row[int, int, int], status: MessageStatus, **values: object
) -> None:
    """The message's lease ends: it moves to `status`, and the counters with it."""
    session.execute(
        update(_MESSAGES).where(_MESSAGES.c.id == message_id).values(status=status, lease_until=None, **values)
    )
    bump_message_counts(session, moved(row.workspace_id, row.campaign_id, MessageStatus.SENDING, status))


def mark_failed(db: Database, message_id: int, reason: str) -> None:
    """A permanent failure (SMTP 5xx, HTTP 4xx, a missing address): never tried again."""
    with db.write() as session:
        if (row := _still_sending(session, message_id)) is not None:
            _leave_sending(session, message_id, row, MessageStatus.FAILED, reason=reason, last_error=reason)


def defer(db: Database, turns: Sequence[tuple[int, datetime]]) -> None:
    """Each message's workspace rate limit gave it a later turn: back to `queued`, due then. It
    was not tried, so the claim's attempt is given back. One short transaction, a statement for
    them all (a worker defers a rate-limited backlog a batch at a time)."""
    if not turns:
        return
    by_id = dict(turns)
    with db.write() as session:
        rows = session.execute(
            select(Message.id, Message.workspace_id, Message.campaign_id)
            .where(Message.id.in_(list(by_id)), Message.status == MessageStatus.SENDING)
            .with_for_update()
        ).all()
        if not rows:
            return
        session.execute(
            update(_MESSAGES)
            .where(_MESSAGES.c.id == bindparam("b_id"))
            .values(
                status=MessageStatus.QUEUED,
                lease_until=None,
                next_attempt_at=bindparam("b_turn", type_=_MESSAGES.c.next_attempt_at.type),
                attempts=_MESSAGES.c.attempts - 1,
            ),
            [{"b_id": row.id, "b_turn": by_id[row.id]} for row in rows],
        )
        moves = ((row.workspace_id, row.campaign_id, MessageStatus.SENDING, MessageStatus.QUEUED) for row in rows)
        bump_message_counts(session, counted(moves))


def backoff(attempts: int, rng: random.Random) -> timedelta:
    """Exponential backoff with full jitter: up to 30 s, 60 s, 120 s ... capped at an hour."""
    ceiling = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=rng.uniform(ceiling / 2, ceiling))


def mark_retry(
    db: Database,
    message_id: int,
    error: str,
    *,
    retry_after: float | None = None,
    max_attempts: int = MAX_ATTEMPTS,
    rng: random.Random | None = None,
) -> MessageStatus | None:
    """A temporary failure: `retrying` after a backoff (or the server's Retry-After, if longer),
    or `failed` once `max_attempts` attempts were made. Returns the new status (None when the
    message is no longer this worker's)."""
    now = db.runtime.now()
    with db.write() as session:
        row = _still_sending(session, message_id)
        if row is None:
            return None
        if row.attempts >= max_attempts:
            reason = f"gave up after {row.attempts} attempts: {error}"
            _leave_sending(session, message_id, row, MessageStatus.FAILED, reason=reason, last_error=error)
            return MessageStatus.FAILED
        wait = backoff(row.attempts, rng or random.Random())
        if retry_after is not None:
            wait = max(wait, timedelta(seconds=retry_after))
        _leave_sending(session, message_id, row, MessageStatus.RETRYING, last_error=error, next_attempt_at=now + wait)
        return MessageStatus.RETRYING


def device_tokens(db: Database, person_id: int) -> list[str]:
    """Where a push to the person goes: their devices' tokens (T4), read when the push goes out
    so a device added or moved since the send counts."""
    with db.read() as session:
        return list(session.scalars(select(Device.token).where(Device.person_id == person_id).order_by(Device.token)))


def next_due(db: Database) -> datetime | None:
    """When the earliest waiting message is due (None when none waits)."""
    with db.read() as session:
        return session.scalar(select(func.min(Message.next_attempt_at)).where(Message.status.in_(WAITING)))


def simulate_delivery(db: Database, answer: str) -> int:
    """Mark every message due now delivered without sending anything: the demo's stand-in for a
    worker. Returns how many."""
    delivered = 0
    while items := claim(db, 500):
        for item in items:
            delivered += mark_delivered(db, item.id, answer)
    return delivered

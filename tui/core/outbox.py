"""The outbox (D1): how messages wait, are claimed by workers, and end delivered or failed.

A send stores each message that can go as `queued` (due now) or `scheduled` (after a delay step),
with `next_attempt_at` its due time: nothing takes a message before that time (issue 10 bug 5).
Workers claim due messages with a lease: on PostgreSQL `SELECT ... FOR UPDATE SKIP LOCKED` lets
any number of workers share the outbox; on SQLite the claim's write transaction (BEGIN IMMEDIATE)
and its conditional UPDATE make a second worker safe too. A worker that dies loses its leases:
a `sending` message whose lease ran out is due again (at least once; receivers drop duplicates by
the Message-ID / Idempotency-Key, which derive from the message's id).

Each transition is one short transaction. Billing counts a message when it is delivered.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select, update

from tui.core.db import Database
from tui.core.models import Message, Person, Workspace, table_of
from tui.core.states import MessageStatus
from tui.core.usage import bump_counters, record_usage

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8
BACKOFF_BASE_S = 30.0
BACKOFF_CAP_S = 3600.0
DEVICE_TOKENS_ATTRIBUTE = "device_tokens"
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


def _due(now: datetime) -> ColumnElement[bool]:
    """Messages a worker may take now: waiting ones whose time has come, or leases run out."""
    return or_(
        and_(Message.status.in_(WAITING), Message.next_attempt_at <= now),
        and_(Message.status == MessageStatus.SENDING, Message.lease_until < now),
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
        pick = select(Message.id).where(_due(now)).order_by(Message.next_attempt_at).limit(limit)
        if workspace_id is not None:
            pick = pick.where(Message.workspace_id == workspace_id)
        ids = list(session.scalars(pick.with_for_update(skip_locked=True)))
        if not ids:
            return []
        # Conditional: a row another worker took meanwhile is no longer due and is left alone.
        session.execute(
            update(table_of(Message))
            .where(Message.id.in_(ids), _due(now))
            .values(status=MessageStatus.SENDING, lease_until=now + lease, attempts=Message.attempts + 1)
        )
        rows = session.execute(
            select(Message, Workspace.site_id)
            .join(Workspace, Workspace.id == Message.workspace_id)
            .where(Message.id.in_(ids), Message.lease_until == now + lease)
            .order_by(Message.next_attempt_at)
        ).all()
        return [
            OutboxItem(
                m.id,
                m.workspace_id,
                m.person_id,
                site_id,
                m.channel,
                m.test,
                m.recipient,
                m.subject,
                m.body,
                m.attempts,
            )
            for m, site_id in rows
        ]


def mark_delivered(db: Database, message_id: int, answer: str) -> bool:
    """The message went out; `answer` is the server's (SMTP reply, HTTP status). Bills it once:
    False when it was already delivered (a duplicate after a lost lease)."""
    now = db.runtime.now()
    with db.write() as session:
        workspace_id = session.scalar(
            update(table_of(Message))
            .where(Message.id == message_id, Message.status != MessageStatus.DELIVERED)
            .values(status=MessageStatus.DELIVERED, delivered_at=now, answer=answer, lease_until=None)
            .returning(Message.workspace_id)
        )
        if workspace_id is None:
            return False
        bump_counters(session, workspace_id, messages_sent=1)
        record_usage(session, workspace_id, now.date(), messages_sent=1)
        return True


def mark_failed(db: Database, message_id: int, reason: str) -> None:
    """A permanent failure (SMTP 5xx, HTTP 4xx, a missing address): never tried again."""
    with db.write() as session:
        session.execute(
            update(table_of(Message))
            .where(Message.id == message_id, Message.status == MessageStatus.SENDING)
            .values(status=MessageStatus.FAILED, reason=reason, last_error=reason, lease_until=None)
        )


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
        attempts = session.scalar(
            select(Message.attempts).where(Message.id == message_id, Message.status == MessageStatus.SENDING)
        )
        if attempts is None:  # deleted, or finished by a worker that took it after a lost lease
            return None
        if attempts >= max_attempts:
            reason = f"gave up after {attempts} attempts: {error}"
            values: dict[str, object] = {
                "status": MessageStatus.FAILED,
                "reason": reason,
                "last_error": error,
                "lease_until": None,
            }
        else:
            wait = backoff(attempts, rng or random.Random())
            if retry_after is not None:
                wait = max(wait, timedelta(seconds=retry_after))
            values = {
                "status": MessageStatus.RETRYING,
                "last_error": error,
                "next_attempt_at": now + wait,
                "lease_until": None,
            }
        session.execute(update(table_of(Message)).where(Message.id == message_id).values(**values))
        return MessageStatus(str(values["status"]))


def device_tokens(db: Database, person_id: int) -> list[str]:
    """Where a push to the person goes: the tokens in their `device_tokens` attribute (a list of
    texts, or one text), read when the push goes out so a new device counts at once."""
    with db.read() as session:
        attributes = session.scalar(select(Person.attributes).where(Person.id == person_id)) or {}
    tokens = attributes.get(DEVICE_TOKENS_ATTRIBUTE)
    if isinstance(tokens, str):
        tokens = [tokens]
    if not isinstance(tokens, list):
        return []
    return [token.strip() for token in tokens if isinstance(token, str) and token.strip()]


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

"""Reading the messages campaigns have sent: by workspace, campaign or person, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from tui.core.campaigns import find_campaign
from tui.core.db import Database
from tui.core.errors import InvalidInput, NotFound
from tui.core.message_counts import bump_message_counts, moved
from tui.core.models import Campaign, Message, Person
from tui.core.people import find_person
from tui.core.states import MessageStatus
from tui.core.workspaces import find_workspace

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000
RETRYABLE = (MessageStatus.FAILED, MessageStatus.RETRYING)


@dataclass(frozen=True)
class MessageInfo:
    id: int
    person: str  # the person's cio_id
    campaign: str  # the campaign's name
    action_id: int
    channel: str
    status: MessageStatus
    test: bool
    reason: str | None
    recipient: str | None
    subject: str | None
    body: str | None
    scheduled_at: datetime
    sent_at: datetime
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    answer: str | None


def list_messages(
    db: Database,
    workspace: str,
    *,
    campaign: str | None = None,
    person: str | None = None,
    limit: int = DEFAULT_LIMIT,
    before: int | None = None,
    status: str | None = None,
) -> list[MessageInfo]:
    """Up to `limit` messages of the workspace, newest first, optionally of one campaign and/or
    one person (a reference, P4). `before` is a message id: pass the last id of a page to get
    the next one (keyset pagination). `status` keeps only messages in that status."""
    wanted = _status(status) if status is not None else None
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    with db.read() as session:
        ws = find_workspace(session, workspace)
        query = (
            select(Message, Person.cio_id, Campaign.name)
            .join(Person, Person.id == Message.person_id)
            .join(Campaign, Campaign.id == Message.campaign_id)
            .where(Message.workspace_id == ws.id)
            .order_by(Message.id.desc())
            .limit(limit)
        )
        if campaign is not None:
            query = query.where(Message.campaign_id == find_campaign(session, ws, campaign).id)
        if person is not None:
            query = query.where(Message.person_id == find_person(session, ws, person).id)
        if before is not None:
            query = query.where(Message.id < before)
        if wanted is not None:
            query = query.where(Message.status == wanted)
        return [_info(message, cio_id, name) for message, cio_id, name in session.execute(query)]


def _status(raw: str) -> MessageStatus:
    try:
        return MessageStatus(raw)
    except ValueError:
        choices = ", ".join(member.value for member in MessageStatus)
        raise InvalidInput(f"status {raw!r} is not valid: choose one of {choices}") from None


def retry_message(db: Database, workspace: str, message_id: int) -> MessageInfo:
    """D1: send a failed or retrying message again now: it is queued, due at once, with a fresh
    count of attempts (its last error stays until the next attempt)."""
    now = db.runtime.now()
    with db.write(f"message {message_id}") as session:
        ws = find_workspace(session, workspace)
        row = session.execute(
            select(Message, Person.cio_id, Campaign.name)
            .join(Person, Person.id == Message.person_id)
            .join(Campaign, Campaign.id == Message.campaign_id)
            .where(Message.workspace_id == ws.id, Message.id == message_id)
            .with_for_update()
        ).first()
        if row is None:
            raise NotFound(f"no message {message_id} in workspace {ws.name!r}")
        message, cio_id, campaign = row
        if message.status not in RETRYABLE:
            raise InvalidInput(
                f"message {message_id} is {message.status.value}: only a failed or retrying message can be retried"
            )
        if message.reason and message.attempts == 0:
            raise InvalidInput(
                f"message {message_id} could not be made ({message.reason}): fix the campaign and send it again"
            )
        bump_message_counts(session, moved(ws.id, message.campaign_id, message.status, MessageStatus.QUEUED))
        message.status = MessageStatus.QUEUED
        message.next_attempt_at = now
        message.attempts = 0
        message.reason = None
        return _info(message, cio_id, campaign)


def _info(message: Message, cio_id: str, campaign: str) -> MessageInfo:
    return MessageInfo(
        id=message.id,
        person=cio_id,
        campaign=campaign,
        action_id=message.action_id,
        channel=message.channel,
        status=message.status,
        test=message.test,
        reason=message.reason,
        recipient=message.recipient,
        subject=message.subject,
        body=message.body,
        scheduled_at=message.scheduled_at,
        sent_at=message.sent_at,
        attempts=message.attempts,
        last_error=message.last_error,
        next_attempt_at=message.next_attempt_at,
        delivered_at=message.delivered_at,
        answer=message.answer,
    )

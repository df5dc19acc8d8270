"""Kept message counts per workspace and per campaign (D3): queued, delivered and failed.

`queued` counts every message still to go (scheduled, queued, sending or retrying), `delivered`
and `failed` the ones that ended so. Each status transition and each deletion changes them in SQL
in its own transaction, so the sidebar and the campaign view read three columns instead of
counting the outbox. Suppressed messages and the `sent` ones recorded before delivery existed are
in none of the three.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from tui.core.models import Campaign, Message, Workspace
from tui.core.states import MessageStatus

KINDS = ("queued", "delivered", "failed")
_KIND = {
    MessageStatus.SCHEDULED: "queued",
    MessageStatus.QUEUED: "queued",
    MessageStatus.SENDING: "queued",
    MessageStatus.RETRYING: "queued",
    MessageStatus.DELIVERED: "delivered",
    MessageStatus.FAILED: "failed",
}


@dataclass(frozen=True)
class MessageCounts:
    """A workspace's or a campaign's kept counts."""

    queued: int = 0
    delivered: int = 0
    failed: int = 0

    @classmethod
    def of(cls, row: Workspace | Campaign) -> MessageCounts:
        return cls(row.messages_queued or 0, row.messages_delivered or 0, row.messages_failed or 0)

    def __bool__(self) -> bool:
        return bool(self.queued or self.delivered or self.failed)


NO_MESSAGES = MessageCounts()


# (workspace_id, campaign_id, kind) -> change
Changes = Counter[tuple[int, int, str]]


def kind_of(status: MessageStatus | str) -> str | None:
    """The counter a message in `status` is in (None: in none)."""
    return _KIND.get(MessageStatus(status))


def moved(
    workspace_id: int, campaign_id: int, before: MessageStatus | str | None, after: MessageStatus | str
) -> Changes:
    """The change of one message going from `before` (None: new) to `after`."""
    changes: Changes = Counter()
    if before is not None and (kind := kind_of(before)) is not None:
        changes[workspace_id, campaign_id, kind] -= 1
    if (kind := kind_of(after)) is not None:
        changes[workspace_id, campaign_id, kind] += 1
    return changes


def bump_message_counts(session: Session, changes: Changes) -> None:
    """Apply `changes` to the workspaces' and campaigns' counters, in SQL (never read-modify-
    write), in the caller's transaction."""
    per_workspace: Counter[tuple[int, str]] = Counter()
    per_campaign: dict[tuple[int, int], Counter[str]] = {}
    for (workspace_id, campaign_id, kind), n in changes.items():
        if n:
            per_workspace[workspace_id, kind] += n
            per_campaign.setdefault((workspace_id, campaign_id), Counter())[kind] += n
    for workspace_id in sorted({ws for ws, _ in per_workspace}):
        by_kind = {kind: per_workspace[workspace_id, kind] for kind in KINDS}
        _add(session, Workspace, Workspace.id == workspace_id, by_kind)
    for (_, campaign_id), by_kind in sorted(per_campaign.items()):
        _add(session, Campaign, Campaign.id == campaign_id, by_kind)


def _add(
    session: Session,
    model: type[Workspace] | type[Campaign],
    where: ColumnElement[bool],
    by_kind: dict[str, int] | Counter[str],
) -> None:
    values = {
        f"messages_{kind}": getattr(model, f"messages_{kind}") + by_kind[kind] for kind in KINDS if by_kind.get(kind)
    }
    if values:
        session.execute(update(model).where(where).values(**values).execution_options(synchronize_session=False))


def forget_messages(session: Session, condition: ColumnElement[bool]) -> None:
    """Take the messages matching `condition`, about to be deleted in this transaction, out of
    the counters."""
    rows = session.execute(
        select(Message.workspace_id, Message.campaign_id, Message.status, func.count())
        .where(condition)
        .group_by(Message.workspace_id, Message.campaign_id, Message.status)
    )
    changes: Changes = Counter()
    for workspace_id, campaign_id, status, n in rows:
        if (kind := kind_of(status)) is not None:
            changes[workspace_id, campaign_id, kind] -= n
    bump_message_counts(session, changes)


def counted(rows: Iterable[tuple[int, int, MessageStatus | str | None, MessageStatus | str]]) -> Changes:
    """The changes of many messages: (workspace_id, campaign_id, before, after) each."""
    total: Changes = Counter()
    for workspace_id, campaign_id, before, after in rows:
        total.update(moved(workspace_id, campaign_id, before, after))
    return total

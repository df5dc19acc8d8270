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

from sqlalchemy import BigInteger, ColumnElement, Update, bindparam, func, select, update
from sqlalchemy.orm import Session

from tui.core.models import Campaign, Message, Workspace, table_of
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
    per_workspace: dict[int, Counter[str]] = {}
    per_campaign: dict[int, Counter[str]] = {}
    for (workspace_id, campaign_id, kind), n in changes.items():
        if n:
            per_workspace.setdefault(workspace_id, Counter())[kind] += n
            per_campaign.setdefault(campaign_id, Counter())[kind] += n
    connection = session.connection()
    for statement, per_row in ((_BUMP_WORKSPACE, per_workspace), (_BUMP_CAMPAIGN, per_campaign)):
        if per_row:  # in id order: two transactions lock the rows in the same order
            connection.execute(
                statement,
                [{"b_id": row_id, **{f"b_{kind}": n[kind] for kind in KINDS}} for row_id, n in sorted(per_row.items())],
            )


def _bump(model: type[Workspace] | type[Campaign]) -> Update:
    """UPDATE row `b_id`, adding `b_queued`, `b_delivered` and `b_failed` to its counters
    (built once: a worker runs it hundreds of times a second)."""
    table = table_of(model)
    added = {
        f"messages_{kind}": table.c[f"messages_{kind}"] + bindparam(f"b_{kind}", type_=BigInteger) for kind in KINDS
    }
    return update(table).where(table.c.id == bindparam("b_id")).values(added)


_BUMP_WORKSPACE = _bump(Workspace)
_BUMP_CAMPAIGN = _bump(Campaign)


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

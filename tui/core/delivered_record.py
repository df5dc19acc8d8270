"""Writing a group of delivered messages through the driver's executemany (D1, D3, billing).

A worker records a group of deliveries hundreds of times a second, and SQLAlchemy's own
execution (cache keys, parameter processing, one statement per counter) was most of each
recording transaction's time, spent in a thread that held the GIL while the event loop waited
to write to its sockets. The statements are compiled once per dialect (driver_many.py):

- each message's transition: delivered, with the server's answer and the time, lease cleared;
- each workspace's kept counts in ONE update: the queued, delivered and failed counts (D3) and
  the billed messages (`messages_sent`), which took two updates before;
- each campaign's kept counts;
- the day's billing facts (the upsert of usage.py).

Workspaces and campaigns are updated in id order: two transactions lock their rows in one order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import BigInteger, Dialect, Update, bindparam, update
from sqlalchemy.orm import Session

from tui.core.driver_many import DriverMany
from tui.core.message_counts import KINDS, kind_of
from tui.core.models import Campaign, Message, Workspace, table_of
from tui.core.states import MessageStatus
from tui.core.usage import usage_upsert

_MESSAGES = table_of(Message)


@dataclass(frozen=True)
class Deliverable:
    """A claimed message about to be recorded as delivered, as it is stored now."""

    id: int
    workspace_id: int
    campaign_id: int
    status: MessageStatus | str


@dataclass(frozen=True)
class _Statements:
    messages: DriverMany
    workspaces: DriverMany
    campaigns: DriverMany
    usage: DriverMany


def _counts(model: type[Workspace] | type[Campaign], *billed: str) -> Update:
    """UPDATE row `b_id`, adding `b_queued`, `b_delivered`, `b_failed` (and `b_<billed>`) to its
    counters."""
    table = table_of(model)
    added = {
        column: table.c[column] + bindparam(f"b_{column}", type_=BigInteger)
        for column in (*(f"messages_{kind}" for kind in KINDS), *billed)
    }
    return update(table).where(table.c.id == bindparam("b_id")).values(added)


@lru_cache(maxsize=4)
def _statements(dialect: Dialect) -> _Statements:
    delivered = (
        update(_MESSAGES)
        .where(_MESSAGES.c.id == bindparam("b_id"))
        .values(
            status=bindparam("b_status", type_=_MESSAGES.c.status.type),
            delivered_at=bindparam("b_now", type_=_MESSAGES.c.delivered_at.type),
            answer=bindparam("b_answer", type_=_MESSAGES.c.answer.type),
            lease_until=bindparam("b_lease", type_=_MESSAGES.c.lease_until.type),
        )
    )
    usage_columns = ("workspace_id", "day", "people_created", "people_deleted", "messages_sent")
    return _Statements(
        DriverMany.compile(delivered, dialect, repeated=("b_status", "b_now", "b_lease")),
        DriverMany.compile(_counts(Workspace, "messages_sent"), dialect),
        DriverMany.compile(_counts(Campaign), dialect),
        DriverMany.compile(usage_upsert(dialect.name), dialect, usage_columns, repeated=("day",)),
    )


def record_delivered(session: Session, rows: Sequence[Deliverable], answers: Mapping[int, str], now: datetime) -> None:
    """`rows` (locked by the caller) delivered at `now` with their `answers`, counted and
    billed once each, in the caller's transaction."""
    statements = _statements(session.get_bind().dialect)
    delivered = MessageStatus.DELIVERED
    statements.messages.execute(
        session,
        [{"b_id": r.id, "b_status": delivered, "b_now": now, "b_answer": answers[r.id], "b_lease": None} for r in rows],
    )
    per_workspace: dict[int, Counter[str]] = {}
    per_campaign: dict[int, Counter[str]] = {}
    for row in rows:
        for counts, key in ((per_workspace, row.workspace_id), (per_campaign, row.campaign_id)):
            changed = counts.setdefault(key, Counter())
            if (before := kind_of(row.status)) is not None:
                changed[f"messages_{before}"] -= 1
            changed["messages_delivered"] += 1
            changed["messages_sent"] += 1  # billed (the workspace's counter only)
    statements.workspaces.execute(
        session, [_changes(row_id, n, billed=True) for row_id, n in sorted(per_workspace.items())]
    )
    statements.campaigns.execute(session, [_changes(row_id, n) for row_id, n in sorted(per_campaign.items())])
    statements.usage.execute(
        session,
        [
            {
                "workspace_id": ws_id,
                "day": now.date(),
                "people_created": 0,
                "people_deleted": 0,
                "messages_sent": n["messages_sent"],
            }
            for ws_id, n in sorted(per_workspace.items())
        ],
    )


def _changes(row_id: int, changed: Counter[str], *, billed: bool = False) -> dict[str, int]:
    values = {"b_id": row_id, **{f"b_messages_{kind}": changed[f"messages_{kind}"] for kind in KINDS}}
    if billed:
        values["b_messages_sent"] = changed["messages_sent"]
    return values

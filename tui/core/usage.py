"""Kept counters and billing facts, changed in SQL inside the caller's transaction.

Counters are incremented by SQL expressions (`people_count + n`), never read-modify-write in
Python, so two processes never lose each other's updates.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from sqlalchemy import BigInteger, Insert, bindparam, update
from sqlalchemy.orm import Session

from tui.core.models import UsageDay, Workspace, table_of


def bump_counters(
    session: Session, workspace_id: int, *, people: int = 0, campaigns: int = 0, messages_sent: int = 0
) -> None:
    """Add to a workspace's kept counts (negative numbers subtract)."""
    if not (people or campaigns or messages_sent):
        return
    values = {"b_id": workspace_id, "b_people": people, "b_campaigns": campaigns, "b_messages_sent": messages_sent}
    session.connection().execute(_BUMP, values)


def record_usage(
    session: Session,
    workspace_id: int,
    day: date,
    *,
    people_created: int = 0,
    people_deleted: int = 0,
    messages_sent: int = 0,
) -> None:
    """Add to the billing facts of one workspace and UTC day (an upsert on both backends)."""
    if not (people_created or people_deleted or messages_sent):
        return
    connection = session.connection()
    values = {
        "workspace_id": workspace_id,
        "day": day,
        "people_created": people_created,
        "people_deleted": people_deleted,
        "messages_sent": messages_sent,
    }
    connection.execute(usage_upsert(connection.dialect.name), values)


# The statements are built once: a delivery worker runs them hundreds of times a second, and
# building them anew was most of each of its transactions' time.
_WORKSPACES = table_of(Workspace)
_BUMP = (
    update(_WORKSPACES)
    .where(_WORKSPACES.c.id == bindparam("b_id"))
    .values(
        people_count=_WORKSPACES.c.people_count + bindparam("b_people", type_=BigInteger),
        campaigns_count=_WORKSPACES.c.campaigns_count + bindparam("b_campaigns", type_=BigInteger),
        messages_sent=_WORKSPACES.c.messages_sent + bindparam("b_messages_sent", type_=BigInteger),
    )
)
_COUNTED = ("people_created", "people_deleted", "messages_sent")


@lru_cache(maxsize=2)
def usage_upsert(dialect: str) -> Insert:
    """INSERT a day's facts, or add them to the stored ones (the values are bound per call)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:  # the same upsert interface (on_conflict_do_update) under another dialect's type
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    table = table_of(UsageDay)
    stmt = insert(table)
    return stmt.on_conflict_do_update(
        index_elements=[table.c.workspace_id, table.c.day],
        set_={name: table.c[name] + stmt.excluded[name] for name in _COUNTED},
    )

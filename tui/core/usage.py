"""Kept counters and billing facts, changed in SQL inside the caller's transaction.

Counters are incremented by SQL expressions (`people_count + n`), never read-modify-write in
Python, so two processes never lose each other's updates.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlalchemy.orm import Session

from tui.core.models import UsageDay, Workspace


def bump_counters(
    session: Session, workspace_id: int, *, people: int = 0, campaigns: int = 0, messages_sent: int = 0
) -> None:
    """Add to a workspace's kept counts (negative numbers subtract)."""
    if not (people or campaigns or messages_sent):
        return
    session.execute(
        update(Workspace)
        .where(Workspace.id == workspace_id)
        .values(
            people_count=Workspace.people_count + people,
            campaigns_count=Workspace.campaigns_count + campaigns,
            messages_sent=Workspace.messages_sent + messages_sent,
        )
        .execution_options(synchronize_session=False)
    )


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
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:  # the same upsert interface (on_conflict_do_update) under another dialect's type
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    stmt = insert(UsageDay).values(
        workspace_id=workspace_id,
        day=day,
        people_created=people_created,
        people_deleted=people_deleted,
        messages_sent=messages_sent,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[UsageDay.workspace_id, UsageDay.day],
        set_={
            "people_created": UsageDay.people_created + stmt.excluded.people_created,
            "people_deleted": UsageDay.people_deleted + stmt.excluded.people_deleted,
            "messages_sent": UsageDay.messages_sent + stmt.excluded.messages_sent,
        },
    )
    session.execute(stmt)

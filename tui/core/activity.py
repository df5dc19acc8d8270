"""T7: the Activity log: what the Track API did in a workspace, newest first, keyset-paged.

Entries are written in the transaction of the change they describe (or, for a refused request,
in a transaction of their own), so the log never claims a change that was rolled back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import Dialect, insert, select
from sqlalchemy.orm import Session

from tui.core.db import Database
from tui.core.driver_many import DriverMany
from tui.core.errors import InvalidInput
from tui.core.models import ActivityEntry, Workspace, table_of
from tui.core.workspaces import find_workspace

KINDS = (
    "identify",
    "event",
    "device",
    "delete",
    "suppress",
    "unsuppress",
    "merge",
    "failed_change",
    "ignored",
    "rejected",
    "unauthorized",
)
MAX_DETAIL = 1000
DEFAULT_LIMIT = 50
MAX_LIMIT = 1000


@dataclass(frozen=True)
class Activity:
    id: int
    kind: str
    person: str | None  # the cio_id, kept after the person is gone
    detail: str
    at: datetime


@dataclass(frozen=True)
class ActivityPage:
    activity: list[Activity]
    next: str | None


_COLUMNS = ("workspace_id", "kind", "person", "detail", "at")
# An entry as written: (kind, person, detail, at).
Entry = tuple[str, str | None, str, datetime]


def record(session: Session, workspace_id: int, kind: str, person: str | None, detail: str, at: datetime) -> None:
    """Add one entry (in the caller's transaction)."""
    record_many(session, workspace_id, [(kind, person, detail, at)])


def record_many(session: Session, workspace_id: int, entries: Sequence[Entry]) -> None:
    """Add entries in this order, in one statement (in the caller's transaction). Details are
    cut to MAX_DETAIL characters."""
    unknown = {kind for kind, *_ in entries} - set(KINDS)
    if unknown:
        raise ValueError(f"unknown activity kind {sorted(unknown)[0]!r}")
    rows = [
        {"workspace_id": workspace_id, "kind": kind, "person": person, "detail": detail[:MAX_DETAIL], "at": at}
        for kind, person, detail, at in entries
    ]
    if rows:
        _insert(session.get_bind().dialect).execute(session, rows)


@lru_cache(maxsize=4)
def _insert(dialect: Dialect) -> DriverMany:
    return DriverMany.compile(insert(table_of(ActivityEntry)), dialect, _COLUMNS, repeated=("at",), copy=True)


def record_unauthorized(db: Database, site_id: str, reason: str) -> None:
    """A refused login names a site ID: the workspace it belongs to (if any) sees it."""
    with db.write() as session:
        workspace_id = session.scalar(select(Workspace.id).where(Workspace.site_id == site_id.strip().lower()))
        if workspace_id is not None:
            record(session, workspace_id, "unauthorized", None, reason, db.runtime.now())


def record_rejected(db: Database, workspace_id: int, reason: str) -> None:
    """A request refused before any operation ran (malformed JSON, too big): recorded alone."""
    with db.write() as session:
        if session.get(Workspace, workspace_id) is not None:
            record(session, workspace_id, "rejected", None, reason, db.runtime.now())


def list_activity(
    db: Database,
    workspace: str,
    *,
    kind: str | None = None,
    person: str | None = None,
    limit: int = DEFAULT_LIMIT,
    after: str | None = None,
    newer_than: int | None = None,
) -> ActivityPage:
    """One page, newest first; `after` is the `next` of the page before; `newer_than` an entry's
    id: only what came after it (a live view's refresh). Filters use their (workspace,
    kind|person, id) index, so a page costs the same in a log of any size."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit {limit} is not valid: give 1 to {MAX_LIMIT}")
    if kind is not None and kind not in KINDS:
        raise InvalidInput(f"activity kind {kind!r} is not one of: {', '.join(KINDS)}")
    before = page_cursor(after)
    with db.read() as session:
        ws = find_workspace(session, workspace)
        query = select(ActivityEntry).where(ActivityEntry.workspace_id == ws.id)
        if kind is not None:
            query = query.where(ActivityEntry.kind == kind)
        if person is not None:
            query = query.where(ActivityEntry.person == person.strip().lower().removeprefix("cio_"))
        if before is not None:
            query = query.where(ActivityEntry.id < before)
        if newer_than is not None:
            query = query.where(ActivityEntry.id > newer_than)
        rows = session.scalars(query.order_by(ActivityEntry.id.desc()).limit(limit + 1)).all()
        page = [Activity(row.id, row.kind, row.person, row.detail, row.at) for row in rows[:limit]]
        return ActivityPage(page, str(rows[limit - 1].id) if len(rows) > limit else None)


def page_cursor(after: str | None) -> int | None:
    """A page cursor is the id of the last entry shown."""
    if after is None:
        return None
    if not after.isdigit() or len(after) > 19:
        raise InvalidInput(f"cursor {after!r} is not valid: pass the `next` value of the page before")
    return int(after)

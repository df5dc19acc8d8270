"""Delivery workers' heartbeats (D4): a running `switchboard deliver` records that it is alive
every HEARTBEAT_S, so the app can say, when messages wait and no worker has been seen for
STALE_AFTER, that none runs and how to start one.

A worker is named by host, process id and start time; rows of workers not seen for a day go."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update

from tui.core.db import Database
from tui.core.models import WorkerHeartbeat, Workspace
from tui.core.workspaces import find_workspace

HEARTBEAT_S = 10.0
STALE_AFTER = timedelta(minutes=2)
FORGET_AFTER = timedelta(days=1)


def beat(db: Database, worker: str, started_at: datetime) -> None:
    """Record that `worker` is alive now."""
    now = db.runtime.now()
    with db.write() as session:
        seen = session.execute(
            update(WorkerHeartbeat).where(WorkerHeartbeat.worker == worker).values(seen_at=now)
        ).rowcount  # type: ignore[attr-defined]
        if not seen:
            session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.seen_at < now - FORGET_AFTER))
            session.add(WorkerHeartbeat(worker=worker, started_at=started_at, seen_at=now))


@dataclass(frozen=True)
class WorkerHint:
    """Messages of a workspace wait and no worker was seen lately: what to tell the user."""

    waiting: int
    last_seen: datetime | None  # None: no worker has ever run on this database


def worker_hint(db: Database, workspace: str) -> WorkerHint | None:
    """A hint when the workspace has messages to go and no worker was seen for STALE_AFTER."""
    now = db.runtime.now()
    with db.read() as session:
        ws: Workspace = find_workspace(session, workspace)
        waiting = ws.messages_queued or 0
        if not waiting:
            return None
        last_seen = session.scalar(select(func.max(WorkerHeartbeat.seen_at)))
    if last_seen is not None and now - last_seen <= STALE_AFTER:
        return None
    return WorkerHint(waiting, last_seen)

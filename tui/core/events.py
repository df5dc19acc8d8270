"""Reading what the Track API stored (T3, T4): events newest first, keyset-paged; a person's devices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from tui.core.activity import page_cursor
from tui.core.db import Database
from tui.core.errors import InvalidInput
from tui.core.models import Device, Event, Person
from tui.core.people import find_person
from tui.core.workspaces import find_workspace

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000


@dataclass(frozen=True)
class EventInfo:
    id: int
    name: str
    type: str
    data: dict[str, Any]
    timestamp: datetime
    person: str | None  # the cio_id; None for an anonymous event not joined to anyone


@dataclass(frozen=True)
class EventsPage:
    events: list[EventInfo]
    next: str | None


@dataclass(frozen=True)
class DeviceInfo:
    """A push device as stored (T4), and as a Track API request gives it (track_values)."""

    token: str
    platform: str
    last_used: datetime | None
    attributes: dict[str, Any]


def list_events(
    db: Database,
    workspace: str,
    *,
    person: str | None = None,
    name: str | None = None,
    limit: int = DEFAULT_LIMIT,
    after: str | None = None,
) -> EventsPage:
    """One page of events, newest first (by id: the order they were received)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit {limit} is not valid: give 1 to {MAX_LIMIT}")
    before = page_cursor(after)
    with db.read() as session:
        ws = find_workspace(session, workspace)
        query = select(Event, Person.cio_id).outerjoin(Person, Person.id == Event.person_id)
        if person is not None:
            query = query.where(Event.person_id == find_person(session, ws, person).id)
        else:
            query = query.where(Event.workspace_id == ws.id)
        if name is not None:
            query = query.where(Event.name == name.strip())
        if before is not None:
            query = query.where(Event.id < before)
        rows = session.execute(query.order_by(Event.id.desc()).limit(limit + 1)).all()
        page = [
            EventInfo(event.id, event.name, event.type, dict(event.data), event.timestamp, cio_id)
            for event, cio_id in rows[:limit]
        ]
        return EventsPage(page, str(rows[limit - 1][0].id) if len(rows) > limit else None)


def person_devices(db: Database, workspace: str, ref: str) -> list[DeviceInfo]:
    """A person's devices, by token."""
    with db.read() as session:
        person = find_person(session, find_workspace(session, workspace), ref)
        devices = session.scalars(select(Device).where(Device.person_id == person.id).order_by(Device.token))
        return [DeviceInfo(d.token, d.platform, d.last_used, dict(d.attributes)) for d in devices]

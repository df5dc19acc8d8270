"""A workspace's rate limit, shared by every worker (D2): the turns it gives are kept in the
database, so workers on any number of machines together keep to the workspace's rate (each
keeping its own would send N times the rate with N workers).

A worker asks for the turns of the messages it just claimed, in one short transaction per claim.
Each message gets a start one interval after the last one given, when that is at most HOLD_S
away (the worker holds it until then), or else a later turn in the outbox: it goes back there,
due then (outbox.defer), after every start and turn given so far, so a backlog comes back one
interval apart instead of all at once. Changing the rate forgets the turns (set_delivery).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from tui.core.db import Database
from tui.core.models import DeliverySettings, RateTurns, table_of

HOLD_S = 1.0

_TURNS = table_of(RateTurns)


@dataclass(frozen=True)
class Turns:
    """A claim's turns in one workspace, in the order of its messages."""

    starts: list[float]  # seconds from now, for the first len(starts) messages
    later: list[datetime]  # when each of the others is due again in the outbox


def take_turns(db: Database, wanted: Mapping[int, int]) -> dict[int, Turns]:
    """Turns for `wanted[workspace_id]` messages of each workspace, at its saved rate now (a
    workspace whose rate was removed gets starts at once)."""
    now = db.runtime.now()
    ids = sorted(wanted)  # rows locked in one order by every worker
    insert = sqlite_insert if db.is_sqlite else postgresql_insert
    with db.write() as session:
        saved = session.execute(
            select(DeliverySettings.workspace_id, DeliverySettings.rate_per_s).where(
                DeliverySettings.workspace_id.in_(ids)
            )
        )
        rates: dict[int, float] = {ws_id: per_s for ws_id, per_s in saved if per_s}
        limited = [ws_id for ws_id in ids if ws_id in rates]
        if limited:  # a row for each (two workers may add one at once: the second adds nothing)
            rows = [{"workspace_id": ws_id, "next_start": now, "next_later": now} for ws_id in limited]
            session.execute(insert(_TURNS).values(rows).on_conflict_do_nothing())
        kept = {
            ws_id: (start, later)
            for ws_id, start, later in session.execute(
                select(_TURNS.c.workspace_id, _TURNS.c.next_start, _TURNS.c.next_later)
                .where(_TURNS.c.workspace_id.in_(limited))
                .order_by(_TURNS.c.workspace_id)
                .with_for_update()
            )
        }
        turns: dict[int, Turns] = {}
        for ws_id in ids:
            if ws_id not in rates:
                turns[ws_id] = Turns([0.0] * wanted[ws_id], [])
                continue
            start, later = kept[ws_id]
            turns[ws_id], start, later = _turns(wanted[ws_id], timedelta(seconds=1 / rates[ws_id]), now, start, later)
            session.execute(
                _TURNS.update().where(_TURNS.c.workspace_id == ws_id).values(next_start=start, next_later=later)
            )
        return turns


def _turns(
    count: int, interval: timedelta, now: datetime, start: datetime, later: datetime
) -> tuple[Turns, datetime, datetime]:
    """`count` messages' turns from the next free start and later turn; returns the next free ones."""
    start = max(start, now)
    hold = timedelta(seconds=HOLD_S)
    starts: list[float] = []
    while len(starts) < count and start - now <= hold:
        starts.append((start - now).total_seconds())
        start += interval
    later = max(later, start)
    turns_later = []
    for _ in range(count - len(starts)):
        turns_later.append(later)
        later += interval
    return Turns(starts, turns_later), start, later

"""A workspace's rate limit is shared by every worker (D2, tui/core/rate_turns.py): the turns are
kept in the database, so two workers together keep to the rate instead of each sending at it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from factories import make_workspace

from tui.core.db import Database, open_database
from tui.core.delivery_settings import set_delivery
from tui.core.rate_turns import take_turns
from tui.core.runtime import FixedClock

START = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


def _at(*seconds: float) -> list[datetime]:
    return [START + timedelta(seconds=s) for s in seconds]


def test_D2_a_burst_takes_starts_one_interval_apart_and_turns_beyond_a_second_for_later(
    db: Database, clock: FixedClock
) -> None:
    ws = make_workspace(db, "Acme")
    set_delivery(db, "Acme", {"rate_per_s": "4/s"})
    clock.set(START)  # the burst arrives at one instant

    [burst] = take_turns(db, {ws: 7}).values()
    # The first goes at once; a start more than a second away is not held by the worker ...
    assert (burst.starts, burst.later) == ([0.0, 0.25, 0.5, 0.75, 1.0], _at(1.25, 1.5))
    # ... and the next claim's messages come back after the turns already given.
    [more] = take_turns(db, {ws: 3}).values()
    assert (more.starts, more.later) == ([], _at(1.75, 2.0, 2.25))

    clock.set(START + timedelta(seconds=10))  # idle since: the turns start again from now
    [fresh] = take_turns(db, {ws: 2}).values()
    assert (fresh.starts, fresh.later) == ([0.0, 0.25], [])


def test_D2_two_workers_share_the_turns_of_a_workspace(db: Database, clock: FixedClock) -> None:
    """Two workers (two connections to one database): the second's messages start after the
    first's; each keeping its own turns would have sent both at the rate, twice the rate."""
    ws = make_workspace(db, "Acme")
    other = make_workspace(db, "Other")  # no rate: its messages start at once
    set_delivery(db, "Acme", {"rate_per_s": "2/s"})
    clock.set(START)
    second = open_database(db.url, db.runtime)
    try:
        first_turns = take_turns(db, {ws: 2, other: 2})
        second_turns = take_turns(second, {ws: 2})
    finally:
        second.dispose()

    assert (first_turns[ws].starts, first_turns[ws].later) == ([0.0, 0.5], [])
    assert (first_turns[other].starts, first_turns[other].later) == ([0.0, 0.0], [])
    assert (second_turns[ws].starts, second_turns[ws].later) == ([1.0], _at(1.5))


def test_D2_a_changed_rate_forgets_the_turns_the_old_one_gave(db: Database, clock: FixedClock) -> None:
    ws = make_workspace(db, "Acme")
    set_delivery(db, "Acme", {"rate_per_s": "0.01/s"})  # by mistake: a turn every 100 s
    clock.set(START)
    assert take_turns(db, {ws: 2})[ws].later == _at(100)

    set_delivery(db, "Acme", {"rate_per_s": "10/s"})

    assert take_turns(db, {ws: 2})[ws].starts == [0.0, 0.1]
    set_delivery(db, "Acme", {"rate_per_s": ""})  # no limit any more
    assert take_turns(db, {ws: 3})[ws].starts == [0.0, 0.0, 0.0]

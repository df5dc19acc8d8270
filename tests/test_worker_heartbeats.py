"""Worker heartbeats (D4, issue 13): a delivery worker records that it runs, so that the app can
say when messages wait and no worker has been seen for a while (and only then)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cli_helpers import CliRun, run_json
from factories import EMAIL, add_campaign, add_person, make_workspace
from smtp_sink import SmtpSink
from sqlalchemy import select

from tui.core import sending
from tui.core.db import Database
from tui.core.models import WorkerHeartbeat
from tui.core.runtime import FixedClock
from tui.core.worker_heartbeats import FORGET_AFTER, STALE_AFTER, WorkerHint, beat, worker_hint
from tui.core.workspaces import get_workspace

START = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


def _queued(db: Database, clock: FixedClock, *emails: str) -> None:
    clock.set(START)
    ws = make_workspace(db)
    for address in emails:
        add_person(db, ws, address)
    add_campaign(db, ws, "Hello", [EMAIL])
    sending.send_campaign(db, "Acme", "Hello")


def test_D4_the_hint_shows_only_while_messages_wait_and_no_worker_was_seen_lately(
    db: Database, clock: FixedClock
) -> None:
    make_workspace(db, "Empty")
    _queued(db, clock, "ann@example.com", "bob@example.com")
    assert worker_hint(db, "Acme") == WorkerHint(waiting=2, last_seen=None)
    assert worker_hint(db, "Empty") is None  # nothing waits there

    beat(db, "host:1:a", START)
    assert worker_hint(db, "Acme") is None
    clock.set(START + STALE_AFTER)
    assert worker_hint(db, "Acme") is None
    clock.set(START + STALE_AFTER + timedelta(seconds=1))
    assert worker_hint(db, "Acme") == WorkerHint(waiting=2, last_seen=START)

    beat(db, "host:1:a", START)  # the same worker again: its one row moves on
    assert worker_hint(db, "Acme") is None


def test_D4_a_worker_not_seen_for_a_day_is_forgotten_when_another_starts(db: Database, clock: FixedClock) -> None:
    clock.set(START)
    beat(db, "host:1:old", START)
    clock.set(START + FORGET_AFTER + timedelta(minutes=1))
    beat(db, "host:2:new", db.runtime.now())
    with db.read() as session:
        assert list(session.scalars(select(WorkerHeartbeat.worker))) == ["host:2:new"]


def test_D4_deliver_records_its_heartbeat(cli: CliRun, db: Database, clock: FixedClock, smtp: SmtpSink) -> None:
    _queued(db, clock, "ann@example.com")
    assert worker_hint(db, "Acme") is not None

    run_json(
        cli, "deliver", "--once", "--smtp-host", "127.0.0.1", "--smtp-port", str(smtp.port), "--from", "a@example.com"
    )

    assert len(smtp.received) == 1
    _queued_more(db)
    assert worker_hint(db, "Acme") is None  # a worker ran just now: no hint though messages wait


def _queued_more(db: Database) -> None:
    """One more message waits (a new person, the campaign sent again)."""
    add_person(db, get_workspace(db, "Acme").id, "cat@example.com")
    sending.send_campaign(db, "Acme", "Hello")

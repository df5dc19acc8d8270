"""`switchboard deliver` calls webhook actions' URLs (issue 13): method, body and an
Idempotency-Key per message; HTTP 5xx/429 retry (Retry-After honoured), other 4xx fail."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from factories import add_campaign, add_person, make_workspace, retries_due
from http_sink import HttpSink
from smtp_sink import free_port

from tui.core import sending
from tui.core.db import Database
from tui.core.delivery_settings import DeliveryConfig
from tui.core.messages import list_messages
from tui.core.runtime import FixedClock
from tui.delivery.worker import Summary, WorkerConfig, run

START = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


def _hooks(db: Database, clock: FixedClock, port: int, *names: str) -> None:
    ws = make_workspace(db, "Acme")
    for name in names:
        add_person(db, ws, f"{name}@example.com", attributes={"name": name})
    url = f"http://127.0.0.1:{port}/hook/{{{{ customer.name }}}}"
    add_campaign(
        db, ws, "Hooks", [("webhook", {"method": "PUT", "url": url, "body": '{"who": "{{ customer.name }}"}'})]
    )
    clock.set(START)
    sending.send_campaign(db, "Acme", "Hooks")


def _deliver(cli) -> dict[str, int]:  # type: ignore[no-untyped-def]
    # No SMTP server is needed for webhooks: the port is closed on purpose.
    args = ["--smtp-host", "127.0.0.1", "--smtp-port", str(free_port()), "--from", "shop@example.com"]
    result = cli("deliver", "--once", "--json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _messages(db: Database) -> dict[str, tuple[str, int, str | None]]:
    return {
        (m.subject or "").rsplit("/", 1)[-1]: (m.status, m.attempts, m.answer or m.last_error)
        for m in list_messages(db, "Acme")
    }


def test_D1_a_webhook_is_called_with_its_method_body_and_idempotency_key(
    cli, db: Database, clock: FixedClock, http: HttpSink
) -> None:  # type: ignore[no-untyped-def]
    _hooks(db, clock, http.port, "ann")

    assert _deliver(cli) == {"delivered": 1, "retrying": 0, "failed": 0}

    [message] = list_messages(db, "Acme")
    [request] = http.received
    assert (request.method, request.path, request.body) == ("PUT", "/hook/ann", '{"who": "ann"}')
    assert request.idempotency_key == str(message.id)
    assert (message.status, message.answer) == ("delivered", "HTTP 200 OK")


def test_D1_http_faults_retry_or_fail_as_the_status_says(cli, db: Database, clock: FixedClock, http: HttpSink) -> None:  # type: ignore[no-untyped-def]
    _hooks(db, clock, http.port, "flaky", "slow", "gone")
    http.answers["/hook/flaky"] = [(500, {})]
    http.answers["/hook/slow"] = [(429, {"Retry-After": "7200"})]
    http.answers["/hook/gone"] = [(404, {})]
    before = datetime.now(UTC)  # the CLI runs on the real clock

    assert _deliver(cli) == {"delivered": 0, "retrying": 2, "failed": 1}

    assert _messages(db) == {
        "flaky": ("retrying", 1, "HTTP 500 Internal Server Error"),
        "slow": ("retrying", 1, "HTTP 429 Too Many Requests"),
        "gone": ("failed", 1, "HTTP 404 Not Found"),
    }
    slow = next(m for m in list_messages(db, "Acme") if m.subject and m.subject.endswith("/slow"))
    assert slow.next_attempt_at is not None
    assert slow.next_attempt_at >= before + timedelta(hours=2)  # Retry-After, longer than the backoff
    retries_due(db, START)  # time passes: both retries are due

    assert _deliver(cli) == {"delivered": 2, "retrying": 0, "failed": 0}
    assert sorted(request.path for request in http.received) == ["/hook/flaky", "/hook/slow"]


@pytest.mark.backends("sqlite")
def test_D1_while_another_process_holds_the_write_lock_the_worker_waits_in_a_thread_and_its_loop_goes_on(
    db: Database, clock: FixedClock, http: HttpSink
) -> None:
    """The worker's SQLite transactions run on its event loop only when the lock is free
    (database_calls.py): a lock held elsewhere never stalls the loop and the connections it
    serves, and the messages go out once the lock is released."""
    _hooks(db, clock, http.port, "ann", "bob")
    locker = sqlite3.connect(db.engine.url.database, isolation_level=None, check_same_thread=False)
    locker.execute("BEGIN IMMEDIATE")

    async def main() -> Summary:
        worker = asyncio.create_task(run(db, WorkerConfig(defaults=DeliveryConfig()), once=True))
        for _ in range(20):  # the loop keeps turning while the worker waits for the lock
            await asyncio.sleep(0.01)
        assert not worker.done() and not http.received
        locker.execute("COMMIT")
        return await worker

    try:
        summary = asyncio.run(main())
    finally:
        locker.close()
    assert summary == Summary(delivered=2)
    assert sorted(request.path for request in http.received) == ["/hook/ann", "/hook/bob"]

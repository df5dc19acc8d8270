"""`switchboard deliver` calls webhook actions' URLs (issue 13): method, body and an
Idempotency-Key per message; HTTP 5xx/429 retry (Retry-After honoured), other 4xx fail."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from factories import add_campaign, add_person, make_workspace, retries_due
from http_sink import HttpSink
from smtp_sink import free_port

from tui.cli import progress_meter
from tui.core import outbox, sending
from tui.core.db import Database, open_database
from tui.core.delivery_settings import DeliveryConfig, set_delivery
from tui.core.errors import Busy
from tui.core.messages import list_messages
from tui.core.runtime import FixedClock
from tui.delivery import start_queue, worker
from tui.delivery.worker import Summary, WorkerConfig, run

START = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


def _hooks(db: Database, clock: FixedClock, port: int, *names: str, workspace: str = "Acme") -> None:
    ws = make_workspace(db, workspace)
    for name in names:
        add_person(db, ws, f"{name}@example.com", attributes={"name": name})
    url = f"http://127.0.0.1:{port}/hook/{{{{ customer.name }}}}"
    add_campaign(
        db, ws, "Hooks", [("webhook", {"method": "PUT", "url": url, "body": '{"who": "{{ customer.name }}"}'})]
    )
    clock.set(START)
    sending.send_campaign(db, workspace, "Hooks")


def _hooks_to(db: Database, clock: FixedClock, urls: dict[str, str]) -> None:
    """Workspace Acme: a person per name whose webhook calls the url given (any url), sent at START."""
    ws = make_workspace(db, "Acme")
    for name, url in urls.items():
        add_person(db, ws, f"{name}@example.com", attributes={"hook": url})
    add_campaign(db, ws, "Hooks", [("webhook", {"method": "POST", "url": "{{ customer.hook }}"})])
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

    assert _deliver(cli) == {"delivered": 1, "retrying": 0, "failed": 0, "stale": 0}

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

    assert _deliver(cli) == {"delivered": 0, "retrying": 2, "failed": 1, "stale": 0}

    assert _messages(db) == {
        "flaky": ("retrying", 1, "HTTP 500 Internal Server Error"),
        "slow": ("retrying", 1, "HTTP 429 Too Many Requests"),
        "gone": ("failed", 1, "HTTP 404 Not Found"),
    }
    slow = next(m for m in list_messages(db, "Acme") if m.subject and m.subject.endswith("/slow"))
    assert slow.next_attempt_at is not None
    assert slow.next_attempt_at >= before + timedelta(hours=2)  # Retry-After, longer than the backoff
    retries_due(db, START)  # time passes: both retries are due

    assert _deliver(cli) == {"delivered": 2, "retrying": 0, "failed": 0, "stale": 0}
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


def test_D1_a_rate_limited_workspace_keeps_no_others_waiting_and_holds_no_message_past_its_turn_window(
    db: Database, clock: FixedClock, http: HttpSink
) -> None:
    """A worker used to wait for a slow workspace's turns on its connections: the other
    workspaces' messages queued behind, and a message held longer than its 5-minute lease was
    claimed and sent again. Now a connection takes the message that may start first, and one
    whose turn is more than a second away goes back to the outbox, untried, due then."""
    _hooks(db, clock, http.port, "s1", "s2", "s3", workspace="Slow")
    set_delivery(db, "Slow", {"rate_per_s": "1/s"})  # turns at 0 and 1 s, then 2 s: too far
    _hooks(db, clock, http.port, *(f"f{n}" for n in range(12)), workspace="Fast")
    # Two connections: one waiting for s2's turn would have left one for all the fast messages.
    config = WorkerConfig(defaults=DeliveryConfig(), concurrency=2, poll_s=0.1)

    # The clock stands still for the outbox: s3 does not come due in this run.
    assert asyncio.run(run(db, config, once=True)) == Summary(delivered=14)

    arrived = [r.path.removeprefix("/hook/") for r in http.received]
    assert set(arrived[:13]) == {"s1", *(f"f{n}" for n in range(12))}  # the fast ones did not wait
    assert arrived[13:] == ["s2"]
    [s3] = [m for m in list_messages(db, "Slow") if (m.subject or "").endswith("/s3")]
    assert (s3.status, s3.attempts) == ("queued", 0)
    assert s3.next_attempt_at is not None
    assert abs(s3.next_attempt_at - (START + timedelta(seconds=2))) < timedelta(seconds=0.1)

    clock.set(START + timedelta(seconds=2))  # its turn comes
    assert asyncio.run(run(db, config, once=True)) == Summary(delivered=1)
    assert [r.path for r in http.received[14:]] == ["/hook/s3"]


def test_D1_deliver_shows_its_progress_on_stderr_and_once_waits_for_the_turns_it_gave(
    cli, db: Database, clock: FixedClock, http: HttpSink, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(progress_meter, "AFTER_SECONDS", 0.0)  # this run is shorter than the 2 s before a meter shows
    monkeypatch.setattr(worker, "PROGRESS_S", 0.05)
    _hooks(db, clock, http.port, "s1", "s2", "s3", "s4", workspace="Slow")
    set_delivery(db, "Slow", {"rate_per_s": "2/s"})  # s4's turn (1.5 s) is too far: it waits in the outbox

    result = cli("deliver", "--once")  # on the real clock: s4 comes due, and this run delivers it

    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Delivered 4, retrying 0, failed 0\n"
    assert sorted(r.path for r in http.received) == [f"/hook/s{n}" for n in range(1, 5)]
    shown = result.stderr.splitlines()
    matches = [re.fullmatch(r"Delivered (\d), retrying 0, failed 0", line) for line in shown]
    delivered = [int(match[1]) for match in matches if match]
    assert shown and len(delivered) == len(shown), shown
    assert delivered == sorted(delivered) and delivered[-1] <= 4


def test_D1_deliver_says_what_it_left_unsent_after_waiting_too_long_and_leaves_it_leased(
    cli, db: Database, clock: FixedClock, http: HttpSink, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(start_queue, "HELD_S", -1.0)  # as if every message had waited behind a slow server
    _hooks(db, clock, http.port, "ann", "bob")

    result = cli("deliver", "--once")

    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "Delivered 0, retrying 0, failed 0; 2 not sent, having waited too long behind a slow server"
        " (taken again once their 5-minute lease runs out)\n"
    )
    assert not http.received
    assert {m.status for m in list_messages(db, "Acme")} == {"sending"}  # its lease runs out; then claimed again


@pytest.mark.parametrize("bad_url", ["http://xn--/hook", "http://127.0.0.1:99999/hook", "http://127.0.0.1:abc/hook"])
def test_D1_a_webhook_url_that_cannot_be_called_fails_that_message_and_the_others_go_out(
    cli, db: Database, clock: FixedClock, http: HttpSink, bad_url: str
) -> None:  # type: ignore[no-untyped-def]
    """A url that renders with an http:// prefix can still be no address at all (an empty IDNA
    label, a port out of range or no number): httpx refuses it before any connection. Such a
    message fails permanently with the reason. It used to end one of the worker's connection tasks and stay
    `sending`, to take another connection down each time its lease ran out."""
    _hooks_to(db, clock, {"ann": bad_url, "bob": f"http://127.0.0.1:{http.port}/hook/bob"})

    assert _deliver(cli) == {"delivered": 1, "retrying": 0, "failed": 1, "stale": 0}

    assert [r.path for r in http.received] == ["/hook/bob"]
    [ann] = [m for m in list_messages(db, "Acme") if bad_url in (m.subject or "")]
    assert ann.status == "failed"
    assert ann.last_error is not None and ann.last_error.startswith(f"cannot call {bad_url}: ")


def test_D1_webhooks_go_through_the_environments_proxy_unless_no_proxy_names_the_host(
    cli, db: Database, clock: FixedClock, http: HttpSink, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """As with curl and httpx's client: HTTP_PROXY carries the requests (the sink plays the
    proxy, so it sees the full url), and a host NO_PROXY names is called directly (here a name
    that does not resolve: a temporary failure)."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{http.port}")
    monkeypatch.setenv("NO_PROXY", "direct.invalid")
    _hooks_to(db, clock, {"ann": "http://proxied.invalid/hook/ann", "bob": "http://direct.invalid/hook/bob"})

    assert _deliver(cli) == {"delivered": 1, "retrying": 1, "failed": 0, "stale": 0}

    assert [r.path for r in http.received] == ["http://proxied.invalid/hook/ann"]
    [bob] = [m for m in list_messages(db, "Acme") if "direct.invalid" in (m.subject or "")]
    assert bob.status == "retrying"
    assert bob.last_error is not None and bob.last_error.startswith("cannot reach http://direct.invalid/hook/bob")


def test_D1_each_webhook_request_stands_alone_no_cookie_is_carried_to_the_next(
    db: Database, clock: FixedClock, http: HttpSink
) -> None:
    """One worker calls many workspaces' receivers: a cookie one of them sets must not go with
    the next request (httpx's client keeps a cookie jar; the worker uses no client)."""
    _hooks(db, clock, http.port, "ann", "bob")
    http.answers["/hook/ann"] = [(200, {"Set-Cookie": "session=ann-secret; Path=/"})]

    config = WorkerConfig(defaults=DeliveryConfig(), concurrency=1)  # one connection: ann, then bob
    assert asyncio.run(run(db, config, once=True)) == Summary(delivered=2)

    assert [(r.path, r.cookie) for r in http.received] == [("/hook/ann", None), ("/hook/bob", None)]


def test_D2_a_second_worker_keeps_to_the_turns_another_worker_took(
    db: Database, clock: FixedClock, http: HttpSink
) -> None:
    """Each worker used to keep its own turns: a second worker (another process or machine) sent
    a 1/s workspace's messages as if the first had sent none, so two workers together sent at
    twice the rate. The turns are kept in the database (rate_turns.py): after the first worker
    sends at 0 and 1 s, the second's first message goes at 2 s, not at once."""
    ws = make_workspace(db, "Slow")
    for name in ("a", "b"):
        add_person(db, ws, f"{name}@example.com", attributes={"name": name})
    for campaign in ("first", "second"):
        url = f"http://127.0.0.1:{http.port}/{campaign}/{{{{ customer.name }}}}"
        add_campaign(db, ws, campaign, [("webhook", {"method": "POST", "url": url})])
    set_delivery(db, "Slow", {"rate_per_s": "1/s"})
    clock.set(START)
    config = WorkerConfig(defaults=DeliveryConfig(), concurrency=1, poll_s=0.05)

    for campaign in ("first", "second"):  # each campaign's two messages by a worker of its own
        sending.send_campaign(db, "Slow", campaign)
        worker_db = open_database(db.url)  # on the real clock
        try:
            assert asyncio.run(run(worker_db, config, once=True)) == Summary(delivered=2)
        finally:
            worker_db.dispose()

    first = min(r.at for r in http.received if r.path.startswith("/first/"))
    second = min(r.at for r in http.received if r.path.startswith("/second/"))
    assert second - first >= 1.5  # 2 s as scheduled; at once (about 1 s) with turns of its own


def test_D1_an_unexpected_error_delivering_one_message_retries_it_and_the_others_go_out(
    db: Database, clock: FixedClock, http: HttpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fault nobody foresaw in one message's delivery (here the webhook call raising) used to
    end the connection task that met it, leaving the message `sending`; with every connection
    ended, the worker stopped delivering. The message now retries with the error as its reason."""
    _hooks(db, clock, http.port, "ann", "bob", "cat")
    calls = worker.call_webhook

    async def failing_for_bob(pool, item):  # type: ignore[no-untyped-def]
        if (item.subject or "").endswith("/bob"):
            raise RuntimeError("boom")
        return await calls(pool, item)

    monkeypatch.setattr(worker, "call_webhook", failing_for_bob)
    config = WorkerConfig(defaults=DeliveryConfig(), concurrency=1)  # one connection: ended, nothing more went

    # Bounded: with its only connection ended, the old worker waited for its queue forever.
    assert asyncio.run(asyncio.wait_for(run(db, config, once=True), 30)) == Summary(delivered=2, retrying=1)

    assert sorted(r.path for r in http.received) == ["/hook/ann", "/hook/cat"]
    assert _messages(db)["bob"] == ("retrying", 1, "unexpected error: RuntimeError('boom')")


def test_D1_a_worker_that_cannot_record_its_deliveries_stops_with_the_reason_instead_of_waiting_forever(
    db: Database, clock: FixedClock, http: HttpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Recording a group fails (the database locked longer than the busy timeout, or gone): the
    connections waiting for that record ended, the worker reported the messages delivered, and
    with every connection ended it would wait forever for the rest. It now stops with the
    database's reason; the messages sent but not recorded stay leased and go
    again after their lease, with the same Idempotency-Key (at least once)."""
    _hooks(db, clock, http.port, "ann", "bob")

    def locked(*_args: object, **_kwargs: object) -> int:
        raise Busy("the database refused the change: database is locked")

    monkeypatch.setattr(outbox, "mark_delivered_many", locked)

    with pytest.raises(Busy, match="database is locked"):
        asyncio.run(asyncio.wait_for(run(db, WorkerConfig(defaults=DeliveryConfig()), once=True), 30))
    assert {m.status for m in list_messages(db, "Acme")} == {"sending"}

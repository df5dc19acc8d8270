"""`switchboard deliver` end to end (issue 13): a campaign's emails reach a real SMTP server
(aiosmtpd) with their headers; faults end as the outbox says (retrying, failed)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime

from factories import add_campaign, add_person, make_workspace, retries_due
from smtp_sink import SmtpSink, free_port
from sqlalchemy import update

from tui.core import sending
from tui.core.db import Database
from tui.core.messages import list_messages
from tui.core.models import Message
from tui.core.runtime import FixedClock
from tui.core.workspaces import get_workspace
from tui.delivery.worker import UNRECORDED

START = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


def _campaign(db: Database, clock: FixedClock, *emails: str) -> None:
    ws = make_workspace(db, "Acme")
    for address in emails:
        add_person(db, ws, address, attributes={"name": "Zoë"})
    add_campaign(
        db, ws, "Hello", [("email", {"subject": "Héllo {{ customer.name }}", "body": "Hi {{ customer.email }}"})]
    )
    clock.set(START)
    sending.send_campaign(db, "Acme", "Hello")


def _deliver(cli, port: int, *extra: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    result = cli(
        "deliver",
        "--once",
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        str(port),
        "--from",
        "shop@example.com",
        "--json",
        *extra,
    )
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _worker(db_target: str, port: int, *options: str) -> list[str]:
    """The command line of a `switchboard deliver` process sending to `port`."""
    command = [sys.executable, "-m", "tui", "--db", db_target, "deliver", "--smtp-host", "127.0.0.1"]
    return [*command, "--smtp-port", str(port), "--from", "shop@example.com", *options]


def _wait_for_mail(smtp: SmtpSink, count: int) -> None:
    deadline = time.monotonic() + 60
    while len(smtp.received) < count:
        assert time.monotonic() < deadline, f"the worker delivered {len(smtp.received)} of {count} emails"
        time.sleep(0.01)


def _by_recipient(db: Database) -> dict[str, tuple[str, int, str | None]]:
    return {m.recipient or "": (m.status, m.attempts, m.answer or m.last_error) for m in list_messages(db, "Acme")}


def test_D1_deliver_once_sends_each_email_with_its_headers_and_bills_it(
    cli, db: Database, clock: FixedClock, smtp: SmtpSink
) -> None:  # type: ignore[no-untyped-def]
    _campaign(db, clock, "ann@example.com", "bob@example.com")

    assert _deliver(cli, smtp.port) == {"delivered": 2, "retrying": 0, "failed": 0, "stale": 0}

    site = get_workspace(db, "Acme").site_id
    ids = {m.recipient: m.id for m in list_messages(db, "Acme")}
    got = {m["To"]: m for m in smtp.received}
    assert set(got) == {"ann@example.com", "bob@example.com"}
    ann = got["ann@example.com"]
    assert (ann["From"], ann["Subject"], ann.get_content().strip()) == (
        "shop@example.com",
        "Héllo Zoë",
        "Hi ann@example.com",
    )
    assert ann["Message-ID"] == f"<{ids['ann@example.com']}.{site}@switchboard.invalid>"
    assert {status for status, _, _ in _by_recipient(db).values()} == {"delivered"}
    assert get_workspace(db, "Acme").messages_sent == 2
    assert _deliver(cli, smtp.port) == {"delivered": 0, "retrying": 0, "failed": 0, "stale": 0}  # nothing twice


def test_D1_smtp_4xx_is_retried_then_delivered_and_5xx_fails_with_the_reply(
    cli, db: Database, clock: FixedClock, smtp: SmtpSink
) -> None:  # type: ignore[no-untyped-def]
    _campaign(db, clock, "busy@example.com", "gone@example.com")
    smtp.faults["busy@example.com"] = ["421 4.3.0 try later", "451 4.3.0 still busy"]
    smtp.faults["gone@example.com"] = ["550 5.1.1 no such user"]

    assert _deliver(cli, smtp.port) == {"delivered": 0, "retrying": 1, "failed": 1, "stale": 0}
    assert _by_recipient(db) == {
        "busy@example.com": ("retrying", 1, "421 4.3.0 try later"),
        "gone@example.com": ("failed", 1, "550 5.1.1 no such user"),
    }
    for _ in range(2):
        retries_due(db, START)
        cli_summary = _deliver(cli, smtp.port)
    assert cli_summary == {"delivered": 1, "retrying": 0, "failed": 0, "stale": 0}
    assert _by_recipient(db)["busy@example.com"] == ("delivered", 3, "250 2.0.0 Ok: queued")
    assert [m["To"] for m in smtp.received] == ["busy@example.com"]


def test_D1_a_refused_connection_leaves_the_message_retrying(cli, db: Database, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    _campaign(db, clock, "ann@example.com")

    assert _deliver(cli, free_port()) == {"delivered": 0, "retrying": 1, "failed": 0, "stale": 0}

    [message] = list_messages(db, "Acme")
    assert (message.status, message.attempts) == ("retrying", 1)
    assert message.last_error is not None and message.last_error.startswith("cannot reach the SMTP server")
    assert message.next_attempt_at is not None and message.next_attempt_at > START


def test_D1_a_worker_killed_mid_run_then_restarted_delivers_everything_duplicates_keep_their_id(
    db_target: str, db: Database, clock: FixedClock, smtp: SmtpSink
) -> None:
    _campaign(db, clock, *(f"p{n:02d}@example.com" for n in range(30)))
    smtp.pause_s = 0.05
    command = _worker(db_target, smtp.port, "--concurrency", "2")
    worker = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for_mail(smtp, 5)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    before = len(smtp.received)
    assert before < 30
    with db.write() as session:  # the dead worker's leases run out
        session.execute(update(Message).where(Message.status == "sending").values(lease_until=START))
    smtp.pause_s = 0.0

    again = [*command, "--once", "--json"]
    result = subprocess.run(again, capture_output=True, text=True, timeout=120, check=False)

    assert result.returncode == 0, result.stderr
    assert {status for status, _, _ in _by_recipient(db).values()} == {"delivered"}
    copies = Counter(m["Message-ID"] for m in smtp.received)
    assert len(copies) == 30  # every message arrived
    duplicates = sum(n - 1 for n in copies.values())
    # Only what was in flight arrives twice (same Message-ID): per connection, the message being
    # sent and the one before it, whose record may not have been written yet.
    assert duplicates <= 2 * UNRECORDED


def test_D1_two_workers_at_once_deliver_every_message_exactly_once(
    db_target: str, db: Database, clock: FixedClock, smtp: SmtpSink
) -> None:
    _campaign(db, clock, *(f"p{n:02d}@example.com" for n in range(40)))
    command = _worker(db_target, smtp.port, "--once", "--concurrency", "3", "--json")

    workers = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [worker.communicate(timeout=120) for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0], [err for _, err in outputs]
    assert sum(json.loads(out)["delivered"] for out, _ in outputs) == 40
    copies = Counter(m["Message-ID"] for m in smtp.received)
    assert (len(copies), set(copies.values())) == (40, {1})


def test_D1_deliver_refuses_an_unknown_workspace_and_a_from_that_is_no_address(cli, db: Database) -> None:  # type: ignore[no-untyped-def]
    unknown = cli("deliver", "--once", "-w", "Nope", "--smtp-host", "127.0.0.1", "--from", "a@example.com")
    assert (unknown.exit_code, unknown.stderr) == (1, "error: no workspace named 'Nope'\n")
    bad_from = cli("deliver", "--once", "--smtp-host", "127.0.0.1", "--from", "shop@")
    assert bad_from.exit_code == 1
    assert bad_from.stderr.startswith("error: From address 'shop@' is not valid")


def test_D1_an_html_body_goes_with_a_text_alternative_and_unicode_headers_survive(
    cli, db: Database, clock: FixedClock, smtp: SmtpSink
) -> None:  # type: ignore[no-untyped-def]
    ws = make_workspace(db, "Acme")
    add_person(db, ws, "zoë@exämple.com", attributes={"name": "Zoë"})
    html = "<html><body><h1>Hi {{ customer.name }}</h1><p>Welcome <b>to</b> Acme</p></body></html>"
    add_campaign(db, ws, "Hello", [("email", {"subject": "Ça va, {{ customer.name }} ✉", "body": html})])
    clock.set(START)
    sending.send_campaign(db, "Acme", "Hello")

    assert _deliver(cli, smtp.port)["delivered"] == 1

    [got] = smtp.received
    assert got["Subject"] == "Ça va, Zoë ✉"
    assert got.get_content_type() == "multipart/alternative"
    text, rich = got.iter_parts()  # type: ignore[attr-defined]
    assert (text.get_content_type(), text.get_content().splitlines()) == ("text/plain", ["Hi Zoë", "Welcome to Acme"])
    assert (rich.get_content_type(), rich.get_content().strip()) == (
        "text/html",
        html.replace("{{ customer.name }}", "Zoë"),
    )


def test_D1_sigterm_stops_a_running_worker_after_what_is_in_flight(
    db_target: str, db: Database, clock: FixedClock, smtp: SmtpSink
) -> None:
    _campaign(db, clock, *(f"p{n:02d}@example.com" for n in range(30)))
    smtp.pause_s = 0.05
    command = _worker(db_target, smtp.port, "--concurrency", "2", "--json")
    worker = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for_mail(smtp, 1)

    worker.send_signal(signal.SIGTERM)
    out, err = worker.communicate(timeout=60)

    assert worker.returncode == 0, err
    statuses = Counter(status for status, _, _ in _by_recipient(db).values())
    assert statuses["delivered"] == json.loads(out)["delivered"] == len(smtp.received)
    assert statuses["sending"] == 0  # what it had claimed was finished, not left to a lease


def test_D1_a_server_that_does_not_answer_in_time_leaves_the_message_retrying(
    cli, db: Database, clock: FixedClock, smtp: SmtpSink
) -> None:  # type: ignore[no-untyped-def]
    _campaign(db, clock, "ann@example.com")
    smtp.faults["ann@example.com"] = ["sleep 3"]

    assert _deliver(cli, smtp.port, "--timeout", "0.5") == {"delivered": 0, "retrying": 1, "failed": 0, "stale": 0}

    [message] = list_messages(db, "Acme")
    assert (message.status, message.attempts) == ("retrying", 1)
    assert message.last_error is not None and "cannot reach the SMTP server" in message.last_error

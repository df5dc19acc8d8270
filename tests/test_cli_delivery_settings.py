"""`switchboard workspaces delivery` and `deliver` with per-workspace settings (D2): each
workspace's messages go to its own server with its own sender; a missing setting or secret is
the message's reason, never a crash; --check connects and sends nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from cli_helpers import CliRun, refused, run_json
from factories import add_campaign, add_person, make_workspace, retries_due
from smtp_sink import SmtpSink, free_port, start_sink

from tui.core import sending
from tui.core.db import Database
from tui.core.messages import list_messages
from tui.core.runtime import FixedClock

# The login server takes AUTH over a plain loopback connection on purpose.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

START = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
EMAIL = ("email", {"subject": "Hi {{ customer.email }}", "body": "Hello"})


@pytest.fixture(scope="module")
def login_smtp() -> Iterator[SmtpSink]:
    """An SMTP server that takes mail only from user "mailer" with password "s3cret"."""
    sink, controller = start_sink(login=("mailer", "s3cret"))
    yield sink
    controller.stop()


def _send(db: Database, clock: FixedClock, workspace: str, *emails: str) -> None:
    ws = make_workspace(db, workspace)
    for address in emails:
        add_person(db, ws, address)
    add_campaign(db, ws, "Hello", [EMAIL])
    clock.set(START)
    sending.send_campaign(db, workspace, "Hello")


def _deliver(cli: CliRun, *options: str) -> dict[str, int]:
    return run_json(cli, "deliver", "--once", *options)


def _outcomes(db: Database, workspace: str) -> set[tuple[str, str | None]]:
    return {(m.status, m.answer or m.last_error) for m in list_messages(db, workspace)}


def test_D2_each_workspace_delivers_with_its_own_settings_and_the_others_with_delivers_defaults(
    cli: CliRun, db: Database, clock: FixedClock, smtp: SmtpSink
) -> None:
    _send(db, clock, "Acme", "ann@example.com")
    _send(db, clock, "Beta", "bob@example.com")
    run_json(
        cli,
        "workspaces",
        "delivery",
        "Acme",
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        str(smtp.port),
        "--from",
        "Acme News <news@acme.example.com>",
        "--reply-to",
        "help@acme.example.com",
    )

    summary = _deliver(cli, "--smtp-host", "127.0.0.1", "--smtp-port", str(smtp.port), "--from", "ops@example.com")

    assert summary == {"delivered": 2, "retrying": 0, "failed": 0, "stale": 0}
    got = {m["To"]: (m["From"], m["Reply-To"]) for m in smtp.received}
    assert got == {
        "ann@example.com": ("Acme News <news@acme.example.com>", "help@acme.example.com"),
        "bob@example.com": ("ops@example.com", None),
    }


def test_D2_a_login_takes_its_password_from_the_named_variable(
    cli: CliRun, db: Database, clock: FixedClock, login_smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    login_smtp.reset()
    _send(db, clock, "Acme", "ann@example.com")
    server = ["--smtp-host", "127.0.0.1", "--smtp-port", str(login_smtp.port), "--from", "news@acme.example.com"]
    settings = run_json(
        cli, "workspaces", "delivery", "Acme", *server, "--smtp-user", "mailer", "--smtp-password-env", "ACME_SMTP_PASS"
    )
    assert settings["smtp_password_env"] == "ACME_SMTP_PASS"  # the name, never the secret

    monkeypatch.delenv("ACME_SMTP_PASS", raising=False)
    assert _deliver(cli) == {"delivered": 0, "retrying": 1, "failed": 0, "stale": 0}
    assert _outcomes(db, "Acme") == {("retrying", "SMTP password variable ACME_SMTP_PASS is not set")}

    monkeypatch.setenv("ACME_SMTP_PASS", "wrong")
    retries_due(db, START)
    _deliver(cli)
    [(status, reason)] = _outcomes(db, "Acme")
    assert (status, (reason or "").split(":")[0]) == ("retrying", "SMTP login as mailer refused")

    monkeypatch.setenv("ACME_SMTP_PASS", "s3cret")
    retries_due(db, START)
    assert _deliver(cli) == {"delivered": 1, "retrying": 0, "failed": 0, "stale": 0}
    assert [m["To"] for m in login_smtp.received] == ["ann@example.com"]


def test_D2_no_server_or_sender_anywhere_is_the_messages_reason(cli: CliRun, db: Database, clock: FixedClock) -> None:
    _send(db, clock, "Acme", "ann@example.com")

    assert _deliver(cli) == {"delivered": 0, "retrying": 1, "failed": 0, "stale": 0}
    [(status, reason)] = _outcomes(db, "Acme")
    assert status == "retrying"
    assert reason == (
        "no SMTP server is set for workspace 'Acme': set one with "
        "`switchboard workspaces delivery Acme --smtp-host HOST` (or deliver --smtp-host)"
    )


def test_D2_check_says_what_the_server_answered_and_sends_nothing(
    cli: CliRun, db: Database, clock: FixedClock, smtp: SmtpSink
) -> None:
    _send(db, clock, "Acme", "ann@example.com")
    run_json(cli, "workspaces", "delivery", "Acme", "--smtp-host", "127.0.0.1", "--smtp-port", str(smtp.port))

    checked = run_json(cli, "workspaces", "delivery", "Acme", "--check")

    [result] = checked["check"]
    assert (result["target"], result["ok"]) == ("smtp", True)
    assert result["answer"].startswith(f"127.0.0.1:{smtp.port} answered 220 ")
    assert smtp.received == []
    assert _outcomes(db, "Acme") == {("queued", None)}

    closed = free_port()
    cli("workspaces", "delivery", "Acme", "--smtp-port", str(closed))
    failed = cli("workspaces", "delivery", "Acme", "--check")
    assert failed.exit_code == 1
    assert f"check smtp: FAILED: cannot reach 127.0.0.1:{closed}" in failed.stdout


def test_D2_bad_settings_are_refused_with_the_reason_and_nothing_changes(cli: CliRun, db: Database, shop: str) -> None:
    run_json(cli, "workspaces", "delivery", shop, "--smtp-host", "smtp.example.com")

    error = refused(
        cli, "workspaces", "delivery", shop, "--from", "news@shop.example.com", "--sms-auth-env", "Bearer abc"
    )
    assert error.startswith("error: 'Bearer abc' is not an environment variable name")
    shown = json.loads(cli("workspaces", "delivery", shop, "--json").stdout)
    assert (shown["smtp_host"], shown["sender"], shown["sms_auth_env"]) == ("smtp.example.com", None, None)
    refused(cli, "workspaces", "delivery", shop, "--smtp-security", "ssl", code=2)

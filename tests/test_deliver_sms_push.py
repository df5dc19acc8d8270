"""SMS and push go to the workspace's HTTP providers (issue 13): one documented JSON POST per
message with the configured Authorization header and an Idempotency-Key; a provider or secret
that is missing is the message's reason."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from cli_helpers import CliRun, run_json
from factories import add_campaign, add_person, make_workspace
from http_sink import HttpSink

from tui.core import sending, track
from tui.core.db import Database
from tui.core.messages import list_messages
from tui.core.runtime import FixedClock
from tui.core.track import Operation
from tui.core.track_identifiers import Ref

START = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
STEPS = [
    ("sms", {"body": "Hi {{ customer.name }}, your code is 1234"}),
    ("push", {"title": "Hëllo {{ customer.name }}", "body": "Open the app"}),
]


def _send(db: Database, clock: FixedClock) -> None:
    ws = make_workspace(db, "Acme")
    add_person(db, ws, "ann@example.com", attributes={"name": "Ann", "phone": "+44 20 7946 0000"})
    for token, platform in (("tok-b", "android"), ("tok-a", "ios")):
        device = Operation(
            "add_device", Ref("email", "ann@example.com"), {"device": {"id": token, "platform": platform}}
        )
        assert not track.apply(db, ws, [device])[0].rejected
    add_person(db, ws, "bob@example.com", attributes={"name": "Bob", "phone": "+1 555 0100"})  # no device
    add_campaign(db, ws, "Hello", STEPS)
    clock.set(START)
    sending.send_campaign(db, "Acme", "Hello")


def _providers(cli: CliRun, http: HttpSink, *, push: bool = True) -> None:
    """The SMS provider (and the push one) at the HTTP sink, each with its Authorization variable."""
    base = f"http://127.0.0.1:{http.port}"
    options = ["--sms-url", f"{base}/sms", "--sms-auth-env", "ACME_SMS_AUTH"]
    if push:
        options += ["--push-url", f"{base}/push", "--push-auth-env", "ACME_PUSH_AUTH"]
    run_json(cli, "workspaces", "delivery", "Acme", *options)


def _outcomes(db: Database) -> list[tuple[str, str | None]]:
    return sorted((m.status, m.answer or m.last_error) for m in list_messages(db, "Acme"))


def test_D3_sms_and_push_are_json_posts_with_the_authorization_header_and_idempotency_key(
    cli: CliRun, db: Database, clock: FixedClock, http: HttpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    _send(db, clock)
    _providers(cli, http)
    monkeypatch.setenv("ACME_SMS_AUTH", "Basic QUM6dG9rZW4=")
    monkeypatch.setenv("ACME_PUSH_AUTH", "Bearer push-secret")

    assert run_json(cli, "deliver", "--once") == {"delivered": 3, "retrying": 0, "failed": 1, "stale": 0}

    ids = {(m.channel, m.recipient or ""): str(m.id) for m in list_messages(db, "Acme")}
    got = {r.idempotency_key: (r.method, r.path, json.loads(r.body), r.authorization) for r in http.received}
    push, ann, bob = ids["push", ""], ids["sms", "+44 20 7946 0000"], ids["sms", "+1 555 0100"]
    assert got == {
        push: (
            "POST",
            "/push",
            {"message_id": push, "device_tokens": ["tok-a", "tok-b"], "title": "Hëllo Ann", "body": "Open the app"},
            "Bearer push-secret",
        ),
        ann: (
            "POST",
            "/sms",
            {"message_id": ann, "to": "+44 20 7946 0000", "body": "Hi Ann, your code is 1234"},
            "Basic QUM6dG9rZW4=",
        ),
        bob: (
            "POST",
            "/sms",
            {"message_id": bob, "to": "+1 555 0100", "body": "Hi Bob, your code is 1234"},
            "Basic QUM6dG9rZW4=",
        ),
    }
    statuses = _outcomes(db)
    assert statuses == [
        ("delivered", "HTTP 200 OK"),
        ("delivered", "HTTP 200 OK"),
        ("delivered", "HTTP 200 OK"),
        ("failed", "the person has no device to push to"),
    ]


def test_D3_a_missing_provider_or_authorization_variable_is_the_reason_and_nothing_is_posted(
    cli: CliRun, db: Database, clock: FixedClock, http: HttpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    _send(db, clock)
    _providers(cli, http, push=False)
    monkeypatch.delenv("ACME_SMS_AUTH", raising=False)

    assert run_json(cli, "deliver", "--once") == {"delivered": 0, "retrying": 3, "failed": 1, "stale": 0}

    assert http.received == []
    reasons = {reason for status, reason in _outcomes(db) if status == "retrying"}
    assert reasons == {
        "SMS authorization variable ACME_SMS_AUTH is not set",
        "no push provider is set for workspace 'Acme': set one with "
        "`switchboard workspaces delivery Acme --push-url URL`",
    }

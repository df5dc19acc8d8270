"""The CLI of M1 and B1: `campaigns send`, `messages list`, `billing`, run as a user would."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from cli_helpers import CliRun, refused, run_json
from factories import EMAIL, add_campaign, add_person, delete_person, deliver_due, make_workspace

from tui.core import outbox, sending
from tui.core.db import Database
from tui.core.runtime import FixedClock
from tui.core.workspaces import delete_workspace

MESSAGE_FIELDS = {
    "id",
    "person",
    "campaign",
    "action_id",
    "channel",
    "status",
    "test",
    "reason",
    "subject",
    "body",
    "scheduled_at",
    "sent_at",
    "attempts",
    "last_error",
    "next_attempt_at",
    "delivered_at",
    "answer",
}


@pytest.fixture
def shop(db: Database) -> dict[str, str]:
    """Workspace "Shop" (email): ann (with a phone) and bob; running campaign "Hello" with an
    email and, after 2h, an sms. Returns the cio_ids."""
    ws = make_workspace(db, "Shop")
    ids = {
        "ann": add_person(db, ws, "ann@example.com", attributes={"name": "Ann", "phone": "+1555"}),
        "bob": add_person(db, ws, "bob@example.com", attributes={"name": "\x1b[31mBob"}),
    }
    add_campaign(db, ws, "Hello", [EMAIL, ("delay", {"duration": "2h"}), ("sms", {"body": "Hi {{ customer.name }}"})])
    return ids


def test_M1_cli_campaigns_send_prints_the_counts(cli: CliRun, db: Database, shop: dict[str, str]) -> None:
    first = cli("campaigns", "send", "-w", "shop", "Hello", "--json")
    assert first.exit_code == 0, first.stderr
    assert json.loads(first.stdout) == {
        "queued": 2,
        "scheduled": 1,
        "test": 0,
        "suppressed": 0,
        "failed": 1,
        "skipped": 0,
    }

    again = cli("campaigns", "send", "-w", "Shop", "Hello")
    assert again.exit_code == 0
    assert (
        again.stdout == "Sent Hello: 0 queued, 0 scheduled for later, 0 to the test address, 0 suppressed, 0 failed, "
        "4 skipped (already sent)\n"
    )


def test_M1_cli_campaigns_list_shows_each_campaigns_people_reached_and_messages(
    cli: CliRun, db: Database, clock: FixedClock, shop: dict[str, str]
) -> None:
    assert cli("campaigns", "send", "-w", "Shop", "Hello").exit_code == 0  # on the real clock
    clock.set(datetime.now(UTC))
    deliver_due(db)  # the two emails; the sms waits 2 hours (queued), bob's has no phone (failed)
    (listed,) = run_json(cli, "campaigns", "list", "-w", "Shop")
    assert (listed["people_reached"], listed["messages"]) == (2, {"queued": 1, "sent": 2, "failed": 1})
    text = cli("campaigns", "list", "-w", "Shop").stdout.splitlines()
    assert text[0].split() == ["NAME", "STATE", "ACTIONS", "REACHED", "QUEUED", "SENT", "FAILED"]
    assert text[1].split() == ["Hello", "running", "3", "2", "1", "2", "1"]


def test_M1_cli_campaigns_send_refuses_what_is_not_running(cli: CliRun, db: Database, shop: dict[str, str]) -> None:
    add_campaign(db, 1, "Draft one", [EMAIL], state="draft")
    result = cli("campaigns", "send", "-w", "Shop", "Draft one")
    assert (result.exit_code, result.stdout) == (1, "")
    assert (
        result.stderr == "error: campaign 'Draft one' is draft: only a running campaign can be sent; start it first\n"
    )
    assert (
        cli("campaigns", "send", "-w", "Shop", "Nope").stderr == "error: no campaign named 'Nope' in workspace 'Shop'\n"
    )
    assert cli("campaigns", "send", "Hello").exit_code == 2  # -w is required


def test_M1_cli_messages_list_json(cli: CliRun, db: Database, shop: dict[str, str]) -> None:
    sending.send_campaign(db, "Shop", "Hello")

    result = cli("messages", "list", "-w", "Shop", "--json")

    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(m["person"], m["channel"], m["status"]) for m in rows] == [
        (shop["bob"], "sms", "failed"),
        (shop["bob"], "email", "queued"),
        (shop["ann"], "sms", "scheduled"),  # two hours later (issue 10 bug 5)
        (shop["ann"], "email", "queued"),
    ]
    assert all(m.keys() >= MESSAGE_FIELDS for m in rows)
    assert rows[2] | {"id": 0, "action_id": 0} == {
        "id": 0,
        "person": shop["ann"],
        "campaign": "Hello",
        "action_id": 0,
        "channel": "sms",
        "status": "scheduled",
        "test": False,
        "reason": None,
        "recipient": "+1555",
        "subject": None,
        "body": "Hi Ann",
        "scheduled_at": "2026-03-15T14:00:00Z",
        "sent_at": "2026-03-15T12:00:00Z",
        "attempts": 0,
        "last_error": None,
        "next_attempt_at": "2026-03-15T14:00:00Z",  # the outbox takes it then, not before
        "delivered_at": None,
        "answer": None,
    }
    assert rows[1]["subject"] == "Hi \x1b[31mBob"  # JSON keeps the text; it escapes the ESC

    assert len(json.loads(cli("messages", "list", "-w", "Shop", "--limit", "1", "--json").stdout)) == 1
    mine = json.loads(
        cli("messages", "list", "-w", "Shop", "--person", f"cio_{shop['ann']}", "--campaign", "hello", "--json").stdout
    )
    assert [m["channel"] for m in mine] == ["sms", "email"]


def test_M1_cli_messages_list_text_shows_control_characters_visibly(
    cli: CliRun, db: Database, shop: dict[str, str]
) -> None:
    empty = cli("messages", "list", "-w", "Shop")
    assert empty.stdout == "No messages yet. Send a running campaign: switchboard campaigns send -w WORKSPACE NAME\n"
    sending.send_campaign(db, "Shop", "Hello")

    result = cli("messages", "list", "-w", "Shop", "--person", "BOB@example.com")

    assert result.exit_code == 0
    assert "\x1b" not in result.stdout
    header, sms, email = result.stdout.splitlines()
    assert header.split() == ["ID", "SENT", "CAMPAIGN", "PERSON", "CHANNEL", "TO", "SUBJECT", "STATUS"]
    assert sms.endswith("failed: the person has no phone attribute, which an sms needs")
    assert "Hi ␛[31mBob" in email and email.endswith("queued")


@pytest.mark.parametrize(
    ("args", "code", "error"),
    [
        (["--limit", "0"], 1, "error: limit must be between 1 and 1000, not 0\n"),
        (["--limit", "1001"], 1, "error: limit must be between 1 and 1000, not 1001\n"),
        (["--person", "nobody@example.com"], 1, "error: no person 'nobody@example.com' in workspace 'Shop'\n"),
        (["--person", "not an email"], 1, None),
        (["--limit", "ten"], 2, None),
    ],
)
def test_M1_cli_messages_list_refusals(
    cli: CliRun, shop: dict[str, str], args: list[str], code: int, error: str | None
) -> None:
    result = cli("messages", "list", "-w", "Shop", *args)
    assert (result.exit_code, result.stdout) == (code, "")
    if error is not None:
        assert result.stderr == error
    assert "Traceback" not in result.stderr


def test_B1_cli_billing_json(cli: CliRun, db: Database, clock: FixedClock) -> None:
    clock.set(datetime(2026, 2, 10, tzinfo=UTC))
    old = make_workspace(db, "Old")
    gone = add_person(db, old, "gone@example.com")
    add_person(db, old, "kept@example.com")
    add_campaign(db, old, "C", [EMAIL])
    sending.send_campaign(db, "Old", "C")
    deliver_due(db)
    clock.set(datetime(2026, 3, 1, tzinfo=UTC))
    delete_person(db, "Old", gone)
    new = make_workspace(db, "New")
    add_person(db, new, "n@example.com")
    delete_workspace(db, "Old", confirmed=True)

    result = cli("billing", "--period", "2026-03", "--json")

    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "period": "2026-03",
        "people": 3,
        "messages": 0,
        "workspaces": [
            {"name": "New", "people": 1, "messages": 0, "deleted": False},
            {"name": "Old", "people": 2, "messages": 0, "deleted": True},
        ],
        "all_time": {"people": 3, "messages": 2},
    }
    february = json.loads(cli("billing", "--period", "2026-02", "--json").stdout)
    assert (february["people"], february["messages"]) == (2, 2)
    april = json.loads(cli("billing", "--period", "2026-04", "--json").stdout)
    assert april["workspaces"] == [{"name": "New", "people": 1, "messages": 0, "deleted": False}]


def test_B1_cli_billing_text_and_default_period(cli: CliRun, db: Database) -> None:
    ws = make_workspace(db, "Ev\u202eil")  # a right-to-left override would reorder the line
    add_person(db, ws, "a@example.com")
    before = datetime.now(UTC).strftime("%Y-%m")

    data = json.loads(cli("billing", "--json").stdout)
    text = cli("billing").stdout

    assert data["period"] in {before, datetime.now(UTC).strftime("%Y-%m")}
    assert text.splitlines()[0] == f"Billing for {data['period']} (UTC): {data['people']} people, 0 messages"
    assert text.splitlines()[1] == "All time: 1 people, 0 messages"
    assert "Ev\\u202eil" in text and "\u202e" not in text


@pytest.mark.parametrize("period", ["2026-13", "2026-1", "march", "2026-03-01"])
def test_B1_cli_billing_refuses_a_malformed_period(cli: CliRun, period: str) -> None:
    result = cli("billing", "--period", period)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"error: period {period!r} is not valid: use a month as YYYY-MM, such as 2026-03\n"


def test_M1_B1_cli_end_to_end(cli: CliRun) -> None:
    """A user's whole path, only through the CLI: people, a campaign, send, messages, billing."""

    def ok(*args: str) -> str:
        result = cli(*args)
        assert result.exit_code == 0, result.stderr
        return result.stdout

    ok(
        "workspaces",
        "create",
        "Café «Ü»",
        "--identify-by",
        "id",
        "--send-mode",
        "test",
        "--test-address",
        "qa@example.com",
    )
    ws = ["-w", "café «ü»"]
    ok("people", "add", *ws, "--id", "u 1", "--email", "u1@example.com", "--attr", "name=Zoë")
    ok("people", "add", *ws, "--id", "u2", "--attr", "phone=+4420")
    ok("campaigns", "create", *ws, "Bienvenue 'x'")
    campaign = ["-c", "Bienvenue 'x'"]
    ok(
        "actions",
        "add",
        *ws,
        *campaign,
        "--type",
        "email",
        "--name",
        "Mail",
        "--subject",
        "Salut {{ customer.name }}",
        "--body",
        "b",
    )
    ok("actions", "add", *ws, *campaign, "--type", "delay", "--name", "Wait", "--duration", "3d")
    ok("actions", "add", *ws, *campaign, "--type", "sms", "--name", "Text", "--body", "{{ customer.id }}")
    assert cli("campaigns", "send", *ws, "Bienvenue 'x'").exit_code == 1  # still a draft
    ok("campaigns", "start", *ws, "Bienvenue 'x'")

    assert json.loads(ok("campaigns", "send", *ws, "Bienvenue 'x'", "--json")) == {
        "queued": 0,
        "scheduled": 1,
        "test": 1,
        "suppressed": 0,
        "failed": 2,
        "skipped": 0,
    }
    listed = json.loads(ok("messages", "list", *ws, "--person", "u 1", "--json"))
    assert [(m["channel"], m["status"], m["test"], m["recipient"], m["subject"]) for m in listed] == [
        ("sms", "failed", False, None, None),
        ("email", "queued", True, "qa@example.com", "Salut Zoë"),
    ]
    ok("people", "delete", *ws, "u 1")
    ok("workspaces", "delete", "Café «Ü»", "--yes")

    report = json.loads(ok("billing", "--json"))
    # Billing counts deliveries: no worker ran, so no message is billed.
    assert (report["people"], report["messages"], report["all_time"]) == (2, 0, {"people": 2, "messages": 0})
    assert report["workspaces"] == [{"name": "Café «Ü»", "people": 2, "messages": 0, "deleted": True}]


def test_D1_cli_messages_list_by_status_and_retry_of_a_failed_message(
    cli: CliRun, db: Database, shop: dict[str, str]
) -> None:
    sending.send_campaign(db, "Shop", "Hello")
    [email, *_] = outbox.claim(db, 1)
    outbox.mark_failed(db, email.id, "550 5.1.1 no such user")

    def failed() -> dict[int, str | None]:
        return {m["id"]: m["last_error"] for m in run_json(cli, "messages", "list", "-w", "Shop", "--status", "failed")}

    assert failed()[email.id] == "550 5.1.1 no such user"  # with bob's sms (he has no phone)

    retried = cli("messages", "retry", "-w", "Shop", str(email.id))
    assert (retried.exit_code, retried.stdout) == (0, f"Message {email.id} to {email.recipient} is queued again\n")
    assert email.id not in failed()
    assert refused(cli, "messages", "retry", "-w", "Shop", str(email.id)).startswith(
        f"error: message {email.id} is queued: only a failed or retrying message can be retried"
    )

"""`switchboard campaigns preview` run for real: text, JSON, refusals and exit codes."""

from __future__ import annotations

import pytest
from cli_helpers import CliRun, refused, run_json

WS, CAMPAIGN = "Shop", "Hello"
PREVIEW = ("campaigns", "preview", "-w", WS, CAMPAIGN)


@pytest.fixture
def hello(cli: CliRun) -> str:
    """Shop (email): ann; draft campaign Hello: an email, a delay, an sms. Returns ann's reference."""
    run_json(cli, "workspaces", "create", WS, "--identify-by", "email")
    run_json(cli, "campaigns", "create", "-w", WS, CAMPAIGN)
    add = ("actions", "add", "-w", WS, "-c", CAMPAIGN)
    run_json(
        cli,
        *add,
        "--type",
        "email",
        "--name",
        "Mail",
        "--subject",
        "Hi {{ customer.name }}",
        "--body",
        "Welcome to {{ workspace.name }}\n{{ campaign.name }}",
    )
    run_json(cli, *add, "--type", "delay", "--name", "Wait", "--duration", "1h")
    run_json(cli, *add, "--type", "sms", "--name", "Text", "--body", "Hi {{ customer.name }}")
    person = run_json(
        cli, "people", "add", "-w", WS, "--email", "ann@example.com", "--attrs-json", '{"name": "Ann \\u001b[31m"}'
    )
    return f"cio_{person['person']['cio_id']}"


def test_preview_prints_the_message_as_a_send_would_make_it(cli: CliRun, hello: str) -> None:
    result = cli(*PREVIEW, "--step", "1", "--person", "ann@example.com")
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout.splitlines() == [
        f"Step 1 of Hello, Mail (email), for ann@example.com ({hello})",
        "Would be sent to ann@example.com",
        "Subject: Hi Ann ␛[31m",
        "Body:",
        "Welcome to Shop",
        "Hello",
    ]
    assert run_json(cli, "messages", "list", "-w", WS) == []  # nothing was sent


def test_preview_json_and_a_message_that_would_fail(cli: CliRun, hello: str) -> None:
    data = run_json(cli, *PREVIEW, "--step", "3", "--person", hello)
    assert data == {
        "workspace": WS,
        "campaign": CAMPAIGN,
        "action": {"id": data["action"]["id"], "position": 3, "name": "Text"},
        "person": {"cio_id": hello.removeprefix("cio_"), "id": None, "email": "ann@example.com"},
        "channel": "sms",
        "status": "failed",
        "test": False,
        "recipient": None,
        "subject": None,
        "body": "Hi Ann \x1b[31m",
        "reason": "the person has no phone attribute, which an sms needs",
        "problem": None,
    }
    by_id = run_json(cli, *PREVIEW, "--action", str(data["action"]["id"]), "--person", "ann@example.com")
    assert by_id == data
    text = cli(*PREVIEW, "--step", "3", "--person", "ann@example.com").stdout
    assert "Would fail: the person has no phone attribute, which an sms needs" in text
    assert "\x1b" not in text


def test_preview_in_send_mode_test_goes_to_the_test_address(cli: CliRun, hello: str) -> None:
    run_json(cli, "workspaces", "set", WS, "--send-mode", "test", "--test-address", "qa@example.org")
    data = run_json(cli, *PREVIEW, "--step", "1", "--person", "ann@example.com")
    assert (data["status"], data["test"], data["recipient"]) == ("queued", True, "qa@example.org")
    text = cli(*PREVIEW, "--step", "1", "--person", "ann@example.com").stdout
    assert "Would go to the test address qa@example.org (send mode test)" in text


def test_preview_refusals(cli: CliRun, hello: str) -> None:
    assert refused(cli, *PREVIEW, "--step", "2", "--person", "ann@example.com") == (
        "error: step 2 of campaign 'Hello', 'Wait', is a delay: it sends no message, so there is nothing to preview\n"
    )
    assert "no person 'bob@example.com' in workspace 'Shop'" in refused(
        cli, *PREVIEW, "--step", "1", "--person", "bob@example.com"
    )
    assert "campaign 'Hello' has no step 9: it has 3 actions" in refused(
        cli, *PREVIEW, "--step", "9", "--person", "ann@example.com"
    )
    assert "no campaign named 'Nope'" in refused(
        cli, "campaigns", "preview", "-w", WS, "Nope", "--step", "1", "--person", "ann@example.com"
    )
    assert "--step N or --action ID" in refused(cli, *PREVIEW, "--person", "ann@example.com", code=2)
    assert "--step N or --action ID" in refused(
        cli, *PREVIEW, "--step", "1", "--action", "1", "--person", "ann@example.com", code=2
    )
    assert "--person" in refused(cli, *PREVIEW, "--step", "1", code=2)


def test_C4_preview_of_a_runaway_template_ends_with_the_reason(cli: CliRun, hello: str) -> None:
    """Nested loops of 100,000 x 100,000 never finished; now they stop at the iteration bound."""
    loops = "{% for a in (1..100000) %}{% for b in (1..100000) %}x{% endfor %}{% endfor %}"
    run_json(
        cli,
        "actions",
        "add",
        "-w",
        WS,
        "-c",
        CAMPAIGN,
        "--type",
        "email",
        "--name",
        "Loop",
        "--subject",
        "Hi",
        "--body",
        loops,
    )
    data = run_json(cli, *PREVIEW, "--step", "4", "--person", "ann@example.com")
    assert (data["status"], data["reason"]) == (
        "failed",
        "the body template failed: template stopped: more than 100,000 loop iterations",
    )

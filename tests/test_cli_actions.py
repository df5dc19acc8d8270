"""`switchboard actions ...` run for real: JSON shapes, stderr and exit codes (C2, C3, I1)."""

from __future__ import annotations

from typing import Any

import pytest
from cli_helpers import CliRun, refused, run_json

WS, CAMPAIGN = "Shop", 'On "boarding" ✨'
ADD = ("actions", "add", "-w", WS, "-c", CAMPAIGN)


@pytest.fixture
def campaign(cli: CliRun) -> str:
    run_json(cli, "workspaces", "create", WS, "--identify-by", "email")
    run_json(cli, "campaigns", "create", "-w", WS, CAMPAIGN)
    return CAMPAIGN


def steps(cli: CliRun, ws: str = WS, campaign: str = CAMPAIGN) -> list[tuple[int, str]]:
    return [(a["position"], a["name"]) for a in run_json(cli, "campaigns", "show", "-w", ws, campaign)["actions"]]


def add(cli: CliRun, name: str, *options: str) -> dict[str, Any]:
    return run_json(cli, *ADD, "--name", name, *(options or ("--type", "sms", "--body", name)))


def test_C2_cli_add_every_type(cli: CliRun, campaign: str) -> None:
    email = add(
        cli,
        "Mail",
        "--type",
        "email",
        "--subject",
        "Hi {{ customer.first_name }}",
        "--body",
        "Hello",
        "--from",
        "hi@shop.test",
    )
    assert email == {
        "id": email["id"],
        "position": 1,
        "type": "email",
        "name": "Mail",
        "settings": {"subject": "Hi {{ customer.first_name }}", "body": "Hello", "from": "hi@shop.test"},
        "imported_from": None,
        "needs_review": False,
        "review_reason": None,
        "version": 1,
        "updated_at": email["updated_at"],
    }
    assert add(cli, "Text")["settings"] == {"body": "Text"}
    assert add(cli, "Push", "--type", "push", "--title", "T", "--body", "B")["settings"] == {"title": "T", "body": "B"}
    hook = add(cli, "Hook", "--type", "webhook", "--method", "patch", "--url", "https://x.test/{{ customer.email }}")
    assert hook["settings"] == {"method": "PATCH", "url": "https://x.test/{{ customer.email }}"}
    assert add(cli, "Wait", "--type", "delay", "--duration", "3d", "--position", "1")["position"] == 1
    assert steps(cli) == [(1, "Wait"), (2, "Mail"), (3, "Text"), (4, "Push"), (5, "Hook")]
    text = cli(*ADD, "--type", "delay", "--name", "Later", "--duration", "30m")
    assert text.exit_code == 0 and "at step 6: [delay] Later: wait 30m" in text.stdout


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ("--type", "email", "--subject", "s", "--body", "b", "--url", "https://x.test"),
            "error: url does not apply to email actions, which take subject and body, and optionally from",
        ),
        (
            ("--type", "sms", "--body", "b", "--from", "a@b.test"),
            "error: from does not apply to sms actions, which take body",
        ),
        (("--type", "email", "--subject", "s"), "error: body is missing or blank: email actions take subject and body"),
        (("--type", "webhook", "--method", "GET"), "error: url is missing or blank"),
        (
            ("--type", "webhook", "--method", "GET", "--url", "www.x.test"),
            "error: webhook url 'www.x.test' is not valid: it must start with http:// or https://",
        ),
        (
            ("--type", "delay", "--duration", "2 hours"),
            "error: delay duration '2 hours' is not valid: give a positive whole number followed by m, h or d",
        ),
        (
            ("--type", "sms", "--body", "b", "--position", "2"),
            "error: position 2 is out of range: campaign 'On \"boarding\" ✨' has 0 actions, so choose 1",
        ),
        (
            ("--type", "sms", "--body", "Hi {{ customer.name"),
            "error: body has a Liquid syntax error at line 1, column 4",
        ),
        (("--type", "sms", "--body", "b", "--name", " "), "error: action name is empty"),
    ],
)
def test_C2_cli_rule_breaks_are_exit_1(cli: CliRun, campaign: str, options: tuple[str, ...], message: str) -> None:
    assert refused(cli, *ADD, "--name", "x", *options).startswith(message)
    assert steps(cli) == []


@pytest.mark.parametrize(
    "options",
    [
        ("--name", "x", "--type", "fax", "--body", "b"),  # outside a fixed list of choices
        ("--name", "x", "--type", "webhook", "--method", "FETCH", "--url", "https://x.test"),
        ("--name", "x", "--body", "b"),  # --type is required
        ("--type", "sms", "--body", "b"),  # --name is required
        ("--name", "x", "--type", "sms", "--body", "b", "--position", "two"),
        ("--name", "x", "--type", "sms", "--body", "b", "--colour", "red"),
    ],
)
def test_C2_cli_wrong_command_line_is_exit_2(cli: CliRun, campaign: str, options: tuple[str, ...]) -> None:
    refused(cli, *ADD, *options, code=2)
    assert steps(cli) == []


def test_C2_cli_edit(cli: CliRun, campaign: str) -> None:
    mail = add(cli, "Mail", "--type", "email", "--subject", "S", "--body", "B", "--from", "hi@shop.test")
    add(cli, "Text")
    ref = ("actions", "edit", "-w", WS, "-c", CAMPAIGN, str(mail["id"]))
    edited = run_json(cli, *ref, "--name", "Mail 2", "--subject", "New {{ customer.email }}", "--from", "")
    assert (edited["name"], edited["settings"], edited["version"]) == (
        "Mail 2",
        {"subject": "New {{ customer.email }}", "body": "B"},
        2,
    )
    assert refused(cli, *ref, "--type", "sms").startswith(
        f"error: action {mail['id']} is of type email and an action's type cannot change: remove it and add an action of type sms instead"
    )
    assert refused(cli, *ref, "--title", "T").startswith("error: title does not apply to email actions")
    assert refused(cli, *ref, "--body", "{% endif %}").startswith(
        "error: body has a Liquid syntax error at line 1, column 4: unexpected tag 'endif'"
    )
    assert refused(cli, *ref).startswith("error: nothing to change")
    assert run_json(cli, *ref, "--position", "2")["position"] == 2
    assert steps(cli) == [(1, "Text"), (2, "Mail 2")]
    assert run_json(cli, "campaigns", "show", "-w", WS, CAMPAIGN)["actions"][1]["settings"] == edited["settings"]


def test_C2_cli_move_and_remove(cli: CliRun, campaign: str) -> None:
    ids = {name: add(cli, name)["id"] for name in "abcd"}
    scope = ("-w", WS, "-c", CAMPAIGN)
    assert run_json(cli, "actions", "move", *scope, str(ids["a"]), "--to", "3")["position"] == 3
    assert steps(cli) == [(1, "b"), (2, "c"), (3, "a"), (4, "d")]
    assert refused(cli, "actions", "move", *scope, str(ids["a"]), "--to", "5").startswith(
        "error: position 5 is out of range: campaign 'On \"boarding\" ✨' has 4 actions, so choose 1 to 4"
    )
    refused(cli, "actions", "move", *scope, str(ids["a"]), code=2)  # --to is required
    removed = run_json(cli, "actions", "remove", *scope, str(ids["c"]))
    assert (removed["name"], removed["position"]) == ("c", 2)
    assert steps(cli) == [(1, "b"), (2, "a"), (3, "d")]
    assert refused(cli, "actions", "remove", *scope, str(ids["c"])).startswith(
        f"error: campaign {CAMPAIGN!r} has no action with id {ids['c']}"
    )
    refused(cli, "actions", "remove", *scope, "first", code=2)


def test_C2_cli_remove_keeps_the_sent_messages_unless_told_to_delete_them(cli: CliRun, campaign: str) -> None:
    run_json(cli, "people", "add", "-w", WS, "--email", "ann@example.com", "--attr", "phone=+100")
    kept, deleted = add(cli, "kept")["id"], add(cli, "deleted")["id"]
    cli("campaigns", "start", "-w", WS, CAMPAIGN)
    cli("campaigns", "send", "-w", WS, CAMPAIGN)

    def bodies() -> list[str]:
        return sorted(m["body"] for m in run_json(cli, "messages", "list", "-w", WS))

    assert bodies() == ["deleted", "kept"]
    scope = ("-w", WS, "-c", CAMPAIGN)
    said = cli("actions", "remove", *scope, str(kept)).output
    assert "The messages it sent stay in history (--delete-messages deletes them)." in said
    assert bodies() == ["deleted", "kept"]
    said = cli("actions", "remove", *scope, str(deleted), "--delete-messages").output
    assert "Its messages were deleted; billing does not change." in said
    assert bodies() == ["kept"] and steps(cli) == []


@pytest.fixture
def source(cli: CliRun, campaign: str) -> list[int]:
    """An id workspace 'Acme EU' with campaign 'Welcome' of three actions; returns their ids."""
    run_json(cli, "workspaces", "create", "Acme EU", "--identify-by", "id")
    run_json(cli, "campaigns", "create", "-w", "Acme EU", "Welcome")
    made = [
        run_json(cli, "actions", "add", "-w", "Acme EU", "-c", "Welcome", "--name", name, *options)["id"]
        for name, options in [
            ("Hello", ("--type", "email", "--subject", "Hi {{ customer.id }}", "--body", "B")),
            ("Wait", ("--type", "delay", "--duration", "1d")),
            ("Ping", ("--type", "webhook", "--method", "post", "--url", "https://x.test")),
        ]
    ]
    add(cli, "Mine")
    return made


IMPORT = ("actions", "import", "-w", WS, "-c", CAMPAIGN, "--from-workspace", "acme eu", "--from-campaign", "WELCOME")


def test_I1_cli_import_chosen_actions(cli: CliRun, source: list[int]) -> None:
    result = run_json(cli, *IMPORT, "--action", str(source[2]), "--action", str(source[0]), "--position", "1")
    imported = result["imported"]
    assert [(a["position"], a["name"]) for a in imported] == [(1, "Hello"), (2, "Ping")]
    assert [a["imported_from"]["action_id"] for a in imported] == [source[0], source[2]]
    assert {(a["imported_from"]["workspace"], a["imported_from"]["campaign"]) for a in imported} == {
        ("Acme EU", "Welcome")
    }
    assert imported[0]["needs_review"] and imported[0]["review_reason"].startswith("subject uses customer.id")
    assert not imported[1]["needs_review"]
    assert [a["name"] for a in result["campaign"]["actions"]] == ["Hello", "Ping", "Mine"]
    assert steps(cli) == [(1, "Hello"), (2, "Ping"), (3, "Mine")]


def test_I1_cli_import_all_as_text(cli: CliRun, source: list[int]) -> None:
    result = cli(*IMPORT, "--all")
    assert result.exit_code == 0, result.stderr
    assert f"Imported 3 actions from acme eu / WELCOME into {CAMPAIGN} at step 2" in result.stdout
    assert "step 2: imported from Acme EU / Welcome" in result.stdout
    assert "step 2 needs review: subject uses customer.id" in result.stdout
    assert steps(cli) == [(1, "Mine"), (2, "Hello"), (3, "Wait"), (4, "Ping")]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ((), "error: no action chosen: give --action ID (repeatable) for each action to import, or --all"),
        (("--all", "--action", "1"), "error: --action and --all do not go together"),
        (
            ("--action", "999"),
            "error: campaign 'Welcome' of workspace 'Acme EU' has no action with id 999: choose among its actions",
        ),
        (("--all", "--position", "3"), "error: position 3 is out of range"),
    ],
)
def test_I1_cli_import_refusals_are_exit_1(
    cli: CliRun, source: list[int], options: tuple[str, ...], message: str
) -> None:
    assert refused(cli, *IMPORT, *options).startswith(message)
    assert steps(cli) == [(1, "Mine")]


def test_I1_cli_import_into_archived_or_missing(cli: CliRun, source: list[int]) -> None:
    run_json(cli, "campaigns", "archive", "-w", WS, CAMPAIGN)
    assert "is archived, so it is read-only: unarchive it before you import actions into it" in refused(
        cli, *IMPORT, "--all"
    )
    missing = (
        "actions",
        "import",
        "-w",
        WS,
        "-c",
        CAMPAIGN,
        "--from-workspace",
        "Gone",
        "--from-campaign",
        "Welcome",
        "--all",
    )
    run_json(cli, "campaigns", "unarchive", "-w", WS, CAMPAIGN)
    assert refused(cli, *missing) == "error: no workspace named 'Gone'\n"
    refused(cli, *IMPORT, "--action", "one", code=2)
    assert steps(cli) == [(1, "Mine")]

"""`switchboard campaigns ...` run for real: JSON shapes, text, stderr and exit codes (C1)."""

from __future__ import annotations

import pytest
from cli_helpers import CliRun, refused, run_json

NAME = 'Wélcome "VIP" series 🚀'


@pytest.fixture
def ws(cli: CliRun) -> str:
    run_json(cli, "workspaces", "create", "Acme EU", "--identify-by", "email")
    return "Acme EU"


def names(cli: CliRun, ws: str) -> list[str]:
    return [c["name"] for c in run_json(cli, "campaigns", "list", "-w", ws)]


def test_C1_cli_create_show_list(cli: CliRun, ws: str) -> None:
    created = run_json(cli, "campaigns", "create", "-w", "acme eu", f"  {NAME} ")
    assert (created["name"], created["state"], created["actions"]) == (NAME, "draft", [])
    run_json(cli, "actions", "add", "-w", ws, "-c", NAME, "--type", "sms", "--name", "Text", "--body", "Hi")
    shown = run_json(cli, "campaigns", "show", "-w", ws, NAME.upper())
    assert shown["name"] == NAME and shown["workspace"] == ws
    assert set(shown["actions"][0]) >= {
        "id",
        "position",
        "type",
        "name",
        "settings",
        "imported_from",
        "needs_review",
        "review_reason",
    }
    run_json(cli, "campaigns", "create", "-w", ws, "Another")
    listed = run_json(cli, "campaigns", "list", "-w", ws)
    assert [(c["name"], c["state"], c["actions"]) for c in listed] == [("Another", "draft", 0), (NAME, "draft", 1)]
    assert run_json(cli, "workspaces", "show", ws)["campaigns"] == 2


def test_C1_cli_text_output(cli: CliRun, ws: str) -> None:
    assert "No campaigns in workspace Acme EU yet" in cli("campaigns", "list", "-w", ws).stdout
    created = cli("campaigns", "create", "-w", ws, NAME)
    assert created.exit_code == 0 and f"Created draft campaign {NAME} in workspace Acme EU" in created.stdout
    assert "No actions yet" in created.stdout
    run_json(
        cli,
        "actions",
        "add",
        "-w",
        ws,
        "-c",
        NAME,
        "--type",
        "sms",
        "--name",
        "[bold]x[/]",
        "--body",
        "\x1b[31mred\x07",
    )
    shown = cli("campaigns", "show", "-w", ws, NAME).stdout
    assert "\x1b" not in shown and "\x07" not in shown
    assert "␛[31mred␇" in shown and "[bold]x[/]" in shown
    listed = cli("campaigns", "list", "-w", ws).stdout.splitlines()
    assert (
        listed[0].split() == ["NAME", "STATE", "ACTIONS", "REACHED", "QUEUED", "SENT", "FAILED"] and NAME in listed[1]
    )


def test_C1_cli_state_changes(cli: CliRun, ws: str) -> None:
    run_json(cli, "campaigns", "create", "-w", ws, NAME)
    for move, state in [("start", "running"), ("stop", "stopped"), ("archive", "archived"), ("unarchive", "stopped")]:
        assert run_json(cli, "campaigns", move, "-w", ws, NAME)["state"] == state
    text = cli("campaigns", "start", "-w", ws, NAME)
    assert f"Campaign {NAME} is now running" in text.stdout
    error = refused(cli, "campaigns", "unarchive", "-w", ws, NAME)
    assert (
        error
        == f"error: campaign {NAME!r} is running, so it cannot be unarchived; from running it can only be stopped or archived\n"
    )
    assert run_json(cli, "campaigns", "show", "-w", ws, NAME)["state"] == "running"


def test_C1_cli_archived_is_read_only(cli: CliRun, ws: str) -> None:
    run_json(cli, "campaigns", "create", "-w", ws, "Old")
    run_json(cli, "campaigns", "archive", "-w", ws, "Old")
    assert "read-only: unarchive it before you rename it" in refused(cli, "campaigns", "rename", "-w", ws, "Old", "New")
    copy = run_json(cli, "campaigns", "duplicate", "-w", ws, "Old")
    assert (copy["name"], copy["state"]) == ("Old (2)", "draft")
    assert names(cli, ws) == ["Old", "Old (2)"]


def test_C1_cli_rename_and_duplicate(cli: CliRun, ws: str) -> None:
    run_json(cli, "campaigns", "create", "-w", ws, "Draft")
    run_json(cli, "actions", "add", "-w", ws, "-c", "Draft", "--type", "delay", "--name", "Wait", "--duration", "2h")
    assert run_json(cli, "campaigns", "rename", "-w", ws, "draft", NAME)["name"] == NAME
    copy = run_json(cli, "campaigns", "duplicate", "-w", ws, NAME)
    assert copy["name"] == f"{NAME} (2)"
    assert [(a["type"], a["name"], a["settings"]) for a in copy["actions"]] == [("delay", "Wait", {"duration": "2h"})]
    run_json(cli, "campaigns", "create", "-w", ws, "Taken")
    assert "a campaign named 'Taken' already exists in workspace 'Acme EU'" in refused(
        cli, "campaigns", "rename", "-w", ws, NAME, "TAKEN"
    )
    assert names(cli, ws) == ["Taken", NAME, f"{NAME} (2)"]


def test_C1_cli_delete_needs_yes_off_a_terminal(cli: CliRun, ws: str) -> None:
    run_json(cli, "campaigns", "create", "-w", ws, NAME)
    error = refused(cli, "campaigns", "delete", "-w", ws, NAME)
    assert error == f"error: campaign {NAME!r} was not deleted: confirm with --yes\n"
    assert names(cli, ws) == [NAME]
    assert run_json(cli, "campaigns", "delete", "-w", ws, NAME, "--yes") == {
        "workspace": ws,
        "name": NAME,
        "actions": 0,
    }
    assert names(cli, ws) == []
    assert run_json(cli, "workspaces", "show", ws)["campaigns"] == 0


def test_C1_cli_delete_asks_on_a_terminal(cli: CliRun, ws: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.cli import output

    monkeypatch.setattr(output, "interactive", lambda: True)
    run_json(cli, "campaigns", "create", "-w", ws, NAME)
    declined = cli("campaigns", "delete", "-w", ws, NAME, input="n\n")
    assert declined.exit_code == 1 and f"Delete campaign {NAME!r} with 0 actions" in declined.stderr
    assert names(cli, ws) == [NAME]
    accepted = cli("campaigns", "delete", "-w", ws, NAME, input="y\n")
    assert accepted.exit_code == 0 and f"Deleted campaign {NAME}" in accepted.stdout
    assert names(cli, ws) == []


@pytest.mark.parametrize(
    "args",
    [
        ("campaigns", "list"),  # -w is required
        ("campaigns", "create", "-w", "Acme EU"),  # NAME is required
        ("campaigns", "show", "-w", "Acme EU", "X", "--bogus"),
        ("campaigns", "launch", "-w", "Acme EU", "X"),
        ("campaigns", "delete", "-w", "Acme EU", "X", "--yes", "extra"),
    ],
)
def test_C1_cli_wrong_command_line_is_exit_2(cli: CliRun, ws: str, args: tuple[str, ...]) -> None:
    refused(cli, *args, code=2)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("campaigns", "list", "-w", "Nope"), "error: no workspace named 'Nope'"),
        (("campaigns", "show", "-w", "Acme EU", "Nope"), "error: no campaign named 'Nope' in workspace 'Acme EU'"),
        (("campaigns", "create", "-w", "Acme EU", "   "), "error: campaign name is empty: give it 1 to 200 characters"),
        (
            ("campaigns", "create", "-w", "Acme EU", "x" * 201),
            "error: campaign name has 201 characters; at most 200 are allowed",
        ),
        (("campaigns", "stop", "-w", "Acme EU", "Nope"), "error: no campaign named 'Nope'"),
    ],
)
def test_C1_cli_refusals_are_exit_1(cli: CliRun, ws: str, args: tuple[str, ...], message: str) -> None:
    assert refused(cli, *args).startswith(message)

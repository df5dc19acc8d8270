"""`--expected-version` on the CLI's campaign and action changes: a script that read version N
is refused with "changed elsewhere" (and nothing changes) when someone changed it since."""

from __future__ import annotations

import pytest
from cli_helpers import CliRun, refused, run_json

WS, CAMPAIGN = "Shop", "Welcome"
ACTIONS = ("-w", WS, "-c", CAMPAIGN)


@pytest.fixture
def campaign(cli: CliRun) -> dict[str, object]:
    run_json(cli, "workspaces", "create", WS, "--identify-by", "email")
    return run_json(cli, "campaigns", "create", "-w", WS, CAMPAIGN)


def add_sms(cli: CliRun, name: str) -> dict[str, object]:
    return run_json(cli, "actions", "add", *ACTIONS, "--type", "sms", "--name", name, "--body", name)


def test_campaign_change_at_the_version_read_goes_through(cli: CliRun, campaign: dict[str, object]) -> None:
    renamed = run_json(
        cli, "campaigns", "rename", "-w", WS, CAMPAIGN, "Hello", "--expected-version", str(campaign["version"])
    )
    assert renamed["name"] == "Hello" and renamed["version"] == campaign["version"] + 1  # type: ignore[operator]
    started = run_json(cli, "campaigns", "start", "-w", WS, "Hello", "--expected-version", str(renamed["version"]))
    assert started["state"] == "running"


def test_campaign_changed_since_the_version_read_is_refused(cli: CliRun, campaign: dict[str, object]) -> None:
    read = campaign["version"]
    run_json(cli, "campaigns", "rename", "-w", WS, CAMPAIGN, "Hello")  # someone else, meanwhile
    error = refused(cli, "campaigns", "start", "-w", WS, "Hello", "--expected-version", str(read))
    assert "changed elsewhere" in error
    error = refused(cli, "campaigns", "rename", "-w", WS, "Hello", "Again", "--expected-version", str(read))
    assert "changed elsewhere" in error
    shown = run_json(cli, "campaigns", "show", "-w", WS, "Hello")
    assert (shown["name"], shown["state"]) == ("Hello", "draft")


def test_action_changed_since_the_version_read_is_refused(cli: CliRun, campaign: dict[str, object]) -> None:
    first, second = add_sms(cli, "One"), add_sms(cli, "Two")
    run_json(cli, "actions", "edit", *ACTIONS, str(first["id"]), "--name", "Uno")  # someone else, meanwhile
    stale = str(first["version"])
    for command in (
        ("edit", str(first["id"]), "--name", "Mine"),
        ("move", str(first["id"]), "--to", "2"),
        ("remove", str(first["id"])),
    ):
        assert "changed elsewhere" in refused(
            cli, "actions", *command[:1], *ACTIONS, *command[1:], "--expected-version", stale
        )
    steps = [(a["name"], a["position"]) for a in run_json(cli, "campaigns", "show", "-w", WS, CAMPAIGN)["actions"]]
    assert steps == [("Uno", 1), ("Two", 2)]
    moved = run_json(
        cli, "actions", "move", *ACTIONS, str(second["id"]), "--to", "1", "--expected-version", str(second["version"])
    )
    assert moved["position"] == 1
    current = run_json(cli, "campaigns", "show", "-w", WS, CAMPAIGN)["actions"][1]
    removed = run_json(
        cli, "actions", "remove", *ACTIONS, str(current["id"]), "--expected-version", str(current["version"])
    )
    assert removed["name"] == "Uno"

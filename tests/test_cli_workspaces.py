"""`switchboard workspaces ...` run for real: output shapes, exit codes, confirmation."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_helpers import refusal
from click.testing import CliRunner

from tui.cli import cli as command
from tui.cli import output


def test_create_prints_the_workspace_and_its_tracking_key_once(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("workspaces", "create", "Acme EU", "--identify-by", "email", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    for field in (
        "name",
        "identify_by",
        "color",
        "send_mode",
        "people",
        "campaigns",
        "messages_sent",
        "site_id",
        "created_at",
    ):
        assert field in data
    assert data["name"] == "Acme EU" and data["identify_by"] == "email" and len(data["tracking_api_key"]) >= 32
    listed = json.loads(cli("workspaces", "list", "--json").stdout)
    assert [w["name"] for w in listed] == ["Acme EU"] and "tracking_api_key" not in listed[0]


def test_refused_input_exits_1_with_error_line_and_no_traceback(cli) -> None:  # type: ignore[no-untyped-def]
    cli("workspaces", "create", "Acme", "--identify-by", "id")
    result = cli("workspaces", "create", "ACME", "--identify-by", "email")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: a workspace named 'Acme' already exists")
    assert "Traceback" not in result.stderr


def test_wrong_command_line_exits_2(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("workspaces", "create", "X", "--identify-by", "phone").exit_code == 2
    assert cli("workspaces", "create", "X").exit_code == 2  # missing required option
    assert cli("workspaces", "frobnicate").exit_code == 2
    assert cli("workspaces", "list", "--nope").exit_code == 2


def test_W1_set_identify_by_exists_only_to_refuse(cli) -> None:  # type: ignore[no-untyped-def]
    cli("workspaces", "create", "A", "--identify-by", "id")
    result = cli("workspaces", "set", "A", "--identify-by", "email")
    assert result.exit_code == 1 and "cannot be changed" in result.stderr
    assert json.loads(cli("workspaces", "show", "A", "--json").stdout)["identify_by"] == "id"


def test_set_colour_and_send_mode(cli) -> None:  # type: ignore[no-untyped-def]
    cli("workspaces", "create", "A", "--identify-by", "id")
    result = cli(
        "workspaces", "set", "A", "--color", "#00aa00", "--send-mode", "test", "--test-address", "qa@x.io", "--json"
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["color"], data["send_mode"], data["test_address"]) == ("#00aa00", "test", "qa@x.io")
    bad = cli("workspaces", "set", "A", "--test-address", "qa@")
    assert bad.exit_code == 1 and "not valid" in bad.stderr


def test_names_with_spaces_quotes_and_unicode_work(cli) -> None:  # type: ignore[no-untyped-def]
    name = "Ünïcode \"quoted\" 'ws'"
    assert cli("workspaces", "create", name, "--identify-by", "id").exit_code == 0
    renamed = cli("workspaces", "rename", name, "Café ☕", "--json")
    assert json.loads(renamed.stdout)["name"] == "Café ☕"


def test_W2_delete_without_yes_refuses_when_not_a_terminal(cli) -> None:  # type: ignore[no-untyped-def]
    cli("workspaces", "create", "A", "--identify-by", "id")
    result = cli("workspaces", "delete", "A", input="y\n")
    assert result.exit_code == 1 and "not deleted" in result.stderr
    assert len(json.loads(cli("workspaces", "list", "--json").stdout)) == 1


def test_W2_delete_asks_on_a_terminal_and_declining_changes_nothing(cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(output, "interactive", lambda: True)
    cli("workspaces", "create", "A", "--identify-by", "id")
    declined = cli("workspaces", "delete", "A", input="n\n")
    assert declined.exit_code == 1
    assert "Delete workspace 'A' with 0 people, 0 campaigns and 0 messages?" in declined.stderr
    accepted = cli("workspaces", "delete", "A", input="y\n")
    assert accepted.exit_code == 0
    assert json.loads(cli("workspaces", "list", "--json").stdout) == []


def test_W2_delete_with_yes(cli) -> None:  # type: ignore[no-untyped-def]
    cli("workspaces", "create", "A", "--identify-by", "id")
    result = cli("workspaces", "delete", "a", "--yes", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["name"] == "A"


def test_W3_credentials_command_shows_last4_and_new_secrets_once(cli) -> None:  # type: ignore[no-untyped-def]
    created = json.loads(cli("workspaces", "create", "A", "--identify-by", "id", "--json").stdout)
    shown = json.loads(cli("workspaces", "credentials", "A", "--json").stdout)
    assert shown == {
        "site_id": created["site_id"],
        "tracking_api_key_last4": created["tracking_api_key"][-4:],
        "app_api_keys": [],
    }
    added = json.loads(cli("workspaces", "credentials", "A", "--add-app-key", "ci", "--json").stdout)
    assert added["app_api_key"][-4:] == added["app_api_keys"][0]["last4"]
    rotated = json.loads(cli("workspaces", "credentials", "A", "--rotate-tracking-key", "--json").stdout)
    assert rotated["tracking_api_key"] != created["tracking_api_key"]
    again = json.loads(cli("workspaces", "credentials", "A", "--json").stdout)
    assert "tracking_api_key" not in again and "app_api_key" not in again


def test_text_output_never_writes_control_characters(cli) -> None:  # type: ignore[no-untyped-def]
    cli("workspaces", "create", "evil\x1b[31mred", "--identify-by", "id")
    # Names with control characters are refused outright; a name with markup-like text is shown as is.
    cli("workspaces", "create", "[bold]x[/]", "--identify-by", "id")
    out = cli("workspaces", "list").stdout
    assert "\x1b" not in out and "[bold]x[/]" in out


def test_console_script_and_python_m_run(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tui", "--db", str(tmp_path / "m.db"), "workspaces", "list", "--json"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and json.loads(result.stdout) == []
    version = subprocess.run([sys.executable, "-m", "tui", "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("switchboard, version")


def corrupt_file(folder: Path) -> str:
    path = folder / "corrupt.db"
    path.write_bytes(b"not a database " * 300)
    return str(path)


@pytest.mark.parametrize(
    ("make_target", "says"),
    [
        (
            corrupt_file,
            "cannot open the database: file is not a database\nThe file is damaged or is not a database: "
            "restore it from a backup, or give another file.",
        ),
        (
            lambda tmp: "postgresql+psycopg://nobody@127.0.0.1:1/switchboard",
            "Check that the server is running and that the URL's host, port, user and password are right.",
        ),
    ],
    ids=["corrupt-file", "unreachable-postgresql"],
)
def test_a_database_that_does_not_open_is_an_error_line_saying_what_to_do(
    tmp_path: Path, make_target: Callable[[Path], str], says: str
) -> None:
    """The CLI's side of the app's open-error screen: `error: ...`, exit 1, the same sentences."""
    result = CliRunner().invoke(command, ["--db", make_target(tmp_path), "workspaces", "list"])
    assert says in refusal(result)

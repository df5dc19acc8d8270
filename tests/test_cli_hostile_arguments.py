"""Command lines a hostile or careless user gives: each refused with a clear error, nothing changed."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import CliRun, refused, run_json

ROOT = Path(__file__).resolve().parents[1]


def switchboard(*args: str | bytes, cwd: Path = ROOT) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, cwd=cwd, timeout=60)


def test_a_byte_that_is_not_utf8_in_any_argument_is_refused_once_centrally(tmp_path: Path) -> None:
    """It was "internal error" in 8 places; now one check names the argument, exit 2."""
    db = str(tmp_path / "s.db")
    assert switchboard("--db", db, "workspaces", "create", "Alpha", "--identify-by", "id").returncode == 0
    for args in [
        ("people", "add", "-w", "Alpha", "--id", b"\xff"),
        ("workspaces", "create", b"Bet\xe9", "--identify-by", "id"),
        ("people", "list", "-w", b"\xff"),
    ]:
        result = switchboard("--db", db, *args)
        assert result.returncode == 2
        position = [*args].index(next(a for a in args if isinstance(a, bytes))) + 3
        assert result.stderr.decode().startswith(f"error: argument {position} (")
        assert result.stderr.decode().rstrip().endswith("is not valid UTF-8")
    assert sqlite3.connect(db).execute("SELECT name FROM workspaces").fetchall() == [("Alpha",)]
    assert sqlite3.connect(db).execute("SELECT count(*) FROM people").fetchone() == (0,)


def test_a_test_address_with_another_send_mode_is_refused_not_dropped(cli: CliRun) -> None:
    error = refused(cli, "workspaces", "create", "A", "--identify-by", "id", "--test-address", "t@example.com")
    assert "a test address applies only in send mode 'test', and the send mode would be 'normal'" in error
    run_json(cli, "workspaces", "create", "A", "--identify-by", "id")
    error = refused(cli, "workspaces", "set", "A", "--send-mode", "never", "--test-address", "t@example.com")
    assert "the send mode would be 'never'" in error
    run_json(cli, "workspaces", "set", "A", "--send-mode", "test", "--test-address", "t@example.com")
    switched = run_json(cli, "workspaces", "set", "A", "--send-mode", "normal")
    assert (switched["send_mode"], switched["test_address"]) == ("normal", None)


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("", "the database target is empty"),
        ("sqlite://", "an in-memory SQLite database keeps nothing"),
        ("sqlite:///:memory:", "an in-memory SQLite database keeps nothing"),
    ],
)
def test_a_database_target_that_would_keep_nothing_is_refused(tmp_path: Path, target: str, reason: str) -> None:
    result = switchboard("--db", target, "workspaces", "create", "A", "--identify-by", "id", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.decode().startswith(f"error: {reason}")


def test_an_sqlite_file_of_another_program_is_not_adopted(tmp_path: Path) -> None:
    other = tmp_path / "notes.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    result = switchboard("--db", str(other), "workspaces", "list")
    assert result.returncode == 1
    assert result.stderr.decode().startswith("error: not a Switchboard database: it holds other tables (notes)")
    tables = sqlite3.connect(other).execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    assert tables == [("notes",)]


def test_billing_refuses_a_month_past_the_calendar(cli: CliRun) -> None:
    assert "period '9999-12' is not valid" in refused(cli, "billing", "--period", "9999-12")


@pytest.mark.parametrize("invisible", ["\u200b", "\u200f", "\u2028", "\ufeff"])
def test_names_with_invisible_characters_are_refused_and_shown_visibly(cli: CliRun, invisible: str) -> None:
    """ "Acme" and "Acme<ZWSP>" would look alike: the second is refused, and the error shows it."""
    run_json(cli, "workspaces", "create", "Acme", "--identify-by", "id")
    error = refused(cli, "workspaces", "create", f"Ac{invisible}me", "--identify-by", "id")
    assert f"workspace name 'Ac\\u{ord(invisible):04x}me' contains invisible characters" in error
    assert invisible not in error
    assert [w["name"] for w in run_json(cli, "workspaces", "list")] == ["Acme"]


def test_invisible_characters_in_ids_are_shown_visibly(cli: CliRun) -> None:
    run_json(cli, "workspaces", "create", "Apps", "--identify-by", "id")
    run_json(cli, "people", "add", "-w", "Apps", "--id", "u\u200b1")
    listed = cli("people", "list", "-w", "Apps").stdout
    assert "u\\u200b1" in listed and "\u200b" not in listed


@pytest.mark.parametrize(
    ("column", "value", "said"),
    [("attributes", "{not json", "where JSON belongs"), ("created_at", "last tuesday", "where a timestamp belongs")],
)
def test_a_row_edited_by_hand_is_a_clear_error_not_a_crash(tmp_path: Path, column: str, value: str, said: str) -> None:
    db = str(tmp_path / "s.db")
    assert switchboard("--db", db, "workspaces", "create", "Apps", "--identify-by", "id").returncode == 0
    assert switchboard("--db", db, "people", "add", "-w", "Apps", "--id", "u1").returncode == 0
    with sqlite3.connect(db) as conn:
        conn.execute(f"UPDATE people SET {column} = ?", (value,))
    for command in (("people", "show", "-w", "Apps", "u1"), ("people", "list", "-w", "Apps", "--json")):
        result = switchboard("--db", db, *command)
        assert result.returncode == 1
        error = result.stderr.decode()
        assert error.startswith(f"error: the database holds {value!r} {said}: was it edited by hand?"), error


def test_attributes_from_a_file_that_is_not_a_regular_file_are_refused(cli: CliRun) -> None:
    """`--attrs-json @/dev/zero` grew to gigabytes; now only a regular file of at most 1 MiB is read."""
    run_json(cli, "workspaces", "create", "Apps", "--identify-by", "id")
    error = refused(cli, "people", "add", "-w", "Apps", "--id", "u1", "--attrs-json", "@/dev/zero")
    assert "cannot read attributes from '/dev/zero': it is not a regular file" in error
    assert run_json(cli, "people", "list", "-w", "Apps")["people"] == []


def test_attributes_from_a_file_over_the_bound_are_refused(cli: CliRun, tmp_path: Path) -> None:
    run_json(cli, "workspaces", "create", "Apps", "--identify-by", "id")
    big = tmp_path / "big.json"
    big.write_text('{"x": "' + "y" * 2_000_000 + '"}', encoding="utf-8")
    error = refused(cli, "people", "add", "-w", "Apps", "--id", "u1", "--attrs-json", f"@{big}")
    assert f"cannot read attributes from '{big}': it is over 1,048,576 bytes" in error

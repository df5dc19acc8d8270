"""`switchboard --demo`: the app on a freshly seeded demo database; the default one stays untouched."""

from __future__ import annotations

import pytest
from click.testing import CliRunner, Result

from tui.cli import cli
from tui.core.db import Database, default_db_path, open_database
from tui.core.workspaces import create_workspace, list_workspaces

DEMO_WORKSPACES = ["Acme EU", "Acme US", "Mobile App", "Newsletter"]


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Database]:
    """The databases the app would have been opened on (the app itself does not start)."""
    calls: list[Database] = []
    monkeypatch.setattr("tui.app.run_app", calls.append)
    return calls


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def names(db: Database) -> list[str]:
    return sorted(ws.name for ws in list_workspaces(db))


def test_demo_seeds_a_fresh_database_each_time(opened: list[Database]) -> None:
    first = run("--demo")
    assert first.exit_code == 0, first.output
    [db] = opened
    demo_file = default_db_path().with_name("demo.db")
    assert db.description == str(demo_file)
    assert names(db) == DEMO_WORKSPACES
    assert f"Seeding a fresh demo database: {demo_file}" in first.stderr
    create_workspace(db, "Left over", "email")  # a change made while the demo was open
    db.dispose()

    assert run("--demo").exit_code == 0
    again = opened[1]
    assert names(again) == DEMO_WORKSPACES
    again.dispose()


def test_demo_leaves_the_default_database_untouched(opened: list[Database]) -> None:
    default = open_database(None)
    create_workspace(default, "Mine", "id")
    default.dispose()
    before = default_db_path().read_bytes()

    assert run("--demo").exit_code == 0
    opened[0].dispose()

    assert default_db_path().read_bytes() == before
    default = open_database(None)
    assert names(default) == ["Mine"]
    default.dispose()


@pytest.mark.parametrize("args", [["--demo", "--db", "other.db"], ["--demo", "workspaces", "list"]])
def test_demo_takes_neither_a_database_nor_a_command(opened: list[Database], args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert "--demo opens the app on its own database" in result.stderr
    assert opened == []

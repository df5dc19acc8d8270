"""Shared fixtures: a temporary database with a fixed clock and seeded ids, and a CLI runner."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tui.core.db import Database, open_database
from tui.core.runtime import FixedClock, Runtime, SeededTokens

START = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _no_env_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never touch the user's real database or config."""
    monkeypatch.delenv("SWITCHBOARD_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "switchboard.db"


@pytest.fixture
def db(db_path: Path, clock: FixedClock) -> Database:
    database = open_database(str(db_path), Runtime(clock=clock, tokens=SeededTokens(7)))
    yield database
    database.dispose()


CliRun = Callable[..., Result]


@pytest.fixture
def cli(db_path: Path) -> CliRun:
    """Run `switchboard --db <tmp db> ARGS...` in-process; returns click's Result
    (`exit_code`, `stdout`, `stderr`)."""
    from tui.cli import cli as command

    def run(*args: str, input: str | None = None, db_target: str | None = None) -> Result:
        runner = CliRunner()
        return runner.invoke(command, ["--db", db_target or str(db_path), *args], input=input, catch_exceptions=False)

    return run

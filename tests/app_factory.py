"""Building the app for Pilot and snapshot tests.

The database comes from conftest's `db` fixture (a temporary file, a fixed clock, seeded ids);
the app built here never refreshes on a timer and keeps its text cursors still, so that
snapshots are the same on every run. Settings and user themes live in the temporary
XDG_CONFIG_HOME that conftest sets.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine, Iterable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input
from textual.worker import WorkerCancelled, WorkerFailed

from tui.app import SwitchboardApp
from tui.core.db import Database
from tui.core.workspaces import create_workspace

SNAPSHOT_DB_LABEL = "/srv/switchboard/team.db"
SEED = (  # name, identify_by, colour
    ("Acme EU", "email", "blue"),
    ("Acme US", "id", "green"),
    ("Newsletter", "email", "orange"),
)


def pilot_test(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async test function (no async plugin is installed); fixtures still resolve."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


def make_app(db: Database, *, refresh_seconds: float | None = None) -> SwitchboardApp:
    return SwitchboardApp(db, refresh_seconds=refresh_seconds, cursor_blink=False)


def seed(db: Database, workspaces: Iterable[tuple[str, str, str]] = SEED) -> None:
    for name, identify_by, color in workspaces:
        create_workspace(db, name, identify_by, color=color)


async def settle(pilot: Pilot) -> None:
    """Wait until every worker has finished and what it posted back has been handled.

    A cancelled worker (an exclusive one replaced by a newer call) or a refused one (the core
    said no; the screen shows it) is a normal end here: tests assert on what the screen shows.
    """
    for _ in range(20):
        try:
            await pilot.app.workers.wait_for_complete()
        except (WorkerCancelled, WorkerFailed):
            pass
        await pilot.pause()
        if not any(worker.is_running for worker in pilot.app.workers):
            return


async def type_into(pilot: Pilot, selector: str, text: str) -> None:
    """Replace the value of the Input matched by `selector` on the current screen, and focus it."""
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    field.value = text
    await pilot.pause()


@pytest.fixture
def steady_db_label(monkeypatch: pytest.MonkeyPatch) -> None:
    """The header names the database; snapshots need the same name on every run."""
    monkeypatch.setattr(Database, "description", property(lambda self: SNAPSHOT_DB_LABEL))

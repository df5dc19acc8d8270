"""What a process imports before it can work: modules that are slow to import stay out of the
ones that must start fast (issue 14). Each check runs in a fresh interpreter, since this one has
imported everything already."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tui.core.db import open_database

SLOW = ("sqlalchemy", "alembic", "liquid", "email_validator")


def imported_by(code: str) -> set[str]:
    """The top-level packages a fresh interpreter holds after running `code`."""
    report = "import json, sys; print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))"
    result = subprocess.run([sys.executable, "-c", f"{code}\n{report}"], capture_output=True, text=True, check=True)
    return set(json.loads(result.stdout.splitlines()[-1]))


@pytest.mark.parametrize(
    "module",
    [
        # The process that reads a big import file: its start-up is a fixed cost of every import.
        "tui.core.people_reader",
        # The CLI: the app's start goes through it; each command imports what it needs.
        "tui.cli",
    ],
)
def test_fast_starting_modules_import_no_database_or_template_layer(module: str) -> None:
    assert imported_by(f"import {module}").isdisjoint(SLOW)


FIRST_FRAME = """
import asyncio, threading
from tui.app import SwitchboardApp
from tui.screens.main import MainScreen

opening = threading.Event()
held_open = MainScreen._open

def open_when_told(self):
    opening.wait()
    return held_open(self)

MainScreen._open = open_when_told

async def first_frame():
    app = SwitchboardApp({target!r}, refresh_seconds=None)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and app.screen.query("#sidebar-title")
        print(json.dumps(sorted({{name.split('.')[0] for name in sys.modules}})))
        opening.set()

import json, sys
asyncio.run(first_frame())
"""


def test_the_app_draws_its_first_frame_before_importing_the_database_layer(tmp_path: Path) -> None:
    """What `python -m tui` imports up to the main screen's first frame (the app, the screen
    composed and drawn; the database not yet opened): none of SQLAlchemy, Alembic,
    Liquid or email-validator, which a worker imports after that frame."""
    code = FIRST_FRAME.format(target=str(tmp_path / "switchboard.db"))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert set(json.loads(result.stdout.splitlines()[0])).isdisjoint(SLOW)


def test_opening_an_up_to_date_database_leaves_migrations_templates_and_email_checks_unloaded(
    tmp_path: Path,
) -> None:
    """Once the app has its database open: Alembic only when the schema must change, Liquid and
    email-validator on first use."""
    path = tmp_path / "switchboard.db"
    open_database(str(path)).dispose()
    code = f"import tui.cli, tui.app, tui.screens.main_panes; from tui.core.db import open_database; open_database({str(path)!r}).dispose()"
    assert imported_by(code).isdisjoint({"alembic", "liquid", "email_validator"})

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
    ],
)
def test_fast_starting_modules_import_no_database_or_template_layer(module: str) -> None:
    assert imported_by(f"import {module}").isdisjoint(SLOW)


def test_opening_the_app_on_an_up_to_date_database_leaves_migrations_templates_and_email_checks_unloaded(
    tmp_path: Path,
) -> None:
    """What `python -m tui` imports before its first frame (the CLI, the app, the database
    opened): Alembic only when the schema must change, Liquid and email-validator on first use.
    SQLAlchemy is still among them: drawing before the database layer is imported is issue 14's
    part not done yet."""
    path = tmp_path / "switchboard.db"
    open_database(str(path)).dispose()
    code = f"import tui.cli, tui.app; from tui.core.db import open_database; open_database({str(path)!r}).dispose()"
    assert imported_by(code).isdisjoint({"alembic", "liquid", "email_validator"})

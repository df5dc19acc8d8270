"""What a process imports before it can work: modules that are slow to import stay out of the
ones that must start fast (issue 14). Each check runs in a fresh interpreter, since this one has
imported everything already."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

SLOW = ("sqlalchemy", "alembic", "liquid", "email_validator")


def imported_by(module: str) -> set[str]:
    """The top-level packages a fresh interpreter holds after importing `module`."""
    code = (
        f"import json, sys; import {module}; print(json.dumps(sorted({{name.split('.')[0] for name in sys.modules}})))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(result.stdout))


@pytest.mark.parametrize(
    "module",
    [
        # The process that reads a big import file: its start-up is a fixed cost of every import.
        "tui.core.people_reader",
    ],
)
def test_fast_starting_modules_import_no_database_or_template_layer(module: str) -> None:
    assert imported_by(module).isdisjoint(SLOW)

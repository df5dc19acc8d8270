"""Running `switchboard` commands in the CLI tests and reading what they print.

The `cli` fixture of conftest.py runs a command line on the test's database; these helpers
check its exit code and streams.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from click.testing import Result

CliRun = Callable[..., Result]
"""The `cli` fixture: `cli(*args, input=None)` runs `switchboard --db <the test's db> ARGS...`."""


def run_json(cli: CliRun, *args: str) -> Any:
    """Run a command with `--json` that must succeed silently on stderr; returns its parsed output."""
    result = cli(*args, "--json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def refused(cli: CliRun, *args: str, code: int = 1, input: str | None = None) -> str:
    """Run a command that must be refused with exit `code` and no traceback; returns its stderr."""
    return refusal(cli(*args, input=input), code=code)


def refusal(result: Any, *, code: int = 1) -> str:
    """The stderr of a command run that was refused with exit `code` and no traceback."""
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    if code == 1:
        assert result.stderr.startswith("error: ")
    return result.stderr

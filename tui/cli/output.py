"""How commands print: `--json` for scripts, plain text for people. Never raw control characters."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

import click

from tui.core.errors import InvalidInput
from tui.core.text import iso, safe_json, visible


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    raise TypeError(f"cannot serialize {type(value).__name__}")


def dumps(data: Any) -> str:
    return safe_json(data, default=_default, indent=2)


workspace_option = click.option("-w", "--workspace", required=True, metavar="WS", help="The workspace, by name.")


def expected_version_option(what: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`--expected-version N`: refuse the change ("changed elsewhere") unless `what` is still at
    version N, the version a script read (shown by `show`/`--json`)."""
    return click.option(
        "--expected-version", type=int, metavar="N", help=f"Refuse if the {what} changed since version N."
    )


def json_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(func)


def emit(as_json: bool, data: Any, text: Callable[[], Iterable[str]] | str) -> None:
    """Print `data` as JSON, or the lines `text` gives for people."""
    if as_json:
        click.echo(dumps(data))
        return
    lines = [text] if isinstance(text, str) else text()
    for line in lines:
        click.echo(line)


def interactive() -> bool:
    """Whether a person can answer a question (stdin is a terminal)."""
    return sys.stdin.isatty()


def confirm_or_refuse(question: str, refusal: str) -> None:
    """Ask on a terminal; refuse (exit 1, nothing changed) elsewhere or when declined."""
    if not interactive() or not click.confirm(question, default=False, err=True):
        raise InvalidInput(refusal)


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    """A plain aligned text table; every cell made visible (no control characters)."""
    cells = [[visible("" if v is None else str(v)) for v in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return [fmt.format(*headers).rstrip(), *(fmt.format(*row).rstrip() for row in cells)]

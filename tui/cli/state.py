"""What every CLI command shares: the database named by `--db`, opened on first use, and the
refusal that prints `error: ...` and exits 1."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import click

from tui.core.text import visible

if TYPE_CHECKING:
    from tui.core.db import Database


class Refused(click.ClickException):
    """A domain error shown as `error: <what and why>` with exit status 1."""

    exit_code = 1

    def show(self, file=None) -> None:
        click.echo(f"error: {visible(self.format_message(), keep_lines=True)}", err=True)


@dataclass
class CliState:
    """The root command's state; commands receive it through `pass_state`."""

    target: str | None
    _db: Database | None = field(default=None, repr=False)

    @property
    def db(self) -> Database:
        if self._db is None:
            from tui.core.db import open_database

            self._db = open_database(self.target)
        return self._db


pass_state = click.make_pass_decorator(CliState)

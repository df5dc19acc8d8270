"""Progress of long commands on stderr: nothing for work that ends within AFTER_SECONDS, then a
line at most every EVERY_SECONDS (and the last one); on a terminal one line rewritten in place,
elsewhere a line each time."""

from __future__ import annotations

import sys
import time

import click

AFTER_SECONDS = 2.0
EVERY_SECONDS = 0.5


class ProgressMeter:
    def __init__(self) -> None:
        self._start = time.monotonic()
        self._last = float("-inf")
        self._shown = False
        self._overwrite = sys.stderr.isatty()

    def show(self, text: str, *, last: bool = False) -> None:
        """Show `text` if it is time to; `last` (the work's end) shows once anything has."""
        now = time.monotonic()
        if not (last and self._shown) and (now - self._start < AFTER_SECONDS or now - self._last < EVERY_SECONDS):
            return
        self._last = now
        self._shown = True
        click.echo(f"\r{text}" if self._overwrite else text, err=True, nl=not self._overwrite)

    def finish(self) -> None:
        if self._shown and self._overwrite:
            click.echo("", err=True)

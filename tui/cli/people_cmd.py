"""`switchboard people ...`"""

from __future__ import annotations

import click


@click.group()
def people() -> None:
    """Add, import, find, change and delete people."""

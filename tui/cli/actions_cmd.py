"""`switchboard actions ...`"""

from __future__ import annotations

import click


@click.group()
def actions() -> None:
    """Edit a campaign's workflow actions, or import them from another campaign."""

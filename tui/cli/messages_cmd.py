"""`switchboard messages ...`"""

from __future__ import annotations

import click


@click.group()
def messages() -> None:
    """List the messages campaigns have sent."""

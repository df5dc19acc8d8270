"""`switchboard campaigns ...`"""

from __future__ import annotations

import click


@click.group()
def campaigns() -> None:
    """Create campaigns and move them through their states."""

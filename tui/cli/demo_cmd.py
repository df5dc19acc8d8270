"""`switchboard demo`"""

from __future__ import annotations

import click

from tui.cli.output import emit, json_option
from tui.cli.state import CliState, pass_state


@click.command()
@json_option
@pass_state
def demo(state: CliState, as_json: bool) -> None:
    """Seed an empty database with sample workspaces, people, campaigns and sent messages."""
    from tui.core.demo import seed_demo

    db = state.db
    summary = seed_demo(db)
    emit(
        as_json,
        summary,
        lambda: [
            f"Seeded {db.description}: {summary.workspaces} workspaces, {summary.people} people, "
            f"{summary.campaigns} campaigns, {summary.messages} messages.",
            "Open it: switchboard" + ("" if state.target is None else f" --db {state.target}"),
        ],
    )

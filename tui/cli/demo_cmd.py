"""`switchboard demo`"""

from __future__ import annotations

import click

from tui.cli.output import emit, json_option


@click.command()
@json_option
@click.pass_context
def demo(ctx: click.Context, as_json: bool) -> None:
    """Seed an empty database with sample workspaces, people, campaigns and sent messages."""
    from tui.cli import db_of
    from tui.core.demo import seed_demo

    db = db_of(ctx)
    summary = seed_demo(db)
    emit(
        as_json,
        summary,
        lambda: [
            f"Seeded {db.description}: {summary.workspaces} workspaces, {summary.people} people, "
            f"{summary.campaigns} campaigns, {summary.messages} messages.",
            "Open it: switchboard"
            + ("" if ctx.find_root().params.get("target") is None else f" --db {ctx.find_root().params['target']}"),
        ],
    )

"""`switchboard campaigns send` (registered on the campaigns group by `tui.cli._campaigns`)."""

from __future__ import annotations

import sys

import click

from tui.cli.campaigns_cmd import name_argument
from tui.cli.output import emit, json_option, workspace_option
from tui.cli.state import CliState, pass_state
from tui.core import sending
from tui.core.text import visible


def _progress(done: int, total: int) -> None:
    """Progress on stderr, only when a person watches it."""
    click.echo(f"\rsent to {done} of {total} people", nl=False, err=True)


@click.command("send")
@workspace_option
@name_argument
@json_option
@pass_state
def send(state: CliState, workspace: str, name: str, as_json: bool) -> None:
    """Send a running campaign to every person of the workspace (people who already have a
    campaign's message are skipped)."""
    watching = sys.stderr.isatty()
    result = sending.send_campaign(state.db, workspace, name, progress=_progress if watching else None)
    if watching:
        click.echo(err=True)
    emit(
        as_json,
        result,
        f"Sent {visible(name.strip())}: {result.queued} queued, {result.scheduled} scheduled for later, "
        f"{result.test} to the test address, "
        f"{result.suppressed} suppressed, {result.failed} failed, {result.skipped} skipped (already sent)",
    )

"""`switchboard messages ...`"""

from __future__ import annotations

import click

from tui.cli.output import emit, iso, json_option, table, workspace_option
from tui.cli.state import CliState, pass_state
from tui.core import messages as core
from tui.core.messages import MessageInfo


def _status(message: MessageInfo) -> str:
    if message.reason:
        return f"{message.status}: {message.reason}"
    return f"{message.status} (test)" if message.test else message.status


@click.group()
def messages() -> None:
    """List the messages campaigns have sent."""


@messages.command("list")
@workspace_option
@click.option("--campaign", help="Only this campaign's messages.")
@click.option("--person", metavar="REF", help="Only this person's messages: cio_<hex>, or their id or email.")
@click.option(
    "--limit", type=int, default=core.DEFAULT_LIMIT, show_default=True, help=f"At most this many (1..{core.MAX_LIMIT})."
)
@json_option
@pass_state
def list_cmd(
    state: CliState, workspace: str, campaign: str | None, person: str | None, limit: int, as_json: bool
) -> None:
    """List a workspace's messages, newest first."""
    rows = core.list_messages(state.db, workspace, campaign=campaign, person=person, limit=limit)
    emit(
        as_json,
        rows,
        lambda: (
            table(
                ["ID", "SENT", "CAMPAIGN", "PERSON", "CHANNEL", "TO", "SUBJECT", "STATUS"],
                [
                    (m.id, iso(m.sent_at), m.campaign, f"cio_{m.person}", m.channel, m.recipient, m.subject, _status(m))
                    for m in rows
                ],
            )
            if rows
            else ["No messages yet. Send a running campaign: switchboard campaigns send -w WORKSPACE NAME"]
        ),
    )

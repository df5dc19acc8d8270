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
@click.option("--status", help="Only messages in this status (queued, delivered, failed, retrying, ...).")
@json_option
@pass_state
def list_cmd(
    state: CliState,
    workspace: str,
    campaign: str | None,
    person: str | None,
    limit: int,
    status: str | None,
    as_json: bool,
) -> None:
    """List a workspace's messages, newest first."""
    rows = core.list_messages(state.db, workspace, campaign=campaign, person=person, limit=limit, status=status)
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


@messages.command("retry")
@workspace_option
@click.argument("message_id", type=int, metavar="ID")
@json_option
@pass_state
def retry_cmd(state: CliState, workspace: str, message_id: int, as_json: bool) -> None:
    """Send a failed or retrying message again now (the next `deliver` takes it)."""
    message = core.retry_message(state.db, workspace, message_id)
    emit(as_json, message, f"Message {message.id} to {message.recipient or message.channel} is queued again")

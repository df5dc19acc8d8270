"""`switchboard deliver`: the outbox worker."""

from __future__ import annotations

import asyncio
import signal

import click

from tui.cli.output import emit, json_option
from tui.cli.state import CliState, pass_state
from tui.core.workspaces import get_workspace


@click.command("deliver")
@click.option("--once", is_flag=True, help="Deliver what is due now and exit (for cron).")
@click.option("--concurrency", type=click.IntRange(1, 64), default=4, show_default=True, help="SMTP connections.")
@click.option("--workspace", "-w", help="Only this workspace's messages.")
@click.option("--smtp-host", required=True, help="The SMTP server's host name.")
@click.option("--smtp-port", type=click.IntRange(1, 65535), default=25, show_default=True)
@click.option("--from", "sender", required=True, metavar="ADDR", help="The From address of every email.")
@click.option("--reply-to", metavar="ADDR", help="A Reply-To address.")
@click.option(
    "--timeout",
    "timeout_s",
    type=click.FloatRange(0.1, 600),
    default=30.0,
    show_default=True,
    help="Seconds to wait for a server before the attempt counts as a temporary failure.",
)
@json_option
@pass_state
def deliver(
    state: CliState,
    once: bool,
    concurrency: int,
    workspace: str | None,
    smtp_host: str,
    smtp_port: int,
    sender: str,
    reply_to: str | None,
    timeout_s: float,
    as_json: bool,
) -> None:
    """Deliver queued emails from the outbox: with --once until none is due, otherwise until
    Ctrl-C or SIGTERM (what is in flight is finished first). Other channels stay queued."""
    from tui.delivery.smtp import SmtpSettings
    from tui.delivery.worker import Summary, WorkerConfig, run

    db = state.db
    config = WorkerConfig(
        smtp=SmtpSettings(smtp_host, smtp_port, timeout_s),
        sender=sender,
        reply_to=reply_to,
        concurrency=concurrency,
        workspace_id=get_workspace(db, workspace).id if workspace else None,
    )

    async def main() -> Summary:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        return await run(db, config, once=once, stop=stop)

    summary = asyncio.run(main())
    emit(
        as_json,
        summary,
        f"Delivered {summary.delivered}, retrying {summary.retrying}, failed {summary.failed}",
    )

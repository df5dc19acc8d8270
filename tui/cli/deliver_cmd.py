"""`switchboard deliver`: the outbox worker."""

from __future__ import annotations

import asyncio
import signal
from typing import TYPE_CHECKING

import click

from tui.cli.output import emit, json_option
from tui.cli.progress_meter import ProgressMeter
from tui.cli.state import CliState, pass_state
from tui.core.delivery_settings import DeliveryConfig, check_address
from tui.core.workspaces import get_workspace

if TYPE_CHECKING:  # the worker (and httpx) load only when `deliver` runs
    from tui.delivery.worker import Summary


@click.command("deliver")
@click.option("--once", is_flag=True, help="Deliver what is due now and exit (for cron).")
@click.option("--concurrency", type=click.IntRange(1, 64), default=4, show_default=True, help="SMTP connections.")
@click.option("--workspace", "-w", help="Only this workspace's messages.")
@click.option("--smtp-host", help="The SMTP server of workspaces that set none of their own.")
@click.option("--smtp-port", type=click.IntRange(1, 65535), help="Its port (default 25).")
@click.option("--from", "sender", metavar="ADDR", help="The From address of workspaces that set none.")
@click.option("--reply-to", metavar="ADDR", help="The Reply-To address of workspaces that set none.")
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
    smtp_host: str | None,
    smtp_port: int | None,
    sender: str | None,
    reply_to: str | None,
    timeout_s: float,
    as_json: bool,
) -> None:
    """Deliver queued messages from the outbox: with --once until none is due, otherwise until
    Ctrl-C or SIGTERM (what is in flight is finished first). Progress goes to stderr.

    Each workspace's messages go as its delivery settings say (`switchboard workspaces delivery`);
    the options here are the defaults for workspaces that set none of their own. A workspace's
    rate limit (`--rate`) spaces its messages; a message whose turn is more than a second away
    waits in the outbox, not in the worker, and --once runs until those are delivered too."""
    from tui.delivery.worker import WorkerConfig, run

    db = state.db
    defaults = DeliveryConfig(
        smtp_host=smtp_host,
        smtp_port=smtp_port,
        sender=check_address(sender, "From") if sender else None,
        reply_to=check_address(reply_to, "Reply-To") if reply_to else None,
    )
    config = WorkerConfig(
        defaults=defaults,
        timeout_s=timeout_s,
        concurrency=concurrency,
        workspace_id=get_workspace(db, workspace).id if workspace else None,
    )

    meter = ProgressMeter()

    async def main() -> Summary:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        return await run(db, config, once=once, stop=stop, progress=lambda done: meter.show(_line(done)))

    summary = asyncio.run(main())
    meter.finish()
    emit(as_json, summary, _line(summary))


def _line(summary: Summary) -> str:
    line = f"Delivered {summary.delivered}, retrying {summary.retrying}, failed {summary.failed}"
    if summary.stale:
        line += (
            f"; {summary.stale} not sent, having waited too long behind a slow server"
            " (taken again once their 5-minute lease runs out)"
        )
    return line

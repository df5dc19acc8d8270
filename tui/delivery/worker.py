"""The outbox worker: claim due messages, deliver them over a few reused SMTP connections (emails)
and one HTTP keep-alive pool (webhooks, SMS and push providers), each as its workspace's delivery settings say, and
record each outcome (one short transaction per transition, run where database_calls.py says: the
loop never waits on a lock).

A setting a message needs and does not have (no SMTP server, no From address, a password
variable that is not set) is a temporary failure with that reason: fixing the settings lets
the retries through."""

from __future__ import annotations

import asyncio
import itertools
import os
import shlex
import socket
import sys
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from tui.core import outbox
from tui.core.db import Database
from tui.core.delivery_settings import DeliveryConfig, MissingSetting, smtp_password
from tui.core.outbox import OutboxItem
from tui.core.states import MessageStatus
from tui.core.worker_heartbeats import HEARTBEAT_S, beat
from tui.delivery.database_calls import DatabaseCalls
from tui.delivery.delivered_log import DeliveredLog
from tui.delivery.email_bytes import wire_email
from tui.delivery.http_pool import HttpPool
from tui.delivery.outcome import Outcome
from tui.delivery.providers import send_push, send_sms
from tui.delivery.routes import Route, Routes
from tui.delivery.smtp import SmtpSettings, SmtpSlot
from tui.delivery.start_queue import StartQueue
from tui.delivery.webhook import call_webhook

UNRECORDED = 8  # per connection: sent messages whose delivery is not recorded yet
CLAIM_PER_SLOT = 25  # messages claimed per connection at a time
SWITCH_INTERVAL_S = 0.0005
PROGRESS_S = 0.5


@dataclass(frozen=True)
class WorkerConfig:
    defaults: DeliveryConfig  # for workspaces without settings of their own
    timeout_s: float = 30.0
    concurrency: int = 4
    workspace_id: int | None = None
    poll_s: float = 1.0


_WORKERS_HERE = itertools.count(1)


class Heartbeat:
    """Records that this worker is alive (for the app's "no worker has run" hint), at most every
    HEARTBEAT_S."""

    def __init__(self, calls: DatabaseCalls) -> None:
        self.calls = calls
        started = calls.db.runtime.now()
        self.name = f"{socket.gethostname()}:{os.getpid()}:{started:%Y%m%dT%H%M%S}"
        if (n := next(_WORKERS_HERE)) > 1:  # another worker in this process: a name of its own
            self.name += f"/{n}"
        self.started = started
        self.last = -HEARTBEAT_S

    async def maybe_beat(self) -> None:
        if time.monotonic() - self.last >= HEARTBEAT_S:
            self.last = time.monotonic()
            await self.calls(beat, self.name, self.started)


@dataclass(frozen=True)
class Summary:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    stale: int = 0  # not sent: they waited in this worker over half their lease (start_queue.py)


def _smtp_settings(route: Route, timeout_s: float) -> SmtpSettings:
    settings = route.settings
    if not settings.smtp_host:
        raise MissingSetting(
            f"no SMTP server is set for workspace {route.workspace!r}: set one with "
            f"`switchboard workspaces delivery {shlex.quote(route.workspace)} --smtp-host HOST` (or deliver --smtp-host)"
        )
    return SmtpSettings(
        settings.smtp_host, settings.port, timeout_s, settings.security, settings.smtp_user, smtp_password(settings)
    )


async def _attempt(
    calls: DatabaseCalls,
    config: WorkerConfig,
    route: Route,
    slot: SmtpSlot,
    http: HttpPool,
    item: OutboxItem,
    now: datetime,
) -> Outcome:
    if item.channel == "webhook":
        return await call_webhook(http, item)
    if item.channel == "push":
        tokens = await calls(outbox.device_tokens, item.person_id)
        if not tokens:
            return Outcome(False, "the person has no device to push to")
        return await send_push(http, route, item, tokens)
    if not item.recipient:
        return Outcome(False, "the message has no address")
    if item.channel == "sms":
        return await send_sms(http, route, item)
    smtp = _smtp_settings(route, config.timeout_s)
    if not route.settings.sender:
        raise MissingSetting(
            f"no From address is set for workspace {route.workspace!r}: set one with "
            f"`switchboard workspaces delivery {shlex.quote(route.workspace)} --from ADDR` (or deliver --from)"
        )
    return await slot.send(smtp, wire_email(item, route.settings.sender, now, route.settings.reply_to))


@dataclass(frozen=True)
class _Shared:
    """What every connection slot of a worker uses."""

    db: Database
    calls: DatabaseCalls
    config: WorkerConfig
    routes: Routes
    delivered: DeliveredLog
    http: HttpPool


async def _deliver(
    shared: _Shared, slot: SmtpSlot, item: OutboxItem
) -> tuple[MessageStatus, asyncio.Future[None] | None]:
    """Deliver one claimed message; returns its new status and, when it went out, the future of
    its record."""
    db, calls, http = shared.db, shared.calls, shared.http
    route = shared.routes.get(item.workspace_id)
    if route is None:
        outcome = Outcome(False, "the workspace was deleted")
    else:
        try:
            outcome = await _attempt(calls, shared.config, route, slot, http, item, db.runtime.now())
        except MissingSetting as exc:
            outcome = Outcome(False, str(exc), temporary=True)
        except Exception as exc:  # a fault of this message's delivery: it retries, the others go on
            outcome = Outcome(False, f"unexpected error: {exc!r}", temporary=True)
    if outcome.ok:
        return MessageStatus.DELIVERED, shared.delivered.record(item.id, outcome.text)
    if outcome.temporary:
        status = await calls(outbox.mark_retry, item.id, outcome.text, retry_after=outcome.retry_after)
        return status or MessageStatus.RETRYING, None
    await calls(outbox.mark_failed, item.id, outcome.text)
    return MessageStatus.FAILED, None


async def _drain(shared: _Shared, slot: SmtpSlot, queue: StartQueue, counts: Counter[MessageStatus]) -> None:
    unrecorded: deque[asyncio.Future[None]] = deque()
    while True:
        item = await queue.get()
        try:
            status, recorded = await _deliver(shared, slot, item)
            counts[status] += 1
            if recorded is not None:
                unrecorded.append(recorded)
            # The next message goes out while this one is recorded, never further ahead: a
            # worker killed at any moment has at most UNRECORDED messages per connection sent
            # and not recorded (sent again, with the same Message-ID, after a restart).
            while len(unrecorded) >= UNRECORDED or (unrecorded and queue.empty()):
                await unrecorded.popleft()
        finally:
            queue.task_done()


async def run(
    db: Database,
    config: WorkerConfig,
    *,
    once: bool,
    stop: asyncio.Event | None = None,
    progress: Callable[[Summary], None] | None = None,
) -> Summary:
    """Deliver due messages: with `once`, until none is due (nor any this run sent back to the
    outbox for its turn); otherwise until `stop` is set (what is in flight is finished first).
    `progress` is given the counts so far as they change."""
    stop = stop or asyncio.Event()
    # Database calls in threads (claims, PostgreSQL's, SQLite's while another process writes): by
    # default a thread keeps the GIL for up to 5 ms while the event loop waits to send the next
    # command. Short turns keep the sockets busy (the process's setting is given back at the end).
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    counts: Counter[MessageStatus] = Counter()
    calls = DatabaseCalls(db)
    routes = Routes(calls, config.defaults)
    delivered = DeliveredLog(calls, group=config.concurrency * UNRECORDED // 2)
    slots = [SmtpSlot() for _ in range(config.concurrency)]
    batch = config.concurrency * CLAIM_PER_SLOT
    queue = StartQueue(batch, routes, calls)
    http = HttpPool(config.concurrency, config.timeout_s)
    shared = _Shared(db, calls, config, routes, delivered, http)
    drains = [asyncio.create_task(_drain(shared, slot, queue, counts)) for slot in slots]
    workers = [*drains, *([asyncio.create_task(_report(counts, queue, progress))] if progress else [])]
    heartbeat = Heartbeat(calls)
    try:
        while not stop.is_set():
            await heartbeat.maybe_beat()
            claimed_at = asyncio.get_running_loop().time()
            items = await calls.in_thread(outbox.claim, batch, workspace_id=config.workspace_id)
            await routes.load(item.workspace_id for item in items)
            await _unless_one_failed(queue.put_all(items, claimed_at), drains)
            if not items:
                await _unless_one_failed(queue.join(), drains)
                if once and claimed_at >= queue.last_turn:  # that claim found every turn given come
                    break
                try:
                    await asyncio.wait_for(stop.wait(), config.poll_s)
                except TimeoutError:
                    pass
        await _unless_one_failed(queue.join(), drains)  # what was claimed goes out (or is marked for a retry)
    finally:
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        await delivered.close()
        for slot in slots:
            await slot.close()
        await http.aclose()
        sys.setswitchinterval(switch_interval)
    return _summary(counts, queue)


async def _unless_one_failed(waiting: Awaitable[None], drains: list[asyncio.Task[None]]) -> None:
    """Wait, unless a connection's task ends first: it ends only by failing (recording a
    delivery failed: the database is gone, or locked for longer than the busy timeout), and
    the worker stops with that error instead of waiting forever for what it would have sent."""
    task = asyncio.ensure_future(waiting)
    done, _ = await asyncio.wait([task, *drains], return_when=asyncio.FIRST_COMPLETED)
    if task not in done:
        task.cancel()
    for finished in done:
        finished.result()


def _summary(counts: Counter[MessageStatus], queue: StartQueue) -> Summary:
    return Summary(
        counts[MessageStatus.DELIVERED], counts[MessageStatus.RETRYING], counts[MessageStatus.FAILED], queue.stale
    )


async def _report(counts: Counter[MessageStatus], queue: StartQueue, progress: Callable[[Summary], None]) -> None:
    """Hand `progress` the counts so far, every PROGRESS_S while they change."""
    shown = Summary()
    while True:
        await asyncio.sleep(PROGRESS_S)
        if (summary := _summary(counts, queue)) != shown:
            progress(summary)
            shown = summary

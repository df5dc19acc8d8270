"""The worker's claimed messages, in the order they may start.

A message starts at once, or at the turn its workspace's rate limit gives it (rate_turns.py). A
connection takes whichever message may start first, so a rate-limited workspace never keeps the
others' messages waiting behind its own; a message whose turn is more than rate_turns.HOLD_S
away goes back to the outbox, due then, instead of being held here past its lease.

Nor is a message sent that waited here (behind a slow server) more than half its lease: its lease
could run out while it goes, and another claim send it too. It is left to run out its lease and
be claimed again."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tui.core import outbox
from tui.core.outbox import OutboxItem
from tui.core.rate_turns import take_turns
from tui.delivery.database_calls import DatabaseCalls
from tui.delivery.routes import Routes

HELD_S = outbox.LEASE.total_seconds() / 2


@dataclass
class _Given:
    starts: deque[float]
    later: deque[datetime]


class StartQueue:
    def __init__(self, size: int, routes: Routes, calls: DatabaseCalls) -> None:
        # Bounded: the next batch is claimed while the last one's tail is still going out.
        self._queue: asyncio.PriorityQueue[tuple[float, int, float, OutboxItem]] = asyncio.PriorityQueue(maxsize=size)
        self._order = itertools.count()  # equal starts go first come, first served
        self._routes = routes
        self._calls = calls
        self.last_turn = 0.0  # (loop time) the latest turn given to a message sent back to the outbox
        self.stale = 0  # messages not sent: they waited here over half their lease

    async def put_all(self, items: Sequence[OutboxItem], claimed_at: float) -> None:
        """Queue messages claimed at `claimed_at` (loop time, taken before the claim) at their
        starts; those whose turn is too far go back to the outbox (before this waits for room:
        they are not held meanwhile)."""
        loop = asyncio.get_running_loop()
        turns = await self._turns(items)
        later: list[tuple[int, datetime]] = []
        for item in items:
            start = loop.time()
            if (given := turns.get(item.workspace_id)) is not None:
                if not given.starts:
                    turn = given.later.popleft()
                    later.append((item.id, turn))
                    # Read after the outbox's clock: a claim begun after last_turn finds it due.
                    wait_s = (turn - self._calls.db.runtime.now()).total_seconds()
                    self.last_turn = max(self.last_turn, loop.time() + wait_s)
                    continue
                start += given.starts.popleft()
            if later and self._queue.full():
                await self._send_back(later)
            await self._queue.put((start, next(self._order), claimed_at, item))
        await self._send_back(later)

    async def _turns(self, items: Sequence[OutboxItem]) -> dict[int, _Given]:
        """The turns of the messages of rate-limited workspaces, taken from the shared count."""
        limited = Counter(
            item.workspace_id
            for item in items
            if (route := self._routes.get(item.workspace_id)) is not None and route.settings.rate_per_s
        )
        if not limited:
            return {}
        taken = await self._calls(take_turns, limited)
        return {ws_id: _Given(deque(t.starts), deque(t.later)) for ws_id, t in taken.items()}

    async def _send_back(self, later: list[tuple[int, datetime]]) -> None:
        if later:
            await self._calls(outbox.defer, later)
            later.clear()

    async def get(self) -> OutboxItem:
        """The message that may start first, once it may (skipping those held too long)."""
        loop = asyncio.get_running_loop()
        while True:
            start, _, claimed_at, item = await self._queue.get()
            if max(start, loop.time()) - claimed_at <= HELD_S:
                break
            self.stale += 1
            self._queue.task_done()
        wait_s = start - loop.time()
        if wait_s > 0:
            await asyncio.sleep(wait_s)
        return item

    def task_done(self) -> None:
        self._queue.task_done()

    def empty(self) -> bool:
        return self._queue.empty()

    async def join(self) -> None:
        await self._queue.join()

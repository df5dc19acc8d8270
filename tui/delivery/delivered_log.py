"""Delivered messages recorded in groups (group commit): a transaction per message capped a
worker at a few hundred messages a second; each message's transition stays whole either way.

A slot sends its next messages while its last ones are recorded, never more than the worker's
UNRECORDED ahead, so a worker killed at any moment has at most that many messages per slot sent
but not recorded: the only ones a restarted worker sends again (with the same Message-ID).

A group is written once it holds `group` messages (half of what the slots may have unrecorded,
so they keep sending meanwhile) or LINGER_S after its first message. A transaction's fixed cost
is some thirty messages' worth of recording: bigger groups are most of the worker's headroom.
"""

from __future__ import annotations

import asyncio

from tui.core import outbox
from tui.delivery.database_calls import DatabaseCalls

LINGER_S = 0.02


class DeliveredLog:
    def __init__(self, calls: DatabaseCalls, group: int = 1) -> None:
        self._calls = calls
        self._group = group
        self._pending: list[tuple[int, str, asyncio.Future[None]]] = []
        self._wake = asyncio.Event()
        self._closing = False
        self._task = asyncio.create_task(self._run())

    def record(self, message_id: int, answer: str) -> asyncio.Future[None]:
        """Done once the message is recorded as delivered (with the others of its group)."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((message_id, answer, done))
        if len(self._pending) in (1, self._group):  # the linger starts, or the group is full
            self._wake.set()
        return done

    async def _run(self) -> None:
        while self._pending or not self._closing:
            if not self._pending:
                await self._wake.wait()
                self._wake.clear()
                continue
            deadline = asyncio.get_running_loop().time() + LINGER_S
            while len(self._pending) < self._group and not self._closing:
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), deadline - asyncio.get_running_loop().time())
                except TimeoutError:
                    break
            group, self._pending = self._pending, []
            try:
                await self._calls(outbox.mark_delivered_many, [(i, a) for i, a, _ in group])
            except Exception as exc:  # the slots that wait for this group see the failure
                for _, _, done in group:
                    done.set_exception(exc)
            else:
                for _, _, done in group:
                    done.set_result(None)

    async def close(self) -> None:
        """Record what is still pending, then stop."""
        self._closing = True
        self._wake.set()
        await self._task

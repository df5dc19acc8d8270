"""Delivered messages recorded in groups: whatever went out while the last group was being
written goes in the next transaction (group commit). A transaction per message capped a worker
at a few hundred messages a second; each message's transition stays whole either way."""

from __future__ import annotations

import asyncio

from tui.core import outbox
from tui.core.db import Database


class DeliveredLog:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._pending: list[tuple[int, str]] = []
        self._wake = asyncio.Event()
        self._closing = False
        self._task = asyncio.create_task(self._run())

    def add(self, message_id: int, answer: str) -> None:
        self._pending.append((message_id, answer))
        self._wake.set()

    async def _run(self) -> None:
        while self._pending or not self._closing:
            if not self._pending:
                await self._wake.wait()
                self._wake.clear()
                continue
            group, self._pending = self._pending, []
            await asyncio.to_thread(outbox.mark_delivered_many, self._db, group)

    async def close(self) -> None:
        """Record what is still pending, then stop."""
        self._closing = True
        self._wake.set()
        await self._task

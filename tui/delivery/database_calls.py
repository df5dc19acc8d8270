"""Where the worker's database calls run.

On SQLite the short ones (recording a group of deliveries, a retry, a failure) run on the event
loop itself whenever the write lock is free: well under a millisecond there, while in a thread
each of their dozen driver calls gives up the GIL and takes it back from the busy loop (about 23
thread switches per delivered webhook, measured, and half the worker's throughput). When another
connection holds the lock, the call runs again in a thread that waits for it, so the loop, and
every connection it serves, never waits on a lock. A claim (reading and leasing a batch, ~10 ms)
always runs in a thread: on the loop it would stall every connection meanwhile. PostgreSQL calls
wait on the network, so they always run in a thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from tui.core.db import Database
from tui.core.errors import Busy

P = ParamSpec("P")
T = TypeVar("T")


class DatabaseCalls:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._on_loop = db.without_waiting() if db.is_sqlite else None

    async def __call__(self, call: Callable[Concatenate[Database, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`call(db, *args, **kwargs)`, one short transaction (run again if the lock was taken)."""
        if self._on_loop is not None:
            try:
                return call(self._on_loop, *args, **kwargs)
            except Busy:
                pass
        return await self.in_thread(call, *args, **kwargs)

    async def in_thread(self, call: Callable[Concatenate[Database, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`call(db, *args, **kwargs)` in a thread, for calls too long to hold the loop."""
        return await asyncio.to_thread(call, self.db, *args, **kwargs)

"""A per-workspace rate limit (messages per second), kept by each worker process."""

from __future__ import annotations

import asyncio


class RateLimit:
    """Spaces starts `1/rate` seconds apart: a burst waits its turn instead of going at once."""

    def __init__(self, per_s: float) -> None:
        self.per_s = per_s
        self._interval = 1.0 / per_s
        self._next = 0.0

    async def wait(self) -> None:
        now = asyncio.get_running_loop().time()
        at = max(now, self._next)
        self._next = at + self._interval
        if at > now:
            await asyncio.sleep(at - now)

"""A per-workspace rate limit (messages per second), kept by each worker process: it gives each
message a start, or, when that is more than HOLD_S away, a later turn in the outbox (the worker's
use of it: start_queue.py)."""

from __future__ import annotations

import asyncio

HOLD_S = 1.0


class RateLimit:
    """Spaces starts `1/rate` seconds apart: a burst takes turns instead of going at once."""

    def __init__(self, per_s: float) -> None:
        self.per_s = per_s
        self._interval = 1.0 / per_s
        self._next = 0.0  # the next start free for a message held here
        self._later = 0.0  # the next turn free for a message sent back to the outbox

    def take(self) -> float | None:
        """Reserve this message's start: the seconds to wait for it, or None when it is more
        than HOLD_S away (the message goes back to the outbox, due in `later()` seconds)."""
        now = asyncio.get_running_loop().time()
        at = max(now, self._next)
        if at - now > HOLD_S:
            return None
        self._next = at + self._interval
        return at - now

    def later(self) -> float:
        """Seconds until a turn kept for a message sent back to the outbox: after the starts
        already taken and the turns already kept, so the messages come back one interval apart."""
        now = asyncio.get_running_loop().time()
        at = max(now, self._next, self._later)
        self._later = at + self._interval
        return at - now

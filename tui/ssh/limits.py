"""How many app sessions may run: overall and per key."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class SessionLimits:
    """Counts running sessions by key fingerprint and refuses those over a limit."""

    total: int
    per_key: int
    _running: Counter[str] = field(default_factory=Counter)

    def acquire(self, fingerprint: str) -> str | None:
        """Take a place for a session of this key; or why not, as a sentence for the client."""
        if self._running[fingerprint] >= self.per_key:
            return f"this key is at its limit of {self.per_key} sessions at once; close one first"
        if sum(self._running.values()) >= self.total:
            return f"the server is full ({self.total} sessions at once); try again later"
        self._running[fingerprint] += 1
        return None

    def release(self, fingerprint: str) -> None:
        self._running[fingerprint] -= 1
        if self._running[fingerprint] <= 0:
            del self._running[fingerprint]

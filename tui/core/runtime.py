"""Clock and randomness, injectable so that tests and snapshots are deterministic."""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def utc_now() -> datetime:
    return datetime.now(UTC)


class TokenSource:
    """Random hex and url-safe tokens. The default uses the OS CSPRNG (`secrets`)."""

    def token_hex(self, nbytes: int) -> str:
        return secrets.token_hex(nbytes)

    def token_alnum(self, nchars: int) -> str:
        return "".join(secrets.choice(KEY_ALPHABET) for _ in range(nchars))


class SeededTokens(TokenSource):
    """A reproducible token source for tests and snapshots. Never use it for real data."""

    def __init__(self, seed: int = 0) -> None:
        self._random = random.Random(seed)

    def token_hex(self, nbytes: int) -> str:
        return self._random.randbytes(nbytes).hex()

    def token_alnum(self, nchars: int) -> str:
        return "".join(self._random.choice(KEY_ALPHABET) for _ in range(nchars))


@dataclass
class Runtime:
    """What the domain needs from the outside world besides the database."""

    clock: Callable[[], datetime] = utc_now
    tokens: TokenSource = field(default_factory=TokenSource)

    def now(self) -> datetime:
        """The current time, always timezone-aware UTC."""
        moment = self.clock()
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)


class FixedClock:
    """A clock for tests: returns `start`, advanced by `step` on each call (default: not at all)."""

    def __init__(self, start: datetime, step_seconds: float = 0.0) -> None:
        self._now = start if start.tzinfo else start.replace(tzinfo=UTC)
        self._step = timedelta(seconds=step_seconds)

    def __call__(self) -> datetime:
        current = self._now
        self._now = current + self._step
        return current

    def set(self, moment: datetime) -> None:
        self._now = moment if moment.tzinfo else moment.replace(tzinfo=UTC)

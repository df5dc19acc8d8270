"""What one delivery attempt came to, as the outbox needs it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    """What one delivery attempt came to: `ok`, else `temporary` or permanent, with the text."""

    ok: bool
    text: str
    temporary: bool = False
    retry_after: float | None = None  # seconds the server asked to wait

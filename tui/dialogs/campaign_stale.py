"""A dialog's edit that lost an optimistic-concurrency race: the pane reloads and says so."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from tui.core.errors import ChangedElsewhere

T = TypeVar("T")


@dataclass(frozen=True)
class Stale:
    """Dismissed by a dialog whose record changed elsewhere since it was loaded."""

    message: str


def unless_stale(call: Callable[[], T]) -> T | Stale:
    """`call()`, or Stale when core says the record changed elsewhere (other refusals raise)."""
    try:
        return call()
    except ChangedElsewhere as exc:
        return Stale(str(exc))

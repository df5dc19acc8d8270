"""When each step of a workflow is reached, counted from the moment a person enters it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from tui.core.action_settings import parse_duration
from tui.core.campaigns import ActionInfo
from tui.core.errors import InvalidInput


def entry_offsets(actions: Iterable[ActionInfo]) -> list[timedelta | None]:
    """For each action, the delays before it added up; None after a delay that cannot be read."""
    offsets: list[timedelta | None] = []
    total: timedelta | None = timedelta()
    for action in actions:
        offsets.append(total)
        if action.type == "delay" and total is not None:
            try:
                total += parse_duration(action.settings.get("duration", ""))
            except InvalidInput:
                total = None
    return offsets


def since_entry(offset: timedelta | None) -> str:
    """`+0`, `+30m`, `+1d 2h`; `+?` when unknown."""
    if offset is None:
        return "+?"
    minutes = int(offset.total_seconds()) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "m")) if n]
    return "+" + " ".join(parts) if parts else "+0"

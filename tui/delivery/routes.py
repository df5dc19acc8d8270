"""Where a workspace's messages go: its saved delivery settings over the worker's defaults (the
`deliver` command line), read again every half minute so a change reaches a running worker."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from tui.core.delivery_settings import DeliveryConfig, deliveries
from tui.delivery.database_calls import DatabaseCalls

REFRESH_S = 30.0


@dataclass(frozen=True)
class Route:
    workspace: str  # the name, for failure reasons that say what to set
    settings: DeliveryConfig


class Routes:
    def __init__(self, calls: DatabaseCalls, defaults: DeliveryConfig) -> None:
        self._calls = calls
        self._defaults = defaults
        self._routes: dict[int, Route] = {}
        self._loaded_at = 0.0

    async def load(self, workspace_ids: Iterable[int]) -> None:
        """Make sure the routes of these workspaces are known and fresh."""
        ids = set(workspace_ids)
        if time.monotonic() - self._loaded_at > REFRESH_S:
            ids |= set(self._routes)
            self._loaded_at = time.monotonic()
        elif ids <= set(self._routes):
            return
        for ws_id, (name, saved) in (await self._calls(deliveries, ids)).items():
            self._routes[ws_id] = Route(name, saved.over(self._defaults))

    def get(self, workspace_id: int) -> Route | None:
        """None for a workspace deleted since its messages were claimed."""
        return self._routes.get(workspace_id)

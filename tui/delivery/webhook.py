"""Webhooks: each calls its own URL with its method and body."""

from __future__ import annotations

from tui.core.outbox import OutboxItem
from tui.delivery.http_pool import HttpPool
from tui.delivery.outcome import Outcome


async def call_webhook(http: HttpPool, item: OutboxItem) -> Outcome:
    """The webhook message's subject is "METHOD url"; its body, if any, is sent as it is."""
    method, _, url = (item.subject or "").partition(" ")
    return await http.call(method, url, (item.body or "").encode(), item.id)

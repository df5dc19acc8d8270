"""Webhooks over httpx: one keep-alive pool, each request with an `Idempotency-Key` (the
message's id), so a receiver can drop a redelivery.

HTTP 408, 429 and 5xx, refused connections and timeouts are temporary (429 and 503 with their
`Retry-After` in seconds); any other 4xx is permanent.
"""

from __future__ import annotations

import httpx

from tui.core.outbox import OutboxItem
from tui.delivery.outcome import Outcome

TEMPORARY = {408, 429}


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    return float(value) if value.isdigit() else None


async def call_webhook(client: httpx.AsyncClient, item: OutboxItem) -> Outcome:
    """The webhook message's subject is "METHOD url"; its body, if any, is sent as it is."""
    method, _, url = (item.subject or "").partition(" ")
    headers = {"Idempotency-Key": str(item.id), "Content-Type": "application/json"}
    try:
        response = await client.request(method, url, content=(item.body or "").encode(), headers=headers)
    except httpx.HTTPError as exc:
        return Outcome(False, f"cannot reach {url}: {exc!r}", temporary=True)
    answer = f"HTTP {response.status_code} {response.reason_phrase}"
    if response.is_success:
        return Outcome(True, answer)
    temporary = response.status_code in TEMPORARY or response.status_code >= 500
    return Outcome(False, answer, temporary=temporary, retry_after=_retry_after(response) if temporary else None)

"""One HTTP delivery (a webhook, or a JSON POST to an SMS or push provider) over the worker's
keep-alive pool, each request with an `Idempotency-Key` (the message's id) so a receiver can
drop a redelivery.

HTTP 408, 429 and 5xx, refused connections and timeouts are temporary (with the server's
`Retry-After` in seconds); any other 4xx is permanent.
"""

from __future__ import annotations

import httpx

from tui.delivery.outcome import Outcome

TEMPORARY = {408, 429}


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    return float(value) if value.isdigit() else None


async def http_call(
    client: httpx.AsyncClient, method: str, url: str, body: bytes, message_id: int, authorization: str | None = None
) -> Outcome:
    headers = {"Idempotency-Key": str(message_id), "Content-Type": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    try:
        response = await client.request(method, url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return Outcome(False, f"cannot reach {url}: {exc!r}", temporary=True)
    answer = f"HTTP {response.status_code} {response.reason_phrase}"
    if response.is_success:
        return Outcome(True, answer)
    temporary = response.status_code in TEMPORARY or response.status_code >= 500
    return Outcome(False, answer, temporary=temporary, retry_after=_retry_after(response) if temporary else None)

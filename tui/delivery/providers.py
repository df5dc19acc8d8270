"""SMS and push through the workspace's HTTP providers: one documented JSON POST per message,
with the Authorization header held in the variable the settings name.

    SMS:  {"message_id": "42", "to": "+44 20 7946 0000", "body": "..."}
    push: {"message_id": "43", "device_tokens": ["..."], "title": "...", "body": "..."}

`message_id` is also the request's Idempotency-Key. This is how users wire Twilio-like gateways
or a relay of their own.
"""

from __future__ import annotations

import json
import shlex
from typing import Any

from tui.core.delivery_settings import MissingSetting, authorization
from tui.core.outbox import OutboxItem
from tui.delivery.http_pool import HttpPool
from tui.delivery.outcome import Outcome
from tui.delivery.routes import Route


async def _post(
    http: HttpPool, route: Route, item: OutboxItem, what: str, flag: str, payload: dict[str, Any]
) -> Outcome:
    settings = route.settings
    url, variable = (
        (settings.sms_url, settings.sms_auth_env) if what == "SMS" else (settings.push_url, settings.push_auth_env)
    )
    if not url:
        raise MissingSetting(
            f"no {what} provider is set for workspace {route.workspace!r}: set one with "
            f"`switchboard workspaces delivery {shlex.quote(route.workspace)} {flag} URL`"
        )
    body = json.dumps({"message_id": str(item.id), **payload}, ensure_ascii=False).encode()
    return await http.call("POST", url, body, item.id, authorization(variable, what))


async def send_sms(http: HttpPool, route: Route, item: OutboxItem) -> Outcome:
    return await _post(http, route, item, "SMS", "--sms-url", {"to": item.recipient, "body": item.body or ""})


async def send_push(http: HttpPool, route: Route, item: OutboxItem, device_tokens: list[str]) -> Outcome:
    payload = {"device_tokens": device_tokens, "title": item.subject or "", "body": item.body or ""}
    return await _post(http, route, item, "push", "--push-url", payload)

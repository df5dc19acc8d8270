"""Track API requests as core operations: v1 routes and v2 entity/batch operations."""

from __future__ import annotations

import json
from typing import Any

from tui.api.wire import V1_LIMIT, WireError
from tui.core.errors import InvalidInput, naming
from tui.core.track import Operation
from tui.core.track_identifiers import Ref, body_ref

# One encoder for every operation's size: json.dumps makes a new one per call for ensure_ascii.
_encode = json.JSONEncoder(ensure_ascii=False).encode
V2_PERSON_ACTIONS = (
    "identify",
    "delete",
    "event",
    "page",
    "screen",
    "add_device",
    "delete_device",
    "suppress",
    "unsuppress",
    "merge",
)


def v1_operation(route: str, segments: tuple[str, ...], body: dict[str, Any]) -> Operation:
    """The operation of a v1 route (not merge, see `v1_merge`)."""
    person = Ref("path", segments[0]) if segments else None
    if route == "delete_device":
        return Operation(route, person, {"token": segments[1]})
    return Operation(route, person, body)


def v1_merge(body: dict[str, Any]) -> Operation:
    """`{"primary": {"id"|"email"|"cio_id": v}, "secondary": {...}}`."""
    return Operation("merge", _named(body, "primary"), {}, other=_named(body, "secondary"))


def _named(body: dict[str, Any], key: str) -> Ref:
    """The person a body names under `key`; a refusal names that key as its field."""
    with naming(key):
        return body_ref(body.get(key), key)


def v2_field(operation: Operation, field: str) -> str:
    """Where in a v2 operation the field the core refused (Outcome.field) was sent."""
    if field == "person":
        return "primary" if operation.action == "merge" else "identifiers"
    if field == "other":
        return "secondary"
    if operation.action == "identify" and field not in ("attributes", "anonymous_id"):
        return f"attributes.{field}"  # an identify's body is its attributes
    if field == "data":
        return "attributes"  # an event's data is sent as its attributes
    return field


def v2_operation(raw: Any) -> Operation:
    """One v2 operation; InvalidInput for a malformed or unsupported one."""
    if not isinstance(raw, dict):
        raise InvalidInput("an operation must be a JSON object")
    if len(_encode(raw).encode("utf-8")) > V1_LIMIT:
        raise WireError(413, f"the operation is over {V1_LIMIT // 1024} KB")
    kind, action = raw.get("type"), raw.get("action")
    if kind != "person":
        with naming("type"):
            raise InvalidInput(f"type {kind!r} is not supported here: only person operations are")
    if action not in V2_PERSON_ACTIONS:
        with naming("action"):
            raise InvalidInput(f"action {action!r} is not a person action: {', '.join(V2_PERSON_ACTIONS)}")
    attributes = raw.get("attributes") or {}
    if not isinstance(attributes, dict):
        with naming("attributes"):
            raise InvalidInput("attributes must be an object")
    if action == "merge":
        return Operation("merge", _named(raw, "primary"), {}, other=_named(raw, "secondary"))
    if action in ("event", "page", "screen") and not raw.get("identifiers") and raw.get("anonymous_id"):
        return Operation("anonymous_event", None, _event_body(raw, attributes, action))
    person = _named(raw, "identifiers")
    if action == "identify":
        extra = {key: raw[key] for key in ("anonymous_id",) if key in raw}
        return Operation("identify", person, {**attributes, **extra})
    if action in ("event", "page", "screen"):
        return Operation(action, person, _event_body(raw, attributes, action))
    device = raw.get("device")
    if action == "add_device":
        return Operation("add_device", person, {"device": device})
    if action == "delete_device":
        token = device.get("token") if isinstance(device, dict) else None
        return Operation("delete_device", person, {"token": token})
    return Operation(action, person, {})


def _event_body(raw: dict[str, Any], attributes: dict[str, Any], action: str) -> dict[str, Any]:
    body = {"name": raw.get("name"), "type": action, "data": attributes}
    for key in ("timestamp", "id", "anonymous_id"):
        if key in raw:
            body[key] = raw[key]
    return body

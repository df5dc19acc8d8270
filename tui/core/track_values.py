"""The values a Track API request carries, checked (T2-T4): identify bodies, events, devices.

Each function takes the decoded JSON a client sent and returns plain checked values, or raises
InvalidInput with a sentence that names the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tui.core import attributes as attrs
from tui.core.errors import InvalidInput, naming
from tui.core.events import DeviceInfo
from tui.core.text import check_scalar_text

EVENT_TYPES = ("event", "page", "screen")
PLATFORMS = ("ios", "android")
MAX_EVENT_NAME = 100
MAX_CLIENT_ID = 150
MAX_TOKEN = 255
MAX_EVENT_DATA = 32_768
# Unix seconds from 1970 to the end of 9999: what both backends' timestamps hold.
MAX_UNIX_SECONDS = 253_402_300_799
# Keys of an identify body that are not attributes.
IDENTIFY_FIELDS = ("id", "email", "cio_id", "_update", "unsubscribed", "anonymous_id")
TRUE_WORDS = ("true", "1")
FALSE_WORDS = ("false", "0")


@dataclass
class IdentifyBody:
    """An identify body split into what it does: attribute changes, removals, own fields."""

    changes: dict[str, Any] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    new_id: str | None = None
    new_email: str | None = None
    update_only: bool = False
    unsubscribed: bool | None = None
    anonymous_id: str | None = None


@dataclass(frozen=True)
class EventValues:
    name: str
    type: str
    data: dict[str, Any]
    timestamp: datetime | None
    client_id: str | None
    anonymous_id: str | None


def identify_body(body: dict[str, Any]) -> IdentifyBody:
    """T2: `null` removes an attribute; `created_at` (unix seconds) is an attribute like any other."""
    parsed = IdentifyBody()
    with naming("attributes"):
        for name, value in body.items():
            if name in IDENTIFY_FIELDS:
                continue
            if name == "created_at" and value is not None:
                unix_seconds(value, "created_at")  # names its own field
            elif name != "created_at":
                attrs.check_name(name)
            if value is None:
                parsed.removed.append(name)
            else:
                parsed.changes[name] = value
        attrs.check_size(parsed.changes)
    if body.get("id") not in (None, ""):
        parsed.new_id = _text_or_number(body["id"], "id")
    if body.get("email") not in (None, ""):
        parsed.new_email = _text(body["email"], "email", 320)
    parsed.update_only = flag(body.get("_update"), "_update") is True
    parsed.unsubscribed = flag(body.get("unsubscribed"), "unsubscribed")
    if body.get("anonymous_id") not in (None, ""):
        parsed.anonymous_id = _text(body["anonymous_id"], "anonymous_id", MAX_CLIENT_ID)
    return parsed


def flag(value: Any, what: str) -> bool | None:
    """true, "true" in any case, 1 and "1" are true; their opposites false; None is not given."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return value == 1
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS + FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    with naming(what):
        raise InvalidInput(f"{what} must be true or false, not {value!r}")


def event_values(body: dict[str, Any], *, default_type: str = "event") -> EventValues:
    """T3: name trimmed to 1..100 characters, type event/page/screen, data an object."""
    with naming("name"):
        name = _event_name(body.get("name"))
    kind = body.get("type") or default_type
    if kind not in EVENT_TYPES:
        with naming("type"):
            raise InvalidInput(f"type {kind!r} is not one of: {', '.join(EVENT_TYPES)}")
    data = body.get("data")
    if data is None:
        data = {}
    with naming("data"):
        if not isinstance(data, dict):
            raise InvalidInput("data must be an object")
        if attrs.encoded_size(data) > MAX_EVENT_DATA:
            raise InvalidInput(f"data takes more than {MAX_EVENT_DATA:,} bytes of JSON")
    timestamp = body.get("timestamp")
    client_id = body.get("id")
    anonymous_id = body.get("anonymous_id")
    return EventValues(
        name=name,
        type=kind,
        data=data,
        timestamp=None if timestamp is None else unix_seconds(timestamp, "timestamp"),
        client_id=None if client_id in (None, "") else _text_or_number(client_id, "id"),
        anonymous_id=None if anonymous_id in (None, "") else _text(anonymous_id, "anonymous_id", MAX_CLIENT_ID),
    )


def _event_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput("name is required: give the event a name of 1 to 100 characters")
    name = _storable(name, "name").strip()
    if len(name) > MAX_EVENT_NAME:
        raise InvalidInput(f"name has {len(name)} characters; at most {MAX_EVENT_NAME} are allowed")
    return name


def device_values(device: Any) -> DeviceInfo:
    """T4: a token (`token`, or v1's `id`), platform ios or android, last_used, attributes."""
    if not isinstance(device, dict):
        with naming("device"):
            raise InvalidInput("device must be an object with a token (id) and a platform")
    token = device_token(device.get("token", device.get("id")))
    platform = device.get("platform")
    if platform not in PLATFORMS:
        with naming("device.platform"):
            raise InvalidInput(f"device.platform must be one of: {', '.join(PLATFORMS)}")
    last_used = device.get("last_used")
    attributes = device.get("attributes") or {}
    with naming("device.attributes"):
        if not isinstance(attributes, dict):
            raise InvalidInput("device.attributes must be an object")
        attrs.check_size(attributes)
    return DeviceInfo(
        token=token,
        platform=platform,
        last_used=None if last_used is None else unix_seconds(last_used, "device.last_used"),
        attributes=attributes,
    )


def device_token(value: Any) -> str:
    """A device's token: the v1 body's `device.id`, v2's `device.token`."""
    if not isinstance(value, str) or not value.strip():
        with naming("device.token"):
            raise InvalidInput("device.id is required: give the device's token")
    return _text(value, "device.token", MAX_TOKEN)


def unix_seconds(value: Any, what: str) -> datetime:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= MAX_UNIX_SECONDS:
        with naming(what):
            raise InvalidInput(f"{what} must be a time in unix seconds (a number from 0), not {value!r}")
    return datetime.fromtimestamp(value, UTC)


def _text(value: Any, what: str, limit: int) -> str:
    """Text of at most `limit` characters; refusals name `what` as their field."""
    with naming(what):
        if not isinstance(value, str):
            raise InvalidInput(f"{what} must be text")
        _storable(value, what)
        if len(value) > limit:
            raise InvalidInput(f"{what} has {len(value)} characters; at most {limit} are allowed")
    return value


def _storable(value: str, what: str) -> str:
    """Text both backends store as it is: valid Unicode (check_scalar_text) without NUL, which
    PostgreSQL's text cannot hold (attribute values are JSON, where NUL is escaped)."""
    check_scalar_text(value, what)
    if "\x00" in value:
        raise InvalidInput(f"{what} holds a NUL character, which cannot be stored: remove it")
    return value


def _text_or_number(value: Any, what: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _text(value, what, MAX_CLIENT_ID)

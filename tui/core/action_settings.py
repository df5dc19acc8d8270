"""What each action type takes (C2), how its settings are checked (C3), and delay timing."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from tui.core import templates
from tui.core.errors import InvalidInput
from tui.core.identity import has_control_chars

ACTION_TYPES = ("email", "sms", "push", "webhook", "delay")
SETTING_NAMES = ("subject", "body", "from", "title", "method", "url", "duration")
WEBHOOK_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
URL_SCHEMES = ("http://", "https://")
DURATION = re.compile(r"[1-9][0-9]*[mhd]")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


@dataclass(frozen=True)
class TypeSpec:
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    templates: tuple[str, ...] = ()  # the settings that are Liquid message text

    @property
    def options(self) -> tuple[str, ...]:
        return self.required + self.optional


SPECS: dict[str, TypeSpec] = {
    "email": TypeSpec(("subject", "body"), ("from",), templates=("subject", "body")),
    "sms": TypeSpec(("body",), templates=("body",)),
    "push": TypeSpec(("title", "body"), templates=("title", "body")),
    "webhook": TypeSpec(("method", "url"), ("body",), templates=("url", "body")),
    "delay": TypeSpec(("duration",)),
}


def _and(items: list[str] | tuple[str, ...]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def spec_of(action_type: str) -> TypeSpec:
    spec = SPECS.get(action_type)
    if spec is None:
        raise InvalidInput(f"action type {action_type!r} is not valid: choose {', '.join(ACTION_TYPES)}")
    return spec


def takes(action_type: str) -> str:
    """What an action of this type takes: `subject and body, and optionally from`."""
    spec = spec_of(action_type)
    required = _and(spec.required)
    return f"{required}, and optionally {_and(spec.optional)}" if spec.optional else required


def parse_duration(text: str) -> timedelta:
    """A delay's duration (`30m`, `2h`, `3d`) as a timedelta; InvalidInput when it is not one."""
    if not isinstance(text, str) or not DURATION.fullmatch(text):
        raise InvalidInput(
            f"delay duration {text!r} is not valid: give a positive whole number followed by m, h or d, "
            "such as 30m, 2h or 3d"
        )
    try:
        return timedelta(**{_UNITS[text[-1]]: int(text[:-1])})
    except OverflowError:
        raise InvalidInput(f"delay duration {text!r} is too long: at most {timedelta.max.days} days") from None


def _check_value(action_type: str, key: str, value: str) -> str:
    if key == "method":
        method = value.strip().upper()
        if method not in WEBHOOK_METHODS:
            raise InvalidInput(f"webhook method {value!r} is not valid: choose {', '.join(WEBHOOK_METHODS)}")
        return method
    if key == "url" and not value.startswith(URL_SCHEMES):
        raise InvalidInput(f"webhook url {value!r} is not valid: it must start with http:// or https://")
    if key == "duration":
        parse_duration(value)
    if key == "from" and has_control_chars(value):
        raise InvalidInput(f"from address {value!r} is not valid: it contains control characters")
    if key in SPECS[action_type].templates:
        templates.validate(value, key)
    return value


def check_settings(action_type: str, settings: Mapping[str, object]) -> dict[str, str]:
    """The complete, checked settings of an action of `action_type`.

    Only the type's own options are accepted, the required ones must be present and not blank,
    and an optional one given as "" is left out (that is how an edit unsets it).
    """
    spec = spec_of(action_type)
    foreign = [key for key in settings if key not in spec.options]
    if foreign:
        verb = "does" if len(foreign) == 1 else "do"
        raise InvalidInput(
            f"{_and(foreign)} {verb} not apply to {action_type} actions, which take {takes(action_type)}"
        )
    checked: dict[str, str] = {}
    for key in spec.options:
        value = settings.get(key)
        if value is not None and not isinstance(value, str):
            raise InvalidInput(f"{key} must be text, not {type(value).__name__}")
        if not value or not value.strip():
            if key in spec.required:
                raise InvalidInput(f"{key} is missing or blank: {action_type} actions take {takes(action_type)}")
            continue
        checked[key] = _check_value(action_type, key, value)
    return checked


def summary(action_type: str, settings: Mapping[str, str]) -> str:
    """One line that says what an action does: its subject, title, text, URL or wait."""
    if action_type == "delay":
        return f"wait {settings.get('duration', '')}"
    if action_type == "webhook":
        text = f"{settings.get('method', '')} {settings.get('url', '')}"
    else:
        text = settings.get("subject") or settings.get("title") or settings.get("body") or ""
    return " ".join(text.split())

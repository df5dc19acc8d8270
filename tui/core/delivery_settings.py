"""Delivery settings per workspace (D2): the SMTP server, the sender, the SMS and push
providers, and a rate limit.

Secrets are never stored: a setting names the environment variable (twelve-factor style) or
the file that holds the SMTP password, and the variable that holds each provider's
Authorization header. They are read when a message goes out, so a secret that is missing then
is that message's failure reason ("SMTP password variable SMTP_PASS is not set"), not a crash.

A change names only what it changes; an empty text clears an optional setting.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path

from sqlalchemy import delete, select, update

from tui.core.db import Database
from tui.core.errors import InvalidInput, SwitchboardError
from tui.core.identity import has_control_chars, normalize_email
from tui.core.models import DeliverySettings, Message, RateTurns, Workspace
from tui.core.states import MessageStatus
from tui.core.text import check_scalar_text
from tui.core.workspaces import find_workspace

SMTP_SECURITY = ("none", "starttls", "tls")
DEFAULT_PORTS = {"none": 25, "starttls": 587, "tls": 465}
MAX_RATE = 100_000.0
# One message every 1,000 s: slower, the turns a rate limit gives a big outbox's messages could
# lie past the last date a database stores (the year 9999).
MIN_RATE = 0.001
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,254}")
_RATE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(?:/\s*s)?\s*")


class MissingSetting(SwitchboardError):
    """A message cannot go: its workspace lacks a setting, or a secret cannot be read."""


class SettingRefused(InvalidInput):
    """One setting's value is refused; `setting` names it (a DeliveryConfig field), so that a
    form can mark the field."""

    def __init__(self, setting: str, message: str) -> None:
        super().__init__(message)
        self.setting = setting

    def __reduce__(self) -> tuple[type[SettingRefused], tuple[str, str]]:
        return type(self), (self.setting, str(self))


@dataclass(frozen=True)
class DeliveryConfig:
    """A workspace's delivery settings; None is "not set"."""

    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_security: str | None = None  # none, starttls or tls (None: none)
    smtp_user: str | None = None
    smtp_password_env: str | None = None
    smtp_password_file: str | None = None
    sender: str | None = None
    reply_to: str | None = None
    sms_url: str | None = None
    sms_auth_env: str | None = None
    push_url: str | None = None
    push_auth_env: str | None = None
    rate_per_s: float | None = None

    @property
    def security(self) -> str:
        return self.smtp_security or "none"

    @property
    def port(self) -> int:
        """The SMTP port: the one set, else the usual one for the security."""
        return self.smtp_port or DEFAULT_PORTS[self.security]

    def over(self, defaults: DeliveryConfig) -> DeliveryConfig:
        """These settings, with `defaults` (a worker's command line) where none is set. The SMTP
        server goes as a whole: a workspace with its own host takes none of the defaults' port,
        security or login."""
        merged = {
            field.name: value if (value := getattr(self, field.name)) is not None else getattr(defaults, field.name)
            for field in dataclasses.fields(self)
        }
        if self.smtp_host is not None:
            merged.update({name: getattr(self, name) for name in _SMTP_SERVER})
        return DeliveryConfig(**merged)


_SMTP_SERVER = ("smtp_host", "smtp_port", "smtp_security", "smtp_user", "smtp_password_env", "smtp_password_file")
SETTINGS = tuple(field.name for field in dataclasses.fields(DeliveryConfig))


def _config(row: DeliverySettings | None) -> DeliveryConfig:
    if row is None:
        return DeliveryConfig()
    return DeliveryConfig(**{name: getattr(row, name) for name in SETTINGS})


def get_delivery(db: Database, workspace: str) -> DeliveryConfig:
    with db.read() as session:
        ws = find_workspace(session, workspace)
        return _config(session.get(DeliverySettings, ws.id))


def deliveries(db: Database, workspace_ids: Iterable[int]) -> dict[int, tuple[str, DeliveryConfig]]:
    """Each workspace's name and settings (the defaults for one with none), for a worker."""
    ids = list(set(workspace_ids))
    with db.read() as session:
        rows = session.execute(
            select(Workspace.id, Workspace.name, DeliverySettings)
            .outerjoin(DeliverySettings, DeliverySettings.workspace_id == Workspace.id)
            .where(Workspace.id.in_(ids))
        ).all()
        return {ws_id: (name, _config(settings)) for ws_id, name, settings in rows}


def set_delivery(db: Database, workspace: str, changes: Mapping[str, str | int | float | None]) -> DeliveryConfig:
    """Change the named settings (None: unchanged, "": cleared), all checked before anything is
    stored: one transaction, or nothing changes."""
    with db.write(f"the delivery settings of workspace {workspace.strip()!r}") as session:
        ws = find_workspace(session, workspace)
        row = session.get(DeliverySettings, ws.id)
        before = _config(row)
        config = changed(before, changes)
        if row is None:
            row = DeliverySettings(workspace_id=ws.id)
            session.add(row)
        for name in SETTINGS:
            setattr(row, name, getattr(config, name))
        now = db.runtime.now()
        row.updated_at = now
        if config.rate_per_s != before.rate_per_s:
            # The turns the old rate gave (queued messages due later: outbox.defer) are void: due
            # now, the messages get turns at the new rate (or none) from the next worker to claim them.
            session.execute(
                update(Message)
                .where(Message.status == MessageStatus.QUEUED, Message.next_attempt_at > now)
                .where(Message.workspace_id == ws.id)
                .values(next_attempt_at=now)
            )
            session.execute(delete(RateTurns).where(RateTurns.workspace_id == ws.id))  # and the next turns
        return config


def changed(config: DeliveryConfig, changes: Mapping[str, str | int | float | None]) -> DeliveryConfig:
    """`config` with the named settings changed (None: unchanged, "": cleared), every one checked;
    stores nothing (the Delivery dialog tests a connection with settings not yet saved)."""
    unknown = set(changes) - set(SETTINGS)
    if unknown:
        raise InvalidInput(f"unknown delivery settings: {', '.join(sorted(unknown))}")
    given = {name: value for name, value in changes.items() if value is not None}
    if not given:
        raise InvalidInput("nothing to change: give a setting such as --smtp-host, --from or --rate")
    if given.get("smtp_password_env") and given.get("smtp_password_file"):
        raise SettingRefused("smtp_password_file", "give the SMTP password as a variable or as a file, not both")
    checked = {name: check_setting(name, value) for name, value in given.items()}
    # A new password source replaces the other one.
    if checked.get("smtp_password_env"):
        checked.setdefault("smtp_password_file", None)
    if checked.get("smtp_password_file"):
        checked.setdefault("smtp_password_env", None)
    result = dataclasses.replace(config, **checked)  # type: ignore[arg-type]  # each checked by check_setting
    _check_whole(result)
    return result


def _check_whole(config: DeliveryConfig) -> None:
    has_password = bool(config.smtp_password_env or config.smtp_password_file)
    if config.smtp_user and not has_password:
        raise SettingRefused(
            "smtp_password_env",
            "an SMTP user needs a password: give --smtp-password-env VAR or --smtp-password-file FILE",
        )
    if has_password and not config.smtp_user:
        raise SettingRefused("smtp_user", "an SMTP password needs a user: give --smtp-user USER")


def check_setting(name: str, value: str | int | float) -> str | int | float | None:
    """The stored form of one setting, or SettingRefused naming it and saying what is wrong."""
    try:
        return _check(name, value)
    except InvalidInput as exc:
        raise SettingRefused(name, str(exc)) from None


def _check(name: str, value: str | int | float) -> str | int | float | None:
    """The stored form of one setting, or InvalidInput saying what is wrong."""
    if value == "":
        return None
    if name == "smtp_port":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
            raise InvalidInput(f"SMTP port {value!r} is not valid: give a number from 1 to 65535")
        return value
    if name == "rate_per_s":
        return parse_rate(str(value))
    text = check_scalar_text(str(value), name.replace("_", " ")).strip()
    if has_control_chars(text):
        raise InvalidInput(f"{name.replace('_', ' ')} {text!r} is not valid: it holds control characters")
    if name == "smtp_host":
        if not text or len(text) > 255 or any(ch.isspace() for ch in text) or "/" in text:
            raise InvalidInput(f"SMTP host {text!r} is not valid: give a host name or an IP address")
        return text
    if name == "smtp_security":
        if text not in SMTP_SECURITY:
            raise InvalidInput(f"SMTP security {text!r} is not valid: choose none, starttls or tls")
        return text
    if name == "smtp_user":
        if len(text) > 320:
            raise InvalidInput("SMTP user is too long: at most 320 characters")
        return text
    if name.endswith("_env"):
        if not _ENV_NAME.fullmatch(text):
            raise InvalidInput(
                f"{text!r} is not an environment variable name: letters, digits and _, not starting with a digit "
                "(the setting holds the variable's name, never the secret itself)"
            )
        return text
    if name == "smtp_password_file":
        return str(Path(text).expanduser().absolute())
    if name in ("sender", "reply_to"):
        return check_address(text, "From" if name == "sender" else "Reply-To")
    if name in ("sms_url", "push_url"):
        if not text.startswith(("http://", "https://")) or any(ch.isspace() for ch in text) or len(text) > 2000:
            raise InvalidInput(
                f"{name.replace('_', ' ')} {text!r} is not valid: it must start with http:// or https://"
            )
        return text
    raise InvalidInput(f"unknown delivery setting {name}")  # pragma: no cover - SETTINGS lists them all


def check_address(text: str, what: str) -> str:
    """`addr@example.com` or `Display Name <addr@example.com>`, with the address normalized."""
    name, address = parseaddr(text)
    if not address:
        raise InvalidInput(f"{what} address {text!r} is not valid: give addr@example.com or 'Name <addr@example.com>'")
    try:
        normalized = normalize_email(address)
    except InvalidInput as exc:
        raise InvalidInput(f"{what} address: {exc}") from None
    return f"{name} <{normalized}>" if name else normalized


def parse_rate(text: str) -> float | None:
    """`--rate N/s` (or N): messages per second; 0 or "off" means no limit (None)."""
    if text.strip().lower() in ("off", "none"):
        return None
    match = _RATE.fullmatch(text)
    if not match:
        raise InvalidInput(f"rate {text!r} is not valid: give messages per second, such as 10/s, or off")
    rate = float(match.group(1))
    if rate > MAX_RATE:
        raise InvalidInput(f"rate {text!r} is too high: at most {MAX_RATE:,.0f}/s")
    if 0 < rate < MIN_RATE:
        raise InvalidInput(f"rate {text!r} is too low: at least {MIN_RATE}/s (one message every 1,000 s), or off")
    return rate or None


def smtp_password(config: DeliveryConfig, environ: Mapping[str, str] = os.environ) -> str | None:
    """The SMTP password from its variable or file (None when no login is set); MissingSetting
    when it cannot be read."""
    if config.smtp_password_env:
        value = environ.get(config.smtp_password_env)
        if value is None:
            raise MissingSetting(f"SMTP password variable {config.smtp_password_env} is not set")
        return value
    if config.smtp_password_file:
        try:
            return Path(config.smtp_password_file).read_text(encoding="utf-8").rstrip("\r\n")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise MissingSetting(f"SMTP password file {config.smtp_password_file} cannot be read: {reason}") from None
    return None


def authorization(variable: str | None, what: str, environ: Mapping[str, str] = os.environ) -> str | None:
    """The Authorization header held in `variable` (None when none is set); MissingSetting when
    the variable is set in the settings but not in the environment."""
    if variable is None:
        return None
    value = environ.get(variable)
    if value is None:
        raise MissingSetting(f"{what} authorization variable {variable} is not set")
    return value

"""Test connection (`workspaces delivery --check`, the Delivery dialog): connect to each
configured server, say what it answered, send nothing."""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiosmtplib

from tui.core.delivery_settings import DeliveryConfig, MissingSetting, smtp_password
from tui.delivery.smtp import SmtpSettings, connect


@dataclass(frozen=True)
class CheckResult:
    target: str  # "smtp", "sms" or "push"
    ok: bool
    answer: str


async def check_smtp(config: DeliveryConfig, timeout_s: float) -> CheckResult:
    if not config.smtp_host:
        return CheckResult("smtp", False, "no SMTP server is set")
    where = f"{config.smtp_host}:{config.port}"
    try:
        settings = SmtpSettings(
            config.smtp_host, config.port, timeout_s, config.security, config.smtp_user, smtp_password(config)
        )
        client, greeting = await connect(settings)
    except MissingSetting as exc:
        return CheckResult("smtp", False, str(exc))
    except aiosmtplib.SMTPResponseException as exc:
        return CheckResult("smtp", False, f"{where} answered {exc.code} {exc.message}")
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        return CheckResult("smtp", False, f"cannot reach {where}: {exc or type(exc).__name__}")
    try:
        await client.quit()
    except aiosmtplib.SMTPException:
        client.close()
    login = f"; logged in as {config.smtp_user}" if config.smtp_user else ""
    secured = {"none": "", "starttls": " (STARTTLS)", "tls": " (TLS)"}[config.security]
    return CheckResult("smtp", True, f"{where}{secured} answered {greeting}{login}")


async def check_url(target: str, url: str, timeout_s: float) -> CheckResult:
    """Opens a connection to the provider (TLS for https) and closes it: no request is made."""
    parts = urlsplit(url)
    secure = parts.scheme == "https"
    host, port = parts.hostname or "", parts.port or (443 if secure else 80)
    try:
        _reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, ssl=ssl.create_default_context() if secure else None), timeout_s
        )
    except (OSError, TimeoutError) as exc:
        return CheckResult(target, False, f"cannot reach {host}:{port}: {exc or type(exc).__name__}")
    writer.close()
    return CheckResult(target, True, f"connected to {host}:{port}{' over TLS' if secure else ''}")


async def check_all(config: DeliveryConfig, timeout_s: float = 10.0) -> list[CheckResult]:
    """Every configured server, at once."""
    checks = [check_smtp(config, timeout_s)]
    if config.sms_url:
        checks.append(check_url("sms", config.sms_url, timeout_s))
    if config.push_url:
        checks.append(check_url("push", config.push_url, timeout_s))
    return list(await asyncio.gather(*checks))

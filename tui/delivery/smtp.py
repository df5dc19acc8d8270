"""SMTP through aiosmtplib: one reused connection per worker slot and server, reconnecting after
errors; plain, STARTTLS or TLS, with a login when the workspace's settings name one.

Outcomes are classified as the outbox needs them: SMTP 4xx, refused or reset connections and
timeouts are temporary; SMTP 5xx and a missing address are permanent.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage

import aiosmtplib

from tui.delivery.email_bytes import WireEmail
from tui.delivery.outcome import Outcome


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    timeout_s: float = 30.0
    security: str = "none"  # none, starttls or tls
    user: str | None = None
    password: str | None = None

    def __repr__(self) -> str:  # never the password, in a log or a traceback
        return f"SmtpSettings({self.host}:{self.port}, {self.security}, user={self.user!r})"


async def connect(settings: SmtpSettings) -> tuple[aiosmtplib.SMTP, str]:
    """A connection, secured and logged in as the settings say, and the server's greeting."""
    client = aiosmtplib.SMTP(
        hostname=settings.host,
        port=settings.port,
        timeout=settings.timeout_s,
        use_tls=settings.security == "tls",
        start_tls=settings.security == "starttls",
    )
    greeting = await client.connect()
    if settings.user:
        await client.login(settings.user, settings.password or "")
    return client, f"{greeting.code} {greeting.message}"


class SmtpSlot:
    """One connection per server, opened on first use and reopened after any error."""

    def __init__(self) -> None:
        self._clients: dict[SmtpSettings, aiosmtplib.SMTP] = {}

    async def _connected(self, settings: SmtpSettings) -> aiosmtplib.SMTP:
        client = self._clients.get(settings)
        if client is None or not client.is_connected:
            client, _greeting = await connect(settings)
            self._clients[settings] = client
        return client

    async def send(self, settings: SmtpSettings, email: WireEmail | EmailMessage) -> Outcome:
        try:
            client = await self._connected(settings)
            if isinstance(email, WireEmail):
                _refused, reply = await client.sendmail(email.sender, email.recipients, email.data)
            else:
                _refused, reply = await client.send_message(email)
        except aiosmtplib.SMTPAuthenticationError as exc:
            self._drop(settings)
            return Outcome(False, f"SMTP login as {settings.user} refused: {exc.code} {exc.message}", temporary=True)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            self._drop(settings)
            return _from_code(exc.recipients[0].code, exc.recipients[0].message)
        except aiosmtplib.SMTPResponseException as exc:
            self._drop(settings)
            return _from_code(exc.code, exc.message)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            self._drop(settings)
            return Outcome(False, f"cannot reach the SMTP server: {exc}", temporary=True)
        return Outcome(True, f"250 {reply}")  # aiosmtplib raises on any other code to DATA

    def _drop(self, settings: SmtpSettings) -> None:
        client = self._clients.pop(settings, None)
        if client is not None and client.is_connected:
            client.close()

    async def close(self) -> None:
        clients, self._clients = self._clients, {}
        for client in clients.values():
            if client.is_connected:
                try:
                    await client.quit()
                except aiosmtplib.SMTPException:
                    client.close()


def _from_code(code: int, message: str) -> Outcome:
    return Outcome(False, f"{code} {message}", temporary=400 <= code < 500)

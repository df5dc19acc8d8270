"""SMTP through aiosmtplib: one reused connection per worker slot, reconnecting after errors.

Outcomes are classified as the outbox needs them: SMTP 4xx, refused or reset connections and
timeouts are temporary; SMTP 5xx and a missing address are permanent.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage

import aiosmtplib

from tui.delivery.outcome import Outcome


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    timeout_s: float = 30.0


class SmtpSlot:
    """One connection, opened on first use and reopened after any error."""

    def __init__(self, settings: SmtpSettings) -> None:
        self._settings = settings
        self._client: aiosmtplib.SMTP | None = None

    async def _connected(self) -> aiosmtplib.SMTP:
        if self._client is None or not self._client.is_connected:
            client = aiosmtplib.SMTP(
                hostname=self._settings.host,
                port=self._settings.port,
                timeout=self._settings.timeout_s,
                start_tls=False,
            )
            await client.connect()
            self._client = client
        return self._client

    async def send(self, email: EmailMessage) -> Outcome:
        try:
            client = await self._connected()
            _refused, reply = await client.send_message(email)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            await self._drop()
            return _from_code(exc.recipients[0].code, exc.recipients[0].message)
        except aiosmtplib.SMTPResponseException as exc:
            await self._drop()
            return _from_code(exc.code, exc.message)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            await self._drop()
            return Outcome(False, f"cannot reach the SMTP server: {exc}", temporary=True)
        return Outcome(True, f"250 {reply}")  # aiosmtplib raises on any other code to DATA

    async def _drop(self) -> None:
        client, self._client = self._client, None
        if client is not None and client.is_connected:
            client.close()

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None and client.is_connected:
            try:
                await client.quit()
            except aiosmtplib.SMTPException:
                client.close()


def _from_code(code: int, message: str) -> Outcome:
    return Outcome(False, f"{code} {message}", temporary=400 <= code < 500)

"""Emails built with the standard library: From, To, Subject, Date, Message-ID, Reply-To."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from tui.core.outbox import OutboxItem


def message_id(item: OutboxItem) -> str:
    """Stable per message: a retry or a redelivery after a lost lease carries the same id, so a
    receiver can drop the duplicate."""
    return f"<{item.id}.{item.site_id}@switchboard.invalid>"


def build_email(item: OutboxItem, sender: str, now: datetime, reply_to: str | None = None) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = item.recipient or ""
    email["Subject"] = item.subject or ""
    email["Date"] = format_datetime(now)
    email["Message-ID"] = message_id(item)
    if reply_to:
        email["Reply-To"] = reply_to
    email.set_content(item.body or "")
    return email

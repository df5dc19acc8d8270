"""An email as the bytes that go over SMTP, built directly for the common plain one.

`build_email` (EmailMessage) parses each header into the email package's header objects, and
flattening parses them again: most of what a worker spent per email. A plain email (ASCII
headers short enough not to fold, an ASCII text body with short lines) has exactly one form on
the wire, so it is written out directly; any other (HTML, Unicode, long lines) is built by
`build_email` and flattened as aiosmtplib flattens it. The two give the same bytes for every
plain email: tests/test_email_bytes.py checks that against the email package itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from functools import lru_cache

from aiosmtplib.email import extract_addresses, flatten_message

from tui.core.outbox import OutboxItem
from tui.delivery.email_build import build_email, looks_like_html, message_id

MAX_LINE = 78  # the email policy's max_line_length: longer lines fold or change the encoding
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9._+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+")
_PLAIN_TEXT = re.compile(r"[\x20-\x7e]*")  # printable ASCII, no tabs or controls
_PLAIN_BODY = re.compile(r"[\x20-\x7e\n]*")


@dataclass(frozen=True)
class WireEmail:
    """What SMTP sends: the envelope and the message's bytes (CRLF line ends)."""

    sender: str
    recipients: tuple[str, ...]
    data: bytes


def wire_email(item: OutboxItem, sender: str, now: datetime, reply_to: str | None = None) -> WireEmail | EmailMessage:
    """The email's bytes when it is plain; otherwise the EmailMessage, which aiosmtplib sends
    with the SMTPUTF8 options a Unicode address needs."""
    data = _plain_bytes(item, sender, now, reply_to)
    if data is None:
        return build_email(item, sender, now, reply_to)
    return WireEmail(_envelope_sender(sender), (item.recipient or "",), data)


def flattened(email: WireEmail | EmailMessage) -> bytes:
    """The bytes of either form, as SMTP carries them (for tests and the benchmark)."""
    return email.data if isinstance(email, WireEmail) else flatten_message(email)


@lru_cache(maxsize=256)
def _header_line(name: str, value: str) -> bytes | None:
    """`Name: value` as the email package writes it, parsed and folded once per value (a
    workspace's From and Reply-To, the Date of this second); None when it does not fit a line."""
    email = EmailMessage()
    email[name] = value
    line = flatten_message(email).split(b"\r\n\r\n", 1)[0]
    return line + b"\r\n" if b"\r\n" not in line else None


@lru_cache(maxsize=4)
def _date_line(second: datetime) -> bytes | None:
    """The Date header of this second (formatting it for every email was a twentieth of a
    worker's CPU per email)."""
    return _header_line("Date", format_datetime(second))


@lru_cache(maxsize=256)
def _envelope_sender(sender: str) -> str:
    return extract_addresses(sender)[0]


def _short_plain(name: str, value: str) -> bool:
    return len(name) + 2 + len(value) <= MAX_LINE and _PLAIN_TEXT.fullmatch(value) is not None


def _plain_bytes(item: OutboxItem, sender: str, now: datetime, reply_to: str | None) -> bytes | None:
    recipient, subject, body = item.recipient or "", item.subject or "", item.body or ""
    if not (_PLAIN_ADDRESS.fullmatch(recipient) and len(recipient) + 4 <= MAX_LINE):
        return None
    # Unstructured text the parser would change: encoded words, runs or ends of blanks.
    if not subject or not _short_plain("Subject", subject) or "=?" in subject:
        return None
    if "  " in subject or subject != subject.strip():
        return None
    if looks_like_html(body) or not _PLAIN_BODY.fullmatch(body):
        return None
    lines = body.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if any(len(line) > MAX_LINE for line in lines):
        return None
    shared = [_header_line("From", sender), _date_line(now.replace(microsecond=0))]
    if reply_to:
        shared.append(_header_line("Reply-To", reply_to))
    if None in shared:
        return None
    from_line, date_line, *reply_line = shared
    parts = [
        from_line,
        b"To: " + recipient.encode() + b"\r\n",
        b"Subject: " + subject.encode() + b"\r\n",
        date_line,
        b"Message-ID: " + message_id(item).encode() + b"\r\n",
        *reply_line,
        b'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: 7bit\r\nMIME-Version: 1.0\r\n\r\n',
        "".join(line + "\r\n" for line in lines).encode() or b"\r\n",  # an empty body is one line end
    ]
    return b"".join(part for part in parts if part is not None)

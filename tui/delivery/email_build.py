"""Emails built with the standard library: From, To, Subject, Date, Message-ID, Reply-To."""

from __future__ import annotations

from datetime import datetime
from email import policy
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime
from functools import lru_cache
from html.parser import HTMLParser

from tui.core.outbox import OutboxItem


class _KeptHeaderClasses(HeaderRegistry):
    """The standard registry builds a new class for every header it parses (`type(...)` on each
    lookup): most of the time an email took to build. This one builds each class once."""

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, type[BaseHeader]] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        key = name.lower()
        if key not in self._classes:
            self._classes[key] = super().__getitem__(name)
        return self._classes[key]


POLICY = policy.default.clone(header_factory=_KeptHeaderClasses())


@lru_cache(maxsize=1024)
def _shared_header(name: str, value: str) -> BaseHeader:
    """A parsed header that many emails carry alike (a workspace's From and Reply-To, the Date
    of this second): parsed once. Header objects are immutable, so emails can share them."""
    return POLICY.header_factory(name, value)


def message_id(item: OutboxItem) -> str:
    """Stable per message: a retry or a redelivery after a lost lease carries the same id, so a
    receiver can drop the duplicate."""
    return f"<{item.id}.{item.site_id}@switchboard.invalid>"


def build_email(item: OutboxItem, sender: str, now: datetime, reply_to: str | None = None) -> EmailMessage:
    email = EmailMessage(policy=POLICY)
    email["From"] = _shared_header("From", sender)
    email["To"] = item.recipient or ""
    email["Subject"] = item.subject or ""
    email["Date"] = _shared_header("Date", format_datetime(now))
    email["Message-ID"] = message_id(item)
    if reply_to:
        email["Reply-To"] = _shared_header("Reply-To", reply_to)
    body = item.body or ""
    if looks_like_html(body):
        email.set_content(text_of_html(body))
        email.add_alternative(body, subtype="html")
    else:
        email.set_content(body)
    return email


def looks_like_html(body: str) -> bool:
    """An HTML body starts with a tag (or a doctype) and ends with one."""
    stripped = body.strip()
    return stripped.startswith("<") and stripped.endswith(">")


class _Text(HTMLParser):
    """The text of an HTML body: paragraphs and line breaks as new lines, no tags or scripts."""

    BREAKS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        elif tag in self.BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def text_of_html(body: str) -> str:
    parser = _Text()
    parser.feed(body)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line) + "\n"

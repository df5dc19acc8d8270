"""D5: the plain-email fast path (benchmark 8) against the email package (differential,
property-based): for any message, the bytes the worker sends are exactly what `build_email`
flattened by aiosmtplib gives (same headers, same body, same encoding), and a plain email takes
the fast path."""

from __future__ import annotations

from datetime import UTC, datetime

from aiosmtplib.email import flatten_message
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tui.core.outbox import OutboxItem
from tui.delivery.email_build import build_email
from tui.delivery.email_bytes import WireEmail, flattened, wire_email

NOW = datetime(2026, 3, 15, 12, 0, 7, tzinfo=UTC)
# ASCII letters and what matters to headers and bodies: blanks, tabs, specials, encoded-word
# markers, a non-ASCII letter and an emoji (a subject never holds a line break: sending renders
# it to one line); bodies also hold CR and LF, and lines of any length.
TEXT = st.text(alphabet=st.sampled_from("aZ09 .,:;<>\"'=?_-@\té😀"), max_size=100)
BODY = st.one_of(
    st.text(alphabet=st.sampled_from("aZ0 .=\t\r\n\x0cé"), max_size=200),
    st.lists(st.text(alphabet="ab .", max_size=90), max_size=5).map("\n".join),
)
RECIPIENT = st.sampled_from(
    [
        "ann@example.com",
        "o.b+tag@mail.example.co.uk",
        "bücher@example.com",
        "a@xn--bcher-kva.example",
        "x" * 80 + "@e.com",
    ]
)
SENDER = st.sampled_from(
    ["news@example.com", "Acme <news@example.com>", "Acme, Inc. <news@example.com>", "Zoë <z@example.com>"]
)
REPLY_TO = st.sampled_from([None, "reply@example.com", "Support Team <help@example.com>"])


def item(recipient: str, subject: str, body: str) -> OutboxItem:
    return OutboxItem(4711, 1, 9, "site42", "email", False, recipient, subject, body, 1)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(recipient=RECIPIENT, subject=TEXT, body=BODY, sender=SENDER, reply_to=REPLY_TO)
@example("ann@example.com", "Hi ann", "Hello\n\nBye\n", "Acme <news@example.com>", "reply@example.com")
@example("ann@example.com", "Hi", "", "news@example.com", None)
@example("ann@example.com", "=?utf-8?q?hi?=", "x", "news@example.com", None)
@example("ann@example.com", "a  b", "line\r\nline", "news@example.com", None)
def test_D5_the_bytes_sent_are_the_email_packages_for_any_message(
    recipient: str, subject: str, body: str, sender: str, reply_to: str | None
) -> None:
    message = item(recipient, subject, body)
    expected = flatten_message(build_email(message, sender, NOW, reply_to))
    assert flattened(wire_email(message, sender, NOW, reply_to)) == expected


def test_D5_a_plain_email_takes_the_fast_path_with_its_envelope() -> None:
    sent = wire_email(item("ann@example.com", "Your order", "Thanks!\n"), "Acme <news@example.com>", NOW)
    assert isinstance(sent, WireEmail)
    assert (sent.sender, sent.recipients) == ("news@example.com", ("ann@example.com",))
    html = wire_email(item("ann@example.com", "Your order", "<p>Thanks!</p>"), "news@example.com", NOW)
    assert not isinstance(html, WireEmail)  # HTML bodies get their text alternative from build_email

"""A real SMTP server (aiosmtpd) in the test process, with scripted answers per recipient."""

from __future__ import annotations

import asyncio
import email
import socket
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


@dataclass
class SmtpSink:
    """Received messages, and answers to give: `faults[rcpt]` is consumed one answer per DATA
    ("sleep S" answers only after S seconds)."""

    received: list[EmailMessage] = field(default_factory=list)
    faults: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    port: int = 0
    pause_s: float = 0.0  # a slow server: each DATA takes this long (to catch a worker mid-run)

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        if self.pause_s:
            await asyncio.sleep(self.pause_s)
        for rcpt in envelope.rcpt_tos:
            if self.faults.get(rcpt):
                answer = self.faults[rcpt].pop(0)
                if answer.startswith("sleep "):  # answer late, and then refuse: nothing is recorded
                    await asyncio.sleep(float(answer.split()[1]))
                    return "451 4.4.2 too late"
                return answer
        self.received.append(  # type: ignore[arg-type]
            email.message_from_bytes(envelope.content, policy=policy.default)
        )
        return "250 2.0.0 Ok: queued"

    def reset(self) -> None:
        self.received.clear()
        self.faults.clear()
        self.pause_s = 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_sink(login: tuple[str, str] | None = None) -> tuple[SmtpSink, Controller]:
    """A sink; with `login` (user, password) it takes mail only after that login (AUTH over a
    plain connection, as a local test server may)."""
    sink = SmtpSink(port=free_port())
    options: dict[str, object] = {}
    if login is not None:

        def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:  # type: ignore[no-untyped-def]
            given = (auth_data.login.decode(), auth_data.password.decode())
            return AuthResult(success=given == login, handled=False)  # a refusal answers 535

        # A test server on the loopback: aiosmtpd's warning about AUTH without TLS is expected.
        warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS")
        options = {"auth_required": True, "auth_require_tls": False, "authenticator": authenticator}
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port, **options)
    controller.start()
    return sink, controller

"""A local HTTP server in a thread: records each request; scripted answers per path."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: str
    idempotency_key: str | None
    authorization: str | None = None
    cookie: str | None = None
    at: float = field(default_factory=time.monotonic)  # when it arrived


@dataclass
class HttpSink:
    """`answers[path]` is consumed one (status, headers) per request; then 200."""

    received: list[Request] = field(default_factory=list)
    answers: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=lambda: defaultdict(list))
    port: int = 0

    def reset(self) -> None:
        self.received.clear()
        self.answers.clear()


def start_http_sink() -> tuple[HttpSink, ThreadingHTTPServer]:
    sink = HttpSink()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode()
            script = sink.answers.get(self.path)
            status, headers = script.pop(0) if script else (200, {})
            if status < 300:
                sink.received.append(
                    Request(
                        self.command,
                        self.path,
                        body,
                        self.headers.get("Idempotency-Key"),
                        self.headers.get("Authorization"),
                        self.headers.get("Cookie"),
                    )
                )
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    sink.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return sink, server

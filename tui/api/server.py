"""Running the Track API on uvicorn: bind, announce, serve, stop gracefully.

The socket is bound here, before uvicorn starts, so that a port in use is a clear error and
port 0 announces the port it got. Ctrl-C or SIGTERM stops accepting, lets the requests in
flight finish (their writes committed) and exits 0. With several workers, uvicorn's supervisor
runs one process per worker on the same socket.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
from dataclasses import dataclass
from pathlib import Path

APP = "tui.api.app:app_from_env"


class ListenError(Exception):
    """The address cannot be listened on: a sentence for `error: ...`."""


@dataclass(frozen=True)
class ApiConfig:
    host: str
    port: int
    db_url: str
    cert: Path | None  # None: plain HTTP
    key: Path | None
    workers: int = 1


def bind(host: str, port: int) -> socket.socket:
    """The listening socket. Its protocol is named (TCP, as uvicorn's own sockets do): asyncio
    turns Nagle's algorithm off only on connections of a socket that says it is TCP, and with it
    on, every answer after a connection's first waited ~40 ms for the client's delayed ACK
    (uvicorn writes an answer's head and body separately)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ListenError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.set_inheritable(True)
    return sock


def serve(config: ApiConfig, sock: socket.socket) -> None:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    os.environ["SWITCHBOARD_DB"] = config.db_url  # the workers open the same database
    uvicorn_config = uvicorn.Config(
        APP,
        factory=True,
        workers=config.workers,
        ssl_certfile=str(config.cert) if config.cert else None,
        ssl_keyfile=str(config.key) if config.key else None,
        log_level="warning",
        access_log=False,
        server_header=False,
        timeout_graceful_shutdown=None,
    )
    if config.workers > 1:
        Multiprocess(uvicorn_config, sockets=[sock]).run()
        return
    # uvicorn re-raises the stopping signal once it has shut down; a quiet handler makes that
    # re-raise a no-op, so a graceful stop exits 0.
    for stopping in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stopping, lambda *_: None)
    logging.getLogger("uvicorn.error").setLevel(logging.WARNING)
    uvicorn.Server(uvicorn_config).run(sockets=[sock])

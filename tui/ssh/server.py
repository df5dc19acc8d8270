"""`switchboard serve ssh`: accept SSH clients, log them in by key, and give each its own app.

The server never runs the app in its own process: each session starts `python -m tui` on its
own PTY (see session.py), over the database the server was given.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import asyncssh

from tui.core.db import DB_ENV
from tui.core.text import visible
from tui.ssh.auth import Identity, authorize
from tui.ssh.hostkey import load_or_create_host_key
from tui.ssh.limits import SessionLimits
from tui.ssh.session import AppSession, Sessions
from tui.ssh.warm_pool import WarmPool

# The server's own variables the app keeps (its home, config and data dirs, its Python path).
SERVER_VARIABLES = (
    "PATH", "HOME", "USER", "LOGNAME", "TMPDIR", "PYTHONPATH",
    "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "SWITCHBOARD_THEME",
)  # fmt: skip
KEEPALIVE_COUNT_MAX = 3
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
CLOSE_SECONDS = 5.0  # how long stopping waits for connections to close
FORWARDING_REFUSED = "forwarding is refused: this server only opens the Switchboard app"

log = logging.getLogger("switchboard.ssh")


class ListenError(Exception):
    """The server cannot listen where it was asked to."""


@dataclass(frozen=True)
class ServeConfig:
    """Everything `serve ssh` was asked for."""

    host: str
    port: int
    host_key: Path
    authorized_keys: Path
    db_url: str
    max_sessions: int
    max_sessions_per_key: int
    login_timeout: float
    keepalive: float
    warm: int = 0  # app processes kept started, waiting for sessions


def app_env(db_url: str) -> dict[str, str]:
    """The environment every session's app starts from: chosen server variables, a UTF-8 LANG
    and the database (in the environment, not the command line, which others can read)."""
    env = {name: os.environ[name] for name in SERVER_VARIABLES if name in os.environ}
    lang = os.environ.get("LANG", "")
    env["LANG"] = lang if "utf" in lang.lower() else "C.UTF-8"
    env[DB_ENV] = db_url
    return env


MAX_AUTH_TRIES = 6  # OpenSSH's MaxAuthTries
REFUSALS_LOGGED = 3  # per connection; then one line saying that the rest are not


class Gate(asyncssh.SSHServer):
    """One client connection: public-key login only, no forwarding, sessions that run the app."""

    def __init__(
        self, authorized_keys: Path, sessions: Sessions, connections: set[asyncssh.SSHServerConnection]
    ) -> None:
        self._authorized_keys = authorized_keys
        self._sessions = sessions
        self._connections = connections
        self._peer = "?"
        self._username = ""
        self._candidate: Identity | None = None
        self._refused = 0
        self.identity: Identity | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        self._connections.add(conn)
        host, port = conn.get_extra_info("peername")[:2]
        self._peer = f"{host}:{port}"

    def connection_lost(self, exc: Exception | None) -> None:
        self._connections.discard(self._conn)
        if self.identity is not None:
            reason = f" ({exc})" if exc else ""
            log.info("disconnected: %s (%s)%s", self.identity.name, self._peer, reason)

    # Authentication: keys only --------------------------------------------------------------

    def begin_auth(self, username: str) -> bool:
        self._username = visible(username)[:64]
        return True

    def password_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        """Looked up in authorized_keys as it is now: a key added or removed counts at once."""
        client_host = self._conn.get_extra_info("peername")[0]
        self._candidate = authorize(self._authorized_keys, key, client_host, client_host)
        if self._candidate is None:
            self._refuse(key)
        return self._candidate is not None

    def _refuse(self, key: asyncssh.SSHKey) -> None:
        """Count a refused key; after MAX_AUTH_TRIES the connection ends, as sshd's does."""
        self._refused += 1
        if self._refused <= REFUSALS_LOGGED:
            log.info("refused key %s (user %r) from %s", key.get_fingerprint(), self._username, self._peer)
        elif self._refused == REFUSALS_LOGGED + 1:
            log.info("refused more keys from %s; not logging each", self._peer)
        if self._refused >= MAX_AUTH_TRIES:
            log.warning("%s tried %d keys: disconnected (too many authentication failures)", self._peer, self._refused)
            asyncio.get_running_loop().call_soon(
                self._conn.disconnect, asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE, "too many authentication failures"
            )

    def auth_completed(self) -> None:
        self.identity = self._candidate
        assert self.identity is not None
        log.info(
            "connected: %s (key %s, user %r) from %s",
            self.identity.name,
            self.identity.fingerprint,
            self._username,
            self._peer,
        )

    def session_requested(self) -> AppSession:
        assert self.identity is not None
        return AppSession(self._sessions, self.identity, self._peer)

    # Forwarding: none -----------------------------------------------------------------------

    def connection_requested(self, dest_host: str, dest_port: int, orig_host: str, orig_port: int) -> NoReturn:
        self._refuse_channel("TCP forwarding")

    def unix_connection_requested(self, dest_path: str) -> NoReturn:
        self._refuse_channel("socket forwarding")

    def tun_requested(self, unit: int | None) -> NoReturn:
        self._refuse_channel("tunnel forwarding")

    def tap_requested(self, unit: int | None) -> NoReturn:
        self._refuse_channel("tunnel forwarding")

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        log.info("refused remote forwarding for %s (%s)", self._name(), self._peer)
        return False

    def unix_server_requested(self, listen_path: str) -> bool:
        log.info("refused remote socket forwarding for %s (%s)", self._name(), self._peer)
        return False

    def _refuse_channel(self, what: str) -> NoReturn:
        log.info("refused %s for %s (%s)", what, self._name(), self._peer)
        raise asyncssh.ChannelOpenError(asyncssh.OPEN_ADMINISTRATIVELY_PROHIBITED, FORWARDING_REFUSED)

    def _name(self) -> str:
        return self.identity.name if self.identity else "?"


async def serve(config: ServeConfig) -> None:
    """Serve until SIGINT, SIGTERM or SIGHUP, then end every session cleanly (port 0: any free
    port, named in the log)."""
    key, created = load_or_create_host_key(config.host_key)
    log.info("%s host key %s (%s)", "generated" if created else "using", config.host_key, key.get_fingerprint())
    env = app_env(config.db_url)
    pool = WarmPool(env, config.warm) if config.warm else None
    sessions = Sessions(
        argv=(sys.executable, "-m", "tui"),
        env=env,
        limits=SessionLimits(config.max_sessions, config.max_sessions_per_key),
        pool=pool,
    )
    connections: set[asyncssh.SSHServerConnection] = set()
    try:
        acceptor = await asyncssh.create_server(
            lambda: Gate(config.authorized_keys, sessions, connections),
            config.host,
            config.port,
            server_host_keys=[key],
            encoding=None,
            line_editor=False,
            password_auth=False,
            kbdint_auth=False,
            agent_forwarding=False,
            x11_forwarding=False,
            login_timeout=config.login_timeout,
            keepalive_interval=config.keepalive,
            keepalive_count_max=KEEPALIVE_COUNT_MAX,
        )
    except OSError as exc:
        raise ListenError(f"cannot listen on {config.host} port {config.port}: {exc.strerror or exc}") from exc
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, stop.set)
    if pool is not None:
        pool.fill()
    port = acceptor.get_port()
    log.info("listening on %s port %d; authorized keys: %s", config.host, port, config.authorized_keys)
    if not config.authorized_keys.exists():
        log.warning("%s does not exist yet: no one can log in until it lists a key", config.authorized_keys)
    try:
        await stop.wait()
    finally:
        for signum in STOP_SIGNALS:
            loop.remove_signal_handler(signum)
        log.info("stopping: ending %d sessions", len(sessions.running))
        acceptor.close()
        await sessions.stop_all()
        if pool is not None:
            await pool.stop()
        await _close_all(connections)
        await acceptor.wait_closed()
        log.info("stopped")


async def _close_all(connections: set[asyncssh.SSHServerConnection]) -> None:
    """Close every connection, waiting a bounded time for them to go."""
    closing = list(connections)
    for conn in closing:
        conn.close()
    if closing:
        await asyncio.wait([asyncio.ensure_future(conn.wait_closed()) for conn in closing], timeout=CLOSE_SECONDS)

"""One SSH session: the app in its own process on its own PTY, bridged to the channel.

A session without a terminal, a command (exec) or a subsystem (sftp, scp) is answered with one
line on stderr and exit status 1; so is a session over the limits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import asyncssh

from tui.core.text import visible
from tui.ssh import SSH_USER_ENV
from tui.ssh.auth import Identity
from tui.ssh.limits import SessionLimits
from tui.ssh.pty_process import PtyProcess, Size
from tui.ssh.warm_pool import WarmPool

CLIENT_VARIABLES = ("COLORTERM", "NO_COLOR")  # the only variables a client may set for the app
DEFAULT_TERM = "xterm-256color"
CLOSE_SECONDS = 5.0  # how long a stopping session waits for its client to take the last output
_SAFE_VALUE = re.compile(r"[A-Za-z0-9._+-]{0,64}")
# What the app turns off when it exits normally: used when it could not (crash, server stop).
TERMINAL_RESET = (
    b"\x1b[<u\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l\x1b[?1016l\x1b[?1004l\x1b[?2004l\x1b[?2048l"
    b"\x1b[?7h\x1b[0m\x1b[?1049l\x1b[?25h"
)

NO_TERMINAL = "the app needs a terminal; connect without -T and without a command"
NO_COMMANDS = "this server only opens the app; it runs no commands"
NO_SUBSYSTEMS = "this server only opens the app; it offers no {name} (no file transfer)"
STOPPING = "the server is stopping; your session has ended"
APP_FAILED = "the app ended unexpectedly (exit status {status})"

log = logging.getLogger("switchboard.ssh")


def child_env(
    base: Mapping[str, str], term_type: str, client_env: Mapping[str, str], identity: Identity
) -> dict[str, str]:
    """The app's whole environment: the server's chosen variables, TERM from the pty request,
    the whitelisted client variables (if they are plain words) and who is connected."""
    env = dict(base)
    env.update(
        (name, value) for name, value in client_env.items() if name in CLIENT_VARIABLES and _SAFE_VALUE.fullmatch(value)
    )
    env["TERM"] = term_type if term_type and _SAFE_VALUE.fullmatch(term_type) else DEFAULT_TERM
    env[SSH_USER_ENV] = identity.name
    return env


def _exit_status(returncode: int) -> int:
    """An SSH exit status (0-255) for a process return code (negative: killed by a signal)."""
    return returncode if returncode >= 0 else 128 - returncode


@dataclass
class Sessions:
    """What all sessions share: how to start the app, the limits, and the running sessions."""

    argv: tuple[str, ...]
    env: Mapping[str, str]
    limits: SessionLimits
    pool: WarmPool | None = None  # app processes already started (`--warm N`)
    running: set[AppSession] = field(default_factory=set)

    async def stop_all(self) -> None:
        """End every session: its app, then its channel with a one-line reason."""
        await asyncio.gather(*(session.stop() for session in list(self.running)))


class AppSession(asyncssh.SSHServerSession[bytes]):
    """A terminal session that runs the app; everything else is refused with one line."""

    def __init__(self, sessions: Sessions, identity: Identity, peer: str) -> None:
        self._sessions = sessions
        self._identity = identity
        self._peer = peer
        self._chan: asyncssh.SSHServerChannel[bytes] | None = None
        self._term_type: str | None = None
        self._size = Size(80, 24)
        self._refusal: str | None = None
        self._app: PtyProcess | None = None
        self._run_task: asyncio.Task[None] | None = None
        self._hangup_task: asyncio.Task[int] | None = None
        self._holds_place = False
        self._closed = False
        self._stopping = False

    # Requests -------------------------------------------------------------------------------

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self._chan = chan

    def pty_requested(
        self, term_type: str, term_size: tuple[int, int, int, int], term_modes: Mapping[int, int]
    ) -> bool:
        self._term_type = term_type
        self.terminal_size_changed(*term_size)
        return True

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        if width and height:  # 0x0: the client does not know (ssh -tt from a pipe); keep 80x24
            self._size = Size.clamped(width, height, pixwidth, pixheight)
        if self._app is not None:
            self._app.resize(self._size)

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        self._refusal = NO_COMMANDS
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        self._refusal = NO_SUBSYSTEMS.format(name=visible(subsystem)[:32])
        return True

    def session_started(self) -> None:
        reason = self._refusal or (NO_TERMINAL if self._term_type is None else None)
        if reason is None:
            reason = self._sessions.limits.acquire(self._identity.fingerprint)
            self._holds_place = reason is None
        if reason is not None:
            log.info("refused a session of %s (%s): %s", self._identity.name, self._peer, reason)
            self._end(1, reason)
            return
        assert self._chan is not None
        self._chan.pause_reading()  # keys wait in the channel until the app is there
        self._sessions.running.add(self)
        self._run_task = asyncio.get_running_loop().create_task(self._run())

    # Data -----------------------------------------------------------------------------------

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        if self._app is not None:
            self._app.write(data)

    def eof_received(self) -> bool:
        return True  # a terminal session ends when the app does, not when input ends

    def pause_writing(self) -> None:
        if self._app is not None:
            self._app.pause_output()

    def resume_writing(self) -> None:
        if self._app is not None:
            self._app.resume_output()

    def _output(self, data: bytes) -> None:
        if not self._closed and self._chan is not None:
            self._chan.write(data)

    def _input_full(self, full: bool) -> None:
        if not self._closed and self._chan is not None:
            (self._chan.pause_reading if full else self._chan.resume_reading)()

    # Running and ending ---------------------------------------------------------------------

    async def _run(self) -> None:
        """Run the session; whatever fails in it ends this session only, and gives back its place."""
        try:
            await self._serve()
        except Exception:
            log.exception("the session of %s (%s) failed", self._identity.name, self._peer)
            self._finish()
            self._hangup()
            self._end(1, "the session failed on the server (its log says why)", reset=self._app is not None)

    async def _serve(self) -> None:
        assert self._chan is not None
        env = child_env(self._sessions.env, self._term_type or "", self._chan.get_environment(), self._identity)
        started = time.monotonic()
        pool = self._sessions.pool
        try:
            self._app = pool.take(env, self._size, self._output, self._input_full) if pool is not None else None
            warm = self._app is not None
            if self._app is None:
                self._app = await PtyProcess.start(self._sessions.argv, env, self._size, self._output, self._input_full)
        except OSError as exc:
            log.error("the app could not start for %s: %s", self._identity.name, exc)
            self._finish()
            self._end(1, f"the app could not start ({exc})")
            return
        log.info(
            "session of %s (%s): app pid %d, %dx%d, TERM=%s, %s",
            self._identity.name,
            self._peer,
            self._app.pid,
            self._size.columns,
            self._size.rows,
            env["TERM"],
            "warm" if warm else "started now",
        )
        if self._closed or self._stopping:
            self._hangup()
        else:
            self._chan.resume_reading()
        returncode = await self._app.finish()
        if self._hangup_task is not None:
            await self._hangup_task
        self._finish()
        log.info(
            "session of %s (%s) ended after %.1f s: app exit status %d",
            self._identity.name,
            self._peer,
            time.monotonic() - started,
            returncode,
        )
        status = _exit_status(returncode)
        if self._stopping:
            self._end(1, STOPPING, reset=True)
        elif status:
            self._end(status, APP_FAILED.format(status=status), reset=True)
        else:
            self._end(0)

    def _end(self, status: int, reason: str = "", *, reset: bool = False) -> None:
        """Close the channel with `status`, after restoring the client's terminal and/or
        saying `reason` in one line on stderr."""
        if self._closed or self._chan is None:
            return
        if reset:
            self._chan.write(TERMINAL_RESET)
        if reason:
            newline = "\n" if self._term_type is None else "\r\n"  # the client's terminal is raw with a pty
            self._chan.write_stderr(f"switchboard: {reason}{newline}".encode())
        self._chan.exit(status)

    def _finish(self) -> None:
        """Give back the session's place and leave the running set (once)."""
        if self._holds_place:
            self._sessions.limits.release(self._identity.fingerprint)
            self._holds_place = False
        self._sessions.running.discard(self)

    def _hangup(self) -> None:
        if self._app is not None and self._hangup_task is None:
            self._hangup_task = asyncio.get_running_loop().create_task(self._app.hangup())

    def connection_lost(self, exc: Exception | None) -> None:
        """The channel is gone (the client left or was cut off): hang up the app."""
        self._closed = True
        self._hangup()

    async def stop(self) -> None:
        """End the app as a hangup does, tell the client why, and wait (a bounded time) until
        the client has it: closing the connection earlier would drop what is still unsent."""
        self._stopping = True
        self._hangup()
        if self._run_task is not None:
            await self._run_task
        if self._chan is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._chan.wait_closed(), CLOSE_SECONDS)

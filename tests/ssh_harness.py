"""The SSH tests' and benchmark's tools (no tests here): keys, a database, `switchboard serve ssh`
as a real process, and client screens read through pyte.

Every wait polls up to a generous deadline, so a loaded machine makes a test slower, not red.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import asyncssh
import pyte

from tui.core import workspaces
from tui.core.db import open_database

WAIT = 60.0  # seconds: an upper bound, never a pause
QUIT = b"\x11"  # ctrl+q, the app's quit key
TOGGLE_SIDEBAR = b"\x02"  # ctrl+b: a key that redraws the main screen
PEOPLE = ("alice", "bob", "carol", "mallory")  # mallory's key is not authorized


def wait_until(check: Callable[[], object], what: str, timeout: float = WAIT) -> object:
    """Poll `check` until it returns something true; fail naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)
    return result


async def async_wait_until(check: Callable[[], object], what: str, timeout: float = WAIT) -> object:
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(0.02)
    return result


def process_gone(pid: int) -> bool:
    """True once `pid` no longer exists: ended and reaped (a zombie still counts as there)."""
    return not Path(f"/proc/{pid}").exists()


# Keys and data ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Keys:
    """A private key per person (comment: `<name>@example`) and an authorized_keys file."""

    folder: Path

    def private(self, name: str) -> Path:
        return self.folder / name

    def public_line(self, name: str) -> str:
        return (self.folder / f"{name}.pub").read_text().strip()

    @property
    def authorized(self) -> Path:
        return self.folder / "authorized_keys"

    def authorize(self, *names: str) -> None:
        self.authorized.write_text("".join(self.public_line(name) + "\n" for name in names))


def make_keys(folder: Path) -> Keys:
    """ed25519 keys for PEOPLE; all but mallory authorized."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in PEOPLE:
        key = asyncssh.generate_private_key("ssh-ed25519", comment=f"{name}@example")
        key.write_private_key(folder / name)
        os.chmod(folder / name, 0o600)
        key.write_public_key(folder / f"{name}.pub")
    keys = Keys(folder)
    keys.authorize("alice", "bob", "carol")
    return keys


def seeded_database(path: Path) -> str:
    """A database file with one workspace, so the app opens on its main screen."""
    db = open_database(str(path))
    workspaces.create_workspace(db, "Acme", "email")
    db.dispose()
    return str(path)


def isolated_env(home: Path) -> dict[str, str]:
    """This environment with config and data dirs of its own (settings, default host key)."""
    env = dict(os.environ)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        env[name] = str(home / name.lower())
    env.pop("SWITCHBOARD_DB", None)
    return env


# The server ------------------------------------------------------------------------------------


class ServerProcess:
    """`switchboard serve ssh` as a child process, on a free loopback port, its log collected."""

    def __init__(self, db: str, keys: Keys, home: Path, *options: str) -> None:
        self.keys = keys
        self.host_key = keys.folder / "host_key"
        argv = [sys.executable, "-m", "tui", "--db", db, "serve", "ssh", "--port", "0"]
        argv += ["--host-key", str(self.host_key), "--authorized-keys", str(keys.authorized), *options]
        self.process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=isolated_env(home),
        )
        self.lines: list[str] = []
        threading.Thread(target=self._collect, daemon=True).start()
        found = self.wait_for_log(r"listening on \S+ port (\d+)")
        self.port = int(found.group(1))

    def _collect(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    def wait_for_log(self, pattern: str, timeout: float = WAIT) -> re.Match[str]:
        """The first log line matching `pattern` (waiting for it)."""

        def found() -> re.Match[str] | None:
            if self.process.poll() is not None and not any(re.search(pattern, line) for line in self.lines):
                raise AssertionError(f"the server exited ({self.process.returncode}):\n{self.log}")
            return next((m for line in list(self.lines) if (m := re.search(pattern, line))), None)

        return wait_until(found, f"log line {pattern!r}; log so far:\n{self.log}", timeout)  # type: ignore[return-value]

    def app_pid(self, client_port: int) -> int:
        """The pid of the app of the session whose client uses local port `client_port`."""
        return int(self.wait_for_log(rf"127\.0\.0\.1:{client_port}\): app pid (\d+)").group(1))

    def stop(self, timeout: float = WAIT) -> int:
        """SIGTERM, as a service manager stops it; returns the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise


@contextmanager
def running_server(db: str, keys: Keys, home: Path, *options: str) -> Iterator[ServerProcess]:
    server = ServerProcess(db, keys, home, *options)
    try:
        yield server
    finally:
        server.stop()


# Clients ---------------------------------------------------------------------------------------


class Screen:
    """What a client's terminal shows: the bytes it received, interpreted by pyte."""

    def __init__(self, columns: int, rows: int) -> None:
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.received = bytearray()
        self.updates = 0
        self._fed = asyncio.Event()

    def feed(self, data: bytes) -> None:
        self.received += data
        self.stream.feed(data)
        self.updates += 1
        self._fed.set()

    async def wait_for(self, check: Callable[[Screen], object], what: str, timeout: float = WAIT) -> None:
        """Wait until `check(self)` holds, looking again as soon as output arrives."""
        deadline = time.monotonic() + timeout
        while not check(self):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}; the screen:\n{self.text}")
            self._fed.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self._fed.wait(), min(remaining, 0.5))

    def resize(self, columns: int, rows: int) -> None:
        self.screen.resize(rows, columns)

    @property
    def rows(self) -> list[str]:
        return list(self.screen.display)

    @property
    def text(self) -> str:
        return "\n".join(self.rows)

    def shows_app(self) -> bool:
        """The app is drawn at this screen's size: its footer (with the quit key) on the last
        row, and something drawn in the last column."""
        rows = self.rows
        return "Quit" in rows[-1] and any(row[-1] != " " for row in rows)

    def restored(self) -> bool:
        """The app's last output left the alternate screen and showed the cursor again."""
        tail = bytes(self.received[self.received.rfind(b"\x1b[?1049h") :])
        return b"\x1b[?1049l" in tail and b"\x1b[?25h" in tail


def connect(port: int, keys: Keys | None, name: str = "alice", **options: object) -> asyncssh.SSHClientConnection:
    """A connection coroutine as a client with `name`'s key (no agent, no config, no host check)."""
    client_keys = [str(keys.private(name))] if keys else None
    return asyncssh.connect(  # type: ignore[return-value]
        "127.0.0.1", port, username=name, client_keys=client_keys, known_hosts=None,
        agent_path=None, config=None, **options,
    )  # fmt: skip


class AppClient:
    """An asyncssh client session with a terminal, its screen read through pyte."""

    def __init__(
        self, conn: asyncssh.SSHClientConnection, process: asyncssh.SSHClientProcess[bytes], screen: Screen
    ) -> None:
        self.conn = conn
        self.process = process
        self.screen = screen
        self.stderr = bytearray()
        self.local_port: int = conn.get_extra_info("sockname")[1]  # names the session in the server log
        self._readers = [
            asyncio.ensure_future(self._read(process.stdout, screen.feed)),
            asyncio.ensure_future(self._read(process.stderr, self.stderr.extend)),
        ]

    @classmethod
    async def open(
        cls, port: int, keys: Keys, name: str = "alice", size: tuple[int, int] = (80, 24), **env: str
    ) -> AppClient:
        conn = await connect(port, keys, name)
        process = await conn.create_process(term_type="xterm-256color", term_size=size, encoding=None, env=env or None)
        return cls(conn, process, Screen(*size))

    @staticmethod
    async def _read(stream: asyncssh.SSHReader[bytes], sink: Callable[[bytes], object]) -> None:
        while data := await stream.read(65536):
            sink(data)

    async def wait_for(self, check: Callable[[Screen], object], what: str, timeout: float = WAIT) -> None:
        await self.screen.wait_for(check, what, timeout)

    async def settle(self, quiet: float = 0.5, timeout: float = WAIT) -> None:
        """Wait until the screen has had no update for `quiet` seconds (the app is idle)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen = self.screen.updates
            await asyncio.sleep(quiet)
            if self.screen.updates == seen:
                return
        raise AssertionError(f"the screen never settled:\n{self.screen.text}")

    def press(self, keys: bytes) -> None:
        self.process.stdin.write(keys)

    def resize(self, columns: int, rows: int) -> None:
        self.screen.resize(columns, rows)
        self.process.change_terminal_size(columns, rows)

    async def wait_closed(self, timeout: float = WAIT) -> int | None:
        """The session's exit status, once the server has closed it and all output is read."""
        await asyncio.wait_for(self.process.wait_closed(), timeout)
        await asyncio.wait_for(asyncio.gather(*self._readers), timeout)
        return self.process.exit_status

    def close(self) -> None:
        for reader in self._readers:
            reader.cancel()
        self.conn.close()


async def redraw_seconds(client: AppClient, key: bytes = TOGGLE_SIDEBAR, timeout: float = WAIT) -> float:
    """Seconds from sending `key` (to an idle app) until the screen shows something else."""
    await client.settle()
    before = client.screen.text
    start = time.perf_counter()
    client.press(key)
    await client.wait_for(lambda screen: screen.text != before, "a redraw after a key", timeout)
    return time.perf_counter() - start


def client_script(port: int, key: Path) -> Sequence[str]:
    """argv of a separate client process that opens an app session and prints `ready` once
    output arrives (to be killed or frozen by a test)."""
    code = f"""
import asyncio, asyncssh
async def main():
    conn = await asyncssh.connect("127.0.0.1", {port}, username="alice", client_keys=[{str(key)!r}],
                                  known_hosts=None, agent_path=None, config=None)
    process = await conn.create_process(term_type="xterm-256color", term_size=(80, 24), encoding=None)
    await process.stdout.read(1)
    print("ready", conn.get_extra_info("sockname")[1], flush=True)
    await process.wait_closed()
asyncio.run(main())
"""
    return [sys.executable, "-c", code]

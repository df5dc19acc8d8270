"""Serving the app over SSH versus running it locally, printed as ratios.

1. Connect to first frame: from `asyncssh.connect()` until the app's first whole frame shows
   on the client's screen, versus a local cold start of `python -m tui` on a PTY until the same
   frame, alternated in the same run (target: at most 1.3x).
2. Keystroke to redraw: 20 concurrent sessions press a key at once (ctrl+b, which redraws the
   main screen); the median and worst time until the last byte of each redraw arrives (output
   then quiet for 0.5 s), versus one session alone.

Run: .venv/bin/python tests/benchmarks/bench_ssh.py [--rounds N] [--sessions N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import asyncssh
from common import ROOT, Comparison, print_comparison, print_machine

sys.path.insert(0, str(ROOT / "tests"))

from ssh_harness import (
    QUIT,
    TOGGLE_SIDEBAR,
    AppClient,
    Keys,
    Screen,
    connect,
    isolated_env,
    make_keys,
    running_server,
    seeded_database,
)

from tui.core.db import resolve_target
from tui.ssh.pty_process import PtyProcess, Size
from tui.ssh.server import app_env

SIZE = Size(80, 24)
FIRST_FRAME_TARGET = 1.3
QUIET = 0.5  # seconds without output that end an answer


async def local_first_frame(db: str) -> float:
    """Seconds from starting the app on a local PTY to its first whole frame."""
    screen = Screen(SIZE.columns, SIZE.rows)
    env = {**app_env(resolve_target(db)), "TERM": "xterm-256color"}
    start = time.perf_counter()
    app = await PtyProcess.start((sys.executable, "-m", "tui"), env, SIZE, screen.feed)
    await screen.wait_for(Screen.shows_app, "the local app")
    elapsed = time.perf_counter() - start
    app.write(QUIT)
    await app.finish()
    return elapsed


async def ssh_first_frame(port: int, keys: Keys) -> float:
    """Seconds from connecting over SSH to the app's first whole frame."""
    start = time.perf_counter()
    client = await AppClient.open(port, keys, size=(SIZE.columns, SIZE.rows))
    await client.wait_for(Screen.shows_app, "the app over SSH")
    elapsed = time.perf_counter() - start
    client.press(QUIT)
    await client.wait_closed()
    client.close()
    return elapsed


class Typist:
    """A session that, once the app is up, only timestamps the output it receives: with 20
    sessions at once, a terminal emulator in this process would cost more CPU than the server
    being measured."""

    def __init__(self, conn: asyncssh.SSHClientConnection, process: asyncssh.SSHClientProcess[bytes]) -> None:
        self.conn = conn
        self.process = process
        self.output = bytearray()
        self.arrivals: list[float] = []
        self.screen: Screen | None = Screen(SIZE.columns, SIZE.rows)
        self._reader = asyncio.ensure_future(self._read())

    @classmethod
    async def open(cls, port: int, keys: Keys, name: str) -> Typist:
        """A session whose app is up (its whole first frame shown)."""
        conn = await connect(port, keys, name)
        process = await conn.create_process(
            term_type="xterm-256color", term_size=(SIZE.columns, SIZE.rows), encoding=None
        )
        typist = cls(conn, process)
        assert typist.screen is not None
        await typist.screen.wait_for(Screen.shows_app, "the app")
        typist.screen = None
        return typist

    async def _read(self) -> None:
        while data := await self.process.stdout.read(65536):
            self.arrivals.append(time.perf_counter())
            self.output += data
            if self.screen is not None:
                self.screen.feed(data)

    async def quiet(self, after: int = 0) -> float:
        """Wait until more than `after` chunks arrived and then none for QUIET seconds;
        returns when the last one arrived."""
        while len(self.arrivals) <= after or time.perf_counter() - self.arrivals[-1] < QUIET:
            await asyncio.sleep(0.01)
        return self.arrivals[-1]

    async def redraw_seconds(self) -> float:
        """From pressing the key (the app idle) until the last byte of the answer arrived."""
        await self.quiet()
        seen = len(self.arrivals)
        start = time.perf_counter()
        self.process.stdin.write(TOGGLE_SIDEBAR)
        return await self.quiet(after=seen) - start

    def check(self) -> None:
        """Void the figures unless the session really showed the app."""
        screen = Screen(SIZE.columns, SIZE.rows)
        screen.feed(bytes(self.output))
        if not screen.shows_app():
            raise SystemExit(f"a session did not show the app, the figures are void; its screen:\n{screen.text}")

    def close(self) -> None:
        self._reader.cancel()
        self.conn.close()


async def keystroke_times(port: int, keys: Keys, sessions: int, rounds: int) -> list[float]:
    """`sessions` sessions at once press the key together, `rounds` times: every redraw time."""
    names = ("alice", "bob", "carol")
    typists = await asyncio.gather(*(Typist.open(port, keys, names[n % len(names)]) for n in range(sessions)))
    try:
        times: list[float] = []
        for _ in range(rounds):
            times += await asyncio.gather(*(typist.redraw_seconds() for typist in typists))
        for typist in typists:
            typist.check()
        return times
    finally:
        for typist in typists:
            typist.close()


async def measure(port: int, db: str, keys: Keys, rounds: int, sessions: int) -> None:
    print(f"\n1. connect to first frame, {SIZE.columns}x{SIZE.rows}, {rounds} rounds (after one warm-up each)")
    await local_first_frame(db)
    await ssh_first_frame(port, keys)
    local: list[float] = []
    remote: list[float] = []
    for _ in range(rounds):
        local.append(await local_first_frame(db))
        remote.append(await ssh_first_frame(port, keys))
    print_comparison(
        Comparison("first frame", local, remote),
        baseline_label="local cold start",
        measured_label="over SSH",
        target=FIRST_FRAME_TARGET,
    )

    print(f"\n2. keystroke to redraw: {sessions} concurrent sessions vs one, {rounds} rounds")
    single = await keystroke_times(port, keys, 1, rounds)
    concurrent = await keystroke_times(port, keys, sessions, rounds)
    base = statistics.median(single)
    print(f"  one session       median {base * 1000:7.1f} ms   worst {max(single) * 1000:7.1f} ms")
    print(
        f"  {sessions} sessions       median {statistics.median(concurrent) * 1000:7.1f} ms"
        f"   worst {max(concurrent) * 1000:7.1f} ms   ({len(concurrent)} keystrokes)"
    )
    print(
        f"  ratio median {statistics.median(concurrent) / base:.2f}x, worst {max(concurrent) / base:.2f}x (vs one session's median)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sessions", type=int, default=20)
    args = parser.parse_args()
    print_machine()
    print(f"load average: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        os.environ.update({key: value for key, value in isolated_env(home).items() if key.startswith("XDG_")})
        db = seeded_database(home / "bench.db")
        keys = make_keys(home / "keys")
        limit = str(args.sessions + 1)
        with running_server(db, keys, home, "--max-sessions", limit, "--max-sessions-per-key", limit) as server:
            asyncio.run(measure(server.port, db, keys, args.rounds, args.sessions))


if __name__ == "__main__":
    main()

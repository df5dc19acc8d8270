"""Serving the app over SSH versus starting apps locally, printed as ratios.

1. Connect to first frame: from `asyncssh.connect()` until the app's main screen shows on the
   client's screen with the workspace listed in the sidebar, for one session and for 10
   sessions opening at once, with servers of `--warm 0`, `--warm 2` (the default) and
   `--warm 10`; against a local cold start of a one-Label Textual app on a PTY (target: at most
   1.0x), with a local cold start of `python -m tui` printed for information. The sides take
   turns. Before each SSH round the pool is full and idle (its processes done importing); the
   pool's idle memory (the RSS of its waiting processes) is printed.
2. Keystroke to redraw: 20 concurrent sessions press a key at once (ctrl+b, which redraws the
   main screen); the median and worst time until the last byte of each redraw arrives (output
   then quiet for 0.5 s), versus one session alone.

Run: .venv/bin/python tests/benchmarks/bench_ssh.py [--rounds N] [--sessions N] [--at-once N] [--skip-keystrokes]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import asyncssh
from bench_startup import LABEL, MINIMAL_APP
from common import ROOT, Comparison, print_comparison, print_machine

sys.path.insert(0, str(ROOT / "tests"))

from ssh_harness import (
    QUIT,
    TOGGLE_SIDEBAR,
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
FIRST_FRAME_TARGET = 1.0
QUIET = 0.5  # seconds without output that end an answer
NAMES = ("alice", "bob", "carol")


def workspace_listed(screen: Screen) -> bool:
    """The main screen drawn whole with the seeded workspace in its sidebar."""
    return screen.shows_app() and "Acme" in screen.text


def label_shown(screen: Screen) -> bool:
    return LABEL in screen.text


async def local_first_frame(argv: tuple[str, ...], db: str, shown: Callable[[Screen], bool]) -> float:
    """Seconds from starting `argv` on a local PTY until its screen is `shown`."""
    screen = Screen(SIZE.columns, SIZE.rows)
    env = {**app_env(resolve_target(db)), "TERM": "xterm-256color"}
    start = time.perf_counter()
    app = await PtyProcess.start(argv, env, SIZE, screen.feed)
    await screen.wait_for(shown, " ".join(argv))
    elapsed = time.perf_counter() - start
    app.write(QUIT)
    await app.finish()
    return elapsed


async def ssh_first_frame(port: int, keys: Keys, name: str = "alice") -> float:
    """Seconds from connecting over SSH until the main screen shows with the workspace listed.

    The output is read through the terminal emulator only once the text the screen needs has
    arrived in the raw bytes: with 10 sessions at once, emulating every chunk of every session
    costs this process more CPU than the server being measured, and the sessions' times then
    measure this process."""
    start = time.perf_counter()
    async with connect(port, keys, name) as conn:
        process = await conn.create_process(
            term_type="xterm-256color", term_size=(SIZE.columns, SIZE.rows), encoding=None
        )
        received = bytearray()
        while True:
            data = await asyncio.wait_for(process.stdout.read(65536), 120)
            if not data:
                raise SystemExit(f"the session of {name} ended before its app showed")
            received += data
            if all(marker in received for marker in (b"Acme", b"Quit")):
                screen = Screen(SIZE.columns, SIZE.rows)
                screen.feed(bytes(received))
                if workspace_listed(screen):
                    break
        elapsed = time.perf_counter() - start
        process.stdin.write(QUIT)
        await asyncio.wait_for(process.wait_closed(), 120)
    return elapsed


# The pool as the operating system sees it ------------------------------------------------------


def _children(parent: int) -> list[int]:
    """The processes whose parent is `parent` and that run tui.warm_start, waiting or serving."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent and b"tui.warm_start" in cmdline:
            found.append(int(entry.name))
    return found


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def idle_pool(server_pid: int, size: int, timeout: float = 120) -> list[int]:
    """Wait until the server has exactly `size` warm processes (and no session's) and none of
    them used CPU for 0.3 s: done importing, waiting. Returns their pids."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pids = _children(server_pid)
        if len(pids) == size:
            try:
                before = [_cpu_ticks(pid) for pid in pids]
                await asyncio.sleep(0.3)
                if [_cpu_ticks(pid) for pid in pids] == before and sorted(_children(server_pid)) == sorted(pids):
                    return pids
            except OSError:
                pass
        else:
            await asyncio.sleep(0.05)
    raise SystemExit(f"the pool never settled at {size} idle processes")


async def first_frames(
    port: int, server_pid: int, warm: int, db: str, keys: Keys, rounds: int, at_once: int
) -> tuple[list[float], list[float], list[float], int]:
    """The rounds of part 1 against one server: local one-Label, one session, local one-Label,
    `at_once` sessions together. Returns (one-Label times, one-session times, at-once times, idle RSS in KiB)."""
    label: list[float] = []
    single: list[float] = []
    together: list[float] = []
    minimal = (sys.executable, "-c", MINIMAL_APP)
    await local_first_frame(minimal, db, label_shown)  # warm-ups
    await idle_pool(server_pid, warm)
    await ssh_first_frame(port, keys)
    rss = 0
    for run in range(1, rounds + 1):
        label.append(await local_first_frame(minimal, db, label_shown))
        pids = await idle_pool(server_pid, warm)
        rss = sum(_rss_kib(pid) for pid in pids)
        single.append(await ssh_first_frame(port, keys))
        label.append(await local_first_frame(minimal, db, label_shown))
        await idle_pool(server_pid, warm)
        times = await asyncio.gather(*(ssh_first_frame(port, keys, NAMES[n % len(NAMES)]) for n in range(at_once)))
        together += times
        print(
            f"  run {run}: one-Label local {label[-2]:.3f} s / {label[-1]:.3f} s; one session {single[-1]:.3f} s;"
            f" {at_once} at once median {statistics.median(times):.3f} s, slowest {max(times):.3f} s",
            flush=True,
        )
    return label, single, together, rss


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


async def keystrokes(port: int, keys: Keys, rounds: int, sessions: int) -> None:
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


async def local_switchboard(db: str, rounds: int) -> list[float]:
    """For information: `python -m tui` started locally, to the same screen."""
    await local_first_frame((sys.executable, "-m", "tui"), db, workspace_listed)
    return [await local_first_frame((sys.executable, "-m", "tui"), db, workspace_listed) for _ in range(rounds)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sessions", type=int, default=20, help="sessions of part 2")
    parser.add_argument("--at-once", type=int, default=10, help="sessions opening together in part 1")
    parser.add_argument("--warm", type=int, nargs="*", default=[0, 2, 10], help="pool sizes of part 1")
    parser.add_argument("--skip-keystrokes", action="store_true", help="run part 1 only")
    args = parser.parse_args()
    print_machine()
    print(f"load average: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        os.environ.update({key: value for key, value in isolated_env(home).items() if key.startswith("XDG_")})
        db = seeded_database(home / "bench.db")
        keys = make_keys(home / "keys")
        limit = str(max(args.sessions, args.at_once) + 1)
        limits = ("--max-sessions", limit, "--max-sessions-per-key", limit)
        print(
            f"\n1. connect to the main screen with the workspace listed, {SIZE.columns}x{SIZE.rows}, {args.rounds} rounds"
        )
        local = asyncio.run(local_switchboard(db, args.rounds))
        print(f"  local cold start of python -m tui (for information): median {statistics.median(local):.3f} s")
        for warm in args.warm:
            print(f"\n  serve ssh --warm {warm}", flush=True)
            with running_server(db, keys, home, *limits, "--warm", str(warm)) as server:
                label, single, together, rss = asyncio.run(
                    first_frames(server.port, server.process.pid, warm, db, keys, args.rounds, args.at_once)
                )
            print(f"  idle pool: {warm} processes, {rss / 1024:.1f} MiB resident in all")
            for what, times in (("one session", single), (f"{args.at_once} at once", together)):
                print_comparison(
                    Comparison(f"--warm {warm}, {what} vs local one-Label", label, times),
                    baseline_label="local one-Label cold start",
                    measured_label=f"over SSH, {what}",
                    target=FIRST_FRAME_TARGET,
                )
            print(
                f"  (vs local python -m tui: one session {statistics.median(single) / statistics.median(local):.2f}x)"
            )
        if not args.skip_keystrokes:
            with running_server(db, keys, home, *limits) as server:
                asyncio.run(keystrokes(server.port, keys, args.rounds, args.sessions))


if __name__ == "__main__":
    main()

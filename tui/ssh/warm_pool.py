"""The warm pool of `serve ssh --warm N`: app processes started ahead of their sessions.

Each waits on its own terminal, the app imported (tui/warm_start.py). A session takes the one
waiting longest, gives it the terminal size and sends it the session's environment; the pool starts
a replacement once sessions stop opening (REFILL_QUIET_SECONDS). A process serves one session and
is never reused. One that ends while waiting is replaced; one that waited MAX_AGE_SECONDS is
retired and replaced, so that code upgraded on disk is not served by old processes for long.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
import time
from collections import deque
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any

from tui.core.text import visible
from tui.ssh.pty_process import PtyProcess, Size

WARM_ARGV = (sys.executable, "-m", "tui.warm_start")
WAITING_SIZE = Size(80, 24)  # until a session gives its own
WAITING_TERM = "dumb"  # until a session gives its own; the app reads TERM only once it runs
MAX_AGE_SECONDS = 600.0
# Replacements for taken processes start once no session has opened for REFILL_QUIET_SECONDS (at
# most REFILL_MAX_DELAY_SECONDS after the first take): importing the app costs more CPU than the
# sessions' own start, and would otherwise compete with it while sessions are opening.
REFILL_QUIET_SECONDS = 1.0
REFILL_MAX_DELAY_SECONDS = 5.0
RESTART_DELAY_SECONDS = 1.0  # before replacing a process that ended on its own (a crash loop stays slow)
OUTPUT_KEPT = 2048  # bytes of a waiting process's output kept for the log (it writes none unless it fails)

log = logging.getLogger("switchboard.ssh")


@dataclass(eq=False)
class _Waiting:
    app: PtyProcess
    since: float
    output: bytearray  # the last OUTPUT_KEPT bytes it wrote
    watcher: asyncio.Task[None] | None = None

    def last_line(self) -> str:
        lines = self.output.decode("utf-8", "replace").strip().splitlines()
        return visible(lines[-1])[:200] if lines else ""


def _keep_tail(output: bytearray, data: bytes) -> None:
    output += data
    del output[:-OUTPUT_KEPT]


class WarmPool:
    """Up to `size` app processes waiting for a session."""

    def __init__(
        self, env: Mapping[str, str], size: int, argv: tuple[str, ...] = WARM_ARGV, max_age: float = MAX_AGE_SECONDS
    ) -> None:
        self._env = {**env, "TERM": WAITING_TERM}
        self._size = size
        self._argv = argv
        self._max_age = max_age
        self._waiting: deque[_Waiting] = deque()
        self._starting = 0
        self._tasks: set[asyncio.Task[object]] = set()
        self._stopped = False
        self._refill: asyncio.TimerHandle | None = None
        self._first_take = 0.0

    @property
    def pids(self) -> list[int]:
        """The processes waiting now, longest first."""
        return [entry.app.pid for entry in self._waiting]

    def fill(self) -> None:
        """Start processes until `size` are waiting or on their way."""
        while not self._stopped and len(self._waiting) + self._starting < self._size:
            self._starting += 1
            self._spawn(self._start_one())

    def take(
        self,
        env: Mapping[str, str],
        size: Size,
        on_output: Callable[[bytes], None],
        on_input_full: Callable[[bool], None],
    ) -> PtyProcess | None:
        """A waiting process, now the session's: sized, its output sent to `on_output`, and
        started with `env`. None when none is waiting (the session starts its own)."""
        taken = None
        while self._waiting and taken is None:
            entry = self._waiting.popleft()
            if entry.watcher is not None:
                entry.watcher.cancel()
            if entry.app.process.returncode is None:
                taken = entry.app
            else:  # ended just now, before its watcher saw it
                self._spawn(entry.app.finish())
        self._refill_later()
        if taken is None:
            return None
        taken.attach(on_output, on_input_full)
        taken.resize(size)
        taken.write(json.dumps({"env": dict(env)}).encode() + b"\n")
        return taken

    async def stop(self) -> None:
        """End every waiting process and every one on its way; returns once all are reaped."""
        self._stopped = True
        if self._refill is not None:
            self._refill.cancel()
        waiting, self._waiting = list(self._waiting), deque()
        for entry in waiting:
            if entry.watcher is not None:
                entry.watcher.cancel()
        await asyncio.gather(*(entry.app.hangup() for entry in waiting), *list(self._tasks))

    # Inside ---------------------------------------------------------------------------------

    def _refill_later(self) -> None:
        loop = asyncio.get_running_loop()
        if self._refill is None:
            self._first_take = loop.time()
        else:
            self._refill.cancel()
        when = min(loop.time() + REFILL_QUIET_SECONDS, self._first_take + REFILL_MAX_DELAY_SECONDS)
        self._refill = loop.call_at(when, self._refill_now)

    def _refill_now(self) -> None:
        self._refill = None
        self.fill()

    def _spawn(self, work: Coroutine[Any, Any, object]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _start_one(self, delay: float = 0.0) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
            if self._stopped:
                return
            output = bytearray()
            app = await PtyProcess.start(self._argv, self._env, WAITING_SIZE, lambda data: _keep_tail(output, data))
        except OSError as exc:
            log.error("a warm app process could not start: %s", exc)
            return
        finally:
            self._starting -= 1
        if self._stopped:
            await app.hangup()
            return
        entry = _Waiting(app, time.monotonic(), output)
        entry.watcher = asyncio.get_running_loop().create_task(self._watch(entry))
        self._waiting.append(entry)
        log.info("warm app pid %d waiting", entry.app.pid)

    async def _watch(self, entry: _Waiting) -> None:
        """Replace the process when it ends while waiting, or once it has waited too long.
        Cancelled when a session takes it."""
        status: int | None = None
        with contextlib.suppress(TimeoutError):
            status = await asyncio.wait_for(asyncio.shield(entry.app.process.wait()), self._max_age)
        self._waiting.remove(entry)
        if status is None:
            log.info("warm app pid %d waited %.0f s: replacing it", entry.app.pid, time.monotonic() - entry.since)
            self._spawn(entry.app.hangup())
            delay = 0.0
        else:
            said = entry.last_line()
            log.warning(
                "warm app pid %d ended while waiting (exit status %d)%s: replacing it",
                entry.app.pid,
                status,
                f": {said}" if said else "",
            )
            await entry.app.finish()
            delay = RESTART_DELAY_SECONDS
        if not self._stopped:
            self._starting += 1
            self._spawn(self._start_one(delay))

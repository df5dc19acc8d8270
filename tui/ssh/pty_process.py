"""A process on its own pseudo-terminal, driven from an asyncio loop.

The terminal is the child's controlling terminal (new session + TIOCSCTTY), so the kernel sends
it SIGWINCH when the size changes and SIGHUP when the master is closed. The window size and raw
input are set before the child starts. The parent keeps only the master; EIO from it means end of output.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import signal
import struct
import termios
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

READ_SIZE = 65536
INPUT_LIMIT = 256 * 1024  # bytes of keys waiting for the app before the sender is paused
DRAIN_SECONDS = 1.0  # after the app exits, how long its last output may take to arrive
HANGUP_SECONDS = 2.0  # after SIGHUP, how long before SIGTERM
TERM_SECONDS = 2.0  # after SIGTERM, how long before SIGKILL


MAX_CELLS = 1000  # columns or rows: far beyond any screen, and cheap for the app to draw
MAX_PIXELS = 65535  # struct winsize holds unsigned shorts


@dataclass(frozen=True)
class Size:
    """A terminal size in cells (and pixels, 0 when unknown)."""

    columns: int
    rows: int
    pixel_width: int = 0
    pixel_height: int = 0

    @classmethod
    def clamped(cls, columns: int, rows: int, pixel_width: int = 0, pixel_height: int = 0) -> Size:
        """A size a client asked for, within what a terminal can be (a client may ask 70000x70000)."""

        def bound(value: int, top: int) -> int:
            return max(0, min(int(value), top))

        return cls(
            max(1, bound(columns, MAX_CELLS)),
            max(1, bound(rows, MAX_CELLS)),
            bound(pixel_width, MAX_PIXELS),
            bound(pixel_height, MAX_PIXELS),
        )

    def packed(self) -> bytes:
        """As `struct winsize` for TIOCSWINSZ."""
        return struct.pack("HHHH", self.rows, self.columns, self.pixel_width, self.pixel_height)


def _raw_input(fd: int) -> None:
    """Keys pass untouched from the start (no echo, no line editing, no signals, no XON/XOFF:
    ctrl+q and ctrl+c typed before the app is up reach it); output is still processed."""
    mode = termios.tcgetattr(fd)
    mode[0] &= ~(termios.BRKINT | termios.ICRNL | termios.INPCK | termios.ISTRIP | termios.IXON)
    mode[3] &= ~(termios.ECHO | termios.ICANON | termios.IEXTEN | termios.ISIG)
    mode[6][termios.VMIN], mode[6][termios.VTIME] = 1, 0
    termios.tcsetattr(fd, termios.TCSANOW, mode)


def _take_terminal() -> None:
    """In the child, after setsid(): make stdin (the PTY slave) the controlling terminal."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class PtyProcess:
    """A child process whose stdin, stdout and stderr are one PTY; output goes to `on_output`."""

    def __init__(
        self,
        process: asyncio.subprocess.Process,
        master: int,
        on_output: Callable[[bytes], None],
        on_input_full: Callable[[bool], None],
    ) -> None:
        self.process = process
        self._master: int | None = master
        self._on_output = on_output
        self._on_input_full = on_input_full
        self._pending = bytearray()
        self._input_full = False
        self._reading = False
        self._eof = asyncio.Event()
        os.set_blocking(master, False)
        self.resume_output()

    @classmethod
    async def start(
        cls,
        argv: Sequence[str],
        env: Mapping[str, str],
        size: Size,
        on_output: Callable[[bytes], None],
        on_input_full: Callable[[bool], None] = lambda full: None,
    ) -> PtyProcess:
        """Start `argv` on a new PTY of `size`. `on_input_full(True)` asks the caller to stop
        sending keys (the app is not reading them), `on_input_full(False)` to go on."""
        master, slave = os.openpty()
        try:
            fcntl.ioctl(slave, termios.TIOCSWINSZ, size.packed())
            _raw_input(slave)
            process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=dict(env),
                start_new_session=True,
                preexec_fn=_take_terminal,
            )
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)  # or EOF never arrives
        return cls(process, master, on_output, on_input_full)

    @property
    def pid(self) -> int:
        return self.process.pid

    def attach(self, on_output: Callable[[bytes], None], on_input_full: Callable[[bool], None]) -> None:
        """Send the output and the input's state elsewhere from now on (a warm process taken by
        a session)."""
        self._on_output = on_output
        self._on_input_full = on_input_full

    # Data -----------------------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        """Send keys to the app; what it does not take at once waits, without blocking the loop."""
        if self._master is None:
            return
        idle = not self._pending
        self._pending += data
        if idle:
            self._flush()
        self._report_full()

    def _flush(self) -> None:
        if self._master is None:
            return
        try:
            written = os.write(self._master, self._pending)
        except BlockingIOError:
            written = 0
        except OSError:  # the app is gone; its keys do not matter any more
            written = len(self._pending)
        del self._pending[:written]
        loop = asyncio.get_running_loop()
        if self._pending:
            loop.add_writer(self._master, self._flush)
        else:
            loop.remove_writer(self._master)
        self._report_full()

    def _report_full(self) -> None:
        full = len(self._pending) >= INPUT_LIMIT
        if full != self._input_full:
            self._input_full = full
            self._on_input_full(full)

    def _read(self) -> None:
        assert self._master is not None
        try:
            data = os.read(self._master, READ_SIZE)
        except BlockingIOError:
            return
        except OSError:  # EIO: every copy of the slave is closed
            data = b""
        if data:
            self._on_output(data)
        else:
            self.pause_output()
            self._eof.set()

    def pause_output(self) -> None:
        """Stop reading the app's output (the client is not taking it); the app then blocks."""
        if self._reading and self._master is not None:
            asyncio.get_running_loop().remove_reader(self._master)
        self._reading = False

    def resume_output(self) -> None:
        if not self._reading and self._master is not None and not self._eof.is_set():
            asyncio.get_running_loop().add_reader(self._master, self._read)
            self._reading = True

    def resize(self, size: Size) -> None:
        """Apply a new window size; the kernel sends the app SIGWINCH."""
        if self._master is not None:
            fcntl.ioctl(self._master, termios.TIOCSWINSZ, size.packed())

    # Ending ---------------------------------------------------------------------------------

    async def finish(self) -> int:
        """Wait for the app to exit, let its last output arrive (for a bounded time), end what
        is left of its process group and close the terminal. Returns the exit status."""
        status = await self.process.wait()
        if self._master is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._eof.wait(), DRAIN_SECONDS)
        self._signal_group(signal.SIGKILL)
        self._close()
        return status

    async def hangup(self) -> int:
        """End the app as a terminal hangup would: close the master (SIGHUP), then SIGTERM,
        then SIGKILL to its process group. Always reaps. Returns the exit status."""
        self._close()
        for follow_up, grace in ((signal.SIGTERM, HANGUP_SECONDS), (signal.SIGKILL, TERM_SECONDS)):
            with contextlib.suppress(TimeoutError):
                return await asyncio.wait_for(asyncio.shield(self.process.wait()), grace)
            self._signal_group(follow_up)
        return await self.process.wait()

    def _signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signum)  # the child leads its own session and group

    def _close(self) -> None:
        if self._master is None:
            return
        self.pause_output()
        loop = asyncio.get_running_loop()
        loop.remove_writer(self._master)
        os.close(self._master)
        self._master = None
        self._pending.clear()
        self._eof.set()  # nothing more will be read

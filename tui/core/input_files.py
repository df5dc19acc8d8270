"""Reading files that users name (P8 imports, `--attrs-json @FILE`): regular files only, and
never more than a bound, so a symlink to /dev/zero or a FIFO is a clear refusal, not gigabytes."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from tui.core.errors import InvalidInput


@contextmanager
def open_regular(path: Path, *, what: str = "") -> Iterator[IO[bytes]]:
    """`path` opened for reading bytes, if it is a regular file (symlinks followed).

    Refusals say "cannot read {what}PATH", e.g. what="attributes from "."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InvalidInput(f"cannot read {what}{str(path)!r}: {exc.strerror or exc}") from None
    with handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # what was opened, not the name again
            raise InvalidInput(
                f"cannot read {what}{str(path)!r}: it is not a regular file (a device, a pipe or a socket)"
            )
        yield handle


def read_text(path: Path, *, limit: int, what: str = "") -> str:
    """The UTF-8 text of a regular file of at most `limit` bytes (a BOM is dropped)."""
    with open_regular(path, what=what) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(f"cannot read {what}{str(path)!r}: it is over {limit:,} bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"cannot read {what}{str(path)!r}: it is not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None

"""What the app does with an exception that escapes every handler: the traceback (which, with
its local variables, can hold people's data) goes to a private log file, the terminal gets one
short line naming that file, and the process ends with a non-zero status."""

from __future__ import annotations

import os
import traceback
from datetime import UTC, datetime
from pathlib import Path


def log_dir() -> Path:
    from platformdirs import user_log_path

    return user_log_path("switchboard", appauthor=False)


def write_crash_log(error: BaseException) -> Path | None:
    """The path of a new log holding `error`'s traceback (None when none could be written)."""
    folder = log_dir()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = folder / f"crash-{stamp}-{os.getpid()}.log"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8", errors="backslashreplace") as handle:
            handle.write("".join(traceback.format_exception(error)))
    except OSError:
        return None
    return path


def crash_message(error: BaseException, log: Path | None) -> str:
    where = f"the details are in {log}" if log else "no log could be written"
    return f"switchboard stopped on an unexpected error ({type(error).__name__}); {where}"

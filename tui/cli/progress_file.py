"""`people import --progress-file`: what survives a crash, written so that it can destroy nothing.

The file gets a JSON line per committed batch and a last one with `done` when the import ends.
Without `done` (the process died) the last line names the last batch known committed; one more
may have committed just before the kill. Each write replaces the whole file atomically (a
temporary file beside it, flushed to disk, then renamed over it), so a reader never sees half a
line. A path that is the database, the input, or an existing file that is not a progress file
(its first line is not one of our records) is refused before the import starts.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from tui.core.errors import InvalidInput
from tui.core.people_import import ImportProgress, ImportReport

_KEYS = {"last_line", "created", "updated", "rejected"}


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def _is_progress_file(path: Path) -> bool:
    """Empty, or its first line is a record of ours."""
    try:
        with path.open("rb") as handle:
            first = handle.readline(4096)
    except OSError:
        return False
    if not first:
        return True
    try:
        record = json.loads(first)
    except ValueError:
        return False
    return isinstance(record, dict) and record.keys() >= _KEYS


class ProgressFile:
    """The progress file at `path` (None: no file), refused if writing it could destroy data."""

    def __init__(self, path: str | None, *, database: Path | None, source: Path) -> None:
        self._path = None if path is None else Path(path)
        self._lines: list[str] = []
        if self._path is None:
            return
        refusal = f"refusing --progress-file {path!r}"
        if _same_file(self._path, source):
            raise InvalidInput(f"{refusal}: it is the file being imported")
        if database is not None and _same_file(self._path, database):
            raise InvalidInput(f"{refusal}: it is the database")
        exists = self._path.exists() or self._path.is_symlink()
        if exists and not (self._path.is_file() and _is_progress_file(self._path)):
            raise InvalidInput(f"{refusal}: it exists and is not a progress file of an import; name a new file")
        if not self._path.parent.is_dir():
            raise InvalidInput(f"cannot write the progress file {path!r}: its folder does not exist")
        self._save()  # now: an unwritable place is refused before any row is imported

    def batch(self, step: ImportProgress) -> None:
        self._write(step.lines, step.created, step.updated, step.rejected)

    def end(self, report: ImportReport) -> None:
        self._write(
            report.last_line, report.created, report.updated, report.rejected, done=True, interrupted=report.interrupted
        )

    def _write(self, last_line: int, created: int, updated: int, rejected: int, **end: bool) -> None:
        if self._path is not None:
            record = {"last_line": last_line, "created": created, "updated": updated, "rejected": rejected}
            self._lines.append(json.dumps(record | end) + "\n")
            self._save()

    def _save(self) -> None:
        assert self._path is not None
        try:
            fd, temporary = tempfile.mkstemp(prefix=f".{self._path.name}.", dir=self._path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.writelines(self._lines)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temporary, self._path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise InvalidInput(f"cannot write the progress file {str(self._path)!r}: {exc.strerror or exc}") from None

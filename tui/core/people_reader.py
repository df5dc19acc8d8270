"""The second process that reads and validates a big file while the importing one commits.

Starting it (a new interpreter that imports the readers, and nothing of the database layer:
about 0.1 s) costs about what reading half a megabyte in-process would, so only files of
PARALLEL_MIN_BYTES or more are read by it.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from collections.abc import Generator
from pathlib import Path
from typing import IO

from tui.core.errors import InvalidInput, SwitchboardError
from tui.core.input_files import open_regular
from tui.core.people_rows import Batch, read_batches

# Files this big or bigger are read by a second process (when this interpreter can start one).
PARALLEL_MIN_BYTES = 1_000_000


class ImportStopped(SwitchboardError):
    """Reading the file failed part-way (its reading process died, or the file could not be read)."""


def batch_source(source: IO[bytes], path: Path, kind: str, identify_by: str, size: int) -> Generator[Batch, None, None]:
    """The file's batches: read by a second process if the file is big (and one can be started)."""
    if os.fstat(source.fileno()).st_size >= PARALLEL_MIN_BYTES and sys.executable:
        return _batches_read_elsewhere(path, kind, identify_by, size)
    return read_batches(source, kind, identify_by, size)


# What the reading process runs: `python -I -c _READER_MAIN SYS_PATH PATH KIND IDENTIFY_BY SIZE`.
# It imports the readers from the importing process's sys.path (a JSON list), and nothing else.
_READER_MAIN = (
    "import json, sys; sys.path[:] = json.loads(sys.argv[1]); "
    "from tui.core.people_reader import read_for_importer; read_for_importer(*sys.argv[2:])"
)


def _batches_read_elsewhere(path: Path, kind: str, identify_by: str, size: int) -> Generator[Batch, None, None]:
    """`read_batches` run by a second process, which reads ahead while this one commits.

    The batches come pickled through its stdout. It runs in a session of its own, so Ctrl-C
    at the terminal is this process's alone to handle; closing this generator ends it.
    """
    reader = subprocess.Popen(
        [sys.executable, "-I", "-c", _READER_MAIN, json.dumps(sys.path), str(path), kind, identify_by, str(size)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    assert reader.stdout is not None
    finished = False
    try:
        while isinstance(message := _receive(reader, path), Batch):
            yield message
        finished = True
    finally:
        reader.stdout.close()
        if not finished:  # stopped early (Ctrl-C, an error): it may still be reading
            reader.kill()
        reader.wait()
    if message is not None:
        raise message


def _receive(reader: subprocess.Popen[bytes], path: Path) -> Batch | SwitchboardError | None:
    """The reading process's next message: a batch, what stopped it, or None at the end."""
    assert reader.stdout is not None
    try:
        return pickle.load(reader.stdout)
    except (EOFError, pickle.UnpicklingError):  # it died, maybe part-way through a batch
        return ImportStopped(f"the process reading {str(path)!r} ended unexpectedly (exit status {reader.wait()})")


def read_for_importer(path: str, kind: str, identify_by: str, size: str) -> None:
    """The reading process: pickle each batch to stdout, then None, or what stopped the reading
    (a refusal of the file as it is, or a failure to read it)."""
    channel = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write into the channel

    def send(message: Batch | SwitchboardError | None) -> None:
        pickle.dump(message, channel, pickle.HIGHEST_PROTOCOL)
        channel.flush()

    try:
        with open_regular(Path(path)) as source:
            for batch in read_batches(source, kind, identify_by, int(size)):
                send(batch)
        send(None)
    except BrokenPipeError:
        pass  # the importing process stopped reading: it ended or was interrupted
    except InvalidInput as exc:
        send(exc)
    except Exception as exc:
        send(ImportStopped(f"reading {path!r} failed: {type(exc).__name__}: {exc}"))

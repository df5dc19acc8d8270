"""The app started ahead of its session, for the SSH server's warm pool: `python -m tui.warm_start`.

It imports what the app needs, then waits on its terminal for one line from the server: the
session's whole environment as JSON (`{"env": {...}}`: the server's chosen variables, TERM, the
client's allowed ones and who is connected). With that environment it runs exactly what
`python -m tui` runs. Until then it writes nothing and reads nothing else; a hangup before the
line comes (the server stopping, or retiring it) ends it.
"""

from __future__ import annotations

import json
import os
import sys

MAX_LINE_BYTES = 65_536  # the server's line is a few hundred bytes


def read_start_line(fd: int = 0) -> dict[str, str] | None:
    """The environment the server sends, or None if the terminal closed first. Read a byte at
    a time: the keys the person types after it are the app's, not this function's."""
    line = bytearray()
    while not line.endswith(b"\n"):
        if len(line) > MAX_LINE_BYTES:
            raise ValueError("the start line is too long")
        try:
            byte = os.read(fd, 1)
        except OSError:  # EIO: the terminal hung up
            return None
        if not byte:
            return None
        line += byte
    env = json.loads(line)["env"]
    if not isinstance(env, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in env.items()):
        raise ValueError("the start line's environment is not a map of text to text")
    return env


def wait_for_session() -> bool:
    """Wait for the start line and take its environment as the whole environment; False if
    the terminal hung up first."""
    env = read_start_line()
    if env is None:
        return False
    os.environ.clear()
    os.environ.update(env)
    return True


def main() -> None:
    # What `python -m tui` spends most of its start on, done before the session exists.
    import textual.drivers.linux_driver  # noqa: F401

    import tui.app
    import tui.cli
    import tui.core.migrate
    import tui.screens.main_panes  # noqa: F401 (what the app imports once its first frame is drawn)
    from tui.launch import main as run

    if wait_for_session():
        sys.argv[1:] = []
        run()


if __name__ == "__main__":
    main()

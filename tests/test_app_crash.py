"""An exception that escapes every handler: a non-zero exit, one short line, the details in a
private log file (Textual's own report prints the traceback with local variables, and exits 0
from `switchboard`)."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

from app_factory import make_app, pilot_test
from textual.css.query import NoMatches

from tui.core.db import Database

ROOT = Path(__file__).resolve().parents[1]
# Starts the real command with the app's mount failing as a defect would.
SCRIPT = """
import sys
from tui import app
def defect():
    secret = "ann@example.com"
    raise RuntimeError("a defect")
mount = app.SwitchboardApp.on_mount
def mounted(self):
    mount(self)
    self.call_after_refresh(defect)
app.SwitchboardApp.on_mount = mounted
from tui.cli import main
sys.argv = ["switchboard", "--db", sys.argv[1]]
main()
"""


def run_on_a_terminal(args: list[str], env: dict[str, str], timeout: float = 60) -> tuple[int, str]:
    """Run `args` with a pseudo-terminal as its stdin, stdout and stderr; (exit status, output)."""
    main, side = pty.openpty()
    process = subprocess.Popen(args, stdin=side, stdout=side, stderr=side, env=env, cwd=ROOT, close_fds=True)
    os.close(side)
    output = bytearray()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the terminal closed: the process ended
                break
            if not chunk:
                break
            output += chunk
        elif process.poll() is not None:
            break
    os.close(main)
    return process.wait(timeout=10), output.decode("utf-8", "replace")


def test_an_unexpected_error_exits_non_zero_with_a_short_line_and_a_private_log(tmp_path: Path) -> None:
    env = {**os.environ, "TERM": "xterm-256color", "XDG_STATE_HOME": str(tmp_path / "state")}
    env.pop("SWITCHBOARD_DEBUG", None)
    status, shown = run_on_a_terminal([sys.executable, "-c", SCRIPT, str(tmp_path / "s.db")], env)
    output = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]|\r\n", "", shown)  # the line as read, unwrapped
    assert status == 1
    assert "switchboard stopped on an unexpected error (RuntimeError); the details are in " in output
    assert "Traceback" not in output and "ann@example.com" not in output
    logs = list((tmp_path / "state").rglob("crash-*.log"))
    assert len(logs) == 1 and str(logs[0]) in output
    assert oct(logs[0].stat().st_mode & 0o777) == "0o600"
    assert "RuntimeError: a defect" in logs[0].read_text()


@pilot_test
async def test_an_update_that_finds_its_widgets_gone_while_quitting_keeps_the_quit_clean(db: Database) -> None:
    """Textual takes a widget's children down before the callbacks queued on it (a title, a
    pane's first page) have run: one of them finding nothing to update is not a crash once the
    person has quit (before quitting it is one, as above)."""
    async with make_app(db).run_test() as pilot:
        app = pilot.app
        app.exit()
        try:
            raise NoMatches("No nodes match 'HeaderTitle' on Header()")
        except NoMatches as gone:
            app._handle_exception(gone)
    assert app.return_code == 0

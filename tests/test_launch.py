"""`switchboard` / `python -m tui`: with no arguments the app opens without loading the CLI
first (start-up time, issue 14); with any, the CLI runs as before."""

from __future__ import annotations

import json
import subprocess
import sys

NO_ARGUMENTS = """
import json, sys
import tui.app
opened = []
tui.app.run_app = opened.append
sys.argv = ["switchboard"]
from tui.launch import main
main()
print(json.dumps({"source": opened, "click": "click" in sys.modules}))
"""


def test_no_arguments_opens_the_app_on_the_default_target_without_loading_click() -> None:
    result = subprocess.run([sys.executable, "-c", NO_ARGUMENTS], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == {"source": [None], "click": False}


def test_any_argument_goes_to_the_cli() -> None:
    result = subprocess.run([sys.executable, "-m", "tui", "--version"], capture_output=True, text=True)
    assert (result.returncode, result.stdout.strip()) == (0, "switchboard, version 0.1.0")
    result = subprocess.run([sys.executable, "-m", "tui", "--no-such-option"], capture_output=True, text=True)
    assert result.returncode == 2 and "No such option" in result.stderr

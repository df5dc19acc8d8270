"""Where `switchboard` and `python -m tui` start. With no arguments (how people open the app, and
how the SSH server starts a session's app) the app opens at once, without loading the CLI and
click first: start-up time (issue 14). Anything else is the CLI's (`tui.cli`)."""

from __future__ import annotations

import sys


def main() -> None:
    if len(sys.argv) == 1:
        from tui.app import run_app

        run_app(None)  # the database of $SWITCHBOARD_DB or the default file, as the CLI would
        return
    from tui.cli import main as cli

    cli()

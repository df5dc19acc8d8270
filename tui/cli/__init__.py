"""The `switchboard` command: thin over `tui.core` (parse, call, print).

Exit status: 0 done; 1 refused input or a domain error (`error: ...` on stderr, no traceback);
2 a wrong command line (click's usage errors).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from tui import __version__
from tui.cli.state import CliState, Refused
from tui.core.errors import refusal
from tui.core.text import visible

if TYPE_CHECKING:
    from tui.core.db import Database


class BadArgument(Refused):
    """A command line that cannot be taken as it is: `error: ...`, exit status 2."""

    exit_code = 2


def check_arguments(args: list[str]) -> None:
    """Every argument is text: a byte that is not UTF-8 (Python keeps it as a lone surrogate)
    is refused here, once, before any command sees it."""
    for position, arg in enumerate(args, 1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            raise BadArgument(f"argument {position} ('{shown}') is not valid UTF-8") from None


class SwitchboardGroup(click.Group):
    """Turns every domain or database error raised by a command into `Refused`; imports a
    subcommand's module only when that command is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *SUBCOMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in SUBCOMMANDS and cmd_name not in self.commands:
            self.add_command(SUBCOMMANDS[cmd_name](), cmd_name)
        return super().get_command(ctx, cmd_name)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        check_arguments(args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if (sentence := refusal(exc)) is not None:
                raise Refused(sentence) from exc
            if os.environ.get("SWITCHBOARD_DEBUG"):
                raise
            raise Refused(f"internal error ({type(exc).__name__}: {exc}); set SWITCHBOARD_DEBUG=1 for details") from exc


DEMO_FILE = "demo.db"


def fresh_demo_database() -> Database:
    """`demo.db` beside the default database, deleted (with its WAL files) and seeded anew."""
    from tui.core.db import default_db_path, open_database
    from tui.core.demo import seed_demo

    path = default_db_path().with_name(DEMO_FILE)
    for stale in (path, path.with_name(f"{DEMO_FILE}-wal"), path.with_name(f"{DEMO_FILE}-shm")):
        stale.unlink(missing_ok=True)
    click.echo(f"Seeding a fresh demo database: {visible(str(path))}", err=True)
    db = open_database(str(path))
    seed_demo(db)
    return db


@click.group(
    cls=SwitchboardGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.option(
    "--db",
    "target",
    metavar="TARGET",
    help="Database file path or SQLAlchemy URL (default: $SWITCHBOARD_DB or switchboard.db in the user data dir).",
)
@click.option(
    "--demo",
    is_flag=True,
    help=f"Open the app on a freshly seeded demo database ({DEMO_FILE} in the user data dir, recreated each time).",
)
@click.version_option(__version__, prog_name="switchboard")
@click.pass_context
def cli(ctx: click.Context, target: str | None, demo: bool) -> None:
    """Switchboard: run customer-messaging workspaces from the terminal.

    With no command, opens the app.
    """
    if demo and (target is not None or ctx.invoked_subcommand is not None):
        raise click.UsageError("--demo opens the app on its own database: give it neither --db nor a command")
    ctx.obj = CliState(target)
    if ctx.invoked_subcommand is None:
        from tui.app import run_app

        run_app(fresh_demo_database() if demo else ctx.obj.target)


def _campaigns() -> click.Command:
    from tui.cli import campaigns_cmd, send_cmd

    campaigns_cmd.campaigns.add_command(send_cmd.send)
    return campaigns_cmd.campaigns


def _workspaces() -> click.Command:
    from tui.cli import workspace_delivery_cmd, workspaces_cmd

    workspaces_cmd.workspaces.add_command(workspace_delivery_cmd.delivery)
    return workspaces_cmd.workspaces


def _command(module: str, name: str) -> Callable[[], click.Command]:
    def load() -> click.Command:
        command: click.Command = getattr(importlib.import_module(f"tui.cli.{module}"), name)
        return command

    return load


# Commands are imported when used: opening the app imports none of them (and none of the core
# modules they need), which keeps start-up short.
SUBCOMMANDS: dict[str, Callable[[], click.Command]] = {
    "workspaces": _workspaces,
    "people": _command("people_cmd", "people"),
    "campaigns": _campaigns,
    "actions": _command("actions_cmd", "actions"),
    "messages": _command("messages_cmd", "messages"),
    "billing": _command("billing_cmd", "billing"),
    "demo": _command("demo_cmd", "demo"),
    "serve": _command("serve_cmd", "serve"),
    "deliver": _command("deliver_cmd", "deliver"),
    "events": _command("track_cmd", "events"),
    "activity": _command("track_cmd", "activity"),
}


def main() -> None:
    cli.main(prog_name="switchboard")


if __name__ == "__main__":  # pragma: no cover
    main()

"""`switchboard workspaces ...`"""

from __future__ import annotations

from typing import Any

import click

from tui.cli.output import confirm_or_refuse, emit, iso, json_option, table
from tui.cli.progress_meter import ProgressMeter
from tui.cli.state import CliState, pass_state
from tui.core import credentials as credentials_core
from tui.core import workspaces as core
from tui.core.db import Database
from tui.core.errors import InvalidInput, SwitchboardError
from tui.core.text import visible
from tui.core.workspaces import WorkspaceInfo


def workspace_json(ws: WorkspaceInfo) -> dict[str, Any]:
    return {
        "name": ws.name,
        "identify_by": ws.identify_by,
        "color": ws.color,
        "send_mode": ws.send_mode,
        "test_address": ws.test_address,
        "people": ws.people,
        "campaigns": ws.campaigns,
        "messages_sent": ws.messages_sent,
        "site_id": ws.site_id,
        "created_at": iso(ws.created_at),
    }


def _summary(ws: WorkspaceInfo) -> str:
    mode = ws.send_mode if ws.send_mode != "test" else f"test -> {ws.test_address}"
    return (
        f"{visible(ws.name)}: identifies people by {ws.identify_by}; colour {ws.color}; send mode {visible(mode)}; "
        f"{ws.people} people, {ws.campaigns} campaigns, {ws.messages_sent} messages sent; site id {ws.site_id}"
    )


INTERRUPTED_EXIT = 130  # the shell's convention for a command stopped by Ctrl-C

send_mode_option = click.option("--send-mode", type=click.Choice(core.SEND_MODES), help="normal, test or never.")
test_address_option = click.option("--test-address", help="Where emails go in send mode 'test'.")
color_option = click.option("--color", help="A colour name or #rrggbb.")


@click.group()
def workspaces() -> None:
    """Create, list and change workspaces."""


@workspaces.command("list")
@json_option
@pass_state
def list_cmd(state: CliState, as_json: bool) -> None:
    """List every workspace."""
    rows = core.list_workspaces(state.db)
    emit(
        as_json,
        [workspace_json(ws) for ws in rows],
        lambda: (
            table(
                ["NAME", "IDENTIFY BY", "COLOUR", "SEND MODE", "PEOPLE", "CAMPAIGNS", "SENT"],
                [
                    (ws.name, ws.identify_by, ws.color, ws.send_mode, ws.people, ws.campaigns, ws.messages_sent)
                    for ws in rows
                ],
            )
            if rows
            else ["No workspaces yet. Create one: switchboard workspaces create NAME --identify-by id|email"]
        ),
    )


@workspaces.command("create")
@click.argument("name")
@click.option(
    "--identify-by",
    type=click.Choice(core.IDENTIFY_KINDS),
    required=True,
    help="How people are identified; fixed forever.",
)
@color_option
@send_mode_option
@test_address_option
@json_option
@pass_state
def create_cmd(
    state: CliState,
    name: str,
    identify_by: str,
    color: str | None,
    send_mode: str | None,
    test_address: str | None,
    as_json: bool,
) -> None:
    """Create a workspace. Its tracking API key is shown this once."""
    created = core.create_workspace(
        state.db, name, identify_by, color=color, send_mode=send_mode or "normal", test_address=test_address
    )
    data = workspace_json(created.workspace) | {"tracking_api_key": created.tracking_api_key}
    emit(
        as_json,
        data,
        lambda: [
            f"Created workspace {_summary(created.workspace)}",
            f"Tracking API key (shown only now, store it safely): {created.tracking_api_key}",
        ],
    )


@workspaces.command("show")
@click.argument("name")
@json_option
@pass_state
def show_cmd(state: CliState, name: str, as_json: bool) -> None:
    """Show one workspace."""
    ws = core.get_workspace(state.db, name)
    emit(as_json, workspace_json(ws), _summary(ws))


@workspaces.command("rename")
@click.argument("name")
@click.argument("new_name")
@json_option
@pass_state
def rename_cmd(state: CliState, name: str, new_name: str, as_json: bool) -> None:
    """Rename a workspace."""
    ws = core.rename_workspace(state.db, name, new_name)
    emit(as_json, workspace_json(ws), f"Renamed to {visible(ws.name)}")


@workspaces.command("set")
@click.argument("name")
@color_option
@send_mode_option
@test_address_option
@click.option("--identify-by", help="Refused: the identifier kind can never change.")
@json_option
@pass_state
def set_cmd(
    state: CliState,
    name: str,
    color: str | None,
    send_mode: str | None,
    test_address: str | None,
    identify_by: str | None,
    as_json: bool,
) -> None:
    """Change a workspace's colour or send mode."""
    if identify_by is None and color is None and send_mode is None and test_address is None:
        raise InvalidInput("nothing to change: give --color, --send-mode or --test-address")
    ws = core.update_workspace(
        state.db, name, color=color, send_mode=send_mode, test_address=test_address, identify_by=identify_by
    )
    emit(as_json, workspace_json(ws), f"Updated {_summary(ws)}")


@workspaces.command("delete")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Confirm without asking.")
@json_option
@pass_state
def delete_cmd(state: CliState, name: str, yes: bool, as_json: bool) -> None:
    """Delete a workspace with its people, campaigns and messages (billing history stays).

    A big workspace is deleted in batches, showing progress on stderr; other sessions keep
    working meanwhile. If it is interrupted, what was deleted stays deleted: run the same
    command again to finish.
    """
    db = state.db
    if not yes:
        preview = core.deletion_preview(db, name)
        question = (
            f"Delete workspace {visible(preview.name)!r} with {preview.people} people, {preview.campaigns} campaigns "
            f"and {preview.messages} messages?"
        )
        confirm_or_refuse(question, f"workspace {preview.name!r} was not deleted: confirm with --yes")
    meter = ProgressMeter()
    try:
        deleted = core.delete_workspace(
            db,
            name,
            confirmed=True,
            progress=lambda done, total: meter.show(_deleting_line(done, total), last=done >= total),
        )
    except KeyboardInterrupt:
        meter.finish()
        click.echo(f"interrupted: {_what_is_left(db, name)}; run the same command again to finish", err=True)
        raise click.exceptions.Exit(INTERRUPTED_EXIT) from None
    meter.finish()
    emit(
        as_json,
        {"name": deleted.name, "people": deleted.people, "campaigns": deleted.campaigns, "messages": deleted.messages},
        f"Deleted workspace {visible(deleted.name)} ({deleted.people} people, {deleted.campaigns} campaigns, {deleted.messages} messages)",
    )


def _what_is_left(db: Database, name: str) -> str:
    try:
        ws = core.get_workspace(db, name)
    except SwitchboardError:
        return f"workspace {visible(name.strip())!r} may be deleted already"
    return f"workspace {visible(ws.name)!r} remains with {ws.people:,} people (the others were deleted)"


def _deleting_line(done: int, total: int) -> str:
    return f"deleting: {done:,} of {total:,} people ({done / total if total else 1:.0%})"


@workspaces.command("credentials")
@click.argument("name")
@click.option("--rotate-tracking-key", is_flag=True, help="Replace the tracking API key (the old one stops working).")
@click.option("--add-app-key", metavar="LABEL", help="Add an App API key with this label.")
@click.option("--revoke-app-key", metavar="LABEL", help="Revoke the App API key with this label.")
@json_option
@pass_state
def credentials_cmd(
    state: CliState,
    name: str,
    rotate_tracking_key: bool,
    add_app_key: str | None,
    revoke_app_key: str | None,
    as_json: bool,
) -> None:
    """Show a workspace's credentials; rotate, add or revoke keys."""
    creds = credentials_core.credentials(
        state.db,
        name,
        rotate_tracking_key=rotate_tracking_key,
        add_app_key=add_app_key,
        revoke_app_key=revoke_app_key,
    )
    data: dict[str, Any] = {
        "site_id": creds.site_id,
        "tracking_api_key_last4": creds.tracking_api_key_last4,
        "app_api_keys": [
            {"label": k.label, "last4": k.last4, "created_at": iso(k.created_at)} for k in creds.app_api_keys
        ],
    }
    if creds.tracking_api_key:
        data["tracking_api_key"] = creds.tracking_api_key
    if creds.app_api_key:
        data["app_api_key"] = creds.app_api_key

    def lines() -> list[str]:
        out = [f"Site ID: {creds.site_id}", f"Tracking API key: ...{creds.tracking_api_key_last4}"]
        if creds.tracking_api_key:
            out.append(f"New tracking API key (shown only now): {creds.tracking_api_key}")
        if creds.app_api_key:
            out.append(f"New App API key (shown only now): {creds.app_api_key}")
        out.append("App API keys:" if creds.app_api_keys else "App API keys: none")
        out += [f"  {visible(k.label)}  ...{k.last4}  created {iso(k.created_at)}" for k in creds.app_api_keys]
        return out

    emit(as_json, data, lines)

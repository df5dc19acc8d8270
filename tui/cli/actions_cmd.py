"""`switchboard actions ...`"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from tui.cli.campaigns_cmd import action_json, action_notes, campaign_json, campaign_lines
from tui.cli.output import emit, expected_version_option, json_option, workspace_option
from tui.cli.state import CliState, pass_state
from tui.core import actions as core
from tui.core.action_import import import_actions
from tui.core.action_settings import ACTION_TYPES, SETTING_NAMES, WEBHOOK_METHODS
from tui.core.campaigns import ActionInfo
from tui.core.errors import InvalidInput
from tui.core.text import visible

_SETTING_HELP = {
    "subject": "Email subject (Liquid).",
    "body": "Message body (Liquid): email, sms, push, optional for a webhook.",
    "from": "Email sender (optional).",
    "title": "Push title (Liquid).",
    "method": "Webhook method: GET, POST, PUT, PATCH or DELETE.",
    "url": "Webhook URL (Liquid), starting with http:// or https://.",
    "duration": "Delay length: a positive number and m, h or d (30m, 2h, 3d).",
}

campaign_option = click.option("-c", "--campaign", required=True, metavar="CAMPAIGN", help="The campaign, by name.")
action_argument = click.argument("action_id", metavar="ACTION", type=int)
position_option = click.option(
    "--position", type=int, help="Where it goes: 1 to one past the last step (default: the end)."
)


def settings_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add `--subject ... --duration` and pass the ones given as one `settings` dict."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        given = {name: kwargs.pop(f"setting_{name}") for name in SETTING_NAMES}
        return func(*args, settings={k: v for k, v in given.items() if v is not None}, **kwargs)

    for name in reversed(SETTING_NAMES):
        kind = click.Choice(WEBHOOK_METHODS, case_sensitive=False) if name == "method" else None
        wrapper = click.option(f"--{name}", f"setting_{name}", type=kind, help=_SETTING_HELP[name])(wrapper)
    return wrapper


def _print_action(as_json: bool, action: ActionInfo, headline: str) -> None:
    emit(
        as_json,
        action_json(action),
        lambda: [
            f"{headline} {action.id} at step {action.position}: [{action.type}] {visible(action.name)}: {visible(action.summary)}",
            *action_notes(action),
        ],
    )


@click.group()
def actions() -> None:
    """Edit a campaign's workflow actions, or import them from another campaign."""


@actions.command("add")
@workspace_option
@campaign_option
@click.option("--type", "action_type", type=click.Choice(ACTION_TYPES), required=True, help="What the action does.")
@click.option("--name", required=True, help="The action's name (need not be unique).")
@settings_options
@position_option
@json_option
@pass_state
def add_cmd(
    state: CliState,
    workspace: str,
    campaign: str,
    action_type: str,
    name: str,
    settings: dict[str, str],
    position: int | None,
    as_json: bool,
) -> None:
    """Add an action to a campaign's workflow; the ones from its position on move down."""
    action = core.add_action(
        state.db, workspace, campaign, type=action_type, name=name, settings=settings, position=position
    )
    _print_action(as_json, action, "Added action")


@actions.command("edit")
@workspace_option
@campaign_option
@action_argument
@click.option(
    "--type", "action_type", type=click.Choice(ACTION_TYPES), help="Refused unless it is the action's own type."
)
@click.option("--name", help="A new name.")
@settings_options
@click.option("--position", type=int, help="Move it to this step (1 to the last).")
@expected_version_option("action")
@json_option
@pass_state
def edit_cmd(
    state: CliState,
    workspace: str,
    campaign: str,
    action_id: int,
    action_type: str | None,
    name: str | None,
    settings: dict[str, str],
    position: int | None,
    expected_version: int | None,
    as_json: bool,
) -> None:
    """Change an action's name or settings ("" unsets an optional one); its type stays."""
    action = core.edit_action(
        state.db,
        workspace,
        campaign,
        action_id,
        name=name,
        settings=settings,
        type=action_type,
        position=position,
        expected_version=expected_version,
    )
    _print_action(as_json, action, "Changed action")


@actions.command("move")
@workspace_option
@campaign_option
@action_argument
@click.option("--to", "to", type=int, required=True, help="The new step: 1 to the last.")
@expected_version_option("action")
@json_option
@pass_state
def move_cmd(
    state: CliState,
    workspace: str,
    campaign: str,
    action_id: int,
    to: int,
    expected_version: int | None,
    as_json: bool,
) -> None:
    """Move an action to another step; the ones in between close up."""
    moved = core.move_action(state.db, workspace, campaign, action_id, to, expected_version=expected_version)
    _print_action(as_json, moved, "Moved action")


@actions.command("remove")
@workspace_option
@campaign_option
@action_argument
@click.option(
    "--delete-messages",
    is_flag=True,
    help="Delete the messages it sent too (by default they stay in history; billing never changes).",
)
@expected_version_option("action")
@json_option
@pass_state
def remove_cmd(
    state: CliState,
    workspace: str,
    campaign: str,
    action_id: int,
    delete_messages: bool,
    expected_version: int | None,
    as_json: bool,
) -> None:
    """Remove an action; the ones after it move up. The messages it sent stay in history unless
    --delete-messages."""
    removed = core.remove_action(
        state.db, workspace, campaign, action_id, keep_messages=not delete_messages, expected_version=expected_version
    )
    _print_action(as_json, removed, "Removed action")
    if not as_json:
        click.echo(
            "Its messages were deleted; billing does not change."
            if delete_messages
            else "The messages it sent stay in history (--delete-messages deletes them)."
        )


@actions.command("import")
@workspace_option
@campaign_option
@click.option("--from-workspace", required=True, metavar="WS", help="The workspace to copy from (may be this one).")
@click.option("--from-campaign", required=True, metavar="CAMPAIGN", help="The campaign to copy from.")
@click.option(
    "--action", "action_ids", type=int, multiple=True, metavar="ID", help="An action to copy (repeat for more)."
)
@click.option("--all", "all_actions", is_flag=True, help="Copy every action of the campaign.")
@position_option
@json_option
@pass_state
def import_cmd(
    state: CliState,
    workspace: str,
    campaign: str,
    from_workspace: str,
    from_campaign: str,
    action_ids: tuple[int, ...],
    all_actions: bool,
    position: int | None,
    as_json: bool,
) -> None:
    """Copy actions of another campaign into this one, in their order, in one go."""
    if action_ids and all_actions:
        raise InvalidInput(
            "--action and --all do not go together: give --action ID for each action to import, or --all"
        )
    if not (action_ids or all_actions):
        raise InvalidInput("no action chosen: give --action ID (repeatable) for each action to import, or --all")
    result = import_actions(
        state.db,
        workspace,
        campaign,
        from_workspace=from_workspace,
        from_campaign=from_campaign,
        action_ids=None if all_actions else action_ids,
        position=position,
    )
    imported = result.actions
    headline = (
        f"Imported {len(imported)} action{'' if len(imported) == 1 else 's'} from {visible(from_workspace.strip())} / "
        f"{visible(from_campaign.strip())} into {visible(result.campaign.name)} at step {imported[0].position}"
    )
    emit(
        as_json,
        {"imported": [action_json(a) for a in imported], "campaign": campaign_json(result.campaign)},
        lambda: campaign_lines(result.campaign, headline),
    )

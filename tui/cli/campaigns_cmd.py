"""`switchboard campaigns ...`"""

from __future__ import annotations

from typing import Any

import click

from tui.cli.output import confirm_or_refuse, emit, expected_version_option, iso, json_option, table, workspace_option
from tui.cli.state import CliState, pass_state
from tui.core import campaigns as core
from tui.core.campaigns import ActionInfo, CampaignInfo
from tui.core.preview import MessagePreview, preview_message
from tui.core.states import MessageStatus
from tui.core.text import visible

SUMMARY_WIDTH = 60

name_argument = click.argument("name")


def action_json(action: ActionInfo) -> dict[str, Any]:
    return {
        "id": action.id,
        "position": action.position,
        "type": action.type,
        "name": action.name,
        "settings": action.settings,
        "imported_from": action.imported_from,
        "needs_review": action.needs_review,
        "review_reason": action.review_reason,
        "version": action.version,
        "updated_at": iso(action.updated_at),
    }


def campaign_json(campaign: CampaignInfo) -> dict[str, Any]:
    return {
        "id": campaign.id,
        "workspace": campaign.workspace,
        "name": campaign.name,
        "state": campaign.state,
        "version": campaign.version,
        "created_at": iso(campaign.created_at),
        "updated_at": iso(campaign.updated_at),
        "actions": [action_json(a) for a in campaign.actions],
    }


def _short(text: str) -> str:
    return text if len(text) <= SUMMARY_WIDTH else text[: SUMMARY_WIDTH - 1] + "…"


def action_notes(action: ActionInfo) -> list[str]:
    """Where an imported action came from and why it needs review, for people to read."""
    notes = []
    origin = action.imported_from
    if origin:
        notes.append(
            f"  step {action.position}: imported from {visible(str(origin.get('workspace')))} / "
            f"{visible(str(origin.get('campaign')))} (action {origin.get('action_id')}) at {origin.get('imported_at')}"
        )
    if action.needs_review:
        notes.append(f"  step {action.position} needs review: {visible(action.review_reason or '')}")
    return notes


def campaign_lines(campaign: CampaignInfo, headline: str | None = None) -> list[str]:
    count = len(campaign.actions)
    lines = [
        headline
        or f"Campaign {visible(campaign.name)} in workspace {visible(campaign.workspace)}: {campaign.state}, "
        f"{count} action{'' if count == 1 else 's'}"
    ]
    if not campaign.actions:
        return [
            *lines,
            "No actions yet. Add one: switchboard actions add -w WS -c CAMPAIGN --type TYPE --name NAME ...",
        ]
    lines += table(
        ["STEP", "ID", "TYPE", "NAME", "SUMMARY"],
        [(a.position, a.id, a.type, a.name, _short(a.summary)) for a in campaign.actions],
    )
    for action in campaign.actions:
        lines += action_notes(action)
    return lines


def _print_campaign(as_json: bool, campaign: CampaignInfo, headline: str | None = None) -> None:
    emit(as_json, campaign_json(campaign), lambda: campaign_lines(campaign, headline))


@click.group()
def campaigns() -> None:
    """Create campaigns and move them through their states."""


@campaigns.command("list")
@workspace_option
@json_option
@pass_state
def list_cmd(state: CliState, workspace: str, as_json: bool) -> None:
    """List a workspace's campaigns: state, actions, people reached and messages queued, sent
    (delivered) and failed, from the counters kept as messages change."""
    rows = core.list_campaigns(state.db, workspace)
    emit(
        as_json,
        [
            {
                "id": c.id,
                "name": c.name,
                "state": c.state,
                "actions": c.actions,
                "people_reached": c.people_reached,
                "messages": {"queued": c.messages.queued, "sent": c.messages.delivered, "failed": c.messages.failed},
                "version": c.version,
                "updated_at": iso(c.updated_at),
            }
            for c in rows
        ],
        lambda: (
            table(
                ["NAME", "STATE", "ACTIONS", "REACHED", "QUEUED", "SENT", "FAILED"],
                [
                    (
                        c.name,
                        c.state,
                        c.actions,
                        c.people_reached,
                        c.messages.queued,
                        c.messages.delivered,
                        c.messages.failed,
                    )
                    for c in rows
                ],
            )
            if rows
            else [
                f"No campaigns in workspace {visible(workspace.strip())} yet. Create one: switchboard campaigns create -w WS NAME"
            ]
        ),
    )


@campaigns.command("create")
@workspace_option
@name_argument
@json_option
@pass_state
def create_cmd(state: CliState, workspace: str, name: str, as_json: bool) -> None:
    """Create a draft campaign."""
    campaign = core.create_campaign(state.db, workspace, name)
    _print_campaign(
        as_json, campaign, f"Created draft campaign {visible(campaign.name)} in workspace {visible(campaign.workspace)}"
    )


@campaigns.command("show")
@workspace_option
@name_argument
@json_option
@pass_state
def show_cmd(state: CliState, workspace: str, name: str, as_json: bool) -> None:
    """Show a campaign and its workflow of actions."""
    _print_campaign(as_json, core.get_campaign(state.db, workspace, name))


@campaigns.command("rename")
@workspace_option
@name_argument
@click.argument("new_name")
@expected_version_option("campaign")
@json_option
@pass_state
def rename_cmd(
    state: CliState, workspace: str, name: str, new_name: str, expected_version: int | None, as_json: bool
) -> None:
    """Rename a campaign (not an archived one)."""
    campaign = core.rename_campaign(state.db, workspace, name, new_name, expected_version=expected_version)
    _print_campaign(as_json, campaign, f"Renamed to {visible(campaign.name)}")


@campaigns.command("duplicate")
@workspace_option
@name_argument
@json_option
@pass_state
def duplicate_cmd(state: CliState, workspace: str, name: str, as_json: bool) -> None:
    """Copy a campaign with all its actions into a new draft named "NAME (2)", "NAME (3)"..."""
    campaign = core.duplicate_campaign(state.db, workspace, name)
    _print_campaign(
        as_json, campaign, f"Created draft campaign {visible(campaign.name)}, a copy of {visible(name.strip())}"
    )


_STATE_HELP = {
    "start": "Start a draft or stopped campaign (it becomes running).",
    "stop": "Stop a running campaign (it becomes stopped).",
    "archive": "Archive a campaign: it becomes read-only (it can still be duplicated or deleted).",
    "unarchive": "Unarchive a campaign (it becomes stopped).",
}


def _state_command(move: str) -> None:
    @campaigns.command(move, help=_STATE_HELP[move])
    @workspace_option
    @name_argument
    @expected_version_option("campaign")
    @json_option
    @pass_state
    def command(state: CliState, workspace: str, name: str, expected_version: int | None, as_json: bool) -> None:
        campaign = core.change_state(state.db, workspace, name, move, expected_version=expected_version)
        _print_campaign(as_json, campaign, f"Campaign {visible(campaign.name)} is now {campaign.state}")


for _move in core.MOVES:
    _state_command(_move)


@campaigns.command("delete")
@workspace_option
@name_argument
@click.option("--yes", is_flag=True, help="Confirm without asking.")
@json_option
@pass_state
def delete_cmd(state: CliState, workspace: str, name: str, yes: bool, as_json: bool) -> None:
    """Delete a campaign with its actions and messages."""
    db = state.db
    if not yes:
        campaign = core.get_campaign(db, workspace, name)
        confirm_or_refuse(
            f"Delete campaign {visible(campaign.name)!r} with {len(campaign.actions)} actions "
            f"from workspace {visible(campaign.workspace)!r}?",
            f"campaign {campaign.name!r} was not deleted: confirm with --yes",
        )
    deleted = core.delete_campaign(db, workspace, name, confirmed=True)
    emit(
        as_json,
        {"workspace": deleted.workspace, "name": deleted.name, "actions": deleted.actions},
        f"Deleted campaign {visible(deleted.name)} ({deleted.actions} actions) from workspace {visible(deleted.workspace)}",
    )


PREVIEW_HEADINGS = {"email": "Subject", "push": "Title", "webhook": "Request"}


def _preview_json(preview: MessagePreview) -> dict[str, Any]:
    problem = preview.problem
    return {
        "workspace": preview.workspace,
        "campaign": preview.campaign,
        "action": {"id": preview.action.id, "position": preview.action.position, "name": preview.action.name},
        "person": {"cio_id": preview.person.cio_id, "id": preview.person.id, "email": preview.person.email},
        "channel": preview.channel,
        "status": preview.status,
        "test": preview.test,
        "recipient": preview.recipient,
        "subject": preview.subject,
        "body": preview.body,
        "reason": preview.reason,
        "problem": None
        if problem is None
        else {"field": problem.field, "line": problem.line, "column": problem.column, "detail": problem.detail},
    }


def _preview_lines(preview: MessagePreview) -> list[str]:
    action, person = preview.action, preview.person
    who = person.id if person.id is not None else person.email or ""
    lines = [
        f"Step {action.position} of {visible(preview.campaign)}, {visible(action.name)} ({preview.channel}), "
        f"for {visible(who)} ({person.reference})"
    ]
    if preview.status == MessageStatus.FAILED:
        lines.append(f"Would fail: {visible(preview.reason or '')}")
    elif preview.status == MessageStatus.SUPPRESSED:
        lines.append("Would be suppressed: the workspace's send mode is never")
    elif preview.test:
        lines.append(f"Would go to the test address {visible(preview.recipient or '')} (send mode test)")
    else:
        lines.append(f"Would be sent to {visible(preview.recipient)}" if preview.recipient else "Would be sent")
    if preview.rendered:
        if preview.subject is not None:
            lines.append(f"{PREVIEW_HEADINGS.get(preview.channel, 'Subject')}: {visible(preview.subject)}")
        lines += ["Body:", *visible(preview.body or "", keep_lines=True).splitlines()]
    return lines


@campaigns.command("preview")
@workspace_option
@name_argument
@click.option("--step", type=int, help="The action at this step (its position in `campaigns show`).")
@click.option("--action", "action_id", type=int, metavar="ID", help="The action with this id (instead of --step).")
@click.option("--person", required=True, metavar="REF", help="The person: cio_<hex>, or their id or email.")
@json_option
@pass_state
def preview_cmd(
    state: CliState, workspace: str, name: str, step: int | None, action_id: int | None, person: str, as_json: bool
) -> None:
    """Show one message action rendered for one person, as a send would make it (nothing is sent)."""
    if (step is None) == (action_id is None):
        raise click.UsageError("give the action as --step N or --action ID (one of them)")
    preview = preview_message(state.db, workspace, name, person, step=step, action_id=action_id)
    emit(as_json, _preview_json(preview), lambda: _preview_lines(preview))

"""Previewing one message action for one person, exactly as sending would make it (C3, M1).

The preview reads; it writes nothing. It builds the template context with the function the
sender uses (`sending.template_context`), renders with `sending.render_step`, addresses with
`sending.address_of` and applies the workspace's send mode with `sending.delivery`, so what it
shows is what `send_campaign` would store for this person now. It works in any campaign state:
a draft is where one checks a message before starting it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from tui.core.campaigns import ActionInfo, actions_of, find_campaign
from tui.core.db import Database
from tui.core.errors import InvalidInput, NotFound, TemplateProblem
from tui.core.models import Action, Campaign
from tui.core.people import PersonInfo, find_person
from tui.core.sending import (
    MESSAGE_TYPES,
    MessageFailed,
    address_of,
    delivery,
    render_step,
    template_context,
    workflow_steps,
)
from tui.core.states import MessageStatus
from tui.core.workspaces import find_workspace


@dataclass(frozen=True)
class MessagePreview:
    """One message action rendered for one person.

    `status`, `test`, `recipient` and `reason` are what a send would store now (in the
    workspace's send mode): "queued" or "scheduled" (after a delay; to the test address when `test`), "suppressed" (mode never)
    or "failed" with its reason, and then no recipient. `subject` and `body` are the rendered
    texts whenever the templates render (`rendered`), even when the message would fail for want
    of an address (a send stores no text then). `problem` says where, when a template does not
    parse.
    """

    workspace: str
    campaign: str
    action: ActionInfo
    person: PersonInfo
    channel: str
    status: MessageStatus
    test: bool
    recipient: str | None
    rendered: bool
    subject: str | None
    body: str | None
    reason: str | None
    problem: TemplateProblem | None

    @property
    def fails(self) -> bool:
        return self.status == MessageStatus.FAILED


def _action(campaign: Campaign, actions: list[Action], step: int | None, action_id: int | None) -> Action:
    """The action at `step` (its position) or with `action_id`: exactly one of them."""
    if (step is None) == (action_id is None):
        raise InvalidInput("say which action to preview: give either its step (position) or its id")
    if action_id is not None:
        found = next((a for a in actions if a.id == action_id), None)
        if found is None:
            raise NotFound(
                f"campaign {campaign.name!r} has no action with id {action_id}: look up its actions' ids in the campaign"
            )
        return found
    found = next((a for a in actions if a.position == step), None)
    if found is None:
        has = f"{len(actions)} action{'' if len(actions) == 1 else 's'}" if actions else "no actions yet"
        raise NotFound(f"campaign {campaign.name!r} has no step {step}: it has {has}")
    return found


def preview_message(
    db: Database, workspace: str, campaign: str, person: str, *, step: int | None = None, action_id: int | None = None
) -> MessagePreview:
    """The message action at `step` (or with `action_id`) of `campaign`, made for `person`
    (cio_<hex>, or the workspace's identifier: an id or an email).

    NotFound for an unknown workspace, campaign, step, action or person; InvalidInput for a
    delay, which sends nothing.
    """
    with db.read() as session:
        ws = find_workspace(session, workspace)
        found = find_campaign(session, ws, campaign)
        workflow = actions_of(session, found.id)
        action = _action(found, workflow, step, action_id)
        if action.type not in MESSAGE_TYPES:
            raise InvalidInput(
                f"step {action.position} of campaign {found.name!r}, {action.name!r}, is a {action.type}: "
                "it sends no message, so there is nothing to preview"
            )
        someone = find_person(session, ws, person)
        context = template_context(ws.identify_by, someone, campaign=found.name, workspace=ws.name)
        info = PersonInfo.of(someone, ws.identify_by)
    # Rendering happens after the read transaction ends: a slow template holds nothing (C4).
    address_failure = render_failure = None
    recipient = subject = body = None
    try:
        recipient = address_of(action.type, someone)
    except MessageFailed as exc:
        address_failure = exc
    try:
        rendered = render_step(action.type, dict(action.settings), context)
        subject, body = rendered.subject, rendered.body
    except MessageFailed as exc:
        render_failure = exc
    failure = address_failure or render_failure  # a send checks the address first
    if failure is None:
        offset = next(s.offset for s in workflow_steps(workflow) if s.action_id == action.id)
        status, test, recipient = delivery(
            ws.send_mode, ws.test_address, action.type, recipient, later=offset > timedelta()
        )
    else:
        status, test, recipient = MessageStatus.FAILED, False, None
    return MessagePreview(
        workspace=ws.name,
        campaign=found.name,
        action=ActionInfo.of(action),
        person=info,
        channel=action.type,
        status=status,
        test=test,
        recipient=recipient,
        rendered=render_failure is None,
        subject=subject,
        body=body,
        reason=None if failure is None else str(failure),
        problem=render_failure.problem if render_failure is not None else None,
    )

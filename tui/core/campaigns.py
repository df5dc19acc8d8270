"""Campaigns (C1): create, list, show, rename, move through states, duplicate, delete.

Also what actions.py and action_import.py share: the read models, campaign lookups and the write
transaction that turns a lost optimistic-concurrency race into ChangedElsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tui.core import action_settings
from tui.core.db import Database
from tui.core.errors import ChangedElsewhere, Conflict, InvalidInput, NotFound
from tui.core.identity import clean_name, name_key
from tui.core.message_counts import NO_MESSAGES, MessageCounts, forget_messages
from tui.core.models import Action, Campaign, Message, Workspace
from tui.core.states import CampaignState
from tui.core.usage import bump_counters
from tui.core.workspaces import find_workspace

MAX_NAME = 200
# move -> (the states it starts from, the state it leads to)
DRAFT, RUNNING, STOPPED, ARCHIVED = CampaignState
MOVES: dict[str, tuple[tuple[CampaignState, ...], CampaignState]] = {
    "start": ((DRAFT, STOPPED), RUNNING),
    "stop": ((RUNNING,), STOPPED),
    "archive": ((DRAFT, RUNNING, STOPPED), ARCHIVED),
    "unarchive": ((ARCHIVED,), STOPPED),
}
_DONE = {"start": "started", "stop": "stopped", "archive": "archived", "unarchive": "unarchived"}


@dataclass(frozen=True)
class ActionInfo:
    id: int
    campaign_id: int
    position: int
    type: str
    name: str
    settings: dict[str, str]
    imported_from: dict[str, Any] | None
    needs_review: bool
    review_reason: str | None
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, action: Action) -> ActionInfo:
        return cls(
            id=action.id,
            campaign_id=action.campaign_id,
            position=action.position,
            type=action.type,
            name=action.name,
            settings=dict(action.settings),
            imported_from=dict(action.imported_from) if action.imported_from else None,
            needs_review=action.needs_review,
            review_reason=action.review_reason,
            version=action.version,
            created_at=action.created_at,
            updated_at=action.updated_at,
        )

    @property
    def summary(self) -> str:
        return action_settings.summary(self.type, self.settings)


@dataclass(frozen=True)
class CampaignSummary:
    """A campaign in a list: its action count instead of its actions."""

    id: int
    workspace_id: int
    name: str
    state: CampaignState
    actions: int
    version: int
    created_at: datetime
    updated_at: datetime
    messages: MessageCounts = NO_MESSAGES
    people_reached: int = 0


@dataclass(frozen=True)
class CampaignInfo:
    id: int
    workspace_id: int
    workspace: str
    name: str
    state: CampaignState
    version: int
    created_at: datetime
    updated_at: datetime
    actions: tuple[ActionInfo, ...]
    messages: MessageCounts = NO_MESSAGES
    people_reached: int = 0

    @property
    def moves(self) -> tuple[str, ...]:
        """The state changes allowed now (`start`, `stop`, `archive`, `unarchive`)."""
        return allowed_moves(self.state)

    @property
    def read_only(self) -> bool:
        return self.state == CampaignState.ARCHIVED


@dataclass(frozen=True)
class DeletedCampaign:
    workspace: str
    name: str
    actions: int


def check_version(version: int, expected: int | None, what: str) -> None:
    """Optimistic concurrency: refuse an edit made to a record loaded at another version."""
    if expected is not None and expected != version:
        raise ChangedElsewhere(f"{what} changed elsewhere, reload it and try again")


def allowed_moves(state: CampaignState) -> tuple[str, ...]:
    return tuple(move for move, (sources, _) in MOVES.items() if state in sources)


def find_campaign(session: Session, workspace: Workspace, name: str, *, lock: bool = False) -> Campaign:
    """The campaign named `name` (trimmed, casefolded) in `workspace`, or NotFound.

    `lock` takes a row lock (PostgreSQL) so that changes to one workflow happen one at a time.
    """
    query = select(Campaign).where(Campaign.workspace_id == workspace.id, Campaign.name_key == name_key(name))
    campaign = session.scalar(query.with_for_update() if lock else query)
    if campaign is None:
        raise NotFound(f"no campaign named {name.strip()!r} in workspace {workspace.name!r}")
    return campaign


def ensure_editable(campaign: Campaign, doing: str) -> None:
    if campaign.state == CampaignState.ARCHIVED:
        raise InvalidInput(
            f"campaign {campaign.name!r} is archived, so it is read-only: unarchive it before you {doing}"
        )


def editable_campaign(session: Session, workspace: str, campaign: str, doing: str) -> tuple[Workspace, Campaign]:
    """The workspace and its (locked) campaign that the user is about to change, not archived."""
    ws = find_workspace(session, workspace)
    found = find_campaign(session, ws, campaign, lock=True)
    ensure_editable(found, doing)
    return ws, found


LIVE = Action.removed_at.is_(None)  # in the workflow (not removed with its messages kept)


def actions_of(session: Session, campaign_id: int) -> list[Action]:
    """The campaign's workflow: its live actions in position order."""
    query = select(Action).where(Action.campaign_id == campaign_id, LIVE).order_by(Action.position)
    return list(session.scalars(query))


def campaign_info(session: Session, ws: Workspace, campaign: Campaign) -> CampaignInfo:
    return CampaignInfo(
        id=campaign.id,
        workspace_id=ws.id,
        workspace=ws.name,
        name=campaign.name,
        state=campaign.state,
        version=campaign.version,
        created_at=campaign.created_at,
        updated_at=campaign.updated_at,
        actions=tuple(ActionInfo.of(a) for a in actions_of(session, campaign.id)),
        messages=MessageCounts.of(campaign),
        people_reached=campaign.people_reached,
    )


def copy_action(source: Action, now: datetime, **changes: Any) -> Action:
    """A new action with `source`'s type, name, settings, origin and review state; `changes`
    (such as campaign_id and position) override them."""
    fields: dict[str, Any] = {
        "type": source.type,
        "name": source.name,
        "settings": dict(source.settings),
        "imported_from": source.imported_from,
        "needs_review": source.needs_review,
        "review_reason": source.review_reason,
        "created_at": now,
        "updated_at": now,
    }
    return Action(**(fields | changes))


def _ensure_name_free(session: Session, ws: Workspace, key: str, *, except_id: int | None = None) -> None:
    clash = session.scalar(select(Campaign).where(Campaign.workspace_id == ws.id, Campaign.name_key == key))
    if clash is not None and clash.id != except_id:
        raise Conflict(
            f"a campaign named {clash.name!r} already exists in workspace {ws.name!r} (names ignore case): "
            "choose another name"
        )


def create_campaign(db: Database, workspace: str, name: str) -> CampaignInfo:
    """A new draft campaign with no actions."""
    clean, key = clean_name(name, what="campaign", max_length=MAX_NAME)
    now = db.runtime.now()
    with db.write(f"workspace {workspace.strip()!r}") as session:
        ws = find_workspace(session, workspace)
        _ensure_name_free(session, ws, key)
        campaign = Campaign(
            workspace_id=ws.id, name=clean, name_key=key, state=CampaignState.DRAFT, created_at=now, updated_at=now
        )
        session.add(campaign)
        session.flush()
        bump_counters(session, ws.id, campaigns=1)
        return campaign_info(session, ws, campaign)


def list_campaigns(db: Database, workspace: str) -> list[CampaignSummary]:
    """The workspace's campaigns by name, each with its action count, in one grouped query."""
    with db.read() as session:
        ws = find_workspace(session, workspace)
        rows = session.execute(
            select(Campaign, func.count(Action.id))
            .outerjoin(Action, (Action.campaign_id == Campaign.id) & LIVE)
            .where(Campaign.workspace_id == ws.id)
            .group_by(Campaign.id)
            .order_by(Campaign.name_key)
        ).all()
        return [
            CampaignSummary(
                c.id,
                c.workspace_id,
                c.name,
                c.state,
                count,
                c.version,
                c.created_at,
                c.updated_at,
                MessageCounts.of(c),
                c.people_reached,
            )
            for c, count in rows
        ]


def get_campaign(db: Database, workspace: str, name: str) -> CampaignInfo:
    """One campaign with its actions in workflow order."""
    with db.read() as session:
        ws = find_workspace(session, workspace)
        return campaign_info(session, ws, find_campaign(session, ws, name))


def rename_campaign(
    db: Database, workspace: str, name: str, new_name: str, *, expected_version: int | None = None
) -> CampaignInfo:
    clean, key = clean_name(new_name, what="campaign", max_length=MAX_NAME)
    what = f"campaign {name.strip()!r}"
    with db.write(what) as session:
        ws = find_workspace(session, workspace)
        campaign = find_campaign(session, ws, name)
        check_version(campaign.version, expected_version, what)
        ensure_editable(campaign, "rename it")
        _ensure_name_free(session, ws, key, except_id=campaign.id)
        campaign.name, campaign.name_key, campaign.updated_at = clean, key, db.runtime.now()
        session.flush()
        return campaign_info(session, ws, campaign)


def change_state(
    db: Database, workspace: str, name: str, move: str, *, expected_version: int | None = None
) -> CampaignInfo:
    """C1: `start`, `stop`, `archive` or `unarchive`; any other transition is refused."""
    if move not in MOVES:
        raise InvalidInput(f"{move!r} is not a campaign state change: choose {', '.join(MOVES)}")
    sources, target = MOVES[move]
    what = f"campaign {name.strip()!r}"
    with db.write(what) as session:
        ws = find_workspace(session, workspace)
        campaign = find_campaign(session, ws, name)
        check_version(campaign.version, expected_version, what)
        if campaign.state not in sources:
            allowed = " or ".join(_DONE[m] for m in allowed_moves(campaign.state))
            raise InvalidInput(
                f"campaign {campaign.name!r} is {campaign.state}, so it cannot be {_DONE[move]}; "
                f"from {campaign.state} it can only be {allowed}"
            )
        campaign.state, campaign.updated_at = target, db.runtime.now()
        session.flush()
        return campaign_info(session, ws, campaign)


def undo_state_change(
    db: Database, workspace: str, name: str, back_to: CampaignState | str, *, expected_version: int
) -> CampaignInfo:
    """C1: undo the last state change, putting the campaign back in `back_to` (the state before
    it), while nothing else has changed it: `expected_version` is the version the change left.
    An undo is the only way back to a draft (an archived draft that is unarchived is stopped)."""
    previous = CampaignState(back_to)
    what = f"campaign {name.strip()!r}"
    with db.write(what) as session:
        ws = find_workspace(session, workspace)
        campaign = find_campaign(session, ws, name)
        if campaign.version != expected_version:
            raise ChangedElsewhere(f"{what} changed after that, so it cannot be undone; reload it and change it again")
        undoable = any(previous in sources and campaign.state == target for sources, target in MOVES.values())
        if not undoable:
            raise InvalidInput(
                f"campaign {campaign.name!r} is {campaign.state}: no state change leads here from {previous}"
            )
        campaign.state, campaign.updated_at = previous, db.runtime.now()
        session.flush()
        return campaign_info(session, ws, campaign)


def _copy_name(session: Session, ws: Workspace, name: str) -> tuple[str, str]:
    """The first free "Name (2)", "Name (3)"... shortening Name to stay within MAX_NAME."""
    number = 2
    while True:
        suffix = f" ({number})"
        candidate = f"{name[: MAX_NAME - len(suffix)].rstrip()}{suffix}"
        key = name_key(candidate)
        taken = session.scalar(select(Campaign.id).where(Campaign.workspace_id == ws.id, Campaign.name_key == key))
        if taken is None:
            return candidate, key
        number += 1


def duplicate_campaign(db: Database, workspace: str, name: str) -> CampaignInfo:
    """C1: a draft copy with all actions (their origin kept), under the first free copy name."""
    now = db.runtime.now()
    with db.write(f"campaign {name.strip()!r}") as session:
        ws = find_workspace(session, workspace)
        source = find_campaign(session, ws, name)
        copy_name, key = _copy_name(session, ws, source.name)
        copy = Campaign(
            workspace_id=ws.id, name=copy_name, name_key=key, state=CampaignState.DRAFT, created_at=now, updated_at=now
        )
        session.add(copy)
        session.flush()
        session.add_all(
            copy_action(a, now, campaign_id=copy.id, position=a.position) for a in actions_of(session, source.id)
        )
        bump_counters(session, ws.id, campaigns=1)
        session.flush()
        return campaign_info(session, ws, copy)


def delete_campaign(db: Database, workspace: str, name: str, *, confirmed: bool) -> DeletedCampaign:
    """Remove a campaign (in any state) with its actions and messages; needs confirmation."""
    if not confirmed:
        raise InvalidInput(f"deleting campaign {name.strip()!r} needs explicit confirmation; nothing was deleted")
    with db.write(f"campaign {name.strip()!r}") as session:
        ws = find_workspace(session, workspace)
        campaign = find_campaign(session, ws, name, lock=True)
        count = session.scalar(select(func.count()).where(Action.campaign_id == campaign.id, LIVE)) or 0
        # Children first: explicit deletes keep this independent of ON DELETE CASCADE support.
        forget_messages(session, Message.campaign_id == campaign.id)
        session.execute(delete(Message).where(Message.campaign_id == campaign.id))
        session.execute(delete(Action).where(Action.campaign_id == campaign.id))
        session.delete(campaign)
        bump_counters(session, ws.id, campaigns=-1)
        session.flush()
        return DeletedCampaign(ws.name, campaign.name, count)

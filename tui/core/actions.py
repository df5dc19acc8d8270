"""A campaign's workflow (C2): add, edit, move and remove actions; positions stay 1..n."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from sqlalchemy import ColumnElement, case, delete, func, select, update
from sqlalchemy.orm import Session

from tui.core.action_settings import check_settings, spec_of
from tui.core.campaign_reach import action_messages_leave
from tui.core.campaigns import LIVE, ActionInfo, actions_of, check_version, editable_campaign, find_campaign
from tui.core.db import Database
from tui.core.errors import InvalidInput, NotFound
from tui.core.identity import clean_name
from tui.core.message_counts import forget_messages
from tui.core.models import MAX_ID, Action, Campaign, Message
from tui.core.workspaces import find_workspace

MAX_NAME = 200
_EDITING = "change its actions"


def _renumber(session: Session, campaign_id: int, rows: ColumnElement[bool], new_position: ColumnElement[int]) -> None:
    """Give the campaign's actions matching `rows` the position `new_position` (SQL).

    One UPDATE that shifts positions collides with the unique (campaign_id, position) mid-statement
    on SQLite and PostgreSQL alike, so the rows first take the negated target (free: live positions
    are positive) and then turn positive. Moved actions count as changed: their version goes up.
    """
    session.flush()
    in_campaign = Action.campaign_id == campaign_id
    session.execute(
        update(Action)
        .where(in_campaign, rows)
        .values(position=-new_position)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Action)
        .where(in_campaign, Action.position < 0)
        .values(position=-Action.position, version=Action.version + 1)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()  # loaded actions hold their old positions and versions


def _count(session: Session, campaign_id: int) -> int:
    return session.scalar(select(func.count()).where(Action.campaign_id == campaign_id, LIVE)) or 0


def _check_position(position: int, campaign: Campaign, count: int, highest: int) -> int:
    if not 1 <= position <= highest:
        choices = "1" if highest == 1 else f"1 to {highest}"
        raise InvalidInput(
            f"position {position} is out of range: campaign {campaign.name!r} has {count} action"
            f"{'' if count == 1 else 's'}, so choose {choices}"
        )
    return position


def insert_actions(session: Session, campaign: Campaign, position: int | None, new: Sequence[Action]) -> None:
    """Put `new` at `position` (1..n+1, default: the end) in order, shifting the rest down."""
    campaign_id, count = campaign.id, _count(session, campaign.id)
    at = count + 1 if position is None else _check_position(position, campaign, count, count + 1)
    if at <= count:
        _renumber(session, campaign_id, Action.position >= at, Action.position + len(new))
    for offset, action in enumerate(new):
        action.campaign_id, action.position = campaign_id, at + offset
    session.add_all(new)
    session.flush()


def _move(session: Session, campaign: Campaign, action: Action, to: int) -> None:
    count = _count(session, campaign.id)
    _check_position(to, campaign, count, count)
    start = action.position
    if to == start:
        return
    low, high, step = (start, to, -1) if start < to else (to, start, 1)
    _renumber(
        session,
        campaign.id,
        Action.position.between(low, high),
        case((Action.id == action.id, to), else_=Action.position + step),
    )


def _find_action(session: Session, campaign: Campaign, action_id: int) -> Action:
    action = session.get(Action, action_id) if 0 < action_id <= MAX_ID else None
    if action is None or action.campaign_id != campaign.id or action.removed_at is not None:
        raise NotFound(
            f"campaign {campaign.name!r} has no action with id {action_id}: look up its actions' ids in the campaign"
        )
    return action


@contextmanager
def _changing(
    db: Database, workspace: str, campaign: str, action_id: int, expected_version: int | None
) -> Iterator[tuple[Session, Campaign, Action]]:
    """One transaction that changes an action of an editable campaign, loaded at `expected_version`."""
    what = f"action {action_id}"
    with db.write(what) as session:
        _, found = editable_campaign(session, workspace, campaign, _EDITING)
        action = _find_action(session, found, action_id)
        check_version(action.version, expected_version, what)
        yield session, found, action


def list_actions(db: Database, workspace: str, campaign: str) -> list[ActionInfo]:
    """A campaign's actions in workflow order (the import wizard's last step reads these)."""
    with db.read() as session:
        found = find_campaign(session, find_workspace(session, workspace), campaign)
        return [ActionInfo.of(a) for a in actions_of(session, found.id)]


def add_action(
    db: Database,
    workspace: str,
    campaign: str,
    *,
    type: str,
    name: str,
    settings: Mapping[str, str],
    position: int | None = None,
) -> ActionInfo:
    """A new action at `position` (1..n+1, default: the end); the ones from there on move down."""
    clean, _ = clean_name(name, what="action", max_length=MAX_NAME)
    checked = check_settings(type, settings)
    now = db.runtime.now()
    with db.write(f"campaign {campaign.strip()!r}") as session:
        _, found = editable_campaign(session, workspace, campaign, _EDITING)
        action = Action(type=type, name=clean, settings=checked, needs_review=False, created_at=now, updated_at=now)
        insert_actions(session, found, position, [action])
        return ActionInfo.of(action)


def edit_action(
    db: Database,
    workspace: str,
    campaign: str,
    action_id: int,
    *,
    name: str | None = None,
    settings: Mapping[str, str] | None = None,
    type: str | None = None,
    position: int | None = None,
    expected_version: int | None = None,
) -> ActionInfo:
    """Change an action's name, settings (merged; "" unsets an optional one) or position.

    Its type never changes (`type` is accepted only to refuse a different one). Any edit
    clears an import's `needs_review` mark: the user has looked at the action.
    """
    if name is None and not settings and type is None and position is None:
        raise InvalidInput("nothing to change: give a new name, settings or position")
    clean = clean_name(name, what="action", max_length=MAX_NAME)[0] if name is not None else None
    with _changing(db, workspace, campaign, action_id, expected_version) as (session, found, action):
        if type is not None and type != action.type:
            spec_of(type)
            raise InvalidInput(
                f"action {action_id} is of type {action.type} and an action's type cannot change: "
                f"remove it and add an action of type {type} instead"
            )
        if clean is not None:
            action.name = clean
        if settings:
            action.settings = check_settings(action.type, {**action.settings, **settings})
        action.needs_review, action.review_reason, action.updated_at = False, None, db.runtime.now()
        if position is not None:
            _move(session, found, action, position)
        session.flush()
        return ActionInfo.of(action)


def move_action(
    db: Database, workspace: str, campaign: str, action_id: int, to: int, *, expected_version: int | None = None
) -> ActionInfo:
    """Move an action to position `to` (1..n); the ones in between close up."""
    with _changing(db, workspace, campaign, action_id, expected_version) as (session, found, action):
        _move(session, found, action, to)
        return ActionInfo.of(action)


def remove_action(
    db: Database,
    workspace: str,
    campaign: str,
    action_id: int,
    *,
    keep_messages: bool = True,
    expected_version: int | None = None,
) -> ActionInfo:
    """C2: remove an action from the workflow and close the gap; returns it as it was.

    The messages it sent stay in history (`keep_messages`, the default: the action stays as their
    origin, out of the workflow) or go with it, out of the kept counts. Billing never changes (B1).
    """
    with _changing(db, workspace, campaign, action_id, expected_version) as (session, found, action):
        removed = ActionInfo.of(action)
        if keep_messages:
            action.position, action.removed_at = None, db.runtime.now()  # type: ignore[assignment]
            session.flush()
        else:
            action_messages_leave(session, found.id, action.id)
            forget_messages(session, Message.action_id == action.id)
            session.execute(delete(Message).where(Message.action_id == action.id))
            session.delete(action)
        _renumber(session, found.id, Action.position > removed.position, Action.position - 1)
        return removed

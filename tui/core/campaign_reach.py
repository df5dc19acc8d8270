"""People reached per campaign (D3): how many people have at least one message of it.

Kept like the message counts: the write that gives a person their first message of a campaign
(a send batch) or takes their last one away (deleting the person, removing an action together
with its messages, merging two people) changes `campaigns.people_reached` in SQL in its own
transaction. Nothing recounts it; the campaign list reads the column.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import bindparam, exists, func, select, update
from sqlalchemy.orm import Session, aliased

from tui.core.models import Campaign, Message, table_of

_CAMPAIGNS = table_of(Campaign)
_BUMP = (
    update(_CAMPAIGNS)
    .where(_CAMPAIGNS.c.id == bindparam("r_id"))
    .values(people_reached=_CAMPAIGNS.c.people_reached + bindparam("r_n"))
)


def bump_reached(session: Session, changes: Counter[int]) -> None:
    """Add `changes` (campaign id -> people) to the campaigns' counts, in id order (two
    transactions lock the rows in the same order); in the caller's transaction. A Core UPDATE:
    the campaign's version (optimistic concurrency for the user's edits) does not change."""
    rows = [{"r_id": campaign_id, "r_n": n} for campaign_id, n in sorted(changes.items()) if n]
    if rows:
        session.connection().execute(_BUMP, rows)


def campaigns_of(session: Session, person_id: int) -> set[int]:
    """The campaigns that `person_id` has a message of."""
    return set(session.scalars(select(Message.campaign_id).where(Message.person_id == person_id).distinct()))


def person_leaves(session: Session, person_id: int) -> None:
    """The person's messages are about to be deleted: each of their campaigns reaches one fewer."""
    bump_reached(session, Counter(dict.fromkeys(campaigns_of(session, person_id), -1)))


def action_messages_leave(session: Session, campaign_id: int, action_id: int) -> None:
    """The messages of `action_id` are about to be deleted: the people with no other message of
    the campaign are no longer reached. (One message per person and action: rows are people.)"""
    other = aliased(Message)
    elsewhere = exists().where(
        other.person_id == Message.person_id, other.campaign_id == campaign_id, other.action_id != action_id
    )
    leaving = session.scalar(select(func.count()).where(Message.action_id == action_id, ~elsewhere)) or 0
    bump_reached(session, Counter({campaign_id: -leaving}))

"""Kept message counts (D3, issue 13): each workspace's and campaign's queued / delivered / failed
counters move in the transaction of each status transition and deletion, so they always equal a
recount of the messages, and the migration counts the messages of an older database once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic import command
from factories import EMAIL, add_campaign, add_person, delete_person, make_workspace
from sqlalchemy import func, select

from tui.core import outbox, sending
from tui.core.actions import remove_action
from tui.core.campaigns import delete_campaign, get_campaign, list_campaigns
from tui.core.db import Database
from tui.core.message_counts import KINDS, MessageCounts, kind_of
from tui.core.messages import retry_message
from tui.core.migrate import alembic_config, upgrade_on_open
from tui.core.models import Campaign, Message, UsageDay, Workspace
from tui.core.runtime import FixedClock
from tui.core.workspaces import get_workspace

START = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
PUSH = ("push", {"title": "t", "body": "b"})


def recount(db: Database) -> dict[tuple[str, int], MessageCounts]:
    """What the counters must say, counted from the messages: ("workspace"|"campaign", id) -> counts."""
    totals: dict[tuple[str, int], dict[str, int]] = {}
    with db.read() as session:
        for ws in session.scalars(select(Workspace.id)):
            totals[("workspace", ws)] = dict.fromkeys(KINDS, 0)
        for campaign in session.scalars(select(Campaign.id)):
            totals[("campaign", campaign)] = dict.fromkeys(KINDS, 0)
        rows = session.execute(
            select(Message.workspace_id, Message.campaign_id, Message.status, func.count()).group_by(
                Message.workspace_id, Message.campaign_id, Message.status
            )
        )
        for ws, campaign, status, n in rows:
            if (kind := kind_of(status)) is not None:
                totals[("workspace", ws)][kind] += n
                totals[("campaign", campaign)][kind] += n
    return {key: MessageCounts(**counts) for key, counts in totals.items()}


def kept(db: Database) -> dict[tuple[str, int], MessageCounts]:
    with db.read() as session:
        return {
            **{("workspace", ws.id): MessageCounts.of(ws) for ws in session.scalars(select(Workspace))},
            **{("campaign", c.id): MessageCounts.of(c) for c in session.scalars(select(Campaign))},
        }


def test_D3_the_kept_counts_follow_every_transition_and_deletion(db: Database, clock: FixedClock) -> None:
    clock.set(START)
    ws = make_workspace(db)
    people = [add_person(db, ws, f"p{n}@example.com") for n in range(6)]
    add_campaign(db, ws, "Hello", [EMAIL])
    drip_actions = add_campaign(db, ws, "Drip", [EMAIL, ("delay", {"duration": "1d"}), PUSH])
    sending.send_campaign(db, "Acme", "Hello")
    sending.send_campaign(db, "Acme", "Drip")
    assert get_workspace(db, "Acme").messages == MessageCounts(queued=18)  # scheduled pushes count as queued
    assert kept(db) == recount(db)

    first, second, third, fourth = outbox.claim(db, 4)
    outbox.mark_delivered_many(db, [(first.id, "250 a"), (second.id, "250 b")])
    outbox.mark_delivered(db, first.id, "250 again")  # a duplicate delivery moves nothing
    outbox.mark_failed(db, third.id, "550 no such user")
    outbox.mark_retry(db, fourth.id, "421 busy", max_attempts=1)  # out of attempts: failed
    assert get_workspace(db, "Acme").messages == MessageCounts(queued=14, delivered=2, failed=2)
    assert kept(db) == recount(db)

    retry_message(db, "Acme", third.id)
    [again] = outbox.claim(db, 1)
    outbox.mark_retry(db, again.id, "421 busy")  # retrying is still to go
    assert kept(db) == recount(db)
    [held] = outbox.claim(db, 1)
    outbox.defer(db, [(held.id, START + timedelta(seconds=2))])  # a rate limit's later turn: queued again
    assert kept(db) == recount(db)

    delete_person(db, "Acme", people[0])
    remove_action(db, "Acme", "Drip", drip_actions[2], keep_messages=False)
    assert kept(db) == recount(db)
    drip = get_campaign(db, "Acme", "Drip")
    assert drip.messages == next(c.messages for c in list_campaigns(db, "Acme") if c.name == "Drip")
    assert drip.messages == recount(db)[("campaign", drip.id)]

    delete_campaign(db, "Acme", "Hello", confirmed=True)
    assert kept(db) == recount(db)
    assert get_workspace(db, "Acme").messages == recount(db)[("workspace", ws)] != MessageCounts()


def test_D3_a_group_of_deliveries_across_workspaces_moves_and_bills_each_ones_counts(
    db: Database, clock: FixedClock
) -> None:
    """One recording transaction for messages of two workspaces and three campaigns, one of them
    failed meanwhile (its lease ran out and another worker gave up on it) and one delivered
    before: every counter equals a recount, and each workspace is billed for its own."""
    clock.set(START)
    for name in ("Acme", "Beta"):
        ws = make_workspace(db, name)
        for n in range(3):
            add_person(db, ws, f"{name.lower()}{n}@example.com")
        for campaign in ("One", "Two") if name == "Acme" else ("Three",):
            add_campaign(db, ws, campaign, [EMAIL])
            sending.send_campaign(db, name, campaign)
    claimed = outbox.claim(db, 9)
    failed_meanwhile, delivered_before = claimed[0], claimed[1]
    outbox.mark_failed(db, failed_meanwhile.id, "550 gave up")
    outbox.mark_delivered(db, delivered_before.id, "250 first")

    newly = outbox.mark_delivered_many(db, [(item.id, f"250 {item.id}") for item in claimed])

    assert newly == 8
    assert kept(db) == recount(db)
    assert get_workspace(db, "Acme").messages == MessageCounts(delivered=6)
    assert get_workspace(db, "Beta").messages == MessageCounts(delivered=3)
    assert (get_workspace(db, "Acme").messages_sent, get_workspace(db, "Beta").messages_sent) == (6, 3)
    with db.read() as session:
        billed = sorted(session.scalars(select(UsageDay.messages_sent)))
    assert billed == [3, 6]


def test_D3_the_migration_counts_the_messages_of_an_older_database(db: Database, clock: FixedClock) -> None:
    clock.set(START)
    ws = make_workspace(db)
    for n in range(3):
        add_person(db, ws, f"p{n}@example.com")
    add_campaign(db, ws, "Hello", [EMAIL])
    sending.send_campaign(db, "Acme", "Hello")
    first, second = outbox.claim(db, 2)
    outbox.mark_delivered(db, first.id, "250 ok")
    outbox.mark_failed(db, second.id, "550 no")
    counts = recount(db)

    command.downgrade(alembic_config(db.engine), "0005")  # a database of the revision before
    upgrade_on_open(db.engine)

    assert kept(db) == counts

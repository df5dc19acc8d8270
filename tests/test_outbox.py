"""The outbox (D1, issue 13; issue 10 bug 5): due times, leases, delivery, retries, billing."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from factories import EMAIL, add_campaign, add_person, make_workspace, sqlite_plans

from tui.core import outbox, sending
from tui.core.db import Database
from tui.core.delivery_settings import set_delivery
from tui.core.messages import list_messages
from tui.core.runtime import FixedClock
from tui.core.states import MessageStatus
from tui.core.workspaces import get_workspace

START = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


def _drip(db: Database, clock: FixedClock, people: int = 1) -> None:
    """Workspace Acme: `people` people, campaign Drip (an email now, a push a day later), sent at START."""
    ws = make_workspace(db)
    for n in range(people):
        add_person(db, ws, f"p{n}@example.com")
    add_campaign(db, ws, "Drip", [EMAIL, ("delay", {"duration": "1d"}), ("push", {"title": "t", "body": "b"})])
    clock.set(START)
    sending.send_campaign(db, "Acme", "Drip")


def _statuses(db: Database) -> dict[str, str]:
    return {m.channel: m.status for m in list_messages(db, "Acme")}


def test_bug5_a_scheduled_message_is_not_taken_before_its_time(db: Database, clock: FixedClock) -> None:
    _drip(db, clock)
    assert _statuses(db) == {"email": "queued", "push": "scheduled"}

    [email] = outbox.claim(db, 10)
    assert email.channel == "email"
    outbox.mark_delivered(db, email.id, "250 Ok")
    clock.set(START + timedelta(hours=23, minutes=59))
    assert outbox.claim(db, 10) == []
    assert _statuses(db)["push"] == "scheduled"

    clock.set(START + timedelta(days=1))
    assert [item.channel for item in outbox.claim(db, 10)] == ["push"]


def test_D1_a_group_of_deliveries_is_recorded_each_with_its_answer_and_billed_once(
    db: Database, clock: FixedClock
) -> None:
    _drip(db, clock, people=3)
    first, second, third = outbox.claim(db, 10)
    outbox.mark_delivered(db, first.id, "250 first")  # a duplicate of this one comes in the group

    newly = outbox.mark_delivered_many(db, [(first.id, "250 again"), (second.id, "250 two"), (third.id, "250 three")])

    assert newly == 2
    answers = {m.id: (m.status, m.answer) for m in list_messages(db, "Acme") if m.channel == "email"}
    assert answers == {
        first.id: ("delivered", "250 first"),
        second.id: ("delivered", "250 two"),
        third.id: ("delivered", "250 three"),
    }
    assert get_workspace(db, "Acme").messages_sent == 3


def test_D1_a_claimed_message_is_leased_and_taken_again_only_after_the_lease(db: Database, clock: FixedClock) -> None:
    _drip(db, clock)
    [item] = outbox.claim(db, 10, lease=timedelta(minutes=5))
    assert (item.attempts, _statuses(db)["email"]) == (1, "sending")
    assert outbox.claim(db, 10) == []  # another worker gets nothing while the lease runs

    clock.set(START + timedelta(minutes=6))  # the first worker died: its lease ran out
    [again] = outbox.claim(db, 10)
    assert (again.id, again.attempts) == (item.id, 2)


def test_D1_delivery_bills_once_even_when_a_duplicate_completes(db: Database, clock: FixedClock) -> None:
    _drip(db, clock)
    assert get_workspace(db, "Acme").messages_sent == 0  # a send bills nothing
    [item] = outbox.claim(db, 10)
    clock.set(START + timedelta(seconds=3))

    assert outbox.mark_delivered(db, item.id, "250 2.0.0 Ok: queued as 42") is True
    assert outbox.mark_delivered(db, item.id, "250 again") is False

    [email] = [m for m in list_messages(db, "Acme") if m.channel == "email"]
    assert (email.status, email.answer, email.delivered_at) == (
        "delivered",
        "250 2.0.0 Ok: queued as 42",
        START + timedelta(seconds=3),
    )
    assert get_workspace(db, "Acme").messages_sent == 1


def test_D1_a_temporary_failure_retries_after_a_jittered_backoff_or_retry_after(
    db: Database, clock: FixedClock
) -> None:
    _drip(db, clock)
    [item] = outbox.claim(db, 10)
    assert outbox.mark_retry(db, item.id, "421 try later", rng=random.Random(1)) == MessageStatus.RETRYING
    [email] = [m for m in list_messages(db, "Acme") if m.channel == "email"]
    assert (email.status, email.attempts, email.last_error) == ("retrying", 1, "421 try later")
    assert email.next_attempt_at is not None
    assert START + timedelta(seconds=15) <= email.next_attempt_at <= START + timedelta(seconds=30)

    clock.set(email.next_attempt_at)
    [item] = outbox.claim(db, 10)
    outbox.mark_retry(db, item.id, "429", retry_after=600, rng=random.Random(1))
    [email] = [m for m in list_messages(db, "Acme") if m.channel == "email"]
    assert email.next_attempt_at == clock() + timedelta(seconds=600)  # longer than the backoff: honoured


def test_D1_a_message_deferred_by_a_rate_limit_is_queued_untried_and_not_taken_before_its_turn(
    db: Database, clock: FixedClock
) -> None:
    _drip(db, clock)
    [item] = outbox.claim(db, 10)
    outbox.defer(db, [(item.id, START + timedelta(seconds=3))])

    [email] = [m for m in list_messages(db, "Acme") if m.channel == "email"]
    assert (email.status, email.attempts, email.next_attempt_at) == ("queued", 0, START + timedelta(seconds=3))
    clock.set(START + timedelta(seconds=2))
    assert outbox.claim(db, 10) == []
    clock.set(START + timedelta(seconds=3))
    assert [again.id for again in outbox.claim(db, 10)] == [item.id]


def test_D1_a_changed_rate_limit_voids_the_turns_the_old_one_gave(db: Database, clock: FixedClock) -> None:
    """Set 0.01/s by mistake and the messages a worker deferred wait hours for their turns:
    changing the rate makes them due now, to be paced at the new one."""
    _drip(db, clock, people=2)
    set_delivery(db, "Acme", {"rate_per_s": "0.01/s"})
    first, second = outbox.claim(db, 10)
    outbox.defer(db, [(first.id, START + timedelta(hours=1)), (second.id, START + timedelta(hours=2))])

    set_delivery(db, "Acme", {"sender": "shop@example.com"})  # the rate unchanged: the turns hold
    assert outbox.claim(db, 10) == []
    set_delivery(db, "Acme", {"rate_per_s": "50/s"})
    assert sorted(item.id for item in outbox.claim(db, 10)) == sorted([first.id, second.id])
    assert {m.status for m in list_messages(db, "Acme") if m.channel == "push"} == {"scheduled"}  # not a turn


def test_D1_backoff_grows_exponentially_with_jitter_up_to_a_cap() -> None:
    rng = random.Random(3)
    for attempts, ceiling in [(1, 30), (2, 60), (3, 120), (20, 3600)]:
        wait = outbox.backoff(attempts, rng).total_seconds()
        assert ceiling / 2 <= wait <= ceiling


def test_D1_a_message_out_of_attempts_fails_with_its_last_error(db: Database, clock: FixedClock) -> None:
    _drip(db, clock)
    for _ in range(3):
        [item] = outbox.claim(db, 10)
        status = outbox.mark_retry(db, item.id, "451 busy", max_attempts=3, rng=random.Random(0))
        clock.set(clock() + timedelta(hours=2))
    assert status == MessageStatus.FAILED
    [email] = [m for m in list_messages(db, "Acme") if m.channel == "email"]
    assert (email.status, email.reason, email.attempts) == ("failed", "gave up after 3 attempts: 451 busy", 3)
    clock.set(START + timedelta(days=1))
    assert [item.channel for item in outbox.claim(db, 10)] == ["push"]  # only the push is left


def test_D1_a_permanent_failure_is_final(db: Database, clock: FixedClock) -> None:
    _drip(db, clock)
    [item] = outbox.claim(db, 10)
    outbox.mark_failed(db, item.id, "550 5.1.1 no such user")
    clock.set(START + timedelta(hours=1))
    assert outbox.claim(db, 10) == []
    assert _statuses(db)["email"] == "failed"


def test_D1_workers_claiming_at_once_never_share_a_message(db: Database, clock: FixedClock) -> None:
    _drip(db, clock, people=40)

    def worker(_: int) -> list[int]:
        taken: list[int] = []
        while items := outbox.claim(db, 3):
            taken += [item.id for item in items]
        return taken

    with ThreadPoolExecutor(4) as pool:
        shares = list(pool.map(worker, range(4)))
    every = [message_id for share in shares for message_id in share]
    assert len(every) == len(set(every)) == 40  # the 40 emails, each once


@pytest.mark.backends("sqlite")
def test_D1_a_claim_reads_index_ranges_and_leases_by_primary_key_so_its_cost_does_not_grow_with_the_outbox(
    db: Database, clock: FixedClock
) -> None:
    """The lease's UPDATE once let SQLite answer its due-check with every due message (a
    multi-index OR over the status index) instead of the claimed ids: a claim of 100 took 11 ms
    at 40,000 queued messages and grew with them. SQLite's plan depends on the query and the
    number of ids claimed (from ten on, it chose the scan), not on the table's size: a claim of
    twelve shows the plan of any big claim."""
    _drip(db, clock, people=12)
    claimed: list[outbox.OutboxItem] = []
    plans = sqlite_plans(db, lambda: claimed.extend(outbox.claim(db, 12)), ("SELECT", "UPDATE"))
    assert len(claimed) == 12
    [lease] = [plan for statement, plan in plans if statement.startswith("UPDATE messages")]
    assert lease == ["SEARCH messages USING INTEGER PRIMARY KEY (rowid=?)"]
    picks = [plan for statement, plan in plans if statement.startswith("SELECT") and "next_attempt_at <=" in statement]
    assert len(picks) == 3 and all(
        plan == ["SEARCH messages USING COVERING INDEX ix_messages_due (status=? AND next_attempt_at<?)"]
        for plan in picks
    ), picks

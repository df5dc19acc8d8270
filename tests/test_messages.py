"""Reading messages: by workspace, campaign and person, newest first, keyset-paginated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from factories import EMAIL, add_campaign, add_person, delete_person, make_workspace

from tui.core import messages, outbox, sending
from tui.core.db import Database
from tui.core.errors import InvalidInput, NotFound
from tui.core.runtime import FixedClock


@pytest.fixture
def sent(db: Database, clock: FixedClock) -> dict[str, str]:
    """Acme (email workspace): ann and bob got 'Welcome' (email + push after 1h), then ann got
    'Later'. Other: zed got 'Welcome' too. Returns the cio_ids."""
    acme = make_workspace(db)
    other = make_workspace(db, "Other")
    ids = {
        "ann": add_person(db, acme, "ann@example.com", attributes={"name": "Ann"}),
        "bob": add_person(db, acme, "bob@example.com", attributes={"name": "Bob"}),
        "zed": add_person(db, other, "zed@example.com"),
    }
    add_campaign(db, acme, "Welcome", [EMAIL, ("delay", {"duration": "1h"}), ("push", {"title": "t", "body": "b"})])
    add_campaign(db, other, "Welcome", [EMAIL])
    sending.send_campaign(db, "Acme", "Welcome")
    sending.send_campaign(db, "Other", "Welcome")
    add_campaign(db, acme, "Later", [("sms", {"body": "x"})])
    clock.set(datetime(2026, 3, 16, tzinfo=UTC))
    sending.send_campaign(db, "Acme", "Later")
    return ids


def test_M1_messages_list_newest_first_with_every_field(db: Database, sent: dict[str, str]) -> None:
    rows = messages.list_messages(db, "Acme")

    assert [(m.campaign, m.channel, m.person) for m in rows] == [
        ("Later", "sms", sent["bob"]),
        ("Later", "sms", sent["ann"]),
        ("Welcome", "push", sent["bob"]),
        ("Welcome", "email", sent["bob"]),
        ("Welcome", "push", sent["ann"]),
        ("Welcome", "email", sent["ann"]),
    ]
    ann_email = rows[-1]
    start = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
    assert ann_email == messages.MessageInfo(
        id=ann_email.id,
        person=sent["ann"],
        campaign="Welcome",
        action_id=ann_email.action_id,
        channel="email",
        status="queued",
        test=False,
        reason=None,
        recipient="ann@example.com",
        subject="Hi Ann",
        body="Welcome to Acme, ann@example.com",
        scheduled_at=start,
        sent_at=start,
        attempts=0,
        last_error=None,
        next_attempt_at=start,
        delivered_at=None,
        answer=None,
    )
    assert rows[-2].scheduled_at == start + timedelta(hours=1)
    assert (rows[0].status, rows[0].reason) == ("failed", "the person has no phone attribute, which an sms needs")


def test_M1_messages_filtered_by_campaign_and_person(db: Database, sent: dict[str, str]) -> None:
    assert {m.channel for m in messages.list_messages(db, "Acme", campaign=" later ")} == {"sms"}
    by_cio = messages.list_messages(db, "Acme", person=f"cio_{sent['ann']}")
    by_email = messages.list_messages(db, "Acme", person=" ANN@Example.com")
    assert by_cio == by_email
    assert [(m.campaign, m.channel) for m in by_cio] == [("Later", "sms"), ("Welcome", "push"), ("Welcome", "email")]
    both = messages.list_messages(db, "Acme", campaign="Welcome", person="bob@example.com")
    assert [(m.person, m.channel) for m in both] == [(sent["bob"], "push"), (sent["bob"], "email")]
    assert [m.person for m in messages.list_messages(db, "Other")] == [sent["zed"]]


def test_M1_messages_pages_by_keyset(db: Database, sent: dict[str, str]) -> None:
    everything = messages.list_messages(db, "Acme")
    first = messages.list_messages(db, "Acme", limit=4)
    rest = messages.list_messages(db, "Acme", limit=4, before=first[-1].id)
    assert first + rest == everything
    assert len(rest) == 2
    assert messages.list_messages(db, "Acme", before=everything[-1].id) == []


def test_M1_messages_list_refuses_bad_limits_and_unknown_names(db: Database, sent: dict[str, str]) -> None:
    for limit in (0, 1001):
        with pytest.raises(InvalidInput, match=f"limit must be between 1 and 1000, not {limit}"):
            messages.list_messages(db, "Acme", limit=limit)
    assert len(messages.list_messages(db, "Acme", limit=1000)) == 6
    with pytest.raises(NotFound, match="no campaign named 'Nope' in workspace 'Acme'"):
        messages.list_messages(db, "Acme", campaign="Nope")
    with pytest.raises(NotFound, match="no person 'zed@example.com' in workspace 'Acme'"):
        messages.list_messages(db, "Acme", person="zed@example.com")
    with pytest.raises(NotFound, match="no workspace named 'Nope'"):
        messages.list_messages(db, "Nope")


def test_M1_a_deleted_persons_messages_go_with_them(db: Database, sent: dict[str, str]) -> None:
    delete_person(db, "Acme", sent["ann"])
    assert {m.person for m in messages.list_messages(db, "Acme")} == {sent["bob"]}


def test_D1_messages_filtered_by_status_and_a_bad_status_is_refused(db: Database, sent: dict[str, str]) -> None:
    assert {m.channel for m in messages.list_messages(db, "Acme", status="scheduled")} == {"push"}
    assert {(m.channel, m.reason) for m in messages.list_messages(db, "Acme", status="failed")} == {
        ("sms", "the person has no phone attribute, which an sms needs")
    }
    with pytest.raises(InvalidInput, match="status 'lost' is not valid: choose one of scheduled, queued"):
        messages.list_messages(db, "Acme", status="lost")


def test_D1_a_failed_message_is_retried_now_with_fresh_attempts(
    db: Database, sent: dict[str, str], clock: FixedClock
) -> None:
    [item, *_] = outbox.claim(db, 10)
    outbox.mark_failed(db, item.id, "550 5.1.1 no such user")

    retried = messages.retry_message(db, "Acme", item.id)

    assert (retried.status, retried.attempts, retried.next_attempt_at) == ("queued", 0, db.runtime.now())
    assert retried.last_error == "550 5.1.1 no such user"  # until the next attempt
    assert [again.id for again in outbox.claim(db, 10)] == [item.id]


def test_D1_only_a_failed_or_retrying_message_of_the_workspace_can_be_retried(
    db: Database, sent: dict[str, str]
) -> None:
    [scheduled] = messages.list_messages(db, "Acme", status="scheduled", limit=1)
    [not_made] = messages.list_messages(db, "Acme", status="failed", limit=1)
    [elsewhere] = messages.list_messages(db, "Other", limit=1)

    with pytest.raises(InvalidInput, match=f"message {scheduled.id} is scheduled: only a failed or retrying"):
        messages.retry_message(db, "Acme", scheduled.id)
    with pytest.raises(InvalidInput, match="could not be made .the person has no phone attribute"):
        messages.retry_message(db, "Acme", not_made.id)
    with pytest.raises(NotFound, match=f"no message {elsewhere.id} in workspace 'Acme'"):
        messages.retry_message(db, "Acme", elsewhere.id)

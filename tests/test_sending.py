"""M1: sending a campaign."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from factories import EMAIL, add_campaign, add_person, deliver_due, make_workspace
from sqlalchemy import func, select

from tui.core import actions, campaigns, people, sending
from tui.core.db import Database
from tui.core.errors import Conflict, InvalidInput, NotFound
from tui.core.models import Campaign, Message, Person, UsageDay, Workspace
from tui.core.runtime import FixedClock
from tui.core.workspaces import create_workspace, get_workspace, update_workspace

# --- helpers of this module; the shared builders are in factories.py.


def set_state(db: Database, campaign: str, state: str) -> None:
    with db.write() as session:
        session.scalars(select(Campaign).where(Campaign.name == campaign)).one().state = state


def messages_of(db: Database, **where: Any) -> list[Message]:
    with db.read() as session:
        query = select(Message).filter_by(**where).order_by(Message.person_id, Message.action_id)
        return list(session.scalars(query))


def message_usage(db: Database) -> dict[date, int]:
    with db.read() as session:
        return {row.day: row.messages_sent for row in session.scalars(select(UsageDay)) if row.messages_sent}


def messages_sent_counter(db: Database, workspace_id: int) -> int:
    with db.read() as session:
        return session.get_one(Workspace, workspace_id).messages_sent


# --- M1 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["draft", "stopped", "archived"])
def test_M1_only_a_running_campaign_is_sent(db: Database, state: str) -> None:
    ws = make_workspace(db)
    add_person(db, ws, "ann@example.com")
    add_campaign(db, ws, "Welcome", [EMAIL], state=state)

    with pytest.raises(InvalidInput, match=f"campaign 'Welcome' is {state}: only a running campaign can be sent"):
        sending.send_campaign(db, "Acme", "Welcome")
    assert messages_of(db) == []
    assert message_usage(db) == {}


def test_M1_unknown_campaign_or_workspace_is_not_found(db: Database) -> None:
    make_workspace(db)
    with pytest.raises(NotFound, match="no campaign named 'Nope' in workspace 'Acme'"):
        sending.send_campaign(db, "Acme", "Nope")
    with pytest.raises(NotFound, match="no workspace named 'Other'"):
        sending.send_campaign(db, "Other", "Nope")


def test_M1_one_rendered_message_per_person_and_message_action(db: Database, clock: FixedClock) -> None:
    ws = make_workspace(db)
    ann = add_person(db, ws, "ann@example.com", attributes={"name": "Ann", "phone": "+15550100"})
    add_person(db, ws, "bob@example.com", attributes={"name": "Bob", "phone": 15550111})
    email, sms, _delay, push, hook = add_campaign(
        db,
        ws,
        "Welcome",
        [
            EMAIL,
            ("sms", {"body": "Hi {{ customer.name }} from {{ campaign.name }}"}),
            ("delay", {"duration": "1h"}),
            ("push", {"title": "Hey {{ customer.name }}", "body": "id={{ customer.id }} cio={{ customer.cio_id }}"}),
            (
                "webhook",
                {
                    "method": "PUT",
                    "url": "https://hooks.example.com/{{ customer.cio_id }}",
                    "body": "{{ customer.name }}",
                },
            ),
        ],
    )
    clock.set(datetime(2026, 3, 20, 9, 30, tzinfo=UTC))

    result = sending.send_campaign(db, "acme", "welcome")

    assert result == sending.SendResult(queued=4, scheduled=4)  # push and webhook come after the delay
    rows = messages_of(db)
    assert len(rows) == 8
    assert {(m.action_id, m.channel) for m in rows} == {
        (email, "email"),
        (sms, "sms"),
        (push, "push"),
        (hook, "webhook"),
    }
    assert {m.channel: m.status for m in rows} == {
        "email": "queued",
        "sms": "queued",
        "push": "scheduled",
        "webhook": "scheduled",
    }
    assert all(not m.test and m.reason is None for m in rows)
    assert all(m.sent_at == datetime(2026, 3, 20, 9, 30, tzinfo=UTC) for m in rows)
    ann_rows = {m.channel: m for m in rows if m.person_id == rows[0].person_id}
    assert (ann_rows["email"].recipient, ann_rows["email"].subject, ann_rows["email"].body) == (
        "ann@example.com",
        "Hi Ann",
        "Welcome to Acme, ann@example.com",
    )
    assert (ann_rows["sms"].recipient, ann_rows["sms"].subject, ann_rows["sms"].body) == (
        "+15550100",
        None,
        "Hi Ann from Welcome",
    )
    # In an email workspace a person's id is always null: customer.id renders empty.
    assert (ann_rows["push"].recipient, ann_rows["push"].subject, ann_rows["push"].body) == (
        None,
        "Hey Ann",
        f"id= cio={ann}",
    )
    assert (ann_rows["webhook"].subject, ann_rows["webhook"].body) == (f"PUT https://hooks.example.com/{ann}", "Ann")
    bob_sms = next(m for m in rows if m.channel == "sms" and m.person_id != rows[0].person_id)
    assert bob_sms.recipient == "15550111"


def test_M1_scheduled_at_is_sent_at_plus_the_delays_before_the_action(db: Database, clock: FixedClock) -> None:
    ws = make_workspace(db)
    add_person(db, ws, "ann@example.com")
    ids = add_campaign(
        db,
        ws,
        "Drip",
        [
            ("delay", {"duration": "30m"}),
            EMAIL,
            ("delay", {"duration": "2h"}),
            ("delay", {"duration": "3d"}),
            ("push", {"title": "t", "body": "b"}),
            ("webhook", {"method": "GET", "url": "https://example.com"}),
        ],
    )
    sent_at = datetime(2026, 3, 31, 23, 0, tzinfo=UTC)
    clock.set(sent_at)

    assert sending.send_campaign(db, "Acme", "Drip") == sending.SendResult(scheduled=3)

    scheduled = {m.action_id: m.scheduled_at for m in messages_of(db)}
    assert scheduled == {
        ids[1]: sent_at + timedelta(minutes=30),
        ids[4]: sent_at + timedelta(minutes=30, hours=2, days=3),
        ids[5]: sent_at + timedelta(minutes=30, hours=2, days=3),
    }


def test_M1_a_person_without_the_channels_address_gets_a_failed_message(db: Database) -> None:
    ws = make_workspace(db, "Ids", "id")
    add_person(db, ws, "u1", email="u1@example.com", attributes={"phone": "+1555"})
    add_person(db, ws, "u2", attributes={"phone": ""})
    add_person(db, ws, "u3", attributes={"phone": ["not", "a", "number"]})
    email, sms, push = add_campaign(db, ws, "C", [EMAIL, ("sms", {"body": "b"}), ("push", {"title": "t", "body": "b"})])

    result = sending.send_campaign(db, "Ids", "C")

    assert result == sending.SendResult(queued=5, failed=4)
    failed = {(m.person_id, m.action_id): m.reason for m in messages_of(db, status="failed")}
    by_ident = _people_ids(db)
    assert failed == {
        (by_ident["u2"], email): "the person has no email address, which an email needs",
        (by_ident["u3"], email): "the person has no email address, which an email needs",
        (by_ident["u2"], sms): "the person has no phone attribute, which an sms needs",
        (by_ident["u3"], sms): "the person's phone attribute ['not', 'a', 'number'] is not a phone number",
    }
    assert all(m.subject is None and m.body is None and m.recipient is None for m in messages_of(db, status="failed"))
    assert len(messages_of(db, action_id=push, status="queued")) == 3


def _people_ids(db: Database) -> dict[str, int]:
    with db.read() as session:
        return dict(session.execute(select(Person.ident, Person.id)).all())


def test_M1_send_mode_test_sends_emails_to_the_test_address_marked_test(db: Database) -> None:
    ws = make_workspace(db, send_mode="test", test_address="QA@Example.com")
    add_person(db, ws, "ann@example.com", attributes={"name": "Ann", "phone": "+1555"})
    add_campaign(db, ws, "C", [EMAIL, ("sms", {"body": "b"})])

    result = sending.send_campaign(db, "Acme", "C")

    assert result == sending.SendResult(queued=1, test=1)
    email, sms = messages_of(db)
    assert (email.status, email.test, email.recipient, email.subject) == ("queued", True, "qa@example.com", "Hi Ann")
    assert (sms.status, sms.test, sms.recipient) == ("queued", False, "+1555")
    # Test messages are billed like the others.
    deliver_due(db)
    assert messages_sent_counter(db, ws) == 2
    assert message_usage(db) == {date(2026, 3, 15): 2}


def test_M1_send_mode_never_suppresses_and_bills_nothing(db: Database) -> None:
    ws = make_workspace(db, send_mode="never")
    add_person(db, ws, "ann@example.com", attributes={"name": "Ann"})
    add_campaign(db, ws, "C", [EMAIL, ("sms", {"body": "b"})])

    result = sending.send_campaign(db, "Acme", "C")

    assert result == sending.SendResult(suppressed=1, failed=1)
    email, sms = messages_of(db)
    assert (email.status, email.recipient, email.subject) == ("suppressed", "ann@example.com", "Hi Ann")
    assert (sms.status, sms.reason) == ("failed", "the person has no phone attribute, which an sms needs")
    assert messages_sent_counter(db, ws) == 0
    assert message_usage(db) == {}


def test_M1_a_template_failing_for_one_person_fails_only_that_message(db: Database) -> None:
    ws = make_workspace(db)
    add_person(db, ws, "ann@example.com", attributes={"n": 6, "d": 2})
    add_person(db, ws, "bob@example.com", attributes={"n": 6, "d": 0})
    add_person(db, ws, "cy@example.com", attributes={"n": 9, "d": 3})
    add_campaign(db, ws, "C", [("email", {"subject": "s", "body": "{{ customer.n | divided_by: customer.d }}"})])

    result = sending.send_campaign(db, "Acme", "C")

    assert result == sending.SendResult(queued=2, failed=1)
    assert [(m.recipient, m.status, m.body, m.reason) for m in messages_of(db)] == [
        ("ann@example.com", "queued", "3", None),
        (None, "failed", None, "the body template failed: divided_by: can't divide by 0"),
        ("cy@example.com", "queued", "3", None),
    ]
    deliver_due(db)
    assert messages_sent_counter(db, ws) == 2


def test_M1_a_webhook_url_that_does_not_render_to_http_fails_that_message(db: Database) -> None:
    ws = make_workspace(db)
    add_person(db, ws, "ann@example.com", attributes={"host": "https://ann.example.com"})
    add_person(db, ws, "bob@example.com", attributes={"host": "ftp://bob.example.com"})
    add_campaign(db, ws, "C", [("webhook", {"method": "POST", "url": "{{ customer.host }}/hook", "body": "{}"})])

    result = sending.send_campaign(db, "Acme", "C")

    assert result == sending.SendResult(queued=1, failed=1)
    ann, bob = messages_of(db)
    assert (ann.status, ann.subject, ann.body) == ("queued", "POST https://ann.example.com/hook", "{}")
    assert (bob.status, bob.reason) == (
        "failed",
        "the webhook url renders to 'ftp://bob.example.com/hook', which does not start with http:// or https://",
    )


def test_M1_sending_again_skips_pairs_that_have_a_message(db: Database, clock: FixedClock) -> None:
    ws = make_workspace(db)
    add_person(db, ws, "ann@example.com")
    add_person(db, ws, "bob@example.com")
    add_campaign(db, ws, "C", [EMAIL, ("sms", {"body": "b"})])
    assert sending.send_campaign(db, "Acme", "C") == sending.SendResult(queued=2, failed=2)
    first = {m.id: (m.status, m.sent_at) for m in messages_of(db)}

    clock.set(datetime(2026, 4, 2, tzinfo=UTC))
    add_person(db, ws, "cy@example.com", attributes={"phone": "+1"})
    result = sending.send_campaign(db, "Acme", "C")

    assert result == sending.SendResult(queued=2, skipped=4)
    rows = messages_of(db)
    assert len(rows) == 6
    assert {m.id: (m.status, m.sent_at) for m in rows if m.id in first} == first  # untouched, failed ones too
    assert sending.send_campaign(db, "Acme", "C") == sending.SendResult(skipped=6)
    assert message_usage(db) == {}  # billing counts deliveries, not sends
    assert deliver_due(db) == 4
    assert message_usage(db) == {date(2026, 4, 2): 4}
    assert messages_sent_counter(db, ws) == 4


def test_M1_only_the_campaigns_workspace_receives_it(db: Database) -> None:
    acme = make_workspace(db)
    other = make_workspace(db, "Other")
    add_person(db, acme, "ann@example.com")
    add_person(db, other, "zed@example.com")
    add_person(db, acme, "bob@example.com")
    add_campaign(db, acme, "C", [EMAIL])

    assert sending.send_campaign(db, "Acme", "C", batch_size=1) == sending.SendResult(queued=2)
    assert {m.recipient for m in messages_of(db)} == {"ann@example.com", "bob@example.com"}
    assert messages_sent_counter(db, other) == 0


def test_M1_works_in_batches_reporting_progress(db: Database) -> None:
    ws = make_workspace(db)
    for n in range(5):
        add_person(db, ws, f"p{n}@example.com")
    add_campaign(db, ws, "C", [EMAIL, ("delay", {"duration": "1d"}), ("push", {"title": "t", "body": "b"})])
    seen: list[tuple[int, int]] = []

    result = sending.send_campaign(
        db, "Acme", "C", batch_size=2, progress=lambda done, total: seen.append((done, total))
    )

    assert result == sending.SendResult(queued=5, scheduled=5)
    assert seen == [(2, 5), (4, 5), (5, 5)]
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Message)) == 10


def test_M1_a_campaign_stopped_while_sending_keeps_the_batches_done(db: Database) -> None:
    ws = make_workspace(db)
    for n in range(5):
        add_person(db, ws, f"p{n}@example.com")
    add_campaign(db, ws, "C", [EMAIL])

    def stop_after_first_batch(done: int, total: int) -> None:
        set_state(db, "C", "stopped")

    with pytest.raises(
        Conflict, match="campaign 'C' became stopped while sending, after 2 people; start it and send again"
    ):
        sending.send_campaign(db, "Acme", "C", batch_size=2, progress=stop_after_first_batch)
    assert len(messages_of(db)) == 2
    deliver_due(db)
    assert messages_sent_counter(db, ws) == 2

    set_state(db, "C", "running")
    assert sending.send_campaign(db, "Acme", "C") == sending.SendResult(queued=3, skipped=2)


def test_M1_a_campaign_without_message_actions_sends_nothing(db: Database) -> None:
    ws = make_workspace(db)
    add_person(db, ws, "ann@example.com")
    add_campaign(db, ws, "C", [("delay", {"duration": "2h"})])
    assert sending.send_campaign(db, "Acme", "C") == sending.SendResult()


def test_M1_send_mode_is_read_from_the_workspace_at_send_time(db: Database) -> None:
    ws = make_workspace(db)
    add_person(db, ws, "ann@example.com")
    add_campaign(db, ws, "C", [EMAIL])
    update_workspace(db, "Acme", send_mode="never")
    assert sending.send_campaign(db, "Acme", "C") == sending.SendResult(suppressed=1)


def test_M1_end_to_end_through_the_public_core(db: Database, clock: FixedClock) -> None:
    create_workspace(db, "Shop", "id", send_mode="test", test_address="qa@shop.example")
    people.add_person(db, "Shop", id="u1", email="u1@example.com", attributes={"name": "Uma"})
    people.add_person(db, "Shop", id="u2", attributes={"phone": "+44"})
    campaigns.create_campaign(db, "Shop", "Onboarding")
    actions.add_action(
        db,
        "Shop",
        "Onboarding",
        type="email",
        name="Hello",
        settings={"subject": "Hi {{ customer.name }}", "body": "{{ customer.id }}"},
    )
    actions.add_action(db, "Shop", "Onboarding", type="delay", name="Wait", settings={"duration": "2d"})
    actions.add_action(
        db, "Shop", "Onboarding", type="sms", name="Nudge", settings={"body": "Still there, {{ customer.id }}?"}
    )
    with pytest.raises(InvalidInput, match="campaign 'Onboarding' is draft: only a running campaign can be sent"):
        sending.send_campaign(db, "Shop", "Onboarding")
    campaigns.change_state(db, "Shop", "Onboarding", "start")

    # u2 has no email: in send mode test too, the email fails as it would in normal mode.
    assert sending.send_campaign(db, "Shop", "Onboarding") == sending.SendResult(scheduled=1, test=1, failed=2)
    assert sending.send_campaign(db, "Shop", "Onboarding") == sending.SendResult(skipped=4)

    rows = [
        (m.channel, m.status, m.test, m.recipient, m.subject, m.body, m.scheduled_at - m.sent_at)
        for m in messages_of(db)
    ]
    assert rows == [
        ("email", "queued", True, "qa@shop.example", "Hi Uma", "u1", timedelta(0)),
        ("sms", "failed", False, None, None, None, timedelta(days=2)),
        ("email", "failed", False, None, None, None, timedelta(0)),
        ("sms", "scheduled", False, "+44", None, "Still there, u2?", timedelta(days=2)),
    ]
    deliver_due(db)
    assert get_workspace(db, "Shop").messages_sent == 1  # the sms waits two days


def test_M1_a_send_told_to_stop_stops_between_batches_and_keeps_them(db: Database) -> None:
    """What lets quitting the app stop a send: the batches committed stay, sending again does the rest."""
    ws = make_workspace(db)
    for n in range(5):
        add_person(db, ws, f"p{n}@example.com")
    add_campaign(db, ws, "Welcome", [EMAIL])
    batches: list[int] = []
    result = sending.send_campaign(
        db, "Acme", "Welcome", batch_size=2, progress=lambda done, _total: batches.append(done),
        cancelled=lambda: len(batches) >= 1,
    )  # fmt: skip
    assert result.queued == 2
    again = sending.send_campaign(db, "Acme", "Welcome")
    assert (again.queued, again.skipped) == (3, 2)

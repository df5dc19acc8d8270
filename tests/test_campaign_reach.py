"""People reached per campaign (D3, issue 10): kept in the transaction of each send, person
deletion, action removal with its messages and merge, so it always equals a recount of the
people with a message of the campaign; the migration counts an older database's once."""

from __future__ import annotations

from alembic import command
from factories import EMAIL, add_campaign, add_person, delete_person, make_workspace
from sqlalchemy import delete, func, select

from tui.core import sending, track
from tui.core.actions import add_action, remove_action
from tui.core.campaigns import list_campaigns
from tui.core.db import Database
from tui.core.migrate import alembic_config, upgrade_on_open
from tui.core.models import Campaign, Message, Person
from tui.core.track import Operation
from tui.core.track_identifiers import Ref

PUSH = ("push", {"title": "t", "body": "b"})


def recount(db: Database) -> dict[str, int]:
    """What the counters must say: campaign name -> distinct people with a message of it."""
    with db.read() as session:
        names = dict(session.execute(select(Campaign.id, Campaign.name)).all())
        per_campaign = select(Message.campaign_id, func.count(Message.person_id.distinct())).group_by(
            Message.campaign_id
        )
        counted = dict(session.execute(per_campaign).all())
    return {name: counted.get(campaign_id, 0) for campaign_id, name in names.items()}


def kept(db: Database, workspace: str = "Acme") -> dict[str, int]:
    return {c.name: c.people_reached for c in list_campaigns(db, workspace)}


def sent_hello(db: Database, *, people: int) -> tuple[int, int]:
    """Workspace Acme with `people` people, sent campaign Hello of one email: (workspace, action)."""
    ws = make_workspace(db)
    for n in range(people):
        add_person(db, ws, f"p{n}@example.com")
    [email] = add_campaign(db, ws, "Hello", [EMAIL])
    sending.send_campaign(db, "Acme", "Hello")
    return ws, email


def test_D3_people_reached_counts_each_person_once_per_campaign(db: Database) -> None:
    ws = make_workspace(db)
    people = [add_person(db, ws, f"p{n}@example.com") for n in range(3)]
    add_campaign(db, ws, "Two steps", [EMAIL, PUSH])
    add_campaign(db, ws, "Never sent", [EMAIL])
    sending.send_campaign(db, "Acme", "Two steps", batch_size=2)
    assert kept(db) == recount(db) == {"Two steps": 3, "Never sent": 0}

    add_person(db, ws, "late@example.com")
    add_action(db, "Acme", "Two steps", type="sms", name="Text", settings={"body": "hi"})
    sending.send_campaign(db, "Acme", "Two steps")  # old people get the new step, the new one all three
    assert kept(db) == recount(db) == {"Two steps": 4, "Never sent": 0}

    delete_person(db, "Acme", people[0])
    assert kept(db) == recount(db) == {"Two steps": 3, "Never sent": 0}


def test_D3_removing_an_action_with_its_messages_unreaches_only_people_left_without_one(db: Database) -> None:
    ws, first = sent_hello(db, people=3)
    add_person(db, ws, "late@example.com")
    second = add_action(db, "Acme", "Hello", type="push", name="Push", settings={"title": "t", "body": "b"}).id
    sending.send_campaign(db, "Acme", "Hello")  # everyone has the push; the first three the email too

    remove_action(db, "Acme", "Hello", first, keep_messages=False)
    assert kept(db) == recount(db) == {"Hello": 4}
    remove_action(db, "Acme", "Hello", second, keep_messages=False)
    assert kept(db) == recount(db) == {"Hello": 0}


def test_D3_removing_an_action_keeping_its_messages_keeps_the_people_reached(db: Database) -> None:
    _, email = sent_hello(db, people=2)
    remove_action(db, "Acme", "Hello", email)
    add_action(db, "Acme", "Hello", type="push", name="Push", settings={"title": "t", "body": "b"})
    sending.send_campaign(db, "Acme", "Hello")  # reached already, through the removed action's messages
    assert kept(db) == recount(db) == {"Hello": 2}


def test_D3_a_merge_of_two_people_reached_by_one_campaign_reaches_one(db: Database) -> None:
    ws = make_workspace(db, "Apps", "id")
    for ident in ("main", "dup", "other"):
        add_person(db, ws, ident, email=f"{ident}@example.com")
    add_campaign(db, ws, "Both", [EMAIL, PUSH])
    email, push = add_campaign(db, ws, "Split", [EMAIL, PUSH])
    add_campaign(db, ws, "Later too", [EMAIL])
    sending.send_campaign(db, "Apps", "Both")
    sending.send_campaign(db, "Apps", "Split")
    with db.write() as session:  # Split: main has only the email, dup only the push (both still reached)
        persons = {ident: pid for pid, ident in session.execute(select(Person.id, Person.ident))}
        session.execute(delete(Message).where(Message.person_id == persons["main"], Message.action_id == push))
        session.execute(delete(Message).where(Message.person_id == persons["dup"], Message.action_id == email))
    add_person(db, ws, "later", email="later@example.com")
    sending.send_campaign(db, "Apps", "Later too", batch_size=1)
    track.apply(db, ws, [Operation("merge", Ref("path", "main"), {}, other=Ref("path", "dup"))])
    track.apply(db, ws, [Operation("merge", Ref("path", "later"), {}, other=Ref("path", "other"))])
    assert kept(db, "Apps") == recount(db) == {"Both": 2, "Split": 2, "Later too": 2}


def test_D3_the_migration_counts_the_people_reached_of_an_older_database(db: Database) -> None:
    ws = make_workspace(db)
    for n in range(3):
        add_person(db, ws, f"p{n}@example.com")
    add_campaign(db, ws, "Hello", [EMAIL, PUSH])
    add_campaign(db, ws, "Quiet", [EMAIL])
    sending.send_campaign(db, "Acme", "Hello")

    command.downgrade(alembic_config(db.engine), "0007")  # a database of the revision before
    upgrade_on_open(db.engine)

    assert kept(db) == recount(db) == {"Hello": 3, "Quiet": 0}

"""Track API semantics in the core (T1-T7): identifiers, identify, events, devices, delete,
suppress, merge, and the Activity log. Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from tui.core import activity, events, people, track, workspaces
from tui.core.db import Database
from tui.core.models import Event, Person, UsageDay, Workspace
from tui.core.track import Operation
from tui.core.track_identifiers import Ref


def ws_id(db: Database, name: str) -> int:
    return workspaces.get_workspace(db, name).id


def run(db: Database, ws: str, action: str, who: str | None = None, body: dict[str, Any] | None = None, **kw: Any):
    ref = Ref("path", who) if who is not None else None
    [outcome] = track.apply(db, ws_id(db, ws), [Operation(action, ref, body or {}, **kw)])
    return outcome


def count(db: Database, model: type, **where: Any) -> int:
    with db.read() as session:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return session.scalar(query) or 0


def kept_people(db: Database, ws: str) -> int:
    with db.read() as session:
        row = session.scalar(select(Workspace).where(Workspace.name == ws))
        real = session.scalar(select(func.count()).select_from(Person).where(Person.workspace_id == row.id))
        assert row.people_count == real
        return real


# T1: identifiers -----------------------------------------------------------------------------


def test_T1_email_workspace_normalizes_the_path_email(db: Database, shop: str) -> None:
    assert run(db, shop, "identify", "Ann@Example.COM", {"plan": "pro"}).kind == "identify"
    assert run(db, shop, "identify", "ann@example.com", {"seats": 3}).kind == "identify"
    person = people.get_person(db, shop, "ann@example.com")
    assert person.attributes == {"plan": "pro", "seats": 3}
    assert kept_people(db, shop) == 1


def test_T1_email_workspace_refuses_a_path_that_is_no_email(db: Database, shop: str) -> None:
    outcome = run(db, shop, "identify", "ann", {"plan": "pro"})
    assert outcome.rejected and "this workspace identifies people by email" in outcome.detail
    assert kept_people(db, shop) == 0


def test_T1_cio_prefix_names_the_person_and_an_unknown_one_changes_nothing(db: Database, apps: str) -> None:
    person = people.add_person(db, apps, id="u1").person
    assert run(db, apps, "identify", person.reference, {"plan": "pro"}).kind == "identify"
    assert people.get_person(db, apps, "u1").attributes == {"plan": "pro"}
    outcome = run(db, apps, "identify", "cio_" + "0" * 16, {"plan": "x"})
    assert outcome.kind == "ignored" and "no person has that cio_id" in outcome.detail
    assert kept_people(db, apps) == 1


def test_T1_id_workspace_email_path_names_the_person_with_that_email(db: Database, apps: str) -> None:
    people.add_person(db, apps, id="u1", email="ann@example.com")
    assert run(db, apps, "identify", "Ann@example.com", {"plan": "pro"}).kind == "identify"
    assert people.get_person(db, apps, "u1").attributes == {"plan": "pro"}


def test_T1_id_workspace_refuses_to_create_a_person_whose_id_is_an_email(db: Database, apps: str) -> None:
    outcome = run(db, apps, "identify", "bob@example.com", {"plan": "pro"})
    assert outcome.rejected
    assert "this workspace identifies people by id: put the id, or cio_<id>, in the path" in outcome.detail
    people.add_person(db, apps, id="a", email="twin@example.com")
    people.add_person(db, apps, id="b", email="twin@example.com")
    assert run(db, apps, "identify", "twin@example.com", {"x": 1}).rejected
    assert kept_people(db, apps) == 2


def test_T1_an_email_that_is_someones_id_is_that_id(db: Database, apps: str) -> None:
    people.add_person(db, apps, id="odd@example.com")
    assert run(db, apps, "identify", "odd@example.com", {"x": 1}).kind == "identify"
    assert people.get_person(db, apps, "odd@example.com").attributes == {"x": 1}


# T2: identify ---------------------------------------------------------------------------------


def test_T2_null_removes_and_created_at_is_an_attribute(db: Database, apps: str, clock) -> None:
    first = run(db, apps, "identify", "u1", {"a": 1, "b": 2, "created_at": 1_700_000_000})
    assert first.kind == "identify"
    run(db, apps, "identify", "u1", {"a": None})
    person = people.get_person(db, apps, "u1")
    assert person.attributes == {"b": 2, "created_at": 1_700_000_000}
    assert person.created_at == clock()


def test_T2_update_only_creates_nobody(db: Database, apps: str) -> None:
    assert run(db, apps, "identify", "ghost", {"_update": True, "a": 1}).kind == "ignored"
    assert kept_people(db, apps) == 0


@pytest.mark.parametrize("value", [True, "TRUE", "true", 1, "1"])
def test_T2_unsubscribed_true_in_its_spellings(db: Database, apps: str, value: object) -> None:
    run(db, apps, "identify", "u1", {"unsubscribed": value})
    assert people.get_person(db, apps, "u1").unsubscribed is True
    run(db, apps, "identify", "u1", {"unsubscribed": "false"})
    assert people.get_person(db, apps, "u1").unsubscribed is False


def test_T2_body_email_sets_the_email_and_id_changes_only_under_cio(db: Database, apps: str) -> None:
    run(db, apps, "identify", "u1", {"email": "Ann@Example.com", "id": "other"})
    person = people.get_person(db, apps, "u1")
    assert person.email == "ann@example.com"
    run(db, apps, "identify", person.reference, {"id": "u2"})
    assert people.get_person(db, apps, person.reference).id == "u2"


def test_T2_an_identifier_someone_else_holds_changes_nothing_and_is_recorded(db: Database, apps: str) -> None:
    people.add_person(db, apps, id="taken")
    mine = people.add_person(db, apps, id="mine").person
    outcome = run(db, apps, "identify", mine.reference, {"id": "taken", "plan": "pro"})
    assert outcome.kind == "failed_change"
    assert people.get_person(db, apps, mine.reference).id == "mine"
    assert people.get_person(db, apps, mine.reference).attributes == {}
    [entry] = activity.list_activity(db, apps, kind="failed_change").activity
    assert entry.person == mine.cio_id and "'taken' already belongs to" in entry.detail


def test_T2_bad_values_are_rejected_and_change_nothing(db: Database, apps: str) -> None:
    assert run(db, apps, "identify", "u1", {"unsubscribed": "maybe"}).rejected
    assert run(db, apps, "identify", "u1", {"created_at": "yesterday"}).rejected
    assert run(db, apps, "identify", "u1", {"": 1}).rejected
    assert kept_people(db, apps) == 0
    assert len(activity.list_activity(db, apps, kind="rejected").activity) == 3


# T3: events -----------------------------------------------------------------------------------


def test_T3_an_event_for_nobody_creates_the_person(db: Database, shop: str) -> None:
    outcome = run(db, shop, "event", "new@example.com", {"name": "  signed up ", "data": {"plan": "pro"}})
    assert outcome.kind == "event"
    [event] = events.list_events(db, shop).events
    assert (event.name, event.type, event.data) == ("signed up", "event", {"plan": "pro"})
    assert event.person == people.get_person(db, shop, "new@example.com").cio_id


def test_T3_page_and_screen_types_and_given_timestamp(db: Database, apps: str) -> None:
    run(db, apps, "page", "u1", {"name": "/pricing", "timestamp": 1_700_000_000})
    run(db, apps, "event", "u1", {"name": "Home", "type": "screen"})
    page = events.list_events(db, apps, person="u1").events
    assert [(e.name, e.type) for e in page] == [("Home", "screen"), ("/pricing", "page")]
    assert page[1].timestamp == datetime.fromtimestamp(1_700_000_000, UTC)


def test_T3_the_same_client_event_id_is_stored_once(db: Database, apps: str) -> None:
    for _ in range(3):
        run(db, apps, "event", "u1", {"name": "paid", "id": "01HXYZ"})
    assert count(db, Event) == 1


@pytest.mark.parametrize(
    "body",
    [{}, {"name": ""}, {"name": "x" * 101}, {"name": "a", "type": "click"}, {"name": "a", "data": []}],
)
def test_T3_bad_events_are_rejected(db: Database, apps: str, body: dict[str, Any]) -> None:
    assert run(db, apps, "event", "u1", body).rejected
    assert count(db, Event) == 0 and kept_people(db, apps) == 0


def test_T3_anonymous_events_join_the_person_who_identifies_with_their_id(db: Database, apps: str) -> None:
    run(db, apps, "anonymous_event", None, {"name": "visit", "anonymous_id": "anon-1"})
    run(db, apps, "anonymous_event", None, {"name": "other", "anonymous_id": "anon-2"})
    run(db, apps, "identify", "u1", {"anonymous_id": "anon-1"})
    run(db, apps, "anonymous_event", None, {"name": "later", "anonymous_id": "anon-1"})
    mine = events.list_events(db, apps, person="u1").events
    assert [e.name for e in mine] == ["later", "visit"]
    assert [e.person for e in events.list_events(db, apps, name="other").events] == [None]


# T4: devices ----------------------------------------------------------------------------------


def test_T4_a_token_belongs_to_one_person_at_a_time(db: Database, apps: str) -> None:
    device = {"id": "tok-1", "platform": "ios", "last_used": 1_700_000_000, "attributes": {"app": "1.2"}}
    run(db, apps, "add_device", "u1", {"device": device})
    run(db, apps, "add_device", "u2", {"device": {**device, "platform": "android"}})
    assert events.person_devices(db, apps, "u1") == []
    [moved] = events.person_devices(db, apps, "u2")
    assert (moved.token, moved.platform, moved.attributes) == ("tok-1", "android", {"app": "1.2"})
    run(db, apps, "delete_device", "u2", {"token": "tok-1"})
    assert events.person_devices(db, apps, "u2") == []


def test_T4_a_device_needs_a_known_platform(db: Database, apps: str) -> None:
    assert run(db, apps, "add_device", "u1", {"device": {"id": "t", "platform": "windows"}}).rejected
    assert kept_people(db, apps) == 0


# T5: delete and suppress ----------------------------------------------------------------------


def test_T5_delete_keeps_billing_facts_and_an_unknown_one_changes_nothing(db: Database, apps: str) -> None:
    run(db, apps, "event", "u1", {"name": "a"})
    assert run(db, apps, "delete", "u1").kind == "delete"
    assert run(db, apps, "delete", "u1").kind == "ignored"
    assert kept_people(db, apps) == 0 and count(db, Event) == 0
    with db.read() as session:
        assert session.scalar(select(func.sum(UsageDay.people_deleted))) == 1


def test_T5_suppress_deletes_and_blocks_until_unsuppressed(db: Database, shop: str) -> None:
    run(db, shop, "identify", "ann@example.com", {"a": 1})
    assert run(db, shop, "suppress", "ann@example.com").kind == "suppress"
    assert kept_people(db, shop) == 0
    assert run(db, shop, "identify", "ANN@example.com", {"a": 2}).kind == "ignored"
    assert run(db, shop, "event", "ann@example.com", {"name": "x"}).kind == "ignored"
    assert kept_people(db, shop) == 0 and count(db, Event) == 0
    run(db, shop, "unsuppress", "ann@example.com")
    assert run(db, shop, "identify", "ann@example.com", {"a": 3}).kind == "identify"
    assert kept_people(db, shop) == 1


# T6: merge -------------------------------------------------------------------------------------


def test_T6_merge_folds_the_secondary_into_the_primary(db: Database, apps: str) -> None:
    run(db, apps, "identify", "main", {"plan": "pro", "shared": "primary"})
    run(db, apps, "identify", "dup", {"shared": "secondary", "only": 1, "email": "dup@example.com"})
    run(db, apps, "event", "dup", {"name": "e1"})
    run(db, apps, "add_device", "dup", {"device": {"id": "t1", "platform": "ios"}})
    outcome = run(db, apps, "merge", "main", other=Ref("path", "dup"))
    assert outcome.kind == "merge"
    merged = people.get_person(db, apps, "main")
    assert merged.attributes == {"plan": "pro", "shared": "primary", "only": 1}
    assert merged.email == "dup@example.com"
    assert [e.name for e in events.list_events(db, apps, person="main").events] == ["e1"]
    assert [d.token for d in events.person_devices(db, apps, "main")] == ["t1"]
    assert kept_people(db, apps) == 1


def test_T6_merge_with_a_missing_side_changes_nothing(db: Database, apps: str) -> None:
    run(db, apps, "identify", "main", {})
    assert run(db, apps, "merge", "main", other=Ref("cio_id", "0" * 16)).kind == "ignored"
    assert kept_people(db, apps) == 1


# T7: one transaction, isolation, activity --------------------------------------------------------


def test_T7_a_batch_applies_the_good_operations_and_rejects_the_bad(db: Database, apps: str) -> None:
    ops = [
        Operation("identify", Ref("id", "a"), {"x": 1}),
        Operation("event", Ref("id", "a"), {"name": ""}),
        Operation("identify", Ref("id", "b"), {}),
    ]
    outcomes = track.apply(db, ws_id(db, apps), ops)
    assert [o.rejected for o in outcomes] == [False, True, False]
    assert kept_people(db, apps) == 2


def test_T7_workspaces_are_isolated(db: Database, apps: str) -> None:
    other = workspaces.create_workspace(db, "Other", "id").workspace.name
    run(db, apps, "identify", "u1", {"a": 1})
    run(db, other, "delete", "u1")
    assert kept_people(db, apps) == 1
    assert events.list_events(db, other).events == []


def test_T7_activity_is_newest_first_and_paged(db: Database, apps: str) -> None:
    for n in range(5):
        run(db, apps, "identify", f"u{n}", {})
    first = activity.list_activity(db, apps, limit=2)
    assert [a.detail for a in first.activity] == ["created u4", "created u3"]
    second = activity.list_activity(db, apps, limit=2, after=first.next)
    assert [a.detail for a in second.activity] == ["created u2", "created u1"]


def test_T7_deleting_the_workspace_removes_what_the_api_stored(db: Database, apps: str) -> None:
    run(db, apps, "event", "u1", {"name": "a"})
    run(db, apps, "anonymous_event", None, {"name": "b"})
    run(db, apps, "suppress", "u2")
    workspaces.delete_workspace(db, apps, confirmed=True)
    assert count(db, Event) == 0

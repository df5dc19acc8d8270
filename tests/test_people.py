"""People rules P1-P7: identify (upsert), references, attributes, changes, deletion, lists."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tui.core import attributes, people, workspaces
from tui.core.db import Database
from tui.core.errors import ChangedElsewhere, Conflict, InvalidInput, NotFound
from tui.core.models import Action, Campaign, Message, Person, UsageDay, Workspace
from tui.core.runtime import FixedClock

DAY = date(2026, 3, 15)
# The `shop` (email) and `apps` (id) workspaces are fixtures of conftest.py.


def stored(db: Database, workspace: str) -> list[Person]:
    with db.read() as session:
        ws_id = session.scalar(select(Workspace.id).where(Workspace.name == workspace))
        return list(session.scalars(select(Person).where(Person.workspace_id == ws_id).order_by(Person.ident)))


def kept_count_matches(db: Database, workspace: str) -> int:
    """The workspace's kept people count, asserted equal to a real COUNT."""
    with db.read() as session:
        ws = session.scalar(select(Workspace).where(Workspace.name == workspace))
        real = session.scalar(select(func.count()).select_from(Person).where(Person.workspace_id == ws.id))
        assert ws.people_count == real
        return real


def usage(db: Database, workspace: str) -> dict[date, tuple[int, int]]:
    with db.read() as session:
        ws_id = session.scalar(select(Workspace.id).where(Workspace.name == workspace))
        rows = session.scalars(select(UsageDay).where(UsageDay.workspace_id == ws_id))
        return {row.day: (row.people_created, row.people_deleted) for row in rows}


def nothing_saved(db: Database, workspace: str) -> None:
    assert stored(db, workspace) == []
    assert kept_count_matches(db, workspace) == 0
    assert usage(db, workspace) == {}


# P1 ---------------------------------------------------------------------------------------


def test_P1_cio_id_is_lowercase_hex_and_unique_across_workspaces(db: Database, shop: str, apps: str) -> None:
    ids = [people.add_person(db, shop, email=f"p{i}@example.com").person.cio_id for i in range(5)]
    ids += [people.add_person(db, apps, id=f"p{i}").person.cio_id for i in range(5)]
    assert all(re.fullmatch(r"[0-9a-f]{16}", cio) for cio in ids)
    assert len(set(ids)) == 10
    assert {p.cio_id for p in stored(db, shop) + stored(db, apps)} == set(ids)


def test_P1_cio_id_never_changes(db: Database, shop: str) -> None:
    first = people.add_person(db, shop, email="ann@example.com").person
    again = people.add_person(db, shop, email="ANN@example.com", attributes={"a": "1"}).person
    moved = people.update_person(db, shop, "ann@example.com", email="anne@example.com", attributes={"b": "2"})
    assert first.cio_id == again.cio_id == moved.cio_id
    assert first.reference == f"cio_{first.cio_id}"


# P2 ---------------------------------------------------------------------------------------


def test_P2_id_is_required_in_an_id_workspace(db: Database, apps: str) -> None:
    with pytest.raises(InvalidInput, match="this workspace identifies people by id: give the person's id"):
        people.add_person(db, apps, email="ann@example.com")
    nothing_saved(db, apps)


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("", "it is empty"),
        ("x" * 151, "it has 151 characters, at most 150"),
        (" ann", "leading or trailing whitespace"),
        ("ann ", "leading or trailing whitespace"),
        ("a\x00nn", "control characters"),
        ("a\x1b[31mnn", "control characters"),
        ("cio_1234", "may not start with 'cio_'"),
    ],
)
def test_P2_invalid_ids_are_refused_and_nothing_is_saved(db: Database, apps: str, bad: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match=re.escape(reason)):
        people.add_person(db, apps, id=bad)
    nothing_saved(db, apps)


def test_P2_ids_are_case_sensitive_and_may_be_150_characters(db: Database, apps: str) -> None:
    assert people.add_person(db, apps, id="Ann").created
    assert people.add_person(db, apps, id="ann").created
    assert people.add_person(db, apps, id="é" * 150).created
    assert [p.ident for p in stored(db, apps)] == ["Ann", "ann", "é" * 150]
    assert kept_count_matches(db, apps) == 3


def test_P2_email_in_an_id_workspace_is_optional_validated_normalized_and_not_unique(db: Database, apps: str) -> None:
    assert people.add_person(db, apps, id="u1").person.email is None
    assert people.add_person(db, apps, id="u2", email=" Ann@Example.COM").person.email == "ann@example.com"
    assert people.add_person(db, apps, id="u3", email="ann@example.com").created
    with pytest.raises(InvalidInput, match="email 'bob@' is not valid: there must be something after the @-sign"):
        people.add_person(db, apps, id="u4", email="bob@")
    assert [p.email for p in stored(db, apps)] == [None, "ann@example.com", "ann@example.com"]


# P3 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", ["Person@Example.COM ", "person@example.com", "  PERSON@EXAMPLE.COM\t", "pErSoN@example.com"]
)
def test_P3_emails_are_normalized_to_one_person(db: Database, shop: str, raw: str) -> None:
    people.add_person(db, shop, email="person@example.com")
    result = people.add_person(db, shop, email=raw)
    assert not result.created
    assert result.person.email == "person@example.com"
    assert [(p.ident, p.email) for p in stored(db, shop)] == [("person@example.com", "person@example.com")]
    assert kept_count_matches(db, shop) == 1


def test_P3_invalid_email_is_refused_with_the_reason(db: Database, shop: str) -> None:
    with pytest.raises(InvalidInput, match="^email 'bob@' is not valid: there must be something after the @-sign$"):
        people.add_person(db, shop, email="bob@")
    nothing_saved(db, shop)


def test_P3_email_is_required_in_an_email_workspace(db: Database, shop: str) -> None:
    with pytest.raises(InvalidInput, match="this workspace identifies people by email"):
        people.add_person(db, shop, attributes={"a": "b"})
    nothing_saved(db, shop)


def test_P3_an_id_is_refused_in_an_email_workspace(db: Database, shop: str) -> None:
    with pytest.raises(InvalidInput, match="this workspace identifies people by email: a person there has no id"):
        people.add_person(db, shop, id="u1", email="ann@example.com")
    nothing_saved(db, shop)


def test_P3_a_person_in_an_email_workspace_has_no_id(db: Database, shop: str) -> None:
    person = people.add_person(db, shop, email="ann@example.com").person
    assert person.id is None
    assert people.get_person(db, shop, "ann@example.com").id is None


# P4 ---------------------------------------------------------------------------------------


def test_P4_references_find_by_cio_id_or_identifier(db: Database, shop: str, apps: str) -> None:
    ann = people.add_person(db, shop, email="ann@example.com").person
    bob = people.add_person(db, apps, id="Bob").person
    assert people.get_person(db, shop, f"cio_{ann.cio_id}") == ann
    assert people.get_person(db, shop, f"cio_{ann.cio_id.upper()}") == ann
    assert people.get_person(db, shop, "  ANN@Example.com ") == ann
    assert people.get_person(db, apps, "Bob") == bob
    assert people.get_person(db, apps, f"cio_{bob.cio_id}") == bob


def test_P4_not_found_names_the_workspace_searched(db: Database, shop: str, apps: str) -> None:
    ann = people.add_person(db, shop, email="ann@example.com").person
    people.add_person(db, apps, id="Bob")
    with pytest.raises(NotFound, match="^no person 'bob' in workspace 'Apps'$"):
        people.get_person(db, apps, "bob")  # ids are exact
    with pytest.raises(NotFound, match=f"^no person 'cio_{ann.cio_id}' in workspace 'Apps'$"):
        people.get_person(db, apps, f"cio_{ann.cio_id}")  # a cio_id of another workspace
    with pytest.raises(NotFound, match="in workspace 'Shop'"):
        people.get_person(db, shop, "zed@example.com")
    with pytest.raises(
        NotFound,
        match="^no person 'zed' in workspace 'Shop': people there are named by email or cio_<hex>, and email 'zed' is not valid",
    ):
        people.get_person(db, shop, "zed")


def test_P4_unknown_workspace_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound, match="no workspace named 'Nowhere'"):
        people.get_person(db, "Nowhere", "ann@example.com")


# P5 ---------------------------------------------------------------------------------------


def test_P5_identify_is_an_upsert_that_merges_attributes(db: Database, shop: str) -> None:
    first = people.add_person(db, shop, email="ann@example.com", attributes={"a": 1, "nested": {"x": 1}})
    second = people.add_person(db, shop, email="Ann@example.com", attributes={"nested": {"y": 2}, "c": "3"})
    assert first.created and not second.created
    assert second.person.attributes == {"a": 1, "nested": {"y": 2}, "c": "3"}
    assert second.person.version == first.person.version + 1
    (row,) = stored(db, shop)
    assert row.attributes == {"a": 1, "nested": {"y": 2}, "c": "3"}
    assert kept_count_matches(db, shop) == 1
    assert usage(db, shop) == {DAY: (1, 0)}


def test_P5_upsert_in_an_id_workspace_sets_the_email(db: Database, apps: str) -> None:
    people.add_person(db, apps, id="u1", email="old@example.com", attributes={"a": "1"})
    result = people.add_person(db, apps, id="u1", email="NEW@example.com")
    assert not result.created
    assert (result.person.email, result.person.attributes) == ("new@example.com", {"a": "1"})


# P6 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", attributes.RESERVED)
def test_P6_reserved_attribute_names_are_refused(db: Database, shop: str, name: str) -> None:
    with pytest.raises(InvalidInput, match=f"attribute name '{name}' is reserved"):
        people.add_person(db, shop, email="ann@example.com", attributes={name: "x"})
    nothing_saved(db, shop)
    people.add_person(db, shop, email="ann@example.com")
    with pytest.raises(InvalidInput, match="is reserved"):
        people.update_person(db, shop, "ann@example.com", attributes={name: "x"})
    with pytest.raises(InvalidInput, match="is reserved"):
        attributes.parse_pairs([f"{name}=x"])
    assert stored(db, shop)[0].attributes == {}


def test_P6_size_limit_counts_bytes_of_compact_utf8_json(db: Database, shop: str) -> None:
    overhead = len('{"k":""}')
    people.add_person(db, shop, email="fits@example.com", attributes={"k": "x" * (attributes.MAX_BYTES - overhead)})
    with pytest.raises(InvalidInput, match="102,401 bytes of JSON; one person's attributes may take at most 102,400"):
        people.add_person(
            db, shop, email="big@example.com", attributes={"k": "x" * (attributes.MAX_BYTES - overhead + 1)}
        )
    with pytest.raises(InvalidInput, match="102,408 bytes"):  # é is 2 bytes in UTF-8
        people.add_person(db, shop, email="big@example.com", attributes={"k": "é" * (attributes.MAX_BYTES // 2)})
    assert [p.email for p in stored(db, shop)] == ["fits@example.com"]


def test_P6_size_limit_holds_for_escaped_control_characters(db: Database, shop: str) -> None:
    """Each \\x01 takes 6 bytes (\\u0001): the fast path must not wave these through."""
    fitting = (attributes.MAX_BYTES - len('{"k":""}')) // 6
    people.add_person(db, shop, email="fits@example.com", attributes={"k": "\x01" * fitting})
    with pytest.raises(InvalidInput, match="bytes of JSON"):
        people.add_person(db, shop, email="big@example.com", attributes={"k": "\x01" * (fitting + 1)})
    assert len(stored(db, shop)) == 1


def test_P6_size_limit_applies_to_the_merged_attributes(db: Database, shop: str) -> None:
    half = attributes.MAX_BYTES // 2
    people.add_person(db, shop, email="ann@example.com", attributes={"a": "x" * half})
    with pytest.raises(InvalidInput, match="bytes of JSON"):
        people.add_person(db, shop, email="ann@example.com", attributes={"b": "x" * half})
    with pytest.raises(InvalidInput, match="bytes of JSON"):
        people.update_person(db, shop, "ann@example.com", attributes={"b": "x" * half})
    (row,) = stored(db, shop)
    assert list(row.attributes) == ["a"] and row.version == 1


def test_P6_attribute_values_keep_json_types_and_non_json_is_refused(db: Database, shop: str) -> None:
    values = {"n": 1, "f": 1.5, "t": True, "none": None, "list": [1, "a"], "obj": {"k": [None]}}
    assert people.add_person(db, shop, email="ann@example.com", attributes=values).person.attributes == values
    assert stored(db, shop)[0].attributes == values
    with pytest.raises(InvalidInput, match="not valid JSON values"):
        people.add_person(db, shop, email="bob@example.com", attributes={"n": float("nan")})
    with pytest.raises(InvalidInput, match="not valid JSON values"):
        people.add_person(db, shop, email="bob@example.com", attributes={"s": {1, 2}})
    assert len(stored(db, shop)) == 1


def test_P6_attr_pairs_are_strings_split_at_the_first_equals_sign() -> None:
    assert attributes.parse_pairs(["plan=pro", "n=1", "eq=a=b", "empty="]) == {
        "plan": "pro",
        "n": "1",
        "eq": "a=b",
        "empty": "",
    }
    with pytest.raises(InvalidInput, match="write it as NAME=VALUE"):
        attributes.parse_pairs(["plan"])
    with pytest.raises(InvalidInput, match="attribute name is empty"):
        attributes.parse_pairs(["=pro"])


def test_P6_attrs_json_takes_an_object_or_a_file(tmp_path: Path) -> None:
    assert attributes.load_json_option('{"n": 1, "l": [true]}') == {"n": 1, "l": [True]}
    source = tmp_path / "attrs file.json"
    source.write_text('{"big": "' + "x" * 5000 + '", "név": "Zoë"}', encoding="utf-8")
    assert attributes.load_json_option(f"@{source}") == {"big": "x" * 5000, "név": "Zoë"}
    with pytest.raises(InvalidInput, match="must be a JSON object"):
        attributes.load_json_option("[1, 2]")
    with pytest.raises(InvalidInput, match="--attrs-json is not valid JSON"):
        attributes.load_json_option("{nope")
    with pytest.raises(InvalidInput, match="not valid JSON: NaN is not a JSON value"):
        attributes.load_json_option('{"n": NaN}')
    with pytest.raises(InvalidInput, match="cannot read attributes from .*missing.json.*No such file"):
        attributes.load_json_option(f"@{tmp_path / 'missing.json'}")
    with pytest.raises(InvalidInput, match="is reserved"):
        attributes.load_json_option('{"cio_id": "x"}')


def test_P6_unset_removes_attributes(db: Database, shop: str) -> None:
    people.add_person(db, shop, email="ann@example.com", attributes={"a": 1, "b": 2, "c": 3})
    person = people.update_person(db, shop, "ann@example.com", attributes={"d": 4}, unset=["a", "missing"])
    assert person.attributes == {"b": 2, "c": 3, "d": 4}
    assert stored(db, shop)[0].attributes == {"b": 2, "c": 3, "d": 4}
    with pytest.raises(InvalidInput, match="attribute 'b' is both set and unset"):
        people.update_person(db, shop, "ann@example.com", attributes={"b": 9}, unset=["b"])
    assert stored(db, shop)[0].attributes == {"b": 2, "c": 3, "d": 4}


def test_update_with_nothing_to_change_is_refused(db: Database, shop: str) -> None:
    people.add_person(db, shop, email="ann@example.com")
    with pytest.raises(InvalidInput, match="nothing to change"):
        people.update_person(db, shop, "ann@example.com")


# P7 ---------------------------------------------------------------------------------------


def test_P7_changing_the_email_keeps_the_cio_id(db: Database, shop: str, clock: FixedClock) -> None:
    ann = people.add_person(db, shop, email="ann@example.com").person
    clock.set(datetime(2026, 3, 16, 9, 0, tzinfo=UTC))
    moved = people.update_person(db, shop, f"cio_{ann.cio_id}", email=" Anne@Example.com")
    assert (moved.cio_id, moved.email, moved.id) == (ann.cio_id, "anne@example.com", None)
    assert moved.updated_at == datetime(2026, 3, 16, 9, 0, tzinfo=UTC) and moved.created_at == ann.created_at
    assert [(p.ident, p.email, p.cio_id) for p in stored(db, shop)] == [
        ("anne@example.com", "anne@example.com", ann.cio_id)
    ]
    with pytest.raises(NotFound):
        people.get_person(db, shop, "ann@example.com")
    assert kept_count_matches(db, shop) == 1
    assert usage(db, shop) == {DAY: (1, 0)}


def test_P7_email_clash_is_refused_and_nothing_changes(db: Database, shop: str) -> None:
    people.add_person(db, shop, email="ann@example.com")
    bob = people.add_person(db, shop, email="bob@example.com", attributes={"k": "v"}).person
    with pytest.raises(Conflict, match="email 'ann@example.com' already belongs to another person in workspace 'Shop'"):
        people.update_person(db, shop, "bob@example.com", email="ANN@example.com", attributes={"k": "changed"})
    assert [(p.ident, p.attributes) for p in stored(db, shop)] == [
        ("ann@example.com", {}),
        ("bob@example.com", {"k": "v"}),
    ]
    assert people.get_person(db, shop, "bob@example.com") == bob


def test_P7_changing_to_the_same_normalized_email_is_fine(db: Database, shop: str) -> None:
    people.add_person(db, shop, email="ann@example.com")
    assert people.update_person(db, shop, "ann@example.com", email="ANN@example.com").email == "ann@example.com"


def test_P7_changing_the_id_keeps_the_cio_id_and_refuses_clashes(db: Database, apps: str) -> None:
    u1 = people.add_person(db, apps, id="u1", email="a@example.com").person
    people.add_person(db, apps, id="u2")
    moved = people.update_person(db, apps, "u1", id="user-1")
    assert (moved.cio_id, moved.id, moved.email) == (u1.cio_id, "user-1", "a@example.com")
    with pytest.raises(Conflict, match="id 'u2' already belongs to another person in workspace 'Apps'"):
        people.update_person(db, apps, "user-1", id="u2")
    with pytest.raises(InvalidInput, match="may not start with 'cio_'"):
        people.update_person(db, apps, "user-1", id="cio_x")
    assert [p.ident for p in stored(db, apps)] == ["u2", "user-1"]


def test_P7_an_id_cannot_be_given_in_an_email_workspace(db: Database, shop: str) -> None:
    people.add_person(db, shop, email="ann@example.com")
    with pytest.raises(InvalidInput, match="this workspace identifies people by email: a person there has no id"):
        people.update_person(db, shop, "ann@example.com", id="u1")
    assert stored(db, shop)[0].version == 1


def test_P7_email_can_be_changed_or_removed_in_an_id_workspace(db: Database, apps: str) -> None:
    people.add_person(db, apps, id="u1", email="a@example.com")
    assert people.update_person(db, apps, "u1", email="B@example.com").email == "b@example.com"
    assert people.update_person(db, apps, "u1", email="").email is None
    assert stored(db, apps)[0].email is None


# Optimistic concurrency ---------------------------------------------------------------------


def test_update_refuses_a_person_changed_elsewhere(db: Database, shop: str) -> None:
    loaded = people.add_person(db, shop, email="ann@example.com", attributes={"a": "mine"}).person
    people.update_person(db, shop, "ann@example.com", attributes={"a": "theirs"})  # another session
    with pytest.raises(ChangedElsewhere, match="changed elsewhere since it was loaded: reload"):
        people.update_person(
            db, shop, "ann@example.com", attributes={"a": "mine again"}, expected_version=loaded.version
        )
    assert stored(db, shop)[0].attributes == {"a": "theirs"}
    fresh = people.get_person(db, shop, "ann@example.com")
    saved = people.update_person(db, shop, "ann@example.com", attributes={"a": "mine"}, expected_version=fresh.version)
    assert saved.version == fresh.version + 1


def test_delete_refuses_a_person_changed_elsewhere(db: Database, shop: str) -> None:
    loaded = people.add_person(db, shop, email="ann@example.com").person
    people.add_person(db, shop, email="ann@example.com", attributes={"a": "b"})
    with pytest.raises(ChangedElsewhere):
        people.delete_person(db, shop, "ann@example.com", expected_version=loaded.version)
    assert kept_count_matches(db, shop) == 1


# Deleting and counting ------------------------------------------------------------------------


def _message_for(db: Database, workspace: str, cio_id: str) -> None:
    now = db.runtime.now()
    with db.write() as session:
        ws = workspaces.find_workspace(session, workspace)
        person = session.scalar(select(Person).where(Person.cio_id == cio_id))
        campaign = Campaign(
            workspace_id=ws.id, name=f"C {cio_id}", name_key=f"c {cio_id}", created_at=now, updated_at=now
        )
        session.add(campaign)
        session.flush()
        action = Action(
            campaign_id=campaign.id, position=1, type="sms", name="s", settings={}, created_at=now, updated_at=now
        )
        session.add(action)
        session.flush()
        session.add(
            Message(
                workspace_id=ws.id,
                campaign_id=campaign.id,
                action_id=action.id,
                person_id=person.id,
                channel="sms",
                status="sent",
                scheduled_at=now,
                sent_at=now,
            )
        )


def test_delete_removes_the_person_and_their_messages_and_counts_it(db: Database, shop: str, clock: FixedClock) -> None:
    ann = people.add_person(db, shop, email="ann@example.com").person
    bob = people.add_person(db, shop, email="bob@example.com").person
    _message_for(db, shop, ann.cio_id)
    _message_for(db, shop, bob.cio_id)
    clock.set(datetime(2026, 4, 1, 8, 0, tzinfo=UTC))
    assert people.delete_person(db, shop, "ANN@example.com") == ann
    assert [p.ident for p in stored(db, shop)] == ["bob@example.com"]
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Message)) == 1
    assert kept_count_matches(db, shop) == 1
    assert usage(db, shop) == {DAY: (2, 0), date(2026, 4, 1): (0, 1)}
    with pytest.raises(NotFound, match="no person 'ann@example.com' in workspace 'Shop'"):
        people.delete_person(db, shop, "ann@example.com")
    assert usage(db, shop) == {DAY: (2, 0), date(2026, 4, 1): (0, 1)}


def test_kept_count_and_usage_ignore_upserts_and_refusals(db: Database, shop: str) -> None:
    for email in ["a@example.com", "b@example.com", "A@example.com", "c@example.com"]:
        people.add_person(db, shop, email=email)
    for bad in ["bad@", "also bad"]:
        with pytest.raises(InvalidInput):
            people.add_person(db, shop, email=bad)
    people.delete_person(db, shop, "c@example.com")
    assert kept_count_matches(db, shop) == 2
    assert usage(db, shop) == {DAY: (3, 1)}


def test_names_with_spaces_quotes_and_unicode(db: Database) -> None:
    name = workspaces.create_workspace(db, 'Zoë\'s "Ünïcode" Shop', "id").workspace.name
    person = people.add_person(
        db, 'ZOË\'S "ÜNÏCODE" SHOP', id='O\'Brien "Ünï" 名前', attributes={"first name": "Zoë"}
    ).person
    assert person.id == 'O\'Brien "Ünï" 名前'
    assert people.get_person(db, name, 'O\'Brien "Ünï" 名前').attributes == {"first name": "Zoë"}


def test_core_returns_frozen_dataclasses(db: Database, shop: str) -> None:
    result = people.add_person(db, shop, email="ann@example.com")
    assert type(result.person) is people.PersonInfo
    with pytest.raises(AttributeError):
        result.person.email = "x"  # type: ignore[misc]

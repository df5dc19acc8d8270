"""Listing people (L1, L2): keyset pages in identifier, creation or attribute order, forwards and
backwards, with searches."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event

from tui.core import people, people_list, people_search, workspaces
from tui.core.db import Database
from tui.core.errors import InvalidInput
from tui.core.people_import import import_people
from tui.core.runtime import FixedClock


def test_list_pages_in_identifier_order_without_gaps_or_repeats(db: Database, apps: str) -> None:
    ids = ["b", "B", "a", "a b", "ä", "Z", "10", "9", "a_", "a%"]
    for person_id in ids:
        people.add_person(db, apps, id=person_id)
    seen: list[str | None] = []
    after = None
    while True:
        page = people_list.list_people(db, apps, limit=3, after=after)
        seen += [p.id for p in page.people]
        if page.next is None:
            break
        assert page.next == page.people[-1].id
        after = page.next
    assert seen == sorted(ids)  # code-point order
    last = people_list.list_people(db, apps, limit=len(ids))
    assert len(last.people) == len(ids) and last.next is None


def test_s1_a_caret_searches_a_prefix_of_the_normalized_email(db: Database, shop: str) -> None:
    for email in ["ann@example.com", "anna@example.com", "bob@example.com", "an_x@example.com", "élodie@example.com"]:
        people.add_person(db, shop, email=email)
    assert [p.email for p in people_list.list_people(db, shop, search="^ ANN").people] == [
        "ann@example.com",
        "anna@example.com",
    ]
    assert [p.email for p in people_list.list_people(db, shop, search="^an_").people] == ["an_x@example.com"]
    assert [p.email for p in people_list.list_people(db, shop, search="^a%").people] == []
    assert [p.email for p in people_list.list_people(db, shop, search="^É").people] == ["élodie@example.com"]
    page = people_list.list_people(db, shop, search="^ann", limit=1)
    assert ([p.email for p in page.people], page.next) == (["ann@example.com"], "ann@example.com")
    rest = people_list.list_people(db, shop, search="^ann", limit=1, after=page.next)
    assert ([p.email for p in rest.people], rest.next) == (["anna@example.com"], None)


def test_s1_a_prefix_of_ids_is_case_sensitive(db: Database, apps: str) -> None:
    for person_id in ["Ann", "ann", "Anna", "Bob"]:
        people.add_person(db, apps, id=person_id)
    assert [p.id for p in people_list.list_people(db, apps, search="^Ann").people] == ["Ann", "Anna"]


IDS = ["Ann", "joANNa", "ann", "Bob", "bobby", "50%_off", "a\\b", 'say "hi"', "xx"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("ann", ["Ann", "ann", "joANNa"]),  # 3+ characters: the trigram index
        ("ANNA", ["joANNa"]),
        ("bo", ["Bob", "bobby"]),  # 1 or 2 characters: a scan
        ("%", ["50%_off"]),  # LIKE's wildcards are text
        ("%_o", ["50%_off"]),
        ("_", ["50%_off"]),
        ("\\", ["a\\b"]),
        ('"hi"', ['say "hi"']),  # FTS5's quotes are text
        ("zzz", []),
    ],
)
def test_s1_text_finds_the_identifiers_that_contain_it_ignoring_case(
    db: Database, apps: str, text: str, found: list[str]
) -> None:
    for person_id in IDS:
        people.add_person(db, apps, id=person_id)
    assert [p.id for p in people_list.list_people(db, apps, search=text).people] == sorted(found)
    assert people_list.count_people(db, apps, search=text) == len(found)


def test_s1_key_value_finds_an_attribute_equal_to_it_strings_ignoring_case(db: Database, shop: str) -> None:
    attributes = [
        {"plan": "Pro"},
        {"plan": "pro"},
        {"plan": "pro "},
        {"plan": "free"},
        {},
        {"seats": 12},
        {"vip": True},
    ]
    for index, attrs in enumerate(attributes):
        people.add_person(db, shop, email=f"p{index}@example.com", attributes=attrs)

    def found(text: str) -> list[str]:
        return [p.email or "" for p in people_list.list_people(db, shop, search=text).people]

    assert found("plan:pro") == found("plan: PRO") == ["p0@example.com", "p1@example.com"]
    assert found("seats:12") == ["p5@example.com"] and found("seats:1") == []
    assert found("vip:true") == ["p6@example.com"]
    assert found("city:Lisbon") == []
    assert people_list.count_people(db, shop, search="plan:pro") == 2


def test_s1_a_search_for_a_reserved_name_is_refused_with_the_reason(db: Database, shop: str) -> None:
    with pytest.raises(InvalidInput, match=r"search 'email:ann': attribute name 'email' is reserved"):
        people_list.list_people(db, shop, search="email:ann")


def test_s2_the_trigram_index_follows_every_write(db: Database, shop: str, tmp_path: Path) -> None:
    """Adds, identifier changes, deletes, imports and a deleted workspace: the index knows them all."""
    people.add_person(db, shop, email="carol@example.com")
    people.add_person(db, shop, email="caroline@example.com")
    source = tmp_path / "people.csv"
    source.write_text("email\nkarol@example.com\ncarolyn@example.com\n", encoding="utf-8")
    import_people(db, shop, source)
    people.update_person(db, shop, "caroline@example.com", email="lina@example.com")
    people.delete_person(db, shop, "carol@example.com")
    assert [p.email for p in people_list.list_people(db, shop, search="arol").people] == [
        "carolyn@example.com",
        "karol@example.com",
    ]
    assert [p.email for p in people_list.list_people(db, shop, search="lina").people] == ["lina@example.com"]
    workspaces.create_workspace(db, "Other", "email")
    people.add_person(db, "Other", email="carolina@example.com")
    workspaces.delete_workspace(db, shop, confirmed=True)
    assert [p.email for p in people_list.list_people(db, "Other", search="arol").people] == ["carolina@example.com"]


def test_s2_many_trigram_matches_are_read_in_order_by_a_scan_with_the_same_result(
    db: Database, shop: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for index in range(12):
        people.add_person(db, shop, email=f"{'ab' if index % 2 else 'zz'}{index:02d}ann@example.com")
    few = people_list.list_people(db, shop, search="ann", limit=4)
    monkeypatch.setattr(people_search, "CANDIDATES", 3)
    monkeypatch.setattr(people_search, "SCAN_CHUNK", 5)
    monkeypatch.setattr(people_list, "SCAN_CHUNK", 5)
    many = people_list.list_people(db, shop, search="ann", limit=4)
    assert [p.email for p in many.people] == [p.email for p in few.people]
    assert walk(db, shop, sort=people_list.BY_IDENT, backwards=True, search="ann") == sorted(
        f"{'ab' if index % 2 else 'zz'}{index:02d}ann@example.com" for index in range(12)
    )
    assert people_list.count_people(db, shop, search="ann") == 12


def test_s2_a_scan_reports_how_far_it_got_and_stops_when_progress_raises(
    db: Database, shop: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for index in range(25):
        people.add_person(db, shop, email=f"p{index:02d}@example.com", attributes={"n": index})
    monkeypatch.setattr(people_list, "SCAN_CHUNK", 10)
    seen: list[tuple[int, int]] = []
    page = people_list.list_people(db, shop, search="n:24", progress=lambda done, total: seen.append((done, total)))
    assert [p.email for p in page.people] == ["p24@example.com"] and seen == [(10, 25), (20, 25)]
    seen.clear()
    assert people_list.count_people(db, shop, search="n:3", progress=lambda *at: seen.append(at)) == 1
    assert seen == [(10, 25), (20, 25)]

    def stop(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        people_list.list_people(db, shop, search="n:24", progress=stop)


@pytest.mark.parametrize("limit", [0, -1, 1001])
def test_list_limit_is_1_to_1000(db: Database, shop: str, limit: int) -> None:
    with pytest.raises(InvalidInput, match=f"limit {limit} is not valid: give 1 to 1000"):
        people_list.list_people(db, shop, limit=limit)


@pytest.mark.backends("sqlite")  # SQLite's EXPLAIN QUERY PLAN; test_backends.py has PostgreSQL's twin
def test_list_is_a_range_scan_of_the_identifier_index(db: Database, shop: str) -> None:
    """Never load a whole workspace: the page query walks the (workspace, ident) index, no sort."""
    statements: list[tuple[str, tuple]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        if "FROM people" in statement:
            statements.append((statement, parameters))

    people.add_person(db, shop, email="ann@example.com")
    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        people_list.list_people(db, shop, search="^an", after="a", limit=10)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    ((statement, parameters),) = statements
    with db.engine.connect() as conn:
        plan = " ".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters))
    assert re.fullmatch(r"SEARCH people USING INDEX \S+ \(workspace_id=\? AND ident>\? AND ident<\?\)", plan), plan
    assert not re.search(r"count\(", statement, re.IGNORECASE)


# Directions and orders -------------------------------------------------------------------------


def walk(
    db: Database,
    workspace: str,
    *,
    sort: people_list.PeopleSort,
    backwards: bool,
    limit: int = 3,
    search: str | None = None,
) -> list[str]:
    """Every person's identifier, a page at a time, from the top down (or from the end up)."""
    seen: list[str] = []
    page = people_list.list_people(db, workspace, limit=limit, sort=sort, last=backwards, search=search)
    while True:
        idents = [p.id or p.email or "" for p in page.people]
        seen = idents + seen if backwards else seen + idents
        cursor = page.previous if backwards else page.next
        if cursor is None:
            return seen
        place = {"before": cursor} if backwards else {"after": cursor}
        page = people_list.list_people(db, workspace, limit=limit, sort=sort, search=search, **place)  # type: ignore[arg-type]


def test_l2_the_last_page_and_pages_before_a_cursor_read_the_listing_backwards(db: Database, apps: str) -> None:
    ids = ["b", "B", "a", "a b", "ä", "Z", "10", "9", "a_", "a%"]
    for person_id in ids:
        people.add_person(db, apps, id=person_id)
    last = people_list.list_people(db, apps, limit=3, last=True)
    assert [p.id for p in last.people] == sorted(ids)[-3:] and last.next is None
    assert last.previous == sorted(ids)[-3]
    assert walk(db, apps, sort=people_list.BY_IDENT, backwards=True) == sorted(ids)
    before = people_list.list_people(db, apps, limit=2, before="a")
    assert [p.id for p in before.people] == ["B", "Z"]
    assert before.next == before.people[-1].id
    start = people_list.list_people(db, apps, limit=2, start="a")
    assert [p.id for p in start.people] == ["a", "a b"]


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("column", ["created", "attr:plan", "ident"])
def test_l1_every_order_pages_both_ways_without_gaps_or_repeats_ties_broken_by_cio_id(
    db: Database, shop: str, clock: FixedClock, column: str, descending: bool
) -> None:
    plans = ["pro", "free", None, "pro", 7, "team", True, "free", "pro", 12.5]
    for index, plan in enumerate(plans):
        attributes = {} if plan is None else {"plan": plan}
        people.add_person(db, shop, email=f"p{(index * 7) % 10}@example.com", attributes=attributes)
        if index % 3 == 0:  # some people share a creation time
            clock.set(clock() + timedelta(minutes=1))
    sort = people_list.PeopleSort(column, descending)
    everyone = people_list.list_people(db, shop, limit=100, sort=sort).people

    def key(person: people.PersonInfo) -> tuple[object, str]:
        if column == "ident":
            return (person.email, "")
        if column == "created":
            return (person.created_at, person.cio_id)
        value = person.attributes.get("plan")
        return ("" if value is None else value if isinstance(value, str) else json.dumps(value), person.cio_id)

    assert [p.cio_id for p in everyone] == [p.cio_id for p in sorted(everyone, key=key, reverse=descending)]
    emails = [p.email for p in everyone]
    assert len(set(emails)) == len(plans)
    assert walk(db, shop, sort=sort, backwards=False) == emails
    assert walk(db, shop, sort=sort, backwards=True) == emails


def test_l1_an_unknown_order_or_a_cursor_of_another_order_is_refused(db: Database, shop: str) -> None:
    with pytest.raises(InvalidInput, match="sort 'age' is not valid: sort by ident, created or attr:NAME"):
        people_list.PeopleSort("age")
    with pytest.raises(InvalidInput, match="is not a cursor of a listing sorted by created"):
        people_list.list_people(db, shop, sort=people_list.PeopleSort("created"), after="ann@example.com")


def test_l2_a_page_is_read_from_one_place_only(db: Database, shop: str) -> None:
    with pytest.raises(InvalidInput, match="give one place to read from, not after and last"):
        people_list.list_people(db, shop, after="a", last=True)


@pytest.mark.backends("sqlite")  # SQLite's EXPLAIN QUERY PLAN
def test_s2_a_substring_page_reads_the_trigram_indexs_matches_by_id_not_the_workspace(db: Database, shop: str) -> None:
    statements: list[tuple[str, tuple]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        statements.append((statement, parameters))

    for email in ["ann@example.com", "joanna@example.com", "bob@example.com"]:
        people.add_person(db, shop, email=email)
    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        page = people_list.list_people(db, shop, search="anna", limit=10)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    assert [p.email for p in page.people] == ["joanna@example.com"]
    (match,) = [statement for statement, _ in statements if "people_trigram MATCH" in statement]
    ((statement, parameters),) = [(s, p) for s, p in statements if "FROM people" in s and "ORDER BY" in s]
    with db.engine.connect() as conn:
        plan = " ".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters))
    assert "SEARCH people USING INTEGER PRIMARY KEY (rowid=?)" in plan, plan
    assert "LIMIT" in match

"""Listing people (L1, L2): keyset pages in identifier, creation or attribute order, forwards and
backwards, with searches."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from tui.core import people, people_list
from tui.core.db import Database
from tui.core.errors import InvalidInput
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


def test_list_search_is_a_prefix_of_the_normalized_email(db: Database, shop: str) -> None:
    for email in ["ann@example.com", "anna@example.com", "bob@example.com", "an_x@example.com", "élodie@example.com"]:
        people.add_person(db, shop, email=email)
    assert [p.email for p in people_list.list_people(db, shop, search=" ANN").people] == [
        "ann@example.com",
        "anna@example.com",
    ]
    assert [p.email for p in people_list.list_people(db, shop, search="an_").people] == ["an_x@example.com"]
    assert [p.email for p in people_list.list_people(db, shop, search="a%").people] == []
    assert [p.email for p in people_list.list_people(db, shop, search="É").people] == ["élodie@example.com"]
    page = people_list.list_people(db, shop, search="ann", limit=1)
    assert ([p.email for p in page.people], page.next) == (["ann@example.com"], "ann@example.com")
    rest = people_list.list_people(db, shop, search="ann", limit=1, after=page.next)
    assert ([p.email for p in rest.people], rest.next) == (["anna@example.com"], None)


def test_list_search_of_ids_is_case_sensitive(db: Database, apps: str) -> None:
    for person_id in ["Ann", "ann", "Anna", "Bob"]:
        people.add_person(db, apps, id=person_id)
    assert [p.id for p in people_list.list_people(db, apps, search="Ann").people] == ["Ann", "Anna"]


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
        people_list.list_people(db, shop, search="an", after="a", limit=10)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    ((statement, parameters),) = statements
    with db.engine.connect() as conn:
        plan = " ".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters))
    assert re.fullmatch(r"SEARCH people USING INDEX \S+ \(workspace_id=\? AND ident>\? AND ident<\?\)", plan), plan
    assert not re.search(r"count\(", statement, re.IGNORECASE)


# Directions and orders -------------------------------------------------------------------------


def walk(db: Database, workspace: str, *, sort: people_list.PeopleSort, backwards: bool, limit: int = 3) -> list[str]:
    """Every person's identifier, a page at a time, from the top down (or from the end up)."""
    seen: list[str] = []
    page = people_list.list_people(db, workspace, limit=limit, sort=sort, last=backwards)
    while True:
        idents = [p.id or p.email or "" for p in page.people]
        seen = idents + seen if backwards else seen + idents
        cursor = page.previous if backwards else page.next
        if cursor is None:
            return seen
        place = {"before": cursor} if backwards else {"after": cursor}
        page = people_list.list_people(db, workspace, limit=limit, sort=sort, **place)  # type: ignore[arg-type]


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
    plans = ["pro", "free", None, "pro", 7, "team", "free", "pro"]
    for index, plan in enumerate(plans):
        attributes = {} if plan is None else {"plan": plan}
        people.add_person(db, shop, email=f"p{(index * 5) % 8}@example.com", attributes=attributes)
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
        return ("" if value is None else str(value), person.cio_id)

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

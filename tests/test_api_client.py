"""The official `customerio` client against a real `serve api` over TLS: every Track method,
each checked afterwards through the core (T1-T7). Both backends."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from urllib.parse import urlparse

import pytest
from api_harness import Tenant, new_tenant
from conftest import TrackApi
from customerio import CustomerIO, CustomerIOException

from tui.core import activity, events, people
from tui.core.errors import NotFound


@pytest.fixture
def tenant(api: TrackApi) -> Tenant:
    return new_tenant(api.db, f"ws-{uuid.uuid4().hex[:8]}")


@pytest.fixture
def cio(api: TrackApi, tenant: Tenant, monkeypatch: pytest.MonkeyPatch) -> CustomerIO:
    """The client as a user sets it up: the host and port, trusting the server's certificate."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(api.server.cert))
    port = urlparse(api.server.url).port
    return CustomerIO(tenant.site_id, tenant.key, host="localhost", port=port, retries=0)


def test_identify_creates_and_merges_attributes(api: TrackApi, tenant: Tenant, cio: CustomerIO) -> None:
    cio.identify(id="u1", email="Ann@Example.com", plan="pro", created_at=1_700_000_000)
    cio.identify(id="u1", seats=3, plan=None)
    person = people.get_person(api.db, tenant.name, "u1")
    assert person.email == "ann@example.com"
    assert person.attributes == {"created_at": 1_700_000_000, "seats": 3}


def test_identify_with_an_identifier_full_of_reserved_characters(
    api: TrackApi, tenant: Tenant, cio: CustomerIO
) -> None:
    odd = "a b/c?d#e&f+g%h é"
    cio.identify(id=odd, plan="pro")
    assert people.get_person(api.db, tenant.name, odd).attributes == {"plan": "pro"}


def test_track_pageview_backfill_and_anonymous(api: TrackApi, tenant: Tenant, cio: CustomerIO) -> None:
    cio.track(customer_id="u1", name="paid", data={"amount": 3}, id="evt-1")
    cio.track(customer_id="u1", name="paid", data={"amount": 3}, id="evt-1")  # a retry: stored once
    cio.pageview("u1", "/pricing", referrer="ad")
    cio.backfill("u1", "old", datetime(2020, 1, 1, tzinfo=UTC), source="import")
    cio.track_anonymous("anon-7", "visit", data={"from": "ad"})
    cio.identify(id="u1", anonymous_id="anon-7")
    page = events.list_events(api.db, tenant.name, person="u1").events
    assert [(e.name, e.type) for e in page] == [
        ("visit", "event"),
        ("old", "event"),
        ("/pricing", "page"),
        ("paid", "event"),
    ]
    assert page[1].timestamp == datetime(2020, 1, 1, tzinfo=UTC)
    assert page[2].data == {"referrer": "ad"}


def test_devices_added_moved_and_deleted(api: TrackApi, tenant: Tenant, cio: CustomerIO) -> None:
    cio.add_device("u1", "tok-1", "ios", last_used=1_700_000_000)
    assert [d.token for d in events.person_devices(api.db, tenant.name, "u1")] == ["tok-1"]
    cio.add_device("u2", "tok-1", "android")
    assert events.person_devices(api.db, tenant.name, "u1") == []
    cio.delete_device("u2", "tok-1")
    assert events.person_devices(api.db, tenant.name, "u2") == []


def test_delete_suppress_unsuppress(api: TrackApi, tenant: Tenant, cio: CustomerIO) -> None:
    cio.identify(id="gone")
    cio.delete("gone")
    with pytest.raises(NotFound):
        people.get_person(api.db, tenant.name, "gone")
    cio.delete("never-was")  # 200, nothing changes
    cio.identify(id="blocked")
    cio.suppress("blocked")
    cio.identify(id="blocked", plan="x")
    with pytest.raises(NotFound):
        people.get_person(api.db, tenant.name, "blocked")
    cio.unsuppress("blocked")
    cio.identify(id="blocked", plan="y")
    assert people.get_person(api.db, tenant.name, "blocked").attributes == {"plan": "y"}


def test_merge_customers(api: TrackApi, tenant: Tenant, cio: CustomerIO) -> None:
    cio.identify(id="main", plan="pro")
    cio.identify(id="dup", plan="free", extra=1)
    cio.track(customer_id="dup", name="e1")
    secondary = people.get_person(api.db, tenant.name, "dup")
    cio.merge_customers("id", "main", "cio_id", secondary.cio_id)
    merged = people.get_person(api.db, tenant.name, "main")
    assert merged.attributes == {"plan": "pro", "extra": 1}
    assert [e.name for e in events.list_events(api.db, tenant.name, person="main").events] == ["e1"]
    with pytest.raises(NotFound):
        people.get_person(api.db, tenant.name, "dup")


def test_batch_applies_good_operations_and_reports_bad_ones(api: TrackApi, tenant: Tenant, cio: CustomerIO) -> None:
    cio.batch(
        [
            {"type": "person", "action": "identify", "identifiers": {"id": "b1"}, "attributes": {"x": 1}},
            {"type": "person", "action": "event", "identifiers": {"id": "b1"}, "name": "clicked"},
        ]
    )
    assert people.get_person(api.db, tenant.name, "b1").attributes == {"x": 1}
    assert [e.name for e in events.list_events(api.db, tenant.name, person="b1").events] == ["clicked"]
    # A 207 is a success to the client; the good operation is applied, the bad one recorded.
    cio.batch(
        [
            {"type": "person", "action": "identify", "identifiers": {"id": "b2"}},
            {"type": "object", "action": "identify", "identifiers": {"object_id": "o"}},
        ]
    )
    people.get_person(api.db, tenant.name, "b2")
    [entry] = activity.list_activity(api.db, tenant.name, kind="rejected").activity
    assert "1 operation(s) refused" in entry.detail


def test_identify_refused_with_a_sentence_and_recorded(api: TrackApi, tenant: Tenant, cio: CustomerIO) -> None:
    with pytest.raises(CustomerIOException, match="this workspace identifies people by id"):
        cio.identify(id="bob@example.com")
    [entry] = activity.list_activity(api.db, tenant.name, kind="rejected").activity
    assert "bob@example.com" in entry.detail

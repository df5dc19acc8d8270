"""Raw HTTP against a real `serve api`: what a client library never sends. Bad input is a 4xx
with Customer.io's error body and changes nothing; authentication names one workspace and
follows rotation and deletion at once. Both backends."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from api_harness import Tenant, new_tenant
from conftest import TrackApi

from tui.core import activity, credentials, events, people, workspaces
from tui.core.errors import NotFound

PATIENCE_S = 10.0
V1_UNAUTHORIZED = {"meta": {"error": "Unauthorized request"}}


@pytest.fixture
def tenant(api: TrackApi) -> Tenant:
    return new_tenant(api.db, f"ws-{uuid.uuid4().hex[:8]}")


@pytest.fixture
def http(api: TrackApi, tenant: Tenant) -> Iterator[httpx.Client]:
    with api.server.client(auth=tenant.auth) as client:
        yield client


def people_count(api: TrackApi, tenant: Tenant) -> int:
    return workspaces.get_workspace(api.db, tenant.name).people


# Identifiers in the raw path ------------------------------------------------------------------


def test_an_encoded_identifier_is_one_identifier(api: TrackApi, tenant: Tenant, http: httpx.Client) -> None:
    answer = http.put("/api/v1/customers/a%20b%2Fc%3Fd%23e%26f%2Bg%25h", json={"x": 1})
    assert (answer.status_code, answer.json()) == (200, {})
    assert people.get_person(api.db, tenant.name, "a b/c?d#e&f+g%h").attributes == {"x": 1}


def test_utf8_escapes_decode_and_invalid_ones_are_400(api: TrackApi, tenant: Tenant, http: httpx.Client) -> None:
    assert http.put("/api/v1/customers/caf%C3%A9", json={}).status_code == 200
    people.get_person(api.db, tenant.name, "café")
    answer = http.put("/api/v1/customers/bad%FF", json={})
    assert answer.status_code == 400 and "not UTF-8" in answer.json()["meta"]["errors"][0]
    assert people_count(api, tenant) == 1


# Bodies ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"[1, 2]",
        b'{"a": NaN}',
        b'{"a": "\\ud800"}',
        b"[" * 30 + b"]" * 30,
        b'{"a":' * 25 + b"1" + b"}" * 25,
        b"\xff\xfe",
    ],
    ids=["malformed", "not-object", "nan", "lone-surrogate", "deep-array", "deep-object", "not-utf8"],
)
def test_bad_bodies_are_400_and_change_nothing(
    api: TrackApi, tenant: Tenant, http: httpx.Client, content: bytes
) -> None:
    answer = http.put("/api/v1/customers/u1", content=content, headers={"content-type": "application/json"})
    assert answer.status_code == 400
    assert isinstance(answer.json()["meta"]["errors"][0], str)
    assert people_count(api, tenant) == 0
    assert activity.list_activity(api.db, tenant.name, kind="rejected").activity


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/customers/u1/events", {"name": 5}),
        ("/api/v1/customers/u1/events", {"name": "x", "timestamp": "today"}),
        ("/api/v1/customers/u1/events", {"name": "x", "data": "text"}),
        ("/api/v1/customers/u1/devices", {"device": {"id": "t", "platform": "palm"}}),
        ("/api/v1/customers/u1/devices", {"device": "t"}),
    ],
)
def test_wrong_types_are_400(api: TrackApi, tenant: Tenant, http: httpx.Client, path: str, body: object) -> None:
    answer = http.request("POST" if path.endswith("events") else "PUT", path, json=body)
    assert answer.status_code == 400 and answer.json()["meta"]["errors"]
    assert people_count(api, tenant) == 0


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/customers/u1/events", {"name": "a\u0000b"}),
        ("/api/v1/customers/u1/events", {"name": "a", "id": "e\u0000"}),
        ("/api/v1/customers/u1/devices", {"device": {"id": "t\u0000", "platform": "ios"}}),
        ("/api/v1/events", {"name": "a", "anonymous_id": "q\u0000"}),
    ],
)
def test_a_nul_in_stored_text_is_400_not_a_crash(
    api: TrackApi, tenant: Tenant, http: httpx.Client, path: str, body: object
) -> None:
    """PostgreSQL's text holds no NUL: an event name, event id, token or anonymous id with one
    was a 500 there. Refused on both backends alike (attribute values are JSON: stored)."""
    answer = http.request("PUT" if path.endswith("devices") else "POST", path, json=body)
    assert answer.status_code == 400 and "NUL" in answer.json()["meta"]["errors"][0]
    assert people_count(api, tenant) == 0
    assert events.list_events(api.db, tenant.name).events == []


def test_merge_errors_use_the_documented_shape(http: httpx.Client) -> None:
    answer = http.post("/api/v1/merge_customers", json={"primary": {"id": "a"}})
    assert answer.status_code == 400
    assert isinstance(answer.json()["meta"]["error"], str)


def test_oversized_bodies_are_413(api: TrackApi, tenant: Tenant, http: httpx.Client) -> None:
    assert http.put("/api/v1/customers/u1", json={"x": "a" * 33_000}).status_code == 413
    big_op = {"type": "person", "action": "identify", "identifiers": {"id": "u2"}, "attributes": {"x": "a" * 33_000}}
    assert http.post("/api/v2/entity", json=big_op).status_code == 413
    small = {"type": "person", "action": "identify", "identifiers": {"id": "u3"}, "attributes": {"x": "a" * 1000}}
    assert http.post("/api/v2/batch", json={"batch": [small] * 520}).status_code == 413
    assert people_count(api, tenant) == 0


def test_a_batch_with_bad_operations_is_207_and_applies_the_good(
    api: TrackApi, tenant: Tenant, http: httpx.Client
) -> None:
    batch = [
        {"type": "person", "action": "identify", "identifiers": {"id": "ok1"}},
        {"type": "person", "action": "event", "identifiers": {"id": "ok1"}, "name": ""},
        {"type": "delivery", "action": "opened"},
        {"type": "person", "action": "identify", "identifiers": {"id": "ok2"}},
    ]
    answer = http.post("/api/v2/batch", json={"batch": batch})
    assert answer.status_code == 207
    errors = answer.json()["errors"]
    assert [e["batch_index"] for e in errors] == [1, 2]
    assert all({"reason", "field", "message"} <= set(e) for e in errors)
    assert people_count(api, tenant) == 2


def person(action: str, who: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    return {"type": "person", "action": action, "identifiers": who or {"id": "u1"}, **fields}


def test_v2_errors_name_the_field_the_core_refused(http: httpx.Client) -> None:
    """v2's `field` points into the operation as sent, for the core's refusals as for the
    server's own."""
    batch = [
        person("identify", attributes={"created_at": "yesterday"}),
        person("identify", attributes={"unsubscribed": "maybe"}),
        person("identify", attributes={"": 1}),
        person("identify", {"id": "cio_not-hex"}),
        person("identify", {"email": "nobody@example.com"}),  # an id workspace: no one has it
        person("event", name=""),
        person("event", name="x", timestamp="soon"),
        person("add_device", device={"token": "t1", "platform": "windows"}),
        person("delete_device", device={}),
        {"type": "person", "action": "merge", "primary": {"cio_id": "zz"}, "secondary": {"id": "u1"}},
        {"type": "person", "action": "merge", "primary": {"id": "u1"}, "secondary": {"cio_id": "zz"}},
        {"type": "object", "action": "identify"},
        person("identify", attributes=[1]),
    ]
    answer = http.post("/api/v2/batch", json={"batch": batch})
    assert answer.status_code == 207
    fields = [(e["batch_index"], e["field"]) for e in answer.json()["errors"]]
    assert fields == list(
        enumerate(
            [
                "attributes.created_at",
                "attributes.unsubscribed",
                "attributes",
                "identifiers",
                "identifiers",
                "name",
                "timestamp",
                "device.platform",
                "device.token",
                "primary",
                "secondary",
                "type",
                "attributes",
            ]
        )
    )
    refused = http.post("/api/v2/entity", json=person("page", name="x", timestamp=-1))
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "timestamp"


def test_v2_entity_errors_use_the_v2_shape(http: httpx.Client) -> None:
    answer = http.post("/api/v2/entity", json={"type": "person", "action": "fly", "identifiers": {"id": "x"}})
    assert answer.status_code == 400
    [error] = answer.json()["errors"]
    assert "fly" in error["message"]


def test_unknown_route_404_and_wrong_method_405(http: httpx.Client) -> None:
    assert http.get("/api/v1/customers/u1/nothing").status_code == 404
    assert http.get("/api/v1/customers/u1").status_code == 405
    assert http.put("/api/v1/merge_customers", json={}).status_code == 405


def test_delete_and_suppress_take_no_body(api: TrackApi, tenant: Tenant, http: httpx.Client) -> None:
    http.put("/api/v1/customers/u1", json={})
    assert http.post("/api/v1/customers/u1/suppress").status_code == 200
    assert http.delete("/api/v1/customers/u9").status_code == 200
    assert people_count(api, tenant) == 0


# Authentication ----------------------------------------------------------------------------------


def test_missing_or_wrong_credentials_are_401(api: TrackApi, tenant: Tenant) -> None:
    with api.server.client() as anonymous:
        answer = anonymous.put("/api/v1/customers/u1", json={})
        assert (answer.status_code, answer.json()) == (401, V1_UNAUTHORIZED)
    with api.server.client(auth=(tenant.site_id, "wrong")) as wrong:
        assert wrong.put("/api/v1/customers/u1", json={}).status_code == 401
    with api.server.client() as garbage:
        assert garbage.put("/api/v1/customers/u1", json={}, headers={"authorization": "Basic !!"}).status_code == 401
    assert people_count(api, tenant) == 0
    [entry] = activity.list_activity(api.db, tenant.name, kind="unauthorized").activity
    assert "wrong tracking API key" in entry.detail


def test_a_key_reaches_only_its_own_workspace(api: TrackApi, tenant: Tenant) -> None:
    other = new_tenant(api.db, f"ws-{uuid.uuid4().hex[:8]}")
    with api.server.client(auth=(tenant.site_id, other.key)) as mixed:
        assert mixed.put("/api/v1/customers/u1", json={}).status_code == 401
    with api.server.client(auth=other.auth) as theirs:
        assert theirs.put("/api/v1/customers/u1", json={"mine": 1}).status_code == 200
        assert theirs.delete("/api/v1/customers/u1").status_code == 200
    assert people_count(api, tenant) == 0
    assert events.list_events(api.db, tenant.name).events == []


def refused_soon(client: httpx.Client, path: str) -> bool:
    """Whether the server starts answering 401 (it may accept known credentials for up to half
    a second, tui/api/auth.py), polled to a deadline."""
    deadline = time.monotonic() + PATIENCE_S
    while time.monotonic() < deadline:
        if client.put(path, json={}).status_code == 401:
            return True
    return False


def test_rotation_and_deletion_take_effect_without_a_restart(api: TrackApi, tenant: Tenant) -> None:
    with api.server.client(auth=tenant.auth) as old:
        assert old.put("/api/v1/customers/u1", json={}).status_code == 200
        rotated = credentials.credentials(api.db, tenant.name, rotate_tracking_key=True).tracking_api_key
        assert rotated is not None
        assert refused_soon(old, "/api/v1/customers/u1")
    with api.server.client(auth=(tenant.site_id, rotated)) as new:
        assert new.put("/api/v1/customers/u2", json={}).status_code == 200
        workspaces.delete_workspace(api.db, tenant.name, confirmed=True)
        assert refused_soon(new, "/api/v1/customers/u3")
    with pytest.raises(NotFound):
        workspaces.get_workspace(api.db, tenant.name)

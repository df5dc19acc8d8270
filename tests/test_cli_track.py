"""`events list`, `activity` and what `people show` gains from the Track API (T3, T4, T7)."""

from __future__ import annotations

import json

from tui.core import people, track, workspaces
from tui.core.db import Database
from tui.core.track import Operation
from tui.core.track_identifiers import Ref


def send(db: Database, ws: str, *operations: Operation) -> None:
    track.apply(db, workspaces.get_workspace(db, ws).id, list(operations))


def test_events_list_json_is_newest_first_and_paged(cli, db: Database, apps: str) -> None:
    send(db, apps, *[Operation("event", Ref("path", "u1"), {"name": f"e{n}", "data": {"n": n}}) for n in range(3)])
    send(db, apps, Operation("anonymous_event", None, {"name": "anon"}))
    first = cli("events", "list", "-w", apps, "--limit", "2", "--json")
    assert first.exit_code == 0
    page = json.loads(first.stdout)
    assert [e["name"] for e in page["events"]] == ["anon", "e2"]
    assert page["events"][0]["person"] is None
    cio_id = people.get_person(db, apps, "u1").cio_id
    assert page["events"][1] == {
        "id": page["events"][1]["id"],
        "name": "e2",
        "type": "event",
        "data": {"n": 2},
        "timestamp": "2026-03-15T12:00:00Z",
        "person": cio_id,
    }
    rest = json.loads(cli("events", "list", "-w", apps, "--after", page["next"], "--json").stdout)
    assert [e["name"] for e in rest["events"]] == ["e1", "e0"] and rest["next"] is None
    mine = json.loads(cli("events", "list", "-w", apps, "--person", "u1", "--name", "e1", "--json").stdout)
    assert [e["name"] for e in mine["events"]] == ["e1"]


def test_events_list_text_shows_escapes_as_text(cli, db: Database, apps: str) -> None:
    send(db, apps, Operation("event", Ref("path", "u1"), {"name": "evil\x1b[31m"}))
    result = cli("events", "list", "-w", apps)
    assert result.exit_code == 0 and "\x1b" not in result.stdout and "evil␛[31m" in result.stdout


def test_activity_json_and_a_bad_cursor(cli, db: Database, apps: str) -> None:
    send(
        db,
        apps,
        Operation("identify", Ref("path", "u1"), {}),
        Operation("identify", Ref("path", "bad@example.com"), {}),
    )
    listed = json.loads(cli("activity", "-w", apps, "--json").stdout)
    assert [a["kind"] for a in listed["activity"]] == ["rejected", "identify"]
    assert listed["next"] is None
    refused = cli("activity", "-w", apps, "--after", "x")
    assert refused.exit_code == 1 and refused.stderr.startswith("error: cursor 'x' is not valid")


def test_people_show_json_has_devices_and_subscription(cli, db: Database, apps: str) -> None:
    device = {"id": "tok", "platform": "ios", "last_used": 1_700_000_000, "attributes": {"v": "1"}}
    send(
        db,
        apps,
        Operation("identify", Ref("path", "u1"), {"unsubscribed": True}),
        Operation("add_device", Ref("path", "u1"), {"device": device}),
    )
    shown = json.loads(cli("people", "show", "-w", apps, "u1", "--json").stdout)
    assert shown["unsubscribed"] is True
    assert shown["devices"] == [
        {"token": "tok", "platform": "ios", "last_used": "2023-11-14T22:13:20Z", "attributes": {"v": "1"}}
    ]
    text = cli("people", "show", "-w", apps, "u1").stdout
    assert "subscribed: no (unsubscribed)" in text and "tok (ios" in text

"""T2/T3 set-based: a batch of identify and event operations (runs of them, track_runs) leaves
exactly the end state that the same operations leave applied one at a time through the ORM,
each in its own transaction (tests/track_oracle.py, as they were before the runs): people
(every column: ids, cio_ids, versions), Activity, events, anonymous links, suppressions, kept
counts and billing facts, and the same outcomes. Both backends, both kinds of workspace."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest
from conftest import START, PostgresServer
from sqlalchemy import insert, select
from track_oracle import one_at_a_time

from tui.core import people, track, workspaces
from tui.core.db import Database, open_database
from tui.core.driver_many import COPY_FROM_ROWS, DriverMany
from tui.core.errors import Conflict
from tui.core.models import ActivityEntry, AnonymousLink, Event, Person, Suppression, UsageDay, Workspace
from tui.core.runtime import FixedClock, Runtime, SeededTokens
from tui.core.track import Operation, Outcome
from tui.core.track_identifiers import Ref

TABLES = (Workspace, Person, ActivityEntry, Event, AnonymousLink, Suppression, UsageDay)


@pytest.fixture
def twins(request: pytest.FixtureRequest, backend: str, tmp_path: Any) -> Iterator[tuple[Database, Database]]:
    """Two new databases with the same clock and seed: what one is given, the other is too."""
    targets: list[str] = []
    if backend == "sqlite":
        targets = [str(tmp_path / "batch.db"), str(tmp_path / "alone.db")]
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        targets = [server.create_database(), server.create_database()]
    pair = tuple(open_database(t, Runtime(clock=FixedClock(START), tokens=SeededTokens(7))) for t in targets)
    yield pair  # type: ignore[misc]
    for database, target in zip(pair, targets, strict=True):
        database.dispose()
        if backend != "sqlite":
            server.drop_database(target)


def dump(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables the Track API writes, in primary-key order."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with db.read() as session:
        for model in TABLES:
            table = model.__table__
            rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(row) for row in rows]
    return out


def both(pair: tuple[Database, Database], setup: Callable[[Database], Any]) -> list[Any]:
    return [setup(db) for db in pair]


def batch_and_alone(
    pair: tuple[Database, Database], workspace: str, operations: list[Operation], monkeypatch: pytest.MonkeyPatch
) -> tuple[list[Outcome], list[Outcome]]:
    """The operations as one batch on the first database; on the second one at a time, each
    alone and identified by the oracle."""
    batch, alone = pair
    ws_id = workspaces.get_workspace(batch, workspace).id
    together = track.apply(batch, ws_id, operations)
    monkeypatch.setattr(track, "apply_run", one_at_a_time)
    one_by_one = [outcome for op in operations for outcome in track.apply(alone, ws_id, [op])]
    # The oracle names no field; the runs name one for every refusal (v2's `field`).
    assert all(outcome.field for outcome in together if outcome.rejected)
    return [replace(o, field="") for o in together], one_by_one


def identify(kind: str, who: str, body: dict[str, Any] | None = None) -> Operation:
    return Operation("identify", Ref(kind, who), body or {})


def test_T2_a_batch_in_an_id_workspace_ends_as_one_at_a_time(
    twins: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    def setup(db: Database) -> dict[str, str]:
        ws = workspaces.create_workspace(db, "Apps", "id").workspace
        cio = {
            name: people.add_person(db, "Apps", id=name, email=email, attributes=attributes).person.cio_id
            for name, email, attributes in (
                ("old", "old@example.com", {"plan": "free"}),
                ("taken", None, {}),
                ("swap-a", None, {"side": "a"}),
                ("swap-b", None, {"side": "b"}),
                ("mail1", "one@example.com", {}),
                ("t1", "twin@example.com", {}),
                ("t2", "twin@example.com", {}),
            )
        }
        track.apply(
            db,
            ws.id,
            [
                Operation("suppress", Ref("path", "blocked")),
                Operation("anonymous_event", None, {"name": "visit", "anonymous_id": "anon-1"}),
                Operation("event", Ref("path", "e-old-person"), {"name": "stored", "id": "e-old"}),
            ],
        )
        return cio

    cio, _ = both(twins, setup)
    operations = [
        identify("path", "new1", {"a": 1}),  # created
        identify("id", "new1", {"b": 2, "a": None}),  # the same person again, in the same batch
        identify("path", "new1", {"unsubscribed": "TRUE"}),
        identify("path", "new1", {}),  # nothing to change
        identify("path", "ghost", {"_update": True, "x": 1}),  # ignored: nobody created
        identify("path", "old", {"_update": True, "plan": "pro"}),
        identify("path", "blocked", {"x": 1}),  # ignored: suppressed
        identify("cio_id", cio["old"], {"id": "taken"}),  # failed_change: someone holds it
        identify("path", f"cio_{cio['old']}", {"id": "renamed", "email": "Moved@Example.com"}),
        identify("path", "old", {"y": 1}),  # the identifier is free again: a new person
        identify("cio_id", "0" * 16, {"x": 1}),  # ignored: no such cio_id
        identify("path", "cio_xyz", {}),  # rejected: no id starts with cio_
        identify("path", "one@example.com", {"via": "email"}),  # the one person with that email
        identify("email", "twin@example.com", {}),  # rejected: two people have it
        identify("path", "bob@example.com", {}),  # rejected: no one has it
        identify("path", "new2", {"email": "Bob@Example.com"}),
        identify("path", "bob@example.com", {"z": 1}),  # now someone has it: new2, made above
        Operation("add_device", Ref("path", "new2"), {"device": {"id": "t1", "platform": "ios"}}),  # a run ends
        Operation("event", Ref("path", "ev-new"), {"name": "signup", "id": "e1"}),  # creates ev-new
        Operation("event", Ref("path", "ev-new"), {"name": "again", "id": "e1"}),  # ignored: stored once
        Operation("page", Ref("path", "ev-new"), {"name": "/home", "timestamp": 1_700_000_000}),
        Operation("screen", Ref("path", "ev-new"), {"name": "Home", "anonymous_id": "anon-9"}),
        Operation("event", Ref("path", "e-old-person"), {"name": "dup", "id": "e-old"}),  # stored before the batch
        Operation("event", Ref("path", "blocked"), {"name": "x"}),  # ignored: suppressed
        Operation("event", Ref("cio_id", "0" * 16), {"name": "x"}),  # ignored: no such cio_id
        Operation("event", Ref("path", "cio_xyz"), {"name": "x", "id": "e1"}),  # ignored: stored (checked first)
        Operation("event", Ref("path", "cio_xyz"), {"name": "x"}),  # rejected: the reference
        Operation("event", Ref("path", "ev-new"), {"name": ""}),  # rejected: the name
        Operation("event", Ref("path", "nobody@example.com"), {"name": "x"}),  # rejected: no one has it
        Operation("event", Ref("path", "one@example.com"), {"name": "by email"}),  # mail1
        Operation("event", Ref("path", "new9"), {"name": "first"}),  # creates new9 ...
        identify("path", "new9", {"a": 1}),  # ... which identify then updates
        identify("path", "new3", {"anonymous_id": "anon-1"}),  # joins the earlier anonymous event
        identify("path", "new4", {"anonymous_id": "anon-1"}),  # the link moves on
        identify("path", "new1", {"": 1}),  # rejected: attribute name
        identify("path", "new1", {"created_at": "yesterday"}),  # rejected
        identify("path", "new5", {"email": "not an email"}),  # rejected, nobody created
        identify("path", "big", {"k": "x" * 60_000}),
        identify("path", "big", {"k2": "y" * 60_000}),  # rejected: the merge is over P6's limit
        identify("cio_id", cio["swap-a"], {"id": "tmp"}),  # a swap through a free identifier
        identify("cio_id", cio["swap-b"], {"id": "swap-a"}),
        identify("cio_id", cio["swap-a"], {"id": "swap-b"}),
        identify("path", "tmp", {"after": "swap"}),  # free again: created
    ]
    together, one_by_one = batch_and_alone(twins, "Apps", operations, monkeypatch)
    assert together == one_by_one
    kinds = [outcome.kind for outcome in together]
    assert {"identify", "ignored", "rejected", "failed_change", "event", "device"} <= set(kinds)
    assert [o.detail for o in together[:2]] == ["created new1", "updated id 'new1'"]
    assert dump(twins[0]) == dump(twins[1])
    assert people.get_person(twins[0], "Apps", "swap-a").attributes == {"side": "b"}


def test_T2_a_batch_in_an_email_workspace_ends_as_one_at_a_time(
    twins: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    def setup(db: Database) -> str:
        ws = workspaces.create_workspace(db, "Shop", "email").workspace
        people.add_person(db, "Shop", email="taken@example.com")
        track.apply(db, ws.id, [Operation("suppress", Ref("path", "blocked@example.com"))])
        return people.add_person(db, "Shop", email="ann@example.com", attributes={"n": 0}).person.cio_id

    ann, _ = both(twins, setup)
    operations = [
        identify("path", "New@Example.COM", {"n": 1}),
        identify("email", "new@example.com", {"n": 2, "email": "ignored@example.com"}),
        identify("path", "Blocked@example.com", {"n": 1}),
        identify("id", "u1", {}),  # rejected: this workspace names people by email
        identify("path", "not an email", {}),  # rejected
        identify("cio_id", ann, {"email": "Taken@example.com"}),  # failed_change
        identify("cio_id", ann, {"email": "Ann2@example.com", "n": 5}),  # moves ann
        identify("path", "ann@example.com", {"n": 6}),  # free again: created
        identify("path", "ann2@example.com", {"_update": True, "n": 7}),
        identify("path", "ghost@example.com", {"_update": True}),
    ]
    together, one_by_one = batch_and_alone(twins, "Shop", operations, monkeypatch)
    assert together == one_by_one
    assert {"identify", "ignored", "rejected", "failed_change"} <= {o.kind for o in together}
    assert dump(twins[0]) == dump(twins[1])
    assert people.get_person(twins[0], "Shop", "ann2@example.com").attributes == {"n": 7}


def test_T2_a_big_batch_written_as_copy_ends_as_one_at_a_time(
    twins: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Enough new people, events and Activity rows that PostgreSQL writes them with COPY
    (driver_many.COPY_FROM_ROWS): the same rows, JSON, NULLs and text escapes as executemany's."""
    both(twins, lambda db: workspaces.create_workspace(db, "Apps", "id"))
    awkward = "tab\\there\nnew line, \\N not null, ünïcødé 🚀, quote \" and ' "
    operations: list[Operation] = []
    for n in range(2 * COPY_FROM_ROWS):
        body: dict[str, Any] = {"n": n, "text": awkward, "nested": {"list": [1, None, "x"]}, "none": None}
        if n % 3 == 0:
            body["email"] = f"p{n}@example.com"
        operations.append(identify("path", f"user-{n} ünï", body))
        operations.append(Operation("event", Ref("path", f"user-{n} ünï"), {"name": awkward, "data": body}))
    together, one_by_one = batch_and_alone(twins, "Apps", operations, monkeypatch)
    assert together == one_by_one
    assert dump(twins[0]) == dump(twins[1])
    assert people.get_person(twins[0], "Apps", "user-5 ünï").attributes["text"] == awkward


def test_a_unique_key_race_in_a_copy_is_a_conflict(db: Database) -> None:
    """The group commit applies a group again on a Conflict (the driver's IntegrityError, named
    by db.write); COPY's unique violation must be one too, not an unknown driver error."""
    row = {
        "color": "blue",
        "send_mode": "normal",
        "identify_by": "id",
        "site_id": "the-same-site-id",  # unique
        "tracking_key_hash": "0" * 64,
        "tracking_key_last4": "0000",
        "people_count": 0,
        "campaigns_count": 0,
        "messages_sent": 0,
        "created_at": START,
        "version": 1,
    }
    rows = [{**row, "name": f"ws{n}", "name_key": f"ws{n}"} for n in range(COPY_FROM_ROWS)]
    statement = DriverMany.compile(insert(Workspace.__table__), db.engine.dialect, list(rows[0]), copy=True)
    with pytest.raises(Conflict), db.write() as session:
        statement.execute(session, rows)
    assert workspaces.list_workspaces(db) == []

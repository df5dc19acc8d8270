"""Group commit (tui/api/group_commit.py, track.apply_groups): concurrent requests share
transactions, each is answered only with its own outcomes, one request's failure does not fail
the others, and a workspace's requests are applied together. The auth cache's shared check."""

from __future__ import annotations

import asyncio
import base64
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, event, insert, text

from tui.api.auth import Authenticator
from tui.api.group_commit import GroupCommitter
from tui.core import activity, credentials, people, track, workspaces
from tui.core.db import Database
from tui.core.errors import NotFound
from tui.core.models import Person, table_of
from tui.core.track import Operation
from tui.core.track_identifiers import Ref

REQUESTS = 40


def test_concurrent_requests_share_commits(db: Database, apps: str) -> None:
    commits: list[int] = []
    event.listen(db.engine, "commit", lambda _conn: commits.append(1))
    ws_id = workspaces.get_workspace(db, apps).id

    async def run() -> list[list[str]]:
        writer = GroupCommitter(db)
        requests = [
            writer.apply(ws_id, [Operation("identify", Ref("path", f"u{n}"), {"n": n})]) for n in range(REQUESTS)
        ]
        return [[o.detail for o in outcomes] for outcomes in await asyncio.gather(*requests)]

    details = asyncio.run(run())
    assert details == [[f"created u{n}"] for n in range(REQUESTS)]
    assert workspaces.get_workspace(db, apps).people == REQUESTS
    assert people.get_person(db, apps, "u7").attributes == {"n": 7}
    assert len(commits) < REQUESTS / 4  # shared: one transaction per group, not per request


def test_a_gone_workspace_fails_only_its_own_request(db: Database, apps: str) -> None:
    ws_id = workspaces.get_workspace(db, apps).id

    async def run() -> tuple[object, object]:
        writer = GroupCommitter(db)
        mine = writer.apply(ws_id, [Operation("identify", Ref("path", "u1"), {})])
        gone = writer.apply(ws_id + 999, [Operation("identify", Ref("path", "u1"), {})])
        return tuple(await asyncio.gather(mine, gone, return_exceptions=True))  # type: ignore[return-value]

    mine, gone = asyncio.run(run())
    assert isinstance(gone, NotFound)
    assert [o.kind for o in mine] == ["identify"]  # type: ignore[attr-defined]
    with pytest.raises(NotFound):
        people.get_person(db, "Apps", "nobody")


def test_identify_requests_of_one_workspace_share_one_run_and_one_count(db: Database, apps: str) -> None:
    """Requests in flight together are applied per workspace: identify-only ones as one run
    (one read of the people they name) and the people counted once (one counter update)."""
    ws_id = workspaces.get_workspace(db, apps).id
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    groups = [(ws_id, [Operation("identify", Ref("path", f"u{n}"), {"n": n})]) for n in range(20)]
    groups.insert(5, (ws_id, [Operation("event", Ref("path", "u3"), {"name": "seen"})]))
    results = track.apply_groups(db, groups)
    assert [[o.detail for o in r] for r in results if r is not None][:5] == [[f"created u{n}"] for n in range(5)]
    assert results[5] is not None and results[5][0].kind == "event"
    assert workspaces.get_workspace(db, apps).people == 20
    people_reads = [s for s in statements if s.lstrip().startswith("SELECT people.id, people.cio_id")]
    counter_updates = [s for s in statements if s.lstrip().startswith("UPDATE workspaces SET people_count")]
    assert len(people_reads) == 1 and len(counter_updates) == 1


def test_concurrent_requests_with_the_same_credentials_check_them_once(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The auth cache's first read is shared by the requests that arrive during it; refused
    credentials are never shared: each refused request is checked and recorded."""
    made = workspaces.create_workspace(db, "Keyed", "id")
    created, key = made.workspace, made.tracking_api_key
    calls: list[str] = []
    real = credentials.tracking_workspace_id

    def counted(database: Database, site_id: str, tracking_key: str) -> int:
        calls.append(site_id)
        return real(database, site_id, tracking_key)

    monkeypatch.setattr(credentials, "tracking_workspace_id", counted)

    async def run(header: str) -> list[int | None]:
        authenticator = Authenticator(db)
        return await asyncio.gather(*(authenticator.workspace(header) for _ in range(REQUESTS)))

    good = "Basic " + base64.b64encode(f"{created.site_id}:{key}".encode()).decode()
    assert asyncio.run(run(good)) == [created.id] * REQUESTS
    assert len(calls) == 1
    wrong = "Basic " + base64.b64encode(f"{created.site_id}:nope".encode()).decode()
    assert asyncio.run(run(wrong)) == [None] * REQUESTS
    assert len(activity.list_activity(db, "Keyed", kind="unauthorized", limit=100).activity) == REQUESTS


@pytest.mark.backends("postgresql")
def test_a_group_rolled_back_by_a_deadlock_is_applied_again(db: Database, apps: str) -> None:
    """Two transactions creating the same new people in opposite orders (two `--workers`
    processes) deadlock: PostgreSQL rolls one back. When that is the group's transaction, the
    group is applied again once the other committed, instead of failing its requests."""
    ws_id = workspaces.get_workspace(db, apps).id
    other = db.engine.connect()
    other_tx = other.begin()
    _insert_person(other, ws_id, "b")  # uncommitted: the group's insert of b waits for it
    group = [
        (ws_id, [Operation("identify", Ref("path", "a"), {"by": "group"}), Operation("identify", Ref("path", "b"), {})])
    ]
    with ThreadPoolExecutor(1) as pool:
        applied = pool.submit(track.apply_groups, db, group)
        _wait_until_a_lock_is_awaited(db)  # the group inserted a and waits for b
        _insert_person(other, ws_id, "a")  # waits for the group's a: a deadlock, the group's rolled back
        other_tx.commit()
        other.close()
        [outcomes] = applied.result(timeout=60)
    assert outcomes is not None
    assert [(o.kind, o.detail) for o in outcomes] == [("identify", "updated a"), ("identify", "updated b")]
    assert people.get_person(db, apps, "a").attributes == {"by": "group"}


def _insert_person(connection: Connection, workspace_id: int, ident: str) -> None:
    stamp = datetime(2026, 3, 15, tzinfo=UTC)
    values = {"workspace_id": workspace_id, "cio_id": ident.encode().hex().rjust(16, "0"), "ident": ident}
    values |= {"email": None, "attributes": {}, "created_at": stamp, "updated_at": stamp, "version": 1}
    connection.execute(insert(table_of(Person)).values(values))


def _wait_until_a_lock_is_awaited(db: Database) -> None:
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    for _ in range(600):
        with db.engine.connect() as probe:
            if probe.execute(waiting).scalar():
                return
        time.sleep(0.05)
    raise AssertionError("the group never waited for the other transaction's row")

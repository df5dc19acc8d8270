"""Group commit (tui/api/group_commit.py): concurrent requests share transactions, each is
answered only with its own outcomes, and one request's failure does not fail the others."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event

from tui.api.group_commit import GroupCommitter
from tui.core import people, workspaces
from tui.core.db import Database
from tui.core.errors import NotFound
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

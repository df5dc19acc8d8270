"""Group commit: concurrent requests share one transaction instead of one commit each.

One writer per process. A request queues its operations and waits; while the writer commits a
group, the requests that arrive meanwhile queue up, and the writer then takes all of them (up
to MAX_GROUP) into the next transaction. An idle server commits a lone request at once, a busy
one amortizes each commit (an fsync on SQLite) over everything that arrived during the last.
A request is answered only after the transaction holding its operations committed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from starlette.concurrency import run_in_threadpool

from tui.core import track
from tui.core.db import Database
from tui.core.errors import NotFound
from tui.core.track import Operation, Outcome

MAX_GROUP = 200  # requests per transaction: bounds how long the write lock is held


@dataclass
class _Waiting:
    workspace_id: int
    operations: list[Operation]
    answer: asyncio.Future[list[Outcome] | None]


@dataclass
class GroupCommitter:
    db: Database
    _queue: list[_Waiting] = field(default_factory=list)
    _writer: asyncio.Task[None] | None = None

    async def apply(self, workspace_id: int, operations: list[Operation]) -> list[Outcome]:
        """The operations' outcomes once committed; NotFound when the workspace is gone."""
        answer: asyncio.Future[list[Outcome] | None] = asyncio.get_running_loop().create_future()
        self._queue.append(_Waiting(workspace_id, operations, answer))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        outcomes = await answer
        if outcomes is None:
            raise NotFound("the workspace of these credentials no longer exists")
        return outcomes

    async def _write(self) -> None:
        while self._queue:
            group, self._queue = self._queue[:MAX_GROUP], self._queue[MAX_GROUP:]
            try:
                results = await run_in_threadpool(
                    track.apply_groups, self.db, [(w.workspace_id, w.operations) for w in group]
                )
            except Exception:
                # One request's trouble must not fail the others: each is applied alone.
                for waiting in group:
                    await self._alone(waiting)
                continue
            for waiting, result in zip(group, results, strict=True):
                if not waiting.answer.done():
                    waiting.answer.set_result(result)

    async def _alone(self, waiting: _Waiting) -> None:
        try:
            [result] = await run_in_threadpool(
                track.apply_groups, self.db, [(waiting.workspace_id, waiting.operations)]
            )
        except Exception as exc:
            if not waiting.answer.done():
                waiting.answer.set_exception(exc)
            return
        if not waiting.answer.done():
            waiting.answer.set_result(result)

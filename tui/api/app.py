"""The Track API as an ASGI app (Starlette): authenticate, read, translate, apply through core.

One route catches every path, because routes are matched on the raw path (tui/api/wire.py).
Core calls are synchronous and run in Starlette's thread pool. Bad input is a 4xx with
Customer.io's error body; only a fault of the server itself is a 5xx (logged).
"""

from __future__ import annotations

import gc
import logging
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tui.api import wire
from tui.api.auth import Authenticator
from tui.api.group_commit import GroupCommitter
from tui.api.requests import v1_merge, v1_operation, v2_field, v2_operation
from tui.core import activity
from tui.core.db import Database, open_database
from tui.core.errors import DatabaseError, InvalidInput, NotFound
from tui.core.track import Operation

log = logging.getLogger("switchboard.api")
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
BODYLESS = ("delete", "delete_device", "suppress", "unsuppress")


def create_app(db: Database) -> Starlette:
    writer = GroupCommitter(db)
    authenticator = Authenticator(db)

    async def endpoint(request: Request) -> Response:
        try:
            return await _handle(authenticator, writer, request)
        except wire.WireError as exc:
            return wire.v1_error(exc.status, exc.message)
        except DatabaseError as exc:
            log.error("database trouble: %s", exc)
            return wire.json_response(503, {"meta": {"errors": ["the database is unavailable, try again"]}})
        except Exception:
            log.exception("unexpected error on %s %s", request.method, request.scope.get("raw_path"))
            return wire.json_response(500, {"meta": {"errors": ["internal error"]}})

    return Starlette(routes=[Route("/{path:path}", endpoint, methods=METHODS)])


def app_from_env() -> Starlette:
    """The app on the database named by $SWITCHBOARD_DB (uvicorn's factory, one per worker)."""
    app = create_app(open_database())
    # What is loaded by now lives as long as the process: kept out of the collector's full
    # passes, which otherwise walk every module's objects (~0.1 s here) as requests allocate.
    gc.freeze()
    return app


async def _handle(authenticator: Authenticator, writer: GroupCommitter, request: Request) -> Response:
    found = wire.match(request.method, request.scope.get("raw_path") or request.url.path.encode())
    workspace_id = await authenticator.workspace(request.headers.get("authorization", ""))
    if workspace_id is None:
        return wire.unauthorized()
    try:
        raw = await _read_body(request, wire.limit_of(found.route))
        body = wire.parse_body(raw, required=found.route not in BODYLESS)
        return await _dispatch(writer, workspace_id, found, body)
    except wire.WireError as exc:
        await run_in_threadpool(activity.record_rejected, writer.db, workspace_id, f"{found.route}: {exc.message}")
        return _refused(found.route, exc.status, exc.message, exc.field)
    except NotFound:
        return wire.unauthorized()  # the workspace was deleted while the request ran


async def _dispatch(writer: GroupCommitter, workspace_id: int, found: wire.Match, body: dict[str, Any]) -> Response:
    """One operation (a v1 route or v2 entity) or a v2 batch; 200, or the refusal in the
    route's own error body."""
    if found.route == "batch":
        return await _batch(writer, workspace_id, body)
    try:
        if found.route == "entity":
            operation = v2_operation(body)
        elif found.route == "merge":
            operation = v1_merge(body)
        else:
            operation = v1_operation(found.route, found.segments, body)
    except InvalidInput as exc:
        raise wire.WireError(400, str(exc), exc.field) from None
    [outcome] = await writer.apply(workspace_id, [operation])
    if not outcome.rejected:
        return wire.ok()
    return _refused(found.route, 400, outcome.detail, v2_field(operation, outcome.field))


def _refused(route: str, status: int, message: str, field: str) -> Response:
    """Customer.io's error body of the route: v2's names the field, v1's is the sentence."""
    if route in ("entity", "batch"):
        return wire.v2_error(status, [wire.v2_problem(message, field=field)])
    return wire.v1_error(status, message, merge=route == "merge")


async def _batch(writer: GroupCommitter, workspace_id: int, body: dict[str, Any]) -> Response:
    """Good operations are applied (in one transaction), bad ones reported by index: 207."""
    batch = body.get("batch")
    if not isinstance(batch, list) or not batch:
        raise wire.WireError(400, 'the body must be {"batch": [operation, ...]} with at least one operation')
    problems: list[dict[str, Any]] = []
    operations: list[Operation] = []
    indexes: list[int] = []
    for index, raw in enumerate(batch):
        try:
            operations.append(v2_operation(raw))
            indexes.append(index)
        except (InvalidInput, wire.WireError) as exc:
            problems.append(wire.v2_problem(str(exc), field=exc.field, index=index))
    if problems:
        await run_in_threadpool(
            activity.record_rejected, writer.db, workspace_id, f"batch: {len(problems)} operation(s) refused"
        )
    outcomes = await writer.apply(workspace_id, operations) if operations else []
    for index, operation, outcome in zip(indexes, operations, outcomes, strict=True):
        if outcome.rejected:
            problems.append(wire.v2_problem(outcome.detail, field=v2_field(operation, outcome.field), index=index))
    if not problems:
        return wire.ok()
    return wire.v2_error(207, sorted(problems, key=lambda problem: problem["batch_index"]))


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it passes `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise wire.WireError(413, f"the request body is over {limit // 1024} KB")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise wire.WireError(413, f"the request body is over {limit // 1024} KB")
        chunks.append(chunk)
    return b"".join(chunks)

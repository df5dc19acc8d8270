"""The Track API's wire format: routes matched on the raw path, bodies, Customer.io's error bodies.

Routes are matched on the still percent-encoded path, and each segment is decoded after: an
identifier may hold `%2F`, which a decoded path would split into two segments.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from starlette.responses import Response

from tui.core import json_input
from tui.core.errors import InvalidInput

V1_LIMIT = 32 * 1024  # a v1 body or a v2 operation
BATCH_LIMIT = 500 * 1024

_SEGMENT = "([^/]+)"
ROUTES: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    (method, re.compile(pattern), name)
    for method, pattern, name in (
        ("PUT", rf"/api/v1/customers/{_SEGMENT}", "identify"),
        ("DELETE", rf"/api/v1/customers/{_SEGMENT}", "delete"),
        ("POST", rf"/api/v1/customers/{_SEGMENT}/events", "event"),
        ("POST", r"/api/v1/events", "anonymous_event"),
        ("PUT", rf"/api/v1/customers/{_SEGMENT}/devices", "add_device"),
        ("DELETE", rf"/api/v1/customers/{_SEGMENT}/devices/{_SEGMENT}", "delete_device"),
        ("POST", rf"/api/v1/customers/{_SEGMENT}/suppress", "suppress"),
        ("POST", rf"/api/v1/customers/{_SEGMENT}/unsuppress", "unsuppress"),
        ("POST", r"/api/v1/merge_customers", "merge"),
        ("POST", r"/api/v2/entity", "entity"),
        ("POST", r"/api/v2/batch", "batch"),
    )
)


class WireError(Exception):
    """A request refused before it reaches the core: its status, sentence, and the field of the
    body refused (v2's `field`), if one is."""

    def __init__(self, status: int, message: str, field: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Match:
    route: str
    segments: tuple[str, ...]


def match(method: str, raw_path: bytes) -> Match:
    """The route of a request and its decoded segments; 404 or 405 as WireError."""
    try:
        path = raw_path.decode("ascii")
    except UnicodeDecodeError:
        raise WireError(404, "no such route") from None
    allowed = False
    for route_method, pattern, name in ROUTES:
        found = pattern.fullmatch(path)
        if found is None:
            continue
        if route_method != method:
            allowed = True
            continue
        return Match(name, tuple(_decode(segment) for segment in found.groups()))
    raise WireError(405 if allowed else 404, "method not allowed" if allowed else "no such route")


def _decode(segment: str) -> str:
    try:
        value = unquote(segment, errors="strict")
    except UnicodeDecodeError:
        raise WireError(400, "the path holds a percent-encoding that is not UTF-8") from None
    if not value:
        raise WireError(400, "the path names an empty identifier")
    return value


def limit_of(route: str) -> int:
    return BATCH_LIMIT if route == "batch" else V1_LIMIT


def parse_body(raw: bytes, *, required: bool) -> dict[str, Any]:
    """A JSON object; an empty body is `{}` where the route allows one (DELETE, suppress)."""
    if not raw.strip():
        if required:
            raise WireError(400, "the request needs a JSON object as its body")
        return {}
    try:
        text = raw.decode("utf-8")
        value = json_input.loads(text, what="the body")
    except UnicodeDecodeError:
        raise WireError(400, "the body is not UTF-8 text") from None
    except InvalidInput as exc:
        raise WireError(400, str(exc)) from None
    if not isinstance(value, dict):
        raise WireError(400, "the body must be a JSON object")
    return value


def json_response(status: int, content: Any) -> Response:
    body = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(body, status_code=status, media_type="application/json")


def ok() -> Response:
    return json_response(200, {})


def unauthorized() -> Response:
    return json_response(401, {"meta": {"error": "Unauthorized request"}})


def v1_error(status: int, message: str, *, merge: bool = False) -> Response:
    """Customer.io's v1 error body (`{"meta":{"error":...}}` for merge, as documented)."""
    return json_response(status, {"meta": {"error": message} if merge else {"errors": [message]}})


def v2_error(status: int, errors: list[dict[str, Any]]) -> Response:
    return json_response(status, {"errors": errors})


def v2_problem(message: str, *, field: str = "", reason: str = "invalid", index: int | None = None) -> dict[str, Any]:
    problem: dict[str, Any] = {"reason": reason, "field": field, "message": message}
    if index is not None:
        problem["batch_index"] = index
    return problem

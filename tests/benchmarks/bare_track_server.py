"""The baseline of bench_track_api.py: the same stack with no database. Starlette on uvicorn,
TLS, the Basic auth header read, the JSON body parsed, `200 {}`. Prints `listening on PORT`.

    python bare_track_server.py CERT KEY
"""

from __future__ import annotations

import base64
import json
import signal
import sys

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tui.api.server import bind


async def endpoint(request: Request) -> Response:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    site_id, _, key = base64.b64decode(encoded).decode().partition(":")
    if scheme.lower() != "basic" or not site_id or not key:
        return Response('{"meta":{"error":"Unauthorized request"}}', 401, media_type="application/json")
    json.loads(await request.body())
    return Response("{}", 200, media_type="application/json")


app = Starlette(routes=[Route("/{path:path}", endpoint, methods=["PUT", "POST", "DELETE"])])

if __name__ == "__main__":
    cert, key = sys.argv[1:3]
    sock = bind("127.0.0.1", 0)
    print(f"listening on {sock.getsockname()[1]}", flush=True)
    for stopping in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stopping, lambda *_: None)
    config = uvicorn.Config(
        app, ssl_certfile=cert, ssl_keyfile=key, log_level="warning", access_log=False, server_header=False
    )
    uvicorn.Server(config).run(sockets=[sock])

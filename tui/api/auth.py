"""HTTP Basic `site_id:tracking_api_key` to a workspace id, for at most half a second.

The core checks the key against its stored hash in constant time. A successful answer is kept
for CACHE_SECONDS, keyed by a hash of the header, so a busy client costs one read per half
second rather than one per request (requests with the same header that arrive during that read
wait for its answer), and a rotated key or a deleted workspace still stops working within a
second. Refusals are never kept or shared: each refused request is checked and recorded.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import time
from dataclasses import dataclass, field

from starlette.concurrency import run_in_threadpool

from tui.core import activity, credentials
from tui.core.db import Database
from tui.core.errors import NotFound

CACHE_SECONDS = 0.5
MAX_CACHED = 10_000


@dataclass
class Authenticator:
    db: Database
    _known: dict[bytes, tuple[int, float]] = field(default_factory=dict)
    _asking: dict[bytes, asyncio.Task[int | None]] = field(default_factory=dict)

    async def workspace(self, header: str) -> int | None:
        """The workspace id the header's credentials name, or None (a 401)."""
        digest = hashlib.sha256(header.encode("utf-8", "surrogateescape")).digest()
        known = self._known.get(digest)
        if known is not None and time.monotonic() < known[1]:
            return known[0]
        asking = self._asking.get(digest)
        if asking is None:
            asking = asyncio.create_task(self._check(digest, header))
            self._asking[digest] = asking
            asking.add_done_callback(
                lambda done: self._asking.pop(digest) if self._asking.get(digest) is done else None
            )
        elif (shared := await asyncio.shield(asking)) is not None:
            return shared
        else:
            return await self._check(digest, header)  # refused: checked (and recorded) again
        return await asyncio.shield(asking)

    async def _check(self, digest: bytes, header: str) -> int | None:
        parsed = _basic(header)
        if parsed is None:
            return None
        site_id, key = parsed
        try:
            workspace_id = await run_in_threadpool(credentials.tracking_workspace_id, self.db, site_id, key)
        except NotFound:
            reason = "a request with a wrong tracking API key"
            await run_in_threadpool(activity.record_unauthorized, self.db, site_id, reason)
            return None
        if len(self._known) >= MAX_CACHED:
            self._known.clear()
        self._known[digest] = (workspace_id, time.monotonic() + CACHE_SECONDS)
        return workspace_id


def _basic(header: str) -> tuple[str, str] | None:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        site_id, sep, key = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    if not sep or not site_id or len(site_id) > 64 or len(key) > 256:
        return None
    return site_id, key

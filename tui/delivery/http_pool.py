"""HTTP deliveries (a webhook, or a JSON POST to an SMS or push provider) over the worker's
keep-alive pool, each request with an `Idempotency-Key` (the message's id) so a receiver can
drop a redelivery.

HTTP 408, 429 and 5xx, refused connections and timeouts are temporary (with the server's
`Retry-After` in seconds); any other 4xx is permanent, and so is a url that names no server.

The pool is httpx's transport, used without its client: a delivery is one request on its own,
so no cookie one receiver set is sent to the next (they may be different workspaces'), no
redirect is followed (a 3xx is the receiver's answer), and nothing of the client's layers for
those runs (a quarter of a webhook's CPU in the worker, measured). Like httpx's client, it
honours the environment's proxy variables (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY).
"""

from __future__ import annotations

from functools import lru_cache
from urllib.request import getproxies_environment, proxy_bypass_environment  # type: ignore[attr-defined]

import httpx

from tui import __version__
from tui.delivery.outcome import Outcome

TEMPORARY = {408, 429}
USER_AGENT = f"switchboard/{__version__}"


class HttpPool:
    def __init__(self, concurrency: int, timeout_s: float) -> None:
        self._limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        self._timeout = httpx.Timeout(timeout_s).as_dict()
        self._proxies = tuple(sorted(getproxies_environment().items()))
        self._transports: dict[str | None, httpx.AsyncHTTPTransport] = {}  # by proxy (None: direct)

    async def call(
        self, method: str, url: str, body: bytes, message_id: int, authorization: str | None = None
    ) -> Outcome:
        headers = {"Idempotency-Key": str(message_id), "Content-Type": "application/json", "User-Agent": USER_AGENT}
        if authorization is not None:
            headers["Authorization"] = authorization
        try:
            target = _target(url)
            request = httpx.Request(
                method, target, content=body, headers=headers, extensions={"timeout": self._timeout}
            )
        except (httpx.InvalidURL, ValueError) as exc:  # a port that is no number, an empty IDNA label
            return Outcome(False, f"cannot call {url}: {exc}")
        try:
            response = await self._transport(target).handle_async_request(request)
            try:
                await response.aread()  # to the end: the connection is then reused
            finally:
                await response.aclose()
        except httpx.HTTPError as exc:
            return Outcome(False, f"cannot reach {url}: {exc!r}", temporary=True)
        answer = f"HTTP {response.status_code} {response.reason_phrase}"
        if response.is_success:
            return Outcome(True, answer)
        temporary = response.status_code in TEMPORARY or response.status_code >= 500
        return Outcome(False, answer, temporary=temporary, retry_after=_retry_after(response) if temporary else None)

    def _transport(self, url: httpx.URL) -> httpx.AsyncHTTPTransport:
        proxy = _proxy_for(url.scheme, url.host, self._proxies)
        if (transport := self._transports.get(proxy)) is None:
            transport = httpx.AsyncHTTPTransport(limits=self._limits, proxy=proxy)
            self._transports[proxy] = transport
        return transport

    async def aclose(self) -> None:
        for transport in self._transports.values():
            await transport.aclose()


def _target(url: str) -> httpx.URL:
    """The url, if it names a server to call (ValueError saying why not)."""
    target = httpx.URL(url)
    if target.scheme not in ("http", "https"):
        raise ValueError("it must start with http:// or https://")
    if not target.host:
        raise ValueError("it names no host")
    if target.port is not None and not 0 < target.port < 65536:
        raise ValueError(f"port {target.port} is out of range (1-65535)")
    return target


@lru_cache(maxsize=256)
def _proxy_for(scheme: str, host: str, proxies: tuple[tuple[str, str], ...]) -> str | None:
    """The proxy for a url's scheme and host by the environment's variables (None: direct)."""
    found = dict(proxies)
    proxy = found.get(scheme) or found.get("all")
    if proxy is None or proxy_bypass_environment(host, found):
        return None
    return proxy


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    return float(value) if value.isdigit() else None

"""The load-generating process of bench_track_api.py: CLIENTS keep-alive clients, each sending
identify and track calls in turn for SECONDS; prints one JSON line of counts and latencies.

    python track_load.py URL CERT SITE_ID KEY CLIENTS SECONDS TAG
"""

from __future__ import annotations

import asyncio
import json
import ssl
import sys
import time

import httpx


async def client(
    url: str, verify: ssl.SSLContext, auth: tuple[str, str], n: int, until: float, tag: str
) -> list[float]:
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=url, verify=verify, auth=auth, timeout=60) as http:
        call = 0
        while time.perf_counter() < until:
            person = f"{tag}-c{n}-p{call % 50}"
            started = time.perf_counter()
            if call % 2 == 0:
                answer = await http.put(f"/api/v1/customers/{person}", json={"plan": "pro", "seen": call})
            else:
                answer = await http.post(
                    f"/api/v1/customers/{person}/events", json={"name": "clicked", "data": {"n": call}}
                )
            latencies.append(time.perf_counter() - started)
            if answer.status_code != 200:
                raise SystemExit(f"unexpected {answer.status_code}: {answer.text}")
            call += 1
    return latencies


async def main() -> None:
    url, cert, site_id, key, clients, seconds, tag = sys.argv[1:8]
    verify = ssl.create_default_context(cafile=cert)
    until = time.perf_counter() + float(seconds)
    started = time.perf_counter()
    runs = await asyncio.gather(*(client(url, verify, (site_id, key), n, until, tag) for n in range(int(clients))))
    elapsed = time.perf_counter() - started
    latencies = sorted(latency for run in runs for latency in run)
    print(
        json.dumps(
            {
                "requests": len(latencies),
                "per_second": len(latencies) / elapsed,
                "p50_ms": 1000 * latencies[len(latencies) // 2],
                "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())

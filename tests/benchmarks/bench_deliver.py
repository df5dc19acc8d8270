"""Benchmark 8, delivery: `switchboard deliver --once` against raw client loops sending the same
pre-rendered messages over the same number of connections, in the same run. Targets: at least
0.7x the raw loop's messages per second, for emails and for webhooks (as a time ratio: at most
1/0.7 = 1.43x the raw loop's time).

    .venv/bin/python tests/benchmarks/bench_deliver.py [--emails N] [--webhooks N] [--concurrency C] [--repeat K] [--profile]

Emails (default 100,000): a local aiosmtpd server that only counts, in its own process; the
raw side is an `aiosmtplib` loop per connection sending the messages already built and flattened
to bytes (`sendmail`), the measured side `switchboard deliver --once` (a new process, its start-up
included) draining an outbox that holds the same messages, recording each delivery.
Webhooks (default 20,000): a minimal keep-alive HTTP/1.1 server in its own process that answers
200 to everything; the raw side one `httpx.AsyncClient` with the same connection limit posting
the same bodies with the same headers. The outbox is on SQLite (a fresh copy per run).
`--profile` runs deliver once more under cProfile and prints where its time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import aiosmtplib
import httpx
from common import ROOT, WORKSPACE, Comparison, fresh_database, print_comparison, print_machine, raw_connection

from tui.core.campaigns import create_campaign
from tui.core.outbox import OutboxItem
from tui.delivery.email_build import build_email

SENDER = "bench@example.com"
TARGET = round(1 / 0.7, 2)  # the time ratio that is 0.7x the raw loop's rate
BODY = "\n".join(f"Line {n}: your order is on its way, thank you for shopping with us." for n in range(12))
NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


# Sinks, each in its own process ----------------------------------------------------------------


def _smtp_sink(port: int) -> None:
    from aiosmtpd.controller import Controller

    class Counter:
        count = 0

        async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
            Counter.count += 1
            return "250 2.0.0 Ok: counted"

    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})  # for sigwait, in every thread
    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    signal.sigwait({signal.SIGTERM})
    controller.stop()


def _http_sink(port: int) -> None:
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                await reader.readexactly(length)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(serve, "127.0.0.1", port)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


class Sink:
    """A sink process on a free port, stopped when the block ends."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.port = _free_port()

    def __enter__(self) -> Sink:
        command = [sys.executable, __file__, f"--{self.kind}-sink", str(self.port)]
        self.process = subprocess.Popen(command)
        deadline = time.monotonic() + 30
        while True:  # ready when it accepts a connection
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# The outbox ------------------------------------------------------------------------------------


def build_outbox(path: Path, count: int, channel: str, http_port: int = 0) -> None:
    """A database whose outbox holds `count` queued messages of one channel to as many people."""
    db, ws_id = fresh_database(path)
    create_campaign(db, WORKSPACE, "Bench")
    db.dispose()
    stamp = NOW.replace(tzinfo=None).isoformat(sep=" ")
    connection = raw_connection(path)
    connection.execute("BEGIN")
    campaign_id = connection.execute("SELECT id FROM campaigns").fetchone()[0]
    connection.execute(
        "INSERT INTO actions (campaign_id, position, type, name, settings, needs_review, created_at, updated_at, "
        "version) VALUES (?, 1, ?, 'Bench', '{}', 0, ?, ?, 1)",
        (campaign_id, channel, stamp, stamp),
    )
    action_id = connection.execute("SELECT id FROM actions").fetchone()[0]
    connection.executemany(
        "INSERT INTO people (workspace_id, cio_id, ident, email, attributes, created_at, updated_at, version) "
        "VALUES (?, ?, ?, ?, '{}', ?, ?, 1)",
        ((ws_id, f"{n:016x}", _address(n), _address(n), stamp, stamp) for n in range(count)),
    )
    people = [row[0] for row in connection.execute("SELECT id FROM people ORDER BY id")]
    connection.executemany(
        "INSERT INTO messages (workspace_id, campaign_id, action_id, person_id, channel, status, test, recipient, "
        "subject, body, scheduled_at, sent_at, next_attempt_at, attempts) "
        "VALUES (?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?, ?, ?, 0)",
        (
            (ws_id, campaign_id, action_id, person, channel, *_content(n, channel, http_port), stamp, stamp, stamp)
            for n, person in enumerate(people)
        ),
    )
    for table in ("workspaces", "campaigns"):  # the kept counts, as a send keeps them
        connection.execute(f"UPDATE {table} SET messages_queued = ?", (count,))
    connection.execute("COMMIT")
    connection.close()


def _address(n: int) -> str:
    return f"user{n:07d}@example.com"


def _content(n: int, channel: str, http_port: int) -> tuple[str | None, str, str]:
    if channel == "webhook":
        return None, f"POST http://127.0.0.1:{http_port}/hook/{n}", json.dumps({"n": n, "body": BODY})
    return _address(n), f"Your order {n} has shipped", BODY


def outbox_items(path: Path) -> list[OutboxItem]:
    """The messages as a worker would claim them, for the raw loops' pre-rendered copies."""
    with sqlite3.connect(path) as connection:
        site_id = connection.execute("SELECT site_id FROM workspaces").fetchone()[0]
        rows = connection.execute(
            "SELECT id, workspace_id, person_id, channel, recipient, subject, body FROM messages ORDER BY id"
        ).fetchall()
    return [OutboxItem(i, ws, p, site_id, ch, False, r, s, b, 1) for i, ws, p, ch, r, s, b in rows]


# The two sides -----------------------------------------------------------------------------------


def raw_smtp(items: list[OutboxItem], port: int, concurrency: int) -> float:
    payloads = [(item.recipient or "", bytes(build_email(item, SENDER, NOW))) for item in items]

    async def connection(share: list[tuple[str, bytes]]) -> None:
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False)
        await client.connect()
        for recipient, payload in share:
            await client.sendmail(SENDER, [recipient], payload)
        await client.quit()

    async def main() -> None:
        await asyncio.gather(*(connection(payloads[k::concurrency]) for k in range(concurrency)))

    start = time.perf_counter()
    asyncio.run(main())
    return time.perf_counter() - start


def raw_http(items: list[OutboxItem], concurrency: int) -> float:
    requests = []
    for item in items:
        method, _, url = (item.subject or "").partition(" ")
        headers = {"Idempotency-Key": str(item.id), "Content-Type": "application/json"}
        requests.append((method, url, (item.body or "").encode(), headers))

    async def main() -> None:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(limits=limits) as client:

            async def lane(share: list[tuple[str, str, bytes, dict[str, str]]]) -> None:
                for method, url, body, headers in share:
                    (await client.request(method, url, content=body, headers=headers)).raise_for_status()

            await asyncio.gather(*(lane(requests[k::concurrency]) for k in range(concurrency)))

    start = time.perf_counter()
    asyncio.run(main())
    return time.perf_counter() - start


def deliver(path: Path, smtp_port: int, concurrency: int, expected: int, profile: Path | None = None) -> float:
    command = [sys.executable, "-m", "tui", "--db", str(path), "deliver", "--once", "--json"]
    command += ["--concurrency", str(concurrency), "--smtp-host", "127.0.0.1", "--smtp-port", str(smtp_port)]
    command += ["--from", SENDER]
    if profile is not None:
        command[1:1] = ["-m", "cProfile", "-o", str(profile)]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=True)
    elapsed = time.perf_counter() - start
    summary = json.loads(result.stdout[result.stdout.index("{") :])
    assert summary == {"delivered": expected, "retrying": 0, "failed": 0, "stale": 0}, summary
    return elapsed


# Measuring ---------------------------------------------------------------------------------------


def _children_cpu() -> float:
    """CPU seconds (user and system) of the child processes waited for so far: deliver runs."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(
    name: str,
    template: Path,
    raw: Callable[[list[OutboxItem]], float],
    smtp_port: int,
    args: argparse.Namespace,
    count: int,
) -> Comparison:
    items = outbox_items(template)
    comparison = Comparison(name, [], [])
    cpu: dict[str, list[float]] = {"raw": [], "deliver": []}
    for _ in range(args.repeat):  # the sides take turns
        started = time.process_time()
        comparison.baseline.append(raw(items))
        cpu["raw"].append(time.process_time() - started)
        run = template.with_name("run.db")
        shutil.copy(template, run)
        children = _children_cpu()
        comparison.measured.append(deliver(run, smtp_port, args.concurrency, count))
        cpu["deliver"].append(_children_cpu() - children)
    for side, runs in (("raw", comparison.baseline), ("deliver", comparison.measured)):
        rates = ", ".join(f"{count / seconds:,.0f}/s" for seconds in runs)
        per_message = ", ".join(f"{seconds / count * 1000:.2f} ms" for seconds in cpu[side])
        print(f"  {name} {side}: {rates}; CPU per message (the sink's not included): {per_message}")
    if args.profile:
        run = template.with_name("run.db")
        shutil.copy(template, run)
        stats = template.with_name("deliver.prof")
        deliver(run, smtp_port, args.concurrency, count, stats)
        import pstats

        pstats.Stats(str(stats)).sort_stats("cumulative").print_stats(30)
    return comparison


def main(argv: list[str] | None = None) -> list[tuple[str, float, float]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--emails", type=int, default=100_000, help="emails per run (default 100,000)")
    parser.add_argument("--webhooks", type=int, default=20_000, help="webhooks per run (default 20,000)")
    parser.add_argument("--concurrency", type=int, default=4, help="connections on both sides (default 4)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each side (default 3)")
    parser.add_argument("--profile", action="store_true", help="cProfile one more deliver run of each kind")
    parser.add_argument("--smtp-sink", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--http-sink", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.smtp_sink:
        _smtp_sink(args.smtp_sink)
        return []
    if args.http_sink:
        _http_sink(args.http_sink)
        return []
    print_machine()
    print(f"  concurrency {args.concurrency}, {args.repeat} runs of each side, load {os.getloadavg()[0]:.1f}")
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-deliver-") as folder, Sink("smtp") as smtp, Sink("http") as http:
        comparisons = []
        if args.emails:
            emails = Path(folder, "emails.db")
            build_outbox(emails, args.emails, "email")
            raw_emails = lambda items: raw_smtp(items, smtp.port, args.concurrency)  # noqa: E731
            comparisons.append(measure(f"{args.emails:,} emails", emails, raw_emails, smtp.port, args, args.emails))
        if args.webhooks:
            hooks = Path(folder, "hooks.db")
            build_outbox(hooks, args.webhooks, "webhook", http.port)
            raw_hooks = lambda items: raw_http(items, args.concurrency)  # noqa: E731
            comparisons.append(measure(f"{args.webhooks:,} webhooks", hooks, raw_hooks, smtp.port, args, args.webhooks))
        for comparison in comparisons:
            print_comparison(comparison, baseline_label="raw loop", measured_label="switchboard deliver", target=TARGET)
            print(f"  {comparison.name}: deliver at {1 / comparison.ratio:.2f}x the raw loop's rate (target >= 0.7x)")
            results.append((f"delivery: {comparison.name}", comparison.ratio, TARGET))
    return results


if __name__ == "__main__":
    main()

"""7. The Track API (issue 12): throughput against a bare endpoint on the same stack, and a v2
batch against `people import`.

    .venv/bin/python tests/benchmarks/bench_track_api.py [--backend sqlite|postgresql|both]
        [--clients 32] [--seconds 10] [--rounds 2] [--batch 1000]

(a) `switchboard serve api` and (b) bare_track_server.py (Starlette on uvicorn, TLS, the Basic
auth header read, JSON parsed, `200 {}`, no database) take turns, `--rounds` times, under the
same load: track_load.py in its own process, CLIENTS keep-alive clients sending identify and
track calls in turn. The ratio is (b)'s throughput over (a)'s (target: at most 2, i.e. (a) is
at least half of (b)); p50/p99 latencies are printed. Then a v2 batch of BATCH identify
operations against `import_people` of the same people from a JSON Lines file (people per second;
the ratio is the import's rate over the batch's, target at most 2).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))  # tests/: the server harness

from api_harness import ApiServer, new_tenant, start_server  # noqa: E402
from common import print_machine  # noqa: E402
from datasets import add_backend_option, backends_of, postgres_admin, server_for  # noqa: E402

from tui.core.db import open_database  # noqa: E402
from tui.core.people_import import import_people  # noqa: E402

Result = tuple[str, float, float]
TARGET = 2.0


def start_bare(cert: Path, key: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, str(HERE / "bare_track_server.py"), str(cert), str(key)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    port = process.stdout.readline().split()[-1]
    return process, f"https://localhost:{port}"


def load(url: str, cert: Path, auth: tuple[str, str], clients: int, seconds: float) -> dict[str, float]:
    tag = uuid.uuid4().hex[:6]
    command = [sys.executable, str(HERE / "track_load.py"), url, str(cert), *auth, str(clients), str(seconds), tag]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def throughput(backend: str, db_url: str, home: Path, args: argparse.Namespace) -> list[Result]:
    db = open_database(db_url)
    tenant = new_tenant(db, "Bench", "id")
    server: ApiServer = start_server(db_url, home / "data")
    assert server.cert is not None
    key = server.cert.with_name("api-key.pem")
    bare, bare_url = start_bare(server.cert, key)
    runs: dict[str, list[dict[str, float]]] = {"bare": [], "track": []}
    try:
        for _ in range(args.rounds):
            runs["bare"].append(load(bare_url, server.cert, tenant.auth, args.clients, args.seconds))
            runs["track"].append(load(server.url, server.cert, tenant.auth, args.clients, args.seconds))
        batch_rate, import_rate = batch_against_import(db, server, tenant.auth, home, args.batch)
    finally:
        bare.terminate()
        bare.wait()
        server.stop()
        db.dispose()
    medians = {side: statistics.median(r["per_second"] for r in results) for side, results in runs.items()}
    for side, results in runs.items():
        shown = ", ".join(
            f"{r['per_second']:.0f}/s (p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms)" for r in results
        )
        print(f"  {backend} {side:<5}: median {medians[side]:.0f} requests/s; runs: {shown}", flush=True)
    ratio = medians["bare"] / medians["track"]
    print(f"  {backend}: bare / track = {ratio:.2f} (target <= {TARGET})", flush=True)
    batch_ratio = import_rate / batch_rate
    print(
        f"  {backend}: v2 batch {batch_rate:.0f} people/s, people import {import_rate:.0f} people/s,"
        f" import / batch = {batch_ratio:.2f} (target <= {TARGET})",
        flush=True,
    )
    return [
        (f"track api vs bare endpoint ({backend})", ratio, TARGET),
        (f"v2 batch vs people import ({backend})", batch_ratio, TARGET),
    ]


def batch_against_import(db, server: ApiServer, auth: tuple[str, str], home: Path, size: int) -> tuple[float, float]:
    """People per second: one v2 batch of `size` identify operations, and `import_people` of the
    same people (ids and attributes) into a workspace of their own; the median of 3 each."""
    batch_rates, import_rates = [], []
    with server.client(auth=auth, timeout=600) as http:
        for round_ in range(3):
            people = [{"id": f"r{round_}-u{n}", "plan": "pro", "city": f"c{n % 10}"} for n in range(size)]
            operations = [
                {
                    "type": "person",
                    "action": "identify",
                    "identifiers": {"id": p["id"]},
                    "attributes": {"plan": p["plan"], "city": p["city"]},
                }
                for p in people
            ]
            started = time.perf_counter()
            answer = http.post("/api/v2/batch", json={"batch": operations})
            batch_rates.append(size / (time.perf_counter() - started))
            assert answer.status_code == 200, answer.text
            path = home / f"people-{round_}.jsonl"
            path.write_text("".join(json.dumps(p) + "\n" for p in people))
            workspace = new_tenant(db, f"Import {round_}", "id").name
            started = time.perf_counter()
            import_people(db, workspace, path)
            import_rates.append(size / (time.perf_counter() - started))
    return statistics.median(batch_rates), statistics.median(import_rates)


def main(argv: list[str] | None = None) -> list[Result]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_backend_option(parser)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args(argv)
    print_machine()
    results: list[Result] = []
    backends = backends_of(args.backend)
    with server_for(backends) as pg, tempfile.TemporaryDirectory(prefix="bench-track-") as tmp:
        for backend in backends:
            home = Path(tmp) / backend
            home.mkdir()
            if backend == "sqlite":
                db_url = str(home / "track.db")
            else:
                assert pg is not None
                name = f"bench_track_{uuid.uuid4().hex[:8]}"
                postgres_admin(pg, f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
                db_url = pg.set(database=name).render_as_string(hide_password=False)
            try:
                results += throughput(backend, db_url, home, args)
            finally:
                if backend == "postgresql" and pg is not None:
                    postgres_admin(pg, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return results


if __name__ == "__main__":
    main()

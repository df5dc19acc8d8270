"""Benchmark 1, bulk import: `import_people` of a CSV into an email workspace versus raw
`sqlite3` `executemany` of the same rows, already validated and normalized, into the same schema
in one transaction. Target: the import's median at most 2x the raw insert's.

    .venv/bin/python tests/benchmarks/bench_import.py [--backend sqlite|postgresql|both]
        [--order random|sorted|both] [--rows N] [--repeat K] [--profile]

On PostgreSQL the baselines are the server's own: psycopg `executemany` of the same rows in one
transaction (the target is against it, as for SQLite) and `COPY ... FROM STDIN` (for
information: the fastest way in), each into a new database made by the migrations.

The CSV is generated once per order; every run gets a fresh database file. The raw insert goes in
file order, as the target defines it. `--order random` keeps the generated order (the addresses
in no order); `--order sorted` sorts the file by normalized address, as exports often are, which
is the raw insert's best case. On random input the import inserts each batch's new people in
identifier order, so a second, stronger baseline is printed there: the raw insert of the rows
sorted by identifier (which is the first baseline itself on sorted input).
The sides take turns within each repeat, so drift of the machine hits them alike. --profile
runs cProfile over one more import (this process only: not the process reading the file).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from common import (
    INSERT_PEOPLE,
    PEOPLE_COLUMNS,
    WORKSPACE,
    Comparison,
    fresh_database,
    normalized_people_rows,
    people_sorted_by_address,
    print_comparison,
    print_machine,
    raw_connection,
    timed,
    write_people_csv,
)
from datasets import add_backend_option, backends_of, postgres_admin, postgres_server
from sqlalchemy.engine import URL

from tui.core import workspaces
from tui.core.db import Database, open_database
from tui.core.people_import import import_people

TARGET = 2.0
IDENT = 2  # the position of `ident` in INSERT_PEOPLE's rows


def raw_insert(path: Path, rows: list[tuple[object, ...]]) -> float:
    """Seconds for one transaction of `executemany(INSERT_PEOPLE, rows)` on a fresh database."""
    fresh_database(path)[0].dispose()
    connection = raw_connection(path)
    try:

        def insert() -> None:
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany(INSERT_PEOPLE, rows)
            connection.execute("COMMIT")

        return timed(insert)
    finally:
        connection.close()


def real_import(path: Path, source: Path, expected: int, profile: cProfile.Profile | None = None) -> float:
    """Seconds for `import_people` of `source` into a fresh database; checks what it created."""
    db, _ = fresh_database(path)
    try:
        if profile is not None:
            profile.enable()
        seconds = timed(lambda: _check(import_people(db, WORKSPACE, source).created, expected))
        if profile is not None:
            profile.disable()
        return seconds
    finally:
        db.dispose()


def _check(created: int, expected: int) -> None:
    if created != expected:
        raise SystemExit(f"the import created {created} people, the baseline inserts {expected}")


# PostgreSQL -------------------------------------------------------------------------------------

INSERT_PEOPLE_PG = INSERT_PEOPLE.replace("?", "%s")


def postgres_fresh(server: URL, name: str) -> tuple[Database, str]:
    """A new database `name` on `server`, made by the migrations, with the benchmark's workspace."""
    postgres_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    postgres_admin(server, f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
    url = server.set(database=name)
    db = open_database(url.render_as_string(hide_password=False))
    workspaces.create_workspace(db, WORKSPACE, "email")
    return db, url.set(drivername="postgresql").render_as_string(hide_password=False)


def postgres_raw(server: URL, rows: list[tuple[object, ...]], how: str) -> float:
    """Seconds for one transaction of psycopg `executemany` (how="executemany") or `COPY` of `rows`."""
    import psycopg

    db, conninfo = postgres_fresh(server, f"bench_import_{how}")
    db.dispose()
    with psycopg.connect(conninfo) as connection:

        def insert() -> None:
            with connection.cursor() as cursor:
                if how == "executemany":
                    cursor.executemany(INSERT_PEOPLE_PG, rows)
                else:
                    with cursor.copy(f"COPY people ({', '.join(PEOPLE_COLUMNS)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
            connection.commit()

        return timed(insert)


def postgres_import(server: URL, source: Path, expected: int) -> float:
    """Seconds for `import_people` of `source` into a new PostgreSQL database."""
    db, _ = postgres_fresh(server, "bench_import_app")
    try:
        return timed(lambda: _check(import_people(db, WORKSPACE, source).created, expected))
    finally:
        db.dispose()


def run_postgres(
    server: URL, source: Path, rows: list[tuple[object, ...]], repeat: int, order: str
) -> list[tuple[str, float, float]]:
    print(f"\nbulk import (postgresql, {order} input)", flush=True)
    many: list[float] = []
    copied: list[float] = []
    imported: list[float] = []
    for run in range(1, repeat + 1):
        many.append(postgres_raw(server, rows, "executemany"))
        imported.append(postgres_import(server, source, len(rows)))
        copied.append(postgres_raw(server, rows, "copy"))
        print(
            f"  run {run}: executemany {many[-1]:.2f} s, import {imported[-1]:.2f} s, COPY {copied[-1]:.2f} s",
            flush=True,
        )
    results = []
    for label, baseline, target in (("psycopg executemany", many, TARGET), ("COPY", copied, None)):
        comparison = Comparison(f"postgresql bulk import ({order} input) vs {label}", baseline, imported)
        print_comparison(comparison, baseline_label=label, measured_label="import_people", target=target)
        if target is not None:
            results.append((comparison.name, comparison.ratio, target))
    for name in ("bench_import_executemany", "bench_import_copy", "bench_import_app"):
        postgres_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return results


# SQLite ---------------------------------------------------------------------------------------


def run_sqlite(
    work: Path, source: Path, rows: list[tuple[object, ...]], repeat: int, profile: bool, order: str
) -> list[tuple[str, float, float]]:
    print(f"\nbulk import (sqlite, {order} input)", flush=True)
    by_ident = sorted(rows, key=lambda row: row[IDENT])
    already_sorted = by_ident == rows
    raw: list[float] = []
    raw_sorted: list[float] = []
    imported: list[float] = []
    for run in range(1, repeat + 1):
        raw.append(raw_insert(work / "raw.db", rows))
        imported.append(real_import(work / "import.db", source, len(rows)))
        if not already_sorted:
            raw_sorted.append(raw_insert(work / "sorted.db", by_ident))
        also = "" if already_sorted else f", raw executemany sorted by ident {raw_sorted[-1]:.2f} s"
        print(f"  run {run}: raw executemany {raw[-1]:.2f} s, import {imported[-1]:.2f} s{also}", flush=True)
    results = []
    baselines: list[tuple[str, list[float], float | None]] = [("raw sqlite3 executemany", raw, TARGET)]
    if not already_sorted:
        baselines.append(("raw executemany, sorted", raw_sorted, None))  # for information: no target
    for label, baseline, target in baselines:
        comparison = Comparison(f"sqlite bulk import ({order} input) vs {label}", baseline, imported)
        print_comparison(comparison, baseline_label=label, measured_label="import_people", target=target)
        if target is not None:
            results.append((comparison.name, comparison.ratio, target))
    if profile:
        profiler = cProfile.Profile()
        real_import(work / "profile.db", source, len(rows), profiler)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    return results


def main(argv: list[str] | None = None) -> list[tuple[str, float, float]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_backend_option(parser)
    parser.add_argument(
        "--order", choices=("random", "sorted", "both"), default="both", help="the CSV's order (default both)"
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="people in the CSV (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side (default 3)")
    parser.add_argument("--profile", action="store_true", help="profile one more SQLite import with cProfile")
    args = parser.parse_args(argv)
    print_machine()
    results: list[tuple[str, float, float]] = []
    backends = backends_of(args.backend)
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        work = Path(folder)
        for order in ("random", "sorted") if args.order == "both" else (args.order,):
            given = people_sorted_by_address(args.rows) if order == "sorted" else None
            source = work / f"people-{order}.csv"
            write_people_csv(source, args.rows, given=given)
            rows = normalized_people_rows(1, args.rows, datetime.now(UTC), given=given)
            print(
                f"bulk import, {order} input: {args.rows:,} CSV rows ({len(rows):,} valid), "
                f"{source.stat().st_size / 1e6:.1f} MB",
                flush=True,
            )
            if "sqlite" in backends:
                results += run_sqlite(work, source, rows, args.repeat, args.profile, order)
            if "postgresql" in backends:
                with postgres_server() as server:
                    results += run_postgres(server, source, rows, args.repeat, order)
    return results


if __name__ == "__main__":
    main()

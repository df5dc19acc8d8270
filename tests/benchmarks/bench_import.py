"""Benchmark 1, bulk import: `import_people` of a CSV into an email workspace versus raw
`sqlite3` `executemany` of the same rows, already validated and normalized, into the same schema
in one transaction. Target: the import's median at most 2x the raw insert's.

    .venv/bin/python tests/benchmarks/bench_import.py [--rows N] [--repeat K] [--profile]

The CSV is generated once; every run gets a fresh database file. The raw insert goes in file
order, as the target defines it; the import inserts each batch's new people in identifier order,
so a second, stronger baseline is printed too: the raw insert of the rows sorted by identifier.
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
    WORKSPACE,
    Comparison,
    fresh_database,
    normalized_people_rows,
    print_comparison,
    print_machine,
    raw_connection,
    timed,
    write_people_csv,
)

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="people in the CSV (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side (default 3)")
    parser.add_argument("--profile", action="store_true", help="profile one more import with cProfile")
    args = parser.parse_args()
    print_machine()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        work = Path(folder)
        source = work / "people.csv"
        write_people_csv(source, args.rows)
        rows = normalized_people_rows(1, args.rows, datetime.now(UTC))
        by_ident = sorted(rows, key=lambda row: row[IDENT])
        print(f"bulk import: {args.rows:,} CSV rows ({len(rows):,} valid), {source.stat().st_size / 1e6:.1f} MB", flush=True)
        raw: list[float] = []
        raw_sorted: list[float] = []
        imported: list[float] = []
        for run in range(1, args.repeat + 1):
            raw.append(raw_insert(work / "raw.db", rows))
            imported.append(real_import(work / "import.db", source, len(rows)))
            raw_sorted.append(raw_insert(work / "sorted.db", by_ident))
            print(
                f"  run {run}: raw executemany {raw[-1]:.2f} s, import {imported[-1]:.2f} s, "
                f"raw executemany sorted by ident {raw_sorted[-1]:.2f} s",
                flush=True,
            )
        for label, baseline, target in (
            ("raw sqlite3 executemany", raw, TARGET),
            ("raw executemany, sorted", raw_sorted, None),  # for information: no target
        ):
            comparison = Comparison(f"bulk import vs {label}", baseline, imported)
            print_comparison(comparison, baseline_label=label, measured_label="import_people", target=target)
        if args.profile:
            profile = cProfile.Profile()
            real_import(work / "profile.db", source, len(rows), profile)
            pstats.Stats(profile).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()

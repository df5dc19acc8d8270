"""Every benchmark of the scale issue in one run, then a table of each ratio against its target.

    .venv/bin/python tests/benchmarks/run_all.py [--backend sqlite|postgresql|both] [--quick] [--rebuild]

The default is what the targets are stated for: a million people per workspace, on both
backends (PostgreSQL: $SWITCHBOARD_TEST_PG_URL, or a pgserver kept in the benchmark cache
folder), about 40 minutes the first time (building the databases) and less afterwards.
`--quick` runs smaller sizes and fewer repeats to check that everything works; its ratios are
not the targets' (fixed costs weigh more on small sizes).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import bench_counts
import bench_deliver
import bench_import
import bench_people
import bench_startup
import bench_track_api
import bench_wizard
from common import print_machine
from datasets import add_backend_option

Result = tuple[str, float, float]


def plan(backend: str, quick: bool, rebuild: bool) -> list[tuple[str, Callable[[list[str]], list[Result]], list[str]]]:
    """(title, a benchmark's main, its arguments) in the order of the issue."""
    again = ["--rebuild"] if rebuild else []
    both = ["--backend", backend]
    if quick:
        return [
            ("1. bulk import", bench_import.main, [*both, "--rows", "100000", "--repeat", "1"]),
            ("2. size independence", bench_people.main, [*both, "--people", "100000", "--repeat", "2", *again]),
            ("3. billing and counts", bench_counts.main, [*both, "--large", "100000", "--repeat", "2", *again]),
            ("4. start-up", bench_startup.main, [*both, "--people", "100000", "--repeat", "3", *again]),
            ("5. import-action wizard", bench_wizard.main, ["--repeat", "2", *again]),
            ("8. delivery", bench_deliver.main, ["--emails", "5000", "--webhooks", "2000", "--repeat", "1"]),
            ("7. track api", bench_track_api.main, [*both, "--seconds", "3", "--rounds", "1", "--batch", "200"]),
        ]
    return [
        ("1. bulk import", bench_import.main, both),
        ("2. size independence", bench_people.main, [*both, *again]),
        ("3. billing and counts", bench_counts.main, [*both, *again]),
        ("4. start-up", bench_startup.main, [*both, *again]),
        ("5. import-action wizard", bench_wizard.main, again),
        ("8. delivery (SQLite outbox)", bench_deliver.main, []),
        ("7. track api", bench_track_api.main, both),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_backend_option(parser, default="both")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats: a check, not the targets")
    parser.add_argument("--rebuild", action="store_true", help="build the cached databases again")
    args = parser.parse_args()
    results: list[Result] = []
    for title, run, arguments in plan(args.backend, args.quick, args.rebuild):
        print(f"\n=== {title} ({' '.join(arguments)})", flush=True)
        started = time.perf_counter()
        results += run(arguments)
        print(f"=== {title}: {time.perf_counter() - started:.0f} s", flush=True)
    print("\n=== summary" + (" (--quick: not the targets' sizes)" if args.quick else ""))
    print_machine()
    width = max(len(name) for name, _, _ in results)
    for name, ratio, target in results:
        print(f"  {name:<{width}}  {ratio:5.2f}x  target <= {target}x  {'met' if ratio <= target else 'NOT met'}")


if __name__ == "__main__":
    main()

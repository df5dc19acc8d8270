"""Benchmark 2, size independence: the app's People pane on a workspace of 1,000,000 people
versus one of 1,000. Targets: each time within 1.2x, peak memory within 1.25x.

    .venv/bin/python tests/benchmarks/bench_people.py [--backend sqlite|postgresql|both]
        [--people 1000000] [--small 1000] [--repeat 5] [--rebuild]

Every run is a new process (so that peak memory is its own) that opens the real app headless
(Textual's `run_test`, 120x40) on a database holding one workspace, and measures:

- first page: from creating the app until the first page of people is in the table;
- 10 pages: PageDown pressed, each as soon as the last one has moved the highlight (waiting
  when the highlight is on the last row read and the next page is still being read), until the
  900th person is highlighted and the page read ahead of the view (people 901 to 1,000) is in:
  ten reads of 100 people, as a user paging down causes them, on both sides (stopping at the
  1,000th would add an eleventh read ahead on the big side only);
- prefix search: from applying the filter `user00005` (what the filter box does after the typing
  pause) until its first page is in the table (100 people on both sides, checked);
- peak memory: the process's maximum resident set size at the end.

The sides take turns within each repeat. The databases are built once by datasets.py and kept in
its cache folder (`--rebuild` builds them again); PostgreSQL runs on $SWITCHBOARD_TEST_PG_URL or
a pgserver whose data is kept in that folder.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import subprocess
import sys
import time

from common import Comparison, print_comparison, print_machine
from datasets import add_backend_option, backends_of, dataset_targets, people_dataset, server_for

TIME_TARGET = 1.2
MEMORY_TARGET = 1.25
SEARCH = "user00005"
PAGES = 10


async def _until(condition: object, what: str, timeout: float = 120.0) -> None:
    """Poll `condition()` (yielding to the app) until it holds."""
    deadline = time.perf_counter() + timeout
    while not condition():  # type: ignore[operator]
        if time.perf_counter() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        await asyncio.sleep(0.0005)


async def measure_once(target: str) -> dict[str, float]:
    """One run on the database `target`: the three timings and the peak memory."""
    from tui.app import SwitchboardApp
    from tui.core.db import open_database
    from tui.widgets.people_pane import PeoplePane
    from tui.widgets.people_window import PAGE_SIZE

    db = open_database(target)
    started = time.perf_counter()
    app = SwitchboardApp(db, refresh_seconds=None)
    figures: dict[str, float] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.screen.query_one(PeoplePane).table

        def shown() -> bool:
            ws = table.workspace
            return ws is not None and table.pending is None and table.loaded_for == ws.id and table.row_count > 0

        await _until(shown, "the first page")
        figures["first page"] = time.perf_counter() - started

        table.focus()
        await pilot.pause()
        start = time.perf_counter()
        while table.position < (PAGES - 1) * PAGE_SIZE:
            if table.cursor_row >= table.row_count - 1:  # at the last row read: the next is on its way
                await _until(lambda: table.pending is None, "the next page")
                if table.cursor_row >= table.row_count - 1 and not table.window.more_below:
                    raise SystemExit(f"the workspace ended at person {table.position}, before {PAGES * PAGE_SIZE}")
                continue
            before = table.position
            press(app, "pagedown")
            await _until(lambda before=before: table.position != before, "PageDown to move")
        await _until(lambda: table.pending is None, "the last page")
        if table.window.offset + len(table.window.rows) < PAGES * PAGE_SIZE:
            raise SystemExit(f"only {table.window.offset + len(table.window.rows)} people were read")
        figures["10 pages"] = time.perf_counter() - start

        start = time.perf_counter()
        table.set_search(SEARCH)
        await _until(lambda: table.pending is None and table.search == SEARCH and table.row_count > 0, "the search")
        figures["prefix search"] = time.perf_counter() - start
        first = table.window.rows[0].email
        if first != f"{SEARCH}00@example.com" or table.row_count != PAGE_SIZE:
            raise SystemExit(f"the search showed {table.row_count} rows starting at {first!r}")
    db.dispose()
    figures["peak memory"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # MiB
    return figures


def press(app: object, key: str) -> None:
    """Send a key as the terminal would, without Pilot's waits for the app to go idle (two
    20 ms sleeps a key at least, which would drown what is measured)."""
    from textual import events

    event = events.Key(key, None)
    event.set_sender(app)  # type: ignore[arg-type]
    app._driver.send_message(event)  # type: ignore[attr-defined]


def run_child(target: str) -> dict[str, float]:
    """measure_once in a new process."""
    done = subprocess.run([sys.executable, __file__, "--child", target], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"a measuring run failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def compare(backend: str, small: str, big: str, repeat: int, sizes: tuple[int, int]) -> list[tuple[str, float, float]]:
    """Alternate the two databases `repeat` times (after a warm-up of each); print every figure."""
    run_child(small), run_child(big)
    runs: dict[str, list[dict[str, float]]] = {"small": [], "big": []}
    for run in range(1, repeat + 1):
        for side, target in (("small", small), ("big", big)):
            runs[side].append(run_child(target))
        print(
            f"  run {run}: "
            + ", ".join(
                f"{name} {runs['small'][-1][name]:.3f}/{runs['big'][-1][name]:.3f}" for name in runs["small"][-1]
            ),
            flush=True,
        )
    labels = (f"{sizes[0]:,} people", f"{sizes[1]:,} people")
    results = []
    for name in ("first page", "10 pages", "prefix search"):
        comparison = Comparison(f"{backend} {name}", [r[name] for r in runs["small"]], [r[name] for r in runs["big"]])
        print_comparison(comparison, baseline_label=labels[0], measured_label=labels[1], target=TIME_TARGET)
        results.append((comparison.name, comparison.ratio, TIME_TARGET))
    small_mem = statistics.median(r["peak memory"] for r in runs["small"])
    big_mem = statistics.median(r["peak memory"] for r in runs["big"])
    ratio = big_mem / small_mem
    verdict = "met" if ratio <= MEMORY_TARGET else "NOT met"
    print(f"  {labels[0]:<17} peak memory median {small_mem:7.1f} MiB")
    print(f"  {labels[1]:<17} peak memory median {big_mem:7.1f} MiB")
    print(f"  {backend} peak memory: ratio {ratio:.2f}x (target <= {MEMORY_TARGET}x): {verdict}", flush=True)
    results.append((f"{backend} peak memory", ratio, MEMORY_TARGET))
    return results


def main(argv: list[str] | None = None) -> list[tuple[str, float, float]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_backend_option(parser, default="both")
    parser.add_argument("--people", type=int, default=1_000_000, help="people in the big workspace")
    parser.add_argument("--small", type=int, default=1_000, help="people in the small workspace")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each side (default 5)")
    parser.add_argument("--rebuild", action="store_true", help="build the cached databases again")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(asyncio.run(measure_once(args.child))))
        return []
    print_machine()
    backends = backends_of(args.backend)
    small_set, big_set = people_dataset(args.small), people_dataset(args.people)
    results: list[tuple[str, float, float]] = []
    with server_for(backends) as server:
        small = dataset_targets(small_set, backends, server, rebuild=args.rebuild)
        big = dataset_targets(big_set, backends, server, rebuild=args.rebuild)
        for backend in backends:
            print(
                f"\nsize independence ({backend}): {args.people:,} vs {args.small:,} people, {args.repeat} runs each",
                flush=True,
            )
            results += compare(backend, small[backend], big[backend], args.repeat, (args.small, args.people))
    return results


if __name__ == "__main__":
    main()

"""Benchmark 3, billing and counts: the sidebar's people counts and billing totals, and the
Billing screen, with 10 workspaces of 1,000,000 people each versus 10 of 1,000. Target: each
app figure's median at most 1.5x (counts are kept, not recounted per frame).

    .venv/bin/python tests/benchmarks/bench_counts.py [--backend sqlite|postgresql|both] [--repeat K]

Figures, each the large dataset against the small one, measured in this process with Textual's
headless `app.run_test(size=(120, 40))` over the cached datasets (datasets.py):

1. Sidebar refresh: the sidebar's figures are blanked (no rows, totals "—"), ctrl+r is sent to
   the app, and the clock runs until every workspace's row holds its people count and the
   billing totals hold this month's people, polled every millisecond (no fixed sleeps).
2. Billing screen: from sending `B` until the Billing screen holds this month's and all time's
   figures and a row per workspace.
3. Core alone, for information: `list_workspaces(db)` and `billing(db)`, --calls calls a run.

Keys go straight to the app's driver, like Pilot's `press` but without its waits for the
process to go idle (two waits of at least 20 ms each, which would hide what is measured). After
every timed run the painted screen is checked (the compositor's lines: 10 workspace rows with
1,000,000 or 1,000 people, totals of 10,000,000 or 10,000), so no figure can be of an empty
screen. One untimed round warms both sides up; then the sides take turns, each run in a new app.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import os
import pstats
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from common import ROOT, Comparison, print_comparison, print_machine, timed
from datasets import Dataset, add_backend_option, backends_of, dataset_targets, people_dataset, server_for

sys.path.insert(0, str(ROOT / "tests"))

from app_factory import settle
from textual import events
from textual.app import App
from textual.css.query import NoMatches
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from tui.app import SwitchboardApp
from tui.core.billing import billing
from tui.core.db import Database, open_database
from tui.core.workspaces import list_workspaces
from tui.screens.billing import BillingScreen
from tui.screens.main import MainScreen
from tui.widgets.billing_totals import BillingTotals
from tui.widgets.workspace_list import WorkspaceList

TARGET = 1.5
SIZE = (120, 40)
SIDEBAR = 34  # columns of the sidebar at 120 columns (MainScreen's CSS, -wide)
POLL = 0.001
TIMEOUT = 120.0


def figure(n: int) -> str:
    """A regular expression for `n` as the app writes it (1,000,000), not inside a longer number."""
    return rf"(?<![\d,]){re.escape(f'{n:,}')}(?![\d,])"


@dataclass
class Side:
    """One dataset opened on one backend, and what the app must show for it."""

    label: str
    dataset: Dataset
    db: Database

    @property
    def workspaces(self) -> int:
        return len(self.dataset.workspaces)

    @property
    def per_workspace(self) -> int:
        return self.dataset.workspaces[0].people

    @property
    def total(self) -> int:
        return sum(spec.people for spec in self.dataset.workspaces)


# What the widgets hold (polled while timing: cheap) ---------------------------------------------


def sidebar_holds(app: App[None], side: Side) -> bool:
    """Every workspace row holds its people count, and the totals this month's people."""
    screen = app.screen
    if not isinstance(screen, MainScreen):
        return False
    totals = screen.query_one(BillingTotals).totals
    if totals is None or totals.people != side.total:
        return False
    rows = screen.query_one(WorkspaceList)
    if rows.option_count != side.workspaces:
        return False
    count = f"{side.per_workspace:,} people"
    return all(str(rows.get_option_at_index(n).prompt).endswith(count) for n in range(side.workspaces))


def billing_holds(app: App[None], side: Side) -> bool:
    """The Billing screen holds this month's and all time's people and a row per workspace."""
    screen = app.screen
    if not isinstance(screen, BillingScreen):
        return False
    wanted = f"{side.total:,}  billable people"
    try:
        return (
            wanted in str(screen.query_one("#month", Static).content)
            and wanted in str(screen.query_one("#all-time", Static).content)
            and screen.query_one(DataTable).row_count == side.workspaces
        )
    except NoMatches:  # pushed, not composed yet
        return False


async def until(app: App[None], holds: Callable[[], bool], what: str) -> None:
    deadline = time.perf_counter() + TIMEOUT
    while not holds():
        if time.perf_counter() > deadline:
            raise SystemExit(f"{what} did not show within {TIMEOUT:.0f} s; the screen:\n{painted(app)}")
        await asyncio.sleep(POLL)


# What the screen shows (checked after each timed run) -------------------------------------------


def painted(app: App[None]) -> str:
    """The current screen's text as the compositor paints it."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def check_sidebar_painted(app: App[None], side: Side) -> None:
    lines = [line[:SIDEBAR] for line in painted(app).splitlines()]
    rows = sum(bool(re.search(rf"· {figure(side.per_workspace)} people", line)) for line in lines)
    totals = any(re.search(rf"People +{figure(side.total)}", line) for line in lines)
    if rows != side.workspaces or not totals:
        raise SystemExit(
            f"{side.label}: the sidebar shows {rows} of {side.workspaces} workspace counts of "
            f"{side.per_workspace:,}, totals of {side.total:,}: {totals}; the figures are void:\n{painted(app)}"
        )


def check_billing_painted(app: App[None], side: Side) -> None:
    text = painted(app)
    figures = len(re.findall(rf"{figure(side.total)}  billable people", text))
    rows = len(re.findall(rf"Bench \d+\b.*{figure(side.per_workspace)}", text))
    if figures != 2 or rows != side.workspaces:
        raise SystemExit(
            f"{side.label}: the Billing screen shows {figures} of 2 totals of {side.total:,} and "
            f"{rows} of {side.workspaces} rows of {side.per_workspace:,}; the figures are void:\n{text}"
        )


# Timing ---------------------------------------------------------------------------------------


def send_key(app: App[None], key: str, char: str | None = None) -> None:
    """A key press as the terminal driver delivers it (what Pilot's `press` sends, without its
    waits for the process to go idle)."""
    event = events.Key(key, char)
    event.set_sender(app)
    assert app._driver is not None
    app._driver.send_message(event)


async def time_refresh(pilot: Pilot[None], side: Side, profile: cProfile.Profile | None = None) -> float:
    """Blank the sidebar's figures, send ctrl+r: seconds until they are held again (profiled
    by `profile`, if given: this thread only)."""
    app = pilot.app
    screen = app.screen
    assert isinstance(screen, MainScreen)
    screen.workspaces = ()
    screen.query_one(BillingTotals).totals = None
    await settle(pilot)
    if sidebar_holds(app, side):
        raise SystemExit("blanking the sidebar failed")
    if profile is not None:
        profile.enable()
    start = time.perf_counter()
    send_key(app, "ctrl+r")
    await until(app, lambda: sidebar_holds(app, side), f"{side.label}: the sidebar's figures")
    elapsed = time.perf_counter() - start
    if profile is not None:
        profile.disable()
    return elapsed


async def time_billing(app: App[None], side: Side) -> float:
    """Send `B`: seconds until the Billing screen holds its figures."""
    start = time.perf_counter()
    send_key(app, "B", "B")
    await until(app, lambda: billing_holds(app, side), f"{side.label}: the Billing screen's figures")
    return time.perf_counter() - start


@contextmanager
def heap_frozen() -> Iterator[None]:
    """Collect, then keep what exists out of the collector's sight while timing: this process
    makes a new app per run, and a full collection of every older app's objects (up to 0.6 s
    seen) would otherwise land in a timed window at random. Younger collections still run."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


async def app_run(side: Side, profile: cProfile.Profile | None = None) -> tuple[float, float]:
    """One new app on `side`: (seconds of a sidebar refresh, seconds to open Billing)."""
    app = SwitchboardApp(side.db, refresh_seconds=None, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await until(app, lambda: sidebar_holds(app, side), f"{side.label}: the first sidebar")
        await settle(pilot)
        with heap_frozen():
            refresh = await time_refresh(pilot, side, profile)
        await settle(pilot)
        check_sidebar_painted(app, side)
        with heap_frozen():
            opened = await time_billing(app, side)
        await settle(pilot)
        check_billing_painted(app, side)
        await pilot.press("escape")
        await settle(pilot)
    return refresh, opened


def core_run(side: Side, calls: int) -> tuple[float, float]:
    """Seconds of `calls` calls of list_workspaces, then of billing, after checking one of each."""
    listed, report = list_workspaces(side.db), billing(side.db)
    if [ws.people for ws in listed] != [side.per_workspace] * side.workspaces or report.people != side.total:
        raise SystemExit(f"{side.label}: core says {[ws.people for ws in listed]} and {report.people:,}")
    with heap_frozen():
        listing = timed(lambda: [list_workspaces(side.db) for _ in range(calls)])
    with heap_frozen():
        billed = timed(lambda: [billing(side.db) for _ in range(calls)])
    return listing, billed


# The run --------------------------------------------------------------------------------------


def measure(
    backend: str, small: Side, large: Side, repeat: int, calls: int, profile: bool
) -> list[tuple[str, float, float]]:
    print(f"{backend}: {large.label} versus {small.label}", flush=True)
    sides = (small, large)
    for side in sides:  # warm-up round, not timed
        asyncio.run(app_run(side))
        core_run(side, calls)
    times: dict[str, dict[str, list[float]]] = {
        name: {small.label: [], large.label: []} for name in ("refresh", "billing", "list", "bill")
    }
    for run in range(1, repeat + 1):
        order = sides if run % 2 else sides[::-1]
        for side in order:
            refresh, opened = asyncio.run(app_run(side))
            listing, billed = core_run(side, calls)
            for name, value in (("refresh", refresh), ("billing", opened), ("list", listing), ("bill", billed)):
                times[name][side.label].append(value)
        print(
            f"  run {run}: "
            + "; ".join(
                f"{side.label}: refresh {times['refresh'][side.label][-1] * 1e3:.1f} ms, "
                f"billing screen {times['billing'][side.label][-1] * 1e3:.1f} ms, "
                f"list_workspaces {times['list'][side.label][-1] / calls * 1e3:.2f} ms, "
                f"billing() {times['bill'][side.label][-1] / calls * 1e3:.2f} ms"
                for side in order
            ),
            flush=True,
        )
    results = []
    for name, title, target in (
        ("refresh", "sidebar refresh (ctrl+r until counts and totals show)", TARGET),
        ("billing", "Billing screen (B until its figures show)", TARGET),
        ("list", f"core list_workspaces x{calls}", None),
        ("bill", f"core billing x{calls}", None),
    ):
        comparison = Comparison(f"{backend} {title}", times[name][small.label], times[name][large.label])
        print_comparison(comparison, baseline_label=small.label, measured_label=large.label, target=target)
        if target is not None:
            results.append((comparison.name, comparison.ratio, target))
    if profile:
        stats = cProfile.Profile()
        asyncio.run(app_run(large, stats))
        pstats.Stats(stats).sort_stats("cumulative").print_stats(30)
    return results


def label(dataset: Dataset) -> str:
    specs = dataset.workspaces
    return f"{len(specs)} x {specs[0].people:,}"


def open_sides(targets: dict[str, str], datasets: tuple[Dataset, Dataset]) -> tuple[Side, Side]:
    small, large = (Side(label(dataset), dataset, open_database(targets[dataset.key])) for dataset in datasets)
    return small, large


def main(argv: list[str] | None = None) -> list[tuple[str, float, float]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_backend_option(parser, default="sqlite")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs of each side (default 7)")
    parser.add_argument("--workspaces", type=int, default=10, help="workspaces in each dataset (default 10)")
    parser.add_argument("--large", type=int, default=1_000_000, help="people per workspace, large side")
    parser.add_argument("--small", type=int, default=1_000, help="people per workspace, small side")
    parser.add_argument("--calls", type=int, default=100, help="core calls per timed run (default 100)")
    parser.add_argument("--rebuild", action="store_true", help="build the datasets again")
    parser.add_argument("--profile", action="store_true", help="cProfile one more refresh on the large side")
    args = parser.parse_args(argv)
    # The app reads settings and themes from the user's config folder: use an empty one.
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="bench-counts-config-")
    print_machine()
    datasets = (people_dataset(args.small, args.workspaces), people_dataset(args.large, args.workspaces))
    backends = backends_of(args.backend)
    results: list[tuple[str, float, float]] = []
    with server_for(backends) as server:
        targets = {
            dataset.key: dataset_targets(dataset, backends, server, rebuild=args.rebuild) for dataset in datasets
        }
        for backend in backends:
            sides = open_sides({key: by_backend[backend] for key, by_backend in targets.items()}, datasets)
            try:
                results += measure(backend, *sides, args.repeat, args.calls, args.profile)
            finally:
                for side in sides:
                    side.db.dispose()
    return results


if __name__ == "__main__":
    main()

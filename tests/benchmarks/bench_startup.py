"""Benchmark 4, start-up: process start to the first frame of the main screen, on a database
holding a workspace of 1,000,000 people, versus a minimal one-Label Textual app. Target: 1.5x.

    .venv/bin/python tests/benchmarks/bench_startup.py [--backend sqlite|postgresql|both]
        [--people 1000000] [--repeat 7] [--rebuild]

Both apps start as new processes (`python -m tui` with the database in $SWITCHBOARD_DB, as the
SSH server starts it; `python -c` with the minimal app) on a pseudo-terminal of 120x40, the
sides taking turns. A terminal emulator (pyte) reads their output; the clock stops when the
screen first shows the app:
- the minimal app: its Label's text;
- Switchboard: the main screen, drawn whole (the Footer's Quit key on the last row), with the
  workspace in the sidebar and its people count, 1,000,000.
For information it also prints when the first people of the table are on screen.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable
from contextlib import nullcontext

from common import ROOT, Comparison, print_comparison, print_machine
from datasets import dataset_targets, people_dataset, postgres_server

sys.path.insert(0, str(ROOT / "tests"))

from ssh_harness import Screen  # noqa: E402

from tui.core.db import resolve_target  # noqa: E402
from tui.ssh.pty_process import PtyProcess, Size  # noqa: E402
from tui.ssh.server import app_env  # noqa: E402

TARGET = 1.5
SIZE = Size(120, 40)
QUIT = b"\x11"  # ctrl+q
LABEL = "Hello from a minimal Textual app"
MINIMAL_APP = f"""
from textual.app import App
from textual.widgets import Label

class Minimal(App):
    BINDINGS = [("ctrl+q", "quit", "Quit")]

    def compose(self):
        yield Label({LABEL!r})

Minimal().run()
"""


def shows_main_screen(people: int) -> Callable[[Screen], bool]:
    count = f"{people:,}"
    return lambda screen: screen.shows_app() and "Bench" in screen.text and count in screen.text


def shows_people(screen: Screen) -> bool:
    return "user0000000@example.com" in screen.text


async def first_frame(
    command: tuple[str, ...], env: dict[str, str], shown: Callable[[Screen], bool], then: Callable[[Screen], bool] | None = None
) -> tuple[float, float | None]:
    """Seconds from starting `command` on a PTY until `shown(screen)`, and until `then(screen)`."""
    screen = Screen(SIZE.columns, SIZE.rows)
    start = time.perf_counter()
    app = await PtyProcess.start(command, env, SIZE, screen.feed)
    await screen.wait_for(shown, "the first frame", timeout=120)
    elapsed = time.perf_counter() - start
    later = None
    if then is not None:
        await screen.wait_for(then, "the people", timeout=120)
        later = time.perf_counter() - start
    app.write(QUIT)
    await app.finish()
    return elapsed, later


async def compare(backend: str, target: str, people: int, repeat: int) -> tuple[str, float, float]:
    env = {**app_env(resolve_target(target)), "TERM": "xterm-256color"}
    minimal = ((sys.executable, "-c", MINIMAL_APP), env, lambda screen: LABEL in screen.text)
    switchboard = ((sys.executable, "-m", "tui"), env, shows_main_screen(people), shows_people)
    await first_frame(*minimal)  # warm-ups: the OS caches the files both read
    await first_frame(*switchboard)
    baseline: list[float] = []
    measured: list[float] = []
    people_shown: list[float] = []
    for run in range(1, repeat + 1):
        baseline.append((await first_frame(*minimal))[0])
        frame, rows = await first_frame(*switchboard)
        measured.append(frame)
        people_shown.append(rows or 0.0)
        print(f"  run {run}: minimal app {baseline[-1]:.3f} s, switchboard {frame:.3f} s (people shown at {rows:.3f} s)", flush=True)
    comparison = Comparison(f"{backend} start-up", baseline, measured)
    print_comparison(comparison, baseline_label="minimal one-Label app", measured_label="switchboard main screen", target=TARGET)
    shown = Comparison(f"{backend} start-up to the first people shown (for information)", baseline, people_shown)
    print_comparison(shown, baseline_label="minimal one-Label app", measured_label="switchboard people shown", target=None)
    return comparison.name, comparison.ratio, TARGET


def main(argv: list[str] | None = None) -> list[tuple[str, float, float]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--people", type=int, default=1_000_000, help="people in the workspace")
    parser.add_argument("--repeat", type=int, default=7, help="runs of each side (default 7)")
    parser.add_argument("--rebuild", action="store_true", help="build the cached database again")
    args = parser.parse_args(argv)
    print_machine()
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    results = []
    with postgres_server() if "postgresql" in backends else nullcontext() as server:
        targets = dataset_targets(people_dataset(args.people), backends, server, rebuild=args.rebuild)
        for backend in backends:
            print(f"\nstart-up ({backend}): {args.people:,} people, {SIZE.columns}x{SIZE.rows}, {args.repeat} runs each", flush=True)
            results.append(asyncio.run(compare(backend, targets[backend], args.people, args.repeat)))
    return results


if __name__ == "__main__":
    main()

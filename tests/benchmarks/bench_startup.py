"""Benchmark 4, start-up: process start to the first frame of the main screen, on a database
holding a workspace of 1,000,000 people, versus a minimal one-Label Textual app. Targets: 1.5x;
the workspace listed and the first people shown 2.5x.

    .venv/bin/python tests/benchmarks/bench_startup.py [--backend sqlite|postgresql|both]
        [--people 1000000] [--repeat 7] [--rebuild]

Both apps start as new processes (`python -m tui` with the database in $SWITCHBOARD_DB, as the
SSH server starts it; `python -c` with the minimal app) on a pseudo-terminal of 120x40, the
sides taking turns. A terminal emulator (pyte) reads their output; the clock stops when the
screen first shows the app:
- the minimal app: its Label's text;
- Switchboard: the main screen, drawn whole: the Footer's Quit key on the last row, the
  sidebar's title and the People tab. Its data is read by workers after that frame, so the
  benchmark also prints when the workspace shows in the sidebar with its count (1,000,000) and
  when the first people of the table are on screen.
Also for information: the same layout made of Textual's widgets alone (LAYOUT_APP), the floor of
any app that draws this screen.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from common import ROOT, Comparison, print_comparison, print_machine
from datasets import add_backend_option, backends_of, dataset_targets, people_dataset, server_for

sys.path.insert(0, str(ROOT / "tests"))

from ssh_harness import Screen

from tui.core.db import resolve_target
from tui.ssh.pty_process import PtyProcess, Size
from tui.ssh.server import app_env

TARGET = 1.5  # the main screen
DATA_TARGET = 2.5  # the workspace listed and the first people shown (issue 14)
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


@dataclass(frozen=True)
class Stage:
    """A point of the start-up: the text that must have arrived (a cheap test on the raw
    bytes), then what the screen must show (a terminal emulator's reading of all of them)."""

    markers: tuple[str, ...]
    check: Callable[[Screen], bool]


# For information: the main screen's layout from Textual's own widgets (Header, sidebar with an
# OptionList, TabbedContent, Footer) with nothing of Switchboard behind it: the floor that any
# app drawing this screen starts from.
LAYOUT_APP = """
from textual.app import App
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static, TabbedContent, TabPane

class Main(Screen):
    BINDINGS = [("w", "nothing", "Workspaces"), ("ctrl+b", "nothing", "Sidebar"), ("ctrl+r", "nothing", "Refresh")]

    def compose(self):
        yield Header(icon="☎")
        with Horizontal():
            with Vertical():
                yield Static("Workspaces")
                yield OptionList()
            with TabbedContent():
                with TabPane("p People"):
                    yield Static("…")
                with TabPane("c Campaigns"):
                    yield Static("…")
        yield Footer(compact=True, show_command_palette=False)

class Layout(App):
    BINDINGS = [("ctrl+q", "quit", "Quit")]

    def get_default_screen(self):
        return Main()

Layout().run()
"""


def main_screen() -> Stage:
    return Stage(
        ("Quit", "Workspaces", "People"), lambda s: s.shows_app() and "Workspaces" in s.text and "People" in s.text
    )


def workspace_listed(people: int) -> Stage:
    count = f"{people:,}"
    return Stage(("Bench", count), lambda s: "Bench" in s.text and count in s.text)


PEOPLE_SHOWN = Stage(("user0000000@example.com",), lambda s: "user0000000@example.com" in s.text)
MINIMAL_SHOWN = Stage((LABEL,), lambda s: LABEL in s.text)


class Watcher:
    """Timestamps when each stage is first reached. The emulator reads the output only once a
    stage's markers have arrived: feeding every chunk to it would cost this process more CPU
    than the app being measured (and more for the app's big frames than the minimal one's)."""

    def __init__(self, stages: tuple[Stage, ...]) -> None:
        self.stages = stages
        self.received = bytearray()
        self.reached: list[float] = []
        self.done = asyncio.Event()
        self.start = time.perf_counter()

    def feed(self, data: bytes) -> None:
        arrived = time.perf_counter()
        self.received += data
        while len(self.reached) < len(self.stages) and self._holds(self.stages[len(self.reached)]):
            self.reached.append(arrived - self.start)
        if len(self.reached) == len(self.stages):
            self.done.set()

    def _holds(self, stage: Stage) -> bool:
        if not all(marker.encode() in self.received for marker in stage.markers):
            return False
        screen = Screen(SIZE.columns, SIZE.rows)
        screen.feed(bytes(self.received))
        return stage.check(screen)


async def first_frame(command: tuple[str, ...], env: dict[str, str], *stages: Stage) -> list[float]:
    """Seconds from starting `command` on a PTY until each of `stages` is reached."""
    watcher = Watcher(stages)
    app = await PtyProcess.start(command, env, SIZE, watcher.feed)
    try:
        await asyncio.wait_for(watcher.done.wait(), 120)
    except TimeoutError:
        screen = Screen(SIZE.columns, SIZE.rows)
        screen.feed(bytes(watcher.received))
        raise SystemExit(
            f"start-up stage {len(watcher.reached) + 1} not reached in 120 s; the screen:\n{screen.text}"
        ) from None
    app.write(QUIT)
    await app.finish()
    return watcher.reached


async def compare(backend: str, target: str, people: int, repeat: int) -> tuple[str, float, float]:
    env = {**app_env(resolve_target(target)), "TERM": "xterm-256color"}
    minimal = ((sys.executable, "-c", MINIMAL_APP), env, MINIMAL_SHOWN)
    layout = ((sys.executable, "-c", LAYOUT_APP), env, main_screen())
    switchboard = ((sys.executable, "-m", "tui"), env, main_screen(), workspace_listed(people), PEOPLE_SHOWN)
    for side in (minimal, layout, switchboard):  # warm-ups: the OS caches the files they read
        await first_frame(*side)
    baseline: list[float] = []
    floor: list[float] = []
    stages: list[list[float]] = []
    for run in range(1, repeat + 1):
        baseline += await first_frame(*minimal)
        floor += await first_frame(*layout)
        stages.append(await first_frame(*switchboard))
        frame, listed, people_shown = stages[-1]
        print(
            f"  run {run}: minimal app {baseline[-1]:.3f} s, its layout alone {floor[-1]:.3f} s; switchboard main"
            f" screen {frame:.3f} s, workspace listed {listed:.3f} s, people shown {people_shown:.3f} s",
            flush=True,
        )
    label = "minimal one-Label app"
    comparison = Comparison(f"{backend} start-up to the main screen", baseline, [run[0] for run in stages])
    print_comparison(comparison, baseline_label=label, measured_label="switchboard main screen", target=TARGET)
    for index, what in ((1, "workspace listed"), (2, "people shown")):
        later = Comparison(f"{backend} start-up to the {what}", baseline, [run[index] for run in stages])
        print_comparison(later, baseline_label=label, measured_label=f"switchboard {what}", target=DATA_TARGET)
    bare = Comparison("the main screen's layout in Textual widgets alone (for information)", baseline, floor)
    print_comparison(bare, baseline_label=label, measured_label="layout alone", target=None)
    return comparison.name, comparison.ratio, TARGET


def main(argv: list[str] | None = None) -> list[tuple[str, float, float]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_backend_option(parser, default="sqlite")
    parser.add_argument("--people", type=int, default=1_000_000, help="people in the workspace")
    parser.add_argument("--repeat", type=int, default=7, help="runs of each side (default 7)")
    parser.add_argument("--rebuild", action="store_true", help="build the cached database again")
    args = parser.parse_args(argv)
    print_machine()
    backends = backends_of(args.backend)
    results = []
    with server_for(backends) as server:
        targets = dataset_targets(people_dataset(args.people), backends, server, rebuild=args.rebuild)
        for backend in backends:
            print(
                f"\nstart-up ({backend}): {args.people:,} people, {SIZE.columns}x{SIZE.rows}, {args.repeat} runs each",
                flush=True,
            )
            results.append(asyncio.run(compare(backend, targets[backend], args.people, args.repeat)))
    return results


if __name__ == "__main__":
    main()

"""Benchmark 5, the import-action wizard at scale: each step of the wizard over 100 workspaces x
200 campaigns x 10 actions against the same step over 2 workspaces of the same shape. Target:
every step's median at most 1.2x the small account's.

    .venv/bin/python tests/benchmarks/bench_wizard.py [--repeat K] [--rebuild] [--profile]

Both accounts are cached datasets (datasets.py), each copied to a private file per run of this
script (the last step writes). Both apps run headless in this process (`App.run_test`, 120x40), on
the Campaigns tab with the first campaign of the first workspace open, and take turns: one whole
pass through the wizard on one, then on the other. A pass times each step from the key press that
opens it until the app has composed a frame that shows the step's content (its list filled, its
worker done, the preview mounted):

    1 source    `i` on the open campaign -> the workspace list
    2 campaign  Enter on a source workspace -> its campaigns
    3 actions   Enter on its middle campaign -> its actions, the first one previewed
    4 position  Enter after ticking all (`a`) -> the target workflow's places and the sentence
    5 import    Enter on "at the end" -> the wizard closed, the workflow showing the copies

The source is the middle one of the workspaces listed before the target's own (the 50th of 99;
of 1, the only one); every workspace is built alike, so both sides open the same content. After
each pass the copies are deleted again (not timed). One warm-up pass per side comes first. Before
each key press (untimed) garbage is collected and the survivors frozen: a full collection over
two apps' heap takes 0.2 to 1 s here and would otherwise land at random in either side's steps.
Besides the wall clock, the process's CPU time per step is printed for information (less
disturbed by other work on the machine). --profile runs cProfile over one more pass on the big
account (this thread only: not the workers' queries).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import os
import pstats
import statistics
import tempfile
import time
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from common import Comparison, print_comparison, print_machine
from datasets import Dataset, WorkspaceSpec, copy_sqlite, sqlite_dataset
from sqlalchemy import delete, insert, select
from textual import events
from textual.containers import Grid
from textual.keys import REPLACED_KEYS, _get_unicode_name_from_key
from textual.widgets import OptionList, SelectionList, Static
from textual.worker import WorkerCancelled, WorkerFailed

from tui.app import SwitchboardApp
from tui.core.action_import import review_reason
from tui.core.action_settings import check_settings
from tui.core.db import Database, open_database
from tui.core.identity import name_key
from tui.core.models import Action, Campaign, Workspace
from tui.core.text import iso
from tui.core.usage import bump_counters
from tui.dialogs.import_wizard import ImportWizard
from tui.dialogs.import_wizard.preview import ActionPreview
from tui.screens.main import MainScreen
from tui.widgets.campaigns_pane import CampaignsPane
from tui.widgets.workflow_view import WorkflowStep, WorkflowView

TARGET = 1.2
SIZE = (120, 40)
CAMPAIGNS = 200
ACTIONS = 10
PEOPLE = 5  # per workspace: the wizard is about campaigns
BUILDER_VERSION = 1  # part of the dataset keys: bump when what the builder writes changes
STEPS = ("1 source", "2 campaign", "3 actions", "4 position", "5 import")
TIMEOUT = 120.0  # seconds a step may take before the benchmark gives up

# Data -----------------------------------------------------------------------------------------

THEMES = (
    "Abandoned cart", "Birthday", "Cross-sell", "Feedback", "Onboarding",
    "Price drop", "Re-engagement", "Renewal", "Welcome series", "Win-back",
)  # fmt: skip
STATES = ("running", "draft", "stopped", "archived")

# (name, settings) per action type; several of each, with Liquid in the message text.
VARIANTS: dict[str, tuple[tuple[str, dict[str, str]], ...]] = {
    "email": (
        (
            "Welcome email",
            {
                "subject": "Welcome aboard, {{ customer.first_name | default: 'friend' }}!",
                "body": "Hi {{ customer.first_name | default: 'there' }},\n\nThanks for joining {{ workspace.name }}. "
                "Your {{ customer.plan | default: 'free' }} plan is ready.\n\n{% if customer.plan == 'pro' %}"
                "Your account manager will call this week.{% else %}Upgrade any time from Settings.{% endif %}",
                "from": "hello@example.com",
            },
        ),
        (
            "Reminder",
            {
                "subject": "You left {{ customer.cart_items | size }} items in your cart",
                "body": "{% for item in customer.cart_items limit: 3 %}- {{ item | escape }}\n{% endfor %}"
                "They are saved for 7 days.",
            },
        ),
        (
            "Account ready",
            {
                "subject": "Your account {{ customer.id }} is ready",
                "body": "Sign in with {{ customer.email | default: 'your address' }} any time.",
                "from": "Accounts <accounts@example.com>",
            },
        ),
        (
            "Monthly digest",
            {
                "subject": "{{ 'now' | date: '%B' }} at {{ workspace.name }}",
                "body": "Hello {{ customer.first_name | capitalize }},\n\nHere is what changed this month in {{ campaign.name }}.\n"
                "{% unless customer.unsubscribed %}See you next month.{% endunless %}",
            },
        ),
        (
            "Last chance",
            {
                "subject": "Last chance: {{ customer.discount | default: 10 }}% off ends tonight",
                "body": "{% assign name = customer.first_name | default: 'there' %}Hi {{ name }}, your code is "
                "{{ customer.code | upcase }}.",
                "from": "offers@example.com",
            },
        ),
    ),
    "sms": (
        ("Check-in text", {"body": "Hi {{ customer.first_name }}, need a hand? Reply HELP."}),
        ("Code text", {"body": "Your code is {{ customer.code }}. It expires in 10 minutes."}),
        (
            "Delivery text",
            {
                "body": "{% if customer.city %}Your parcel is in {{ customer.city }}.{% else %}Your parcel is on its way.{% endif %}"
            },
        ),
    ),
    "push": (
        (
            "We miss you",
            {
                "title": "We miss you, {{ customer.first_name | default: 'friend' }}",
                "body": "New features are waiting.",
            },
        ),
        ("Tip of the day", {"title": "Tip of the day", "body": "Swipe left to archive, right to snooze."}),
        (
            "Price alert",
            {
                "title": "Price drop on {{ customer.wishlist | first }}",
                "body": "Now {{ customer.price | minus: 5 }} EUR.",
            },
        ),
    ),
    "webhook": (
        (
            "Notify CRM",
            {"method": "POST", "url": "https://crm.example.com/hooks/onboarded", "body": '{"id": "{{ customer.id }}"}'},
        ),
        (
            "Tag in CDP",
            {
                "method": "PUT",
                "url": "https://cdp.example.com/v2/people/{{ customer.email | url_encode }}/tags",
                "body": '{"tag": "{{ campaign.name }}", "plan": "{{ customer.plan }}"}',
            },
        ),
        (
            "Ping analytics",
            {"method": "GET", "url": "https://stats.example.com/ping?c={{ campaign.name | url_encode }}"},
        ),
    ),
    "delay": (
        ("Wait an hour", {"duration": "1h"}),
        ("Wait a day", {"duration": "1d"}),
        ("Wait three days", {"duration": "3d"}),
        ("Half an hour", {"duration": "30m"}),
    ),
}
PATTERNS = (  # 10 action types each; a campaign follows one
    ("email", "delay", "email", "sms", "delay", "push", "delay", "webhook", "email", "delay"),
    ("webhook", "email", "delay", "push", "delay", "email", "sms", "delay", "email", "webhook"),
    ("sms", "delay", "email", "delay", "push", "email", "webhook", "delay", "sms", "email"),
)
# Every variant as the core stores it: checked once here, by the core's own check.
for _type, _variants in VARIANTS.items():
    for _name, _settings in _variants:
        assert check_settings(_type, _settings) == _settings, (_type, _name)


def workspace_name(n: int) -> str:
    return f"Workspace {n:03d}"


def identify_by(n: int) -> str:
    """Every 4th workspace identifies people by id (so the target, the sources: by email)."""
    return "id" if n % 4 == 0 else "email"


def campaign_name(n: int) -> str:
    """By name, campaign 0 comes first ("Abandoned cart 01") and the middle one is the 6th theme's first."""
    return f"{THEMES[n % len(THEMES)]} {n // len(THEMES) + 1:02d}"


def workflow(n: int) -> list[tuple[str, str, dict[str, str]]]:
    """Campaign `n`'s actions: (type, name, settings) in workflow order."""
    steps = []
    for slot, kind in enumerate(PATTERNS[n % len(PATTERNS)]):
        name, settings = VARIANTS[kind][(n + slot) % len(VARIANTS[kind])]
        steps.append((kind, name, settings))
    return steps


def add_campaigns(db: Database) -> None:
    """CAMPAIGNS campaigns of ACTIONS actions in every workspace, as the core would store them:
    one transaction per workspace, the kept campaigns_count bumped in it. Every 7th campaign of
    workspaces after the first was imported from the same campaign of the first (origin and
    needs_review as `import_actions` sets them)."""
    now = datetime.now(UTC).replace(microsecond=0)
    with db.read() as session:
        spaces = session.execute(
            select(Workspace.id, Workspace.name, Workspace.identify_by).order_by(Workspace.id)
        ).all()
    first_ids: dict[tuple[int, int], int] = {}  # (campaign n, position) -> action id in the first workspace
    for index, space in enumerate(spaces):
        print(f"  building campaigns: workspace {space.name!r}, {CAMPAIGNS} campaigns x {ACTIONS} actions", flush=True)
        with db.write() as session:
            campaign_rows = []
            for n in range(CAMPAIGNS):
                created = now - timedelta(hours=CAMPAIGNS - n)
                name = campaign_name(n)
                campaign_rows.append({
                    "workspace_id": space.id, "name": name, "name_key": name_key(name),
                    "state": STATES[n // len(THEMES) % len(STATES)], "created_at": created,
                    "updated_at": created, "version": 1,
                })  # fmt: skip
            ids = session.scalars(
                insert(Campaign).returning(Campaign.id, sort_by_parameter_order=True), campaign_rows
            ).all()
            action_rows: list[dict[str, Any]] = []
            for n, campaign_id in enumerate(ids):
                created = now - timedelta(hours=CAMPAIGNS - n)
                imported = index > 0 and n % 7 == 3
                for position, (kind, name, settings) in enumerate(workflow(n), start=1):
                    row = {
                        "campaign_id": campaign_id, "position": position, "type": kind, "name": name,
                        "settings": settings, "needs_review": False, "review_reason": None,
                        "created_at": created, "updated_at": created, "version": 1,
                    }  # fmt: skip
                    if imported:  # (left out otherwise: SQL NULL like the core's, not JSON null)
                        reason = review_reason(kind, settings, space)  # type: ignore[arg-type]
                        row["imported_from"] = {
                            "workspace": spaces[0].name, "campaign": campaign_name(n),
                            "action_id": first_ids[n, position], "imported_at": iso(created),
                        }  # fmt: skip
                        row["needs_review"], row["review_reason"] = reason is not None, reason
                    action_rows.append(row)
            action_ids: list[int] = []
            for group in runs_of_same_keys(action_rows):  # one executemany needs the same keys in every row
                action_ids += session.scalars(
                    insert(Action).returning(Action.id, sort_by_parameter_order=True), group
                ).all()
            if index == 0:
                first_ids = {
                    (n, p): action_ids[n * ACTIONS + p - 1] for n in range(CAMPAIGNS) for p in range(1, ACTIONS + 1)
                }
            bump_counters(session, space.id, campaigns=CAMPAIGNS)


def runs_of_same_keys(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """`rows` in order, cut where the set of keys changes."""
    groups: list[list[dict[str, Any]]] = []
    for row in rows:
        if groups and groups[-1][0].keys() == row.keys():
            groups[-1].append(row)
        else:
            groups.append([row])
    return groups


def dataset(workspaces: int) -> Dataset:
    return Dataset(
        key=f"wizard-b{BUILDER_VERSION}-{workspaces}x{CAMPAIGNS}x{ACTIONS}",
        workspaces=tuple(WorkspaceSpec(workspace_name(n), PEOPLE, identify_by(n)) for n in range(1, workspaces + 1)),
        extra=add_campaigns,
    )


# Driving the app --------------------------------------------------------------------------------


def key_event(key: str) -> Any:
    """The Key event a terminal's `key` makes, as Pilot.press builds it (without its idle waits)."""
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


class Side:
    """One account in a running app: presses keys and times until a frame shows what they open."""

    def __init__(self, label: str, workspaces: int, db: Database, app: Any, pilot: Any) -> None:
        self.label, self.workspaces, self.db, self.app, self.pilot = label, workspaces, db, app, pilot
        self.runs: dict[str, list[float]] = {step: [] for step in STEPS}  # wall-clock seconds
        self.cpu: dict[str, list[float]] = {step: [] for step in STEPS}  # this process's CPU seconds
        self._ready: Callable[[], bool] | None = None
        self._shown_at: tuple[float, float] | None = None
        display = app._display

        def noting_frames(screen: Any, renderable: Any) -> None:
            # A headless app composes its frames (layout, render) and writes them nowhere.
            display(screen, renderable)
            if renderable is not None and self._ready is not None and self._shown_at is None and self._ready():
                self._shown_at = (time.perf_counter(), time.process_time())

        app._display = noting_frames

    async def opened(self, key: str, ready: Callable[[], bool]) -> tuple[float, float]:
        """Seconds from pressing `key` until a composed frame shows what `ready` checks: wall
        clock, and the CPU time of this process (every thread) meanwhile."""
        self._ready, self._shown_at = ready, None
        event = key_event(key)
        # Untimed: collect garbage now and exempt what survives from later collections (see the
        # module docstring).
        gc.collect()
        gc.freeze()
        event.set_sender(self.app)
        start, cpu = time.perf_counter(), time.process_time()
        self.app._driver.send_message(event)
        while self._shown_at is None:
            await asyncio.sleep(0.001)
            if time.perf_counter() - start > TIMEOUT:
                raise SystemExit(f"{self.label}: nothing shown {TIMEOUT:.0f} s after pressing {key!r}")
        shown, shown_cpu = self._shown_at
        self._ready = None
        return shown - start, shown_cpu - cpu

    async def settle(self) -> None:
        """Until every worker has ended and what they posted has been handled (untimed)."""
        for _ in range(50):
            try:
                await self.app.workers.wait_for_complete()
            except (WorkerCancelled, WorkerFailed):
                pass
            await self.pilot.pause()
            if not any(worker.is_running for worker in self.app.workers):
                return

    async def start(self) -> None:
        """The Campaigns tab, the target (the first campaign of the first workspace) open."""
        await self.settle()
        for key in ("c", "enter"):
            await self.pilot.press(key)
            await self.settle()
        pane = self.app.query_one(CampaignsPane)
        assert pane.campaign is not None and pane.campaign.name == campaign_name(0), pane.campaign
        self.target_id = pane.campaign.id

    async def one_pass(self, record: bool) -> None:
        """Steps 1 to 5 once, then the copies removed; `record` keeps the timings."""
        app = self.app

        def wizard() -> Any:
            return app.screen if isinstance(app.screen, ImportWizard) else None

        def listed(step: int, selector: str, count: int) -> Callable[[], bool]:
            def ready() -> bool:
                shown = wizard()
                if shown is None or shown.step != step:
                    return False
                body = shown.query_one(f"#{('source', 'campaign', 'actions', 'place')[step]}")
                return not body.loading and body.query_one(selector).option_count == count

            return ready

        def actions_ready() -> bool:
            if not listed(2, SelectionList, ACTIONS)():
                return False
            preview = wizard().query_one(ActionPreview)
            grids = [child for child in preview.children if isinstance(child, Grid)]
            return bool(grids) and grids[0].is_mounted and len(grids[0].children) >= 2

        def place_ready() -> bool:
            if not listed(3, "PlaceList", ACTIONS + 1)():
                return False
            return bool(str(wizard().query_one("#sentence", Static).content))

        def imported() -> bool:
            if not isinstance(app.screen, MainScreen):
                return False
            view = app.screen.query_one(WorkflowView)
            steps = list(view.query(WorkflowStep))
            return (
                view.campaign is not None and len(view.campaign.actions) == 2 * ACTIONS
                and len(steps) == 2 * ACTIONS and all(step.is_mounted for step in steps)
            )  # fmt: skip

        times = {}
        times[STEPS[0]] = await self.opened("i", listed(0, OptionList, self.workspaces))
        await self.settle()
        source = (self.workspaces - 1) // 2  # the middle of the workspaces before the target's own
        wizard().query_one("#source OptionList", OptionList).highlighted = source
        await self.settle()
        times[STEPS[1]] = await self.opened("enter", listed(1, OptionList, CAMPAIGNS))
        await self.settle()
        wizard().query_one("#campaign OptionList", OptionList).highlighted = CAMPAIGNS // 2
        await self.settle()
        times[STEPS[2]] = await self.opened("enter", actions_ready)
        await self.settle()
        choice = wizard().choice  # the same position on both sides: the same content
        assert choice.source.name == workspace_name(source + 2), choice.source
        assert choice.campaign.name == sorted(map(campaign_name, range(CAMPAIGNS)), key=name_key)[CAMPAIGNS // 2]
        await self.pilot.press("asterisk")
        await self.settle()
        assert len(wizard().query_one(SelectionList).selected) == ACTIONS
        times[STEPS[3]] = await self.opened("enter", place_ready)
        await self.settle()
        times[STEPS[4]] = await self.opened("enter", imported)
        await self.settle()
        await self.undo_import()
        if record:
            for step, (seconds, cpu) in times.items():
                self.runs[step].append(seconds)
                self.cpu[step].append(cpu)

    def last_pass(self) -> str:
        """`100 ws 81/70, 95/88, ... ms`: each step's wall clock / CPU time in the last pass."""
        steps = ", ".join(f"{self.runs[step][-1] * 1000:.0f}/{self.cpu[step][-1] * 1000:.0f}" for step in STEPS)
        return f"{self.workspaces} ws {steps} ms"

    async def undo_import(self) -> None:
        """Delete the copies (positions past the original ACTIONS) and show the workflow again."""
        with self.db.write() as session:
            session.execute(delete(Action).where(Action.campaign_id == self.target_id, Action.position > ACTIONS))
        self.app.query_one(CampaignsPane).reload()
        await self.settle()
        view = self.app.query_one(WorkflowView)
        assert view.campaign is not None and len(view.campaign.actions) == ACTIONS


async def run(paths: dict[int, Path], repeat: int, profile: bool) -> list[Side]:
    """Both apps, started on the Campaigns tab; a warm-up pass each, then `repeat` passes each, in turns."""
    sides: list[Side] = []
    contexts = []
    try:
        for workspaces, path in paths.items():
            db = open_database(str(path))
            app = SwitchboardApp(db, refresh_seconds=None, cursor_blink=False)
            context = app.run_test(size=SIZE)
            pilot = await context.__aenter__()
            contexts.append((context, db))
            side = Side(f"{workspaces} workspaces", workspaces, db, app, pilot)
            await side.start()
            sides.append(side)
        for side in sides:
            await side.one_pass(record=False)  # warm-up
        for number in range(1, repeat + 1):
            for side in sides if number % 2 else reversed(sides):
                await side.one_pass(record=True)
            print(f"  run {number}: " + "; ".join(side.last_pass() for side in sides), flush=True)
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            await sides[-1].one_pass(record=False)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    finally:
        for context, db in reversed(contexts):
            await context.__aexit__(None, None, None)
            db.dispose()
    return sides


def main(argv: list[str] | None = None) -> list[tuple[str, float, float]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed passes of each side (default 7)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached datasets")
    parser.add_argument("--profile", action="store_true", help="profile one more pass on the big account")
    args = parser.parse_args(argv)
    print_machine()
    small, big = dataset(2), dataset(100)
    cached = {2: sqlite_dataset(small, rebuild=args.rebuild), 100: sqlite_dataset(big, rebuild=args.rebuild)}
    with tempfile.TemporaryDirectory(prefix="bench-wizard-") as folder:
        work = Path(folder)
        # The app reads and writes its settings under XDG_CONFIG_HOME: keep the user's out of it.
        os.environ["XDG_CONFIG_HOME"] = str(work / "config")
        os.environ["XDG_DATA_HOME"] = str(work / "data")
        os.environ.pop("SWITCHBOARD_THEME", None)
        paths = {count: copy_sqlite(path, work / f"wizard-{count}.db") for count, path in cached.items()}
        print(
            f"import-action wizard: 2 and 100 workspaces x {CAMPAIGNS} campaigns x {ACTIONS} actions, "
            f"{SIZE[0]}x{SIZE[1]}, {args.repeat} passes each (per step, wall clock/CPU ms: " + ", ".join(STEPS) + ")",
            flush=True,
        )
        small_side, big_side = asyncio.run(run(paths, args.repeat, args.profile))
    labels = {"baseline_label": "2 workspaces", "measured_label": "100 workspaces"}
    print("wall clock, key press to the frame that shows the step:")
    results = []
    for step in STEPS:
        comparison = Comparison(f"wizard step {step}", small_side.runs[step], big_side.runs[step])
        print_comparison(comparison, **labels, target=TARGET)
        results.append((comparison.name, comparison.ratio, TARGET))
    print("CPU time of this process meanwhile (all threads; less disturbed by other work), for information:")
    for step in STEPS:
        print_comparison(
            Comparison(f"step {step} CPU", small_side.cpu[step], big_side.cpu[step]), **labels, target=None
        )
    print(
        "  medians in ms (2 / 100 workspaces): "
        + ", ".join(
            f"{step} {statistics.median(small_side.runs[step]) * 1000:.0f} / {statistics.median(big_side.runs[step]) * 1000:.0f}"
            for step in STEPS
        ),
        flush=True,
    )
    return results


if __name__ == "__main__":
    main()

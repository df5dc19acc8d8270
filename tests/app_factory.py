"""Building the app for Pilot and snapshot tests.

The database comes from conftest's `db` fixture (a temporary file, a fixed clock, seeded ids);
the app built here never refreshes on a timer and keeps its text cursors still, so that
snapshots are the same on every run. Settings and user themes live in the temporary
XDG_CONFIG_HOME that conftest sets.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable
from typing import Any

import pytest
import textual._wait
import textual.screen
from textual import events
from textual.app import App
from textual.command import CommandPalette
from textual.message_pump import MessagePump
from textual.pilot import Pilot
from textual.widgets import Input, OptionList
from textual.worker import WorkerCancelled, WorkerFailed

from tui.app import SwitchboardApp
from tui.core.db import Database
from tui.core.workspaces import create_workspace
from tui.screens.main import MainScreen

# Pilot waits for the app to go idle (textual._wait.wait_for_idle): it sleeps in windows of
# SLEEP_GRANULARITY (20 ms) until one passes with under SLEEP_IDLE (1 ms) of CPU used. A key press
# waits for two such windows and each settle for one more, so a test pressing a hundred keys
# slept seconds just to notice it was idle. The same criterion (under 5% of a window busy) over
# 5 ms windows notices it four times sooner; settle's waits (workers done, the screen's queues
# empty) are what make a test deterministic, not this heuristic. Pinned textual (pyproject):
# the names are checked so that an upgrade renaming them fails here, loudly.
assert hasattr(textual._wait, "SLEEP_GRANULARITY") and hasattr(textual._wait, "SLEEP_IDLE")
textual._wait.SLEEP_GRANULARITY = 0.005
textual._wait.SLEEP_IDLE = textual._wait.SLEEP_GRANULARITY / 20

# A screen repaints what changed on a timer at TEXTUAL_FPS (60 a second). Tests never look
# between two of those frames: settle (below) and Pilot's pause() lay out and paint what is
# pending before a test reads the screen, and a snapshot is taken after a pause. At 20 a second the app tests spend
# about 7% less CPU (measured A/B on the app test files) and see the same screens.
assert hasattr(textual.screen, "UPDATE_PERIOD")
textual.screen.UPDATE_PERIOD = 1 / 20

SNAPSHOT_DB_LABEL = "/srv/switchboard/team.db"
SEED = (  # name, identify_by, colour
    ("Acme EU", "email", "blue"),
    ("Acme US", "id", "green"),
    ("Newsletter", "email", "orange"),
)


def pilot_test(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async test function (no async plugin is installed); fixtures still resolve."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


def make_app(db: Database, *, refresh_seconds: float | None = None) -> SwitchboardApp:
    return SwitchboardApp(db, refresh_seconds=refresh_seconds, cursor_blink=False)


def seed(db: Database, workspaces: Iterable[tuple[str, str, str]] = SEED) -> None:
    for name, identify_by, color in workspaces:
        create_workspace(db, name, identify_by, color=color)


async def settle(pilot: Pilot) -> None:
    """Wait until every worker has finished and what it posted back has been handled.

    A cancelled worker (an exclusive one replaced by a newer call) or a refused one (the core
    said no; the screen shows it) is a normal end here: tests assert on what the screen shows.
    """
    app = pilot.app
    for _ in range(20):
        try:
            await app.workers.wait_for_complete()
        except (WorkerCancelled, WorkerFailed):
            pass
        # Pilot.pause(), over every screen: what is queued is handled (the main screen mounts its
        # panes once the database is open, a pane starts its first read from a message, a screen
        # below a dialog reloads), then what is pending is laid out and painted, then what waits
        # for the paint (call_after_refresh: the footer's keys after a focus change) runs. The
        # idle wait alone is a guess, and a loaded machine fools it.
        await _drain_every_screen(app)
        await textual._wait.wait_for_idle(0)
        app.screen._on_timer_update()
        await _drain_every_screen(app)
        if _quiet(app):
            return


def _nodes(app: App[object]) -> list[MessagePump]:
    """The app and every widget of every screen in the stack."""
    return [app, *(node for screen in app.screen_stack for node in screen.walk_children(with_self=True))]


def _quiet(app: App[object]) -> bool:
    """Nothing left to do: every worker finished (one that a message just handled created may be
    pending, neither running nor done), nothing queued (what the drain handled may have queued
    more: a pane's first read, a tab restored after the paint), nothing waiting for a paint."""
    return (
        all(worker.is_finished for worker in app.workers)
        and not app.screen._callbacks
        and not any(node.message_queue_size or node._next_callbacks for node in _nodes(app))
    )


async def _drain_every_screen(app: App[object]) -> None:
    """Wait until the app and every widget of every screen in the stack have handled what they
    had queued. Pilot's own wait covers only the top screen, but a screen below a dialog gets
    messages too: an import's summary opens over the main screen, which is then told that people
    changed and reloads the billing totals behind the dialog.
    """
    pending = 0
    all_handled = asyncio.Event()

    def handled() -> None:
        nonlocal pending
        pending -= 1
        if not pending:
            all_handled.set()

    # One callback object for every node (not call_later's fresh partial per node): Textual counts
    # a callback's parameters once per object, with inspect.signature.
    for node in _nodes(app):
        if node.post_message(events.Callback(callback=handled)):  # False once the node has closed
            pending += 1
    if not pending:
        return
    waits = (asyncio.ensure_future(all_handled.wait()), asyncio.ensure_future(app._exception_event.wait()))
    done, _ = await asyncio.wait(waits, timeout=30, return_when=asyncio.FIRST_COMPLETED)
    for wait in waits:
        wait.cancel()
    if not done:
        raise TimeoutError("the app's widgets did not handle their queued messages within 30 s")


def main_of(app: App[object]) -> MainScreen:
    """The main screen, which must be the one on top."""
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


async def press(pilot: Pilot, *keys: str) -> None:
    """Press each key, letting what it started finish before the next."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def until(pilot: Pilot, done: Callable[[], object], what: str = "the app", *, timeout: float = 30.0) -> None:
    """Let the app run until `done()` holds; fail naming `what` after `timeout` seconds.
    A deadline, not a pause: it returns as soon as the condition holds."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        await pilot.pause(0.02)
        await settle(pilot)


async def palette(pilot: Pilot, text: str, *, open_it: bool = True) -> None:
    """Open the command palette (unless one is open) and type `text`; return once the command
    that Enter would run (the highlighted one) contains it."""
    await pilot.press(*(["ctrl+p"] if open_it else []), *text)

    def highlighted() -> bool:
        screen = pilot.app.screen
        if not isinstance(screen, CommandPalette):
            return False
        options = screen.query_one(OptionList)
        index = options.highlighted
        return index is not None and text.casefold() in str(options.get_option_at_index(index).prompt).casefold()

    await until(pilot, highlighted, f"the command palette to offer {text!r}")


@contextlib.asynccontextmanager
async def running(
    db: Database, size: tuple[int, int] = (100, 30), *, app: SwitchboardApp | None = None
) -> AsyncIterator[Pilot]:
    """The app on `db` (or `app`) at `size`, once its first loads are done."""
    async with (app or make_app(db)).run_test(size=size) as pilot:
        await settle(pilot)
        yield pilot


async def type_into(pilot: Pilot, selector: str, text: str) -> None:
    """Replace the value of the Input matched by `selector` on the current screen, and focus it."""
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    field.value = text
    await pilot.pause()


@pytest.fixture
def steady_db_label(monkeypatch: pytest.MonkeyPatch) -> None:
    """The header names the database; snapshots need the same name on every run."""
    monkeypatch.setattr(Database, "description", property(lambda self: SNAPSHOT_DB_LABEL))


def noting(app: SwitchboardApp) -> SwitchboardApp:
    """`app`, keeping every notification it shows in `app.notes` (toasts expire on their own)."""
    shown_notes: list[str] = []
    notify = app.notify

    def record(message: object, *args: Any, **kwargs: Any) -> None:
        shown_notes.append(str(message))
        notify(message, *args, **kwargs)

    app.notify = record  # type: ignore[method-assign]
    app.notes = shown_notes  # type: ignore[attr-defined]
    return app

"""The footer over a long session: the keys it rebuilds do not pile up in memory."""

from __future__ import annotations

import gc

from app_factory import pilot_test, running, seed, settle
from textual.widgets._footer import FooterKey

from tui.core.db import Database


@pilot_test
async def test_footer_keys_removed_on_focus_changes_are_freed(db: Database) -> None:
    """Every change of focus rebuilds the footer's keys; the old ones must be freed, not kept
    alive by watchers (Textual's Footer binds each key to its `compact` setting, and the binding
    outlives the key)."""
    seed(db)
    async with running(db, size=(120, 40)) as pilot:
        app = pilot.app
        for _ in range(3):  # each round leaves three footers behind if they leak
            await pilot.press("w", "p", "c")
        await settle(pilot)
        shown = sum(len(screen.query(FooterKey)) for screen in app.screen_stack)
        gc.collect()
        alive = sum(isinstance(thing, FooterKey) for thing in gc.get_objects())
        assert shown > 0
        assert alive == shown


@pilot_test
async def test_the_footer_is_rebuilt_only_when_the_keys_in_sight_change(db: Database) -> None:
    """Most changes of the screen's bindings leave the same keys in sight: the footer keeps its
    keys then (a rebuild is ~10 ms of widgets and styles, after nearly every key press), and
    rebuilds them when another pane's keys come into sight."""
    seed(db)
    async with running(db, size=(120, 40)) as pilot:
        app = pilot.app
        await pilot.press("p")
        await settle(pilot)
        before = list(app.screen.query(FooterKey))
        app.screen.refresh_bindings()  # as a focus change, a check_action's answer, a load do
        await settle(pilot)
        assert list(app.screen.query(FooterKey)) == before and all(key.is_attached for key in before)
        await pilot.press("c")
        await settle(pilot)
        after = list(app.screen.query(FooterKey))
        assert [key.description for key in after] != [key.description for key in before]
        assert not any(key in before for key in after)

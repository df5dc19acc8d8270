"""The footer over a long session: the keys it rebuilds do not pile up in memory."""

from __future__ import annotations

import gc

from app_factory import pilot_test, running, seed, settle
from textual.widgets._footer import FooterKey

from tui.core.db import Database


@pilot_test
async def test_footer_keys_removed_on_focus_changes_are_freed(db: Database) -> None:
    """Every change of focus rebuilds the footer's keys; the old ones must be freed, not kept
    alive by watchers (Textual's Footer leaves them watching its `compact` setting)."""
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

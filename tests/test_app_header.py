"""Pilot: the header starts at the left edge (issue 10, looks): the title follows the icon."""

from __future__ import annotations

import pytest
from app_factory import pilot_test, running, seed, settle
from textual.pilot import Pilot
from textual.widgets import Header
from textual.widgets._header import HeaderIcon, HeaderTitle

from tui.core.db import Database
from tui.screens.billing import BillingScreen


def assert_header_starts_at_the_left(pilot: Pilot) -> None:
    header = pilot.app.screen.query_one(Header)
    icon, title = header.query_one(HeaderIcon), header.query_one(HeaderTitle)
    assert icon.region.x == 0 and icon.region.width == 3
    assert title.region.x == icon.region.right and title.region.right == header.region.right
    assert title.render_line(0).text.startswith("Switchboard · Acme EU")


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
@pilot_test
async def test_the_header_leaves_no_gap_on_the_left(db: Database, size: tuple[int, int]) -> None:
    seed(db)
    async with running(db, size) as pilot:
        assert_header_starts_at_the_left(pilot)
        await pilot.press("B")
        await settle(pilot)
        assert isinstance(pilot.app.screen, BillingScreen)
        header = pilot.app.screen.query_one(Header)
        assert header.query_one(HeaderTitle).region.x == 3

"""Pilot: the billing screen and the sidebar's billing totals show what core's billing() says."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from app_factory import palette, pilot_test, running, seed, settle
from textual.widgets import DataTable
from wizard_helpers import demo, text_of

from tui.core.billing import DayCount, Period, billing, messages_per_day_of
from tui.core.db import Database
from tui.core.errors import DatabaseError
from tui.core.people import add_person
from tui.core.workspaces import delete_workspace
from tui.screens.billing import BillingScreen
from tui.screens.main import MainScreen
from tui.widgets.billing_chart import BillingChart, bar_rows, column_widths, date_line, day_label
from tui.widgets.billing_totals import BillingTotals, MonthTotals


def rows_of(table: DataTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


@pilot_test
async def test_the_billing_screen_shows_core_figures(db: Database) -> None:
    demo(db)
    delete_workspace(db, "Newsletter", confirmed=True)
    report = billing(db)
    days = messages_per_day_of(db, report.period)
    async with running(db) as pilot:
        app = pilot.app
        await pilot.press("B")
        await settle(pilot)
        assert isinstance(app.screen, BillingScreen)
        month, all_time = text_of(pilot, "#month"), text_of(pilot, "#all-time")
        assert f"{report.people:,}  billable people" in month and f"{report.messages:,}  messages sent" in month
        assert app.screen.query_one("#month").border_title == "This month · March 2026"
        assert f"{report.all_time.people:,}  billable people" in all_time
        assert f"{report.all_time.messages:,}  messages sent" in all_time
        assert rows_of(app.screen.query_one(DataTable)) == [
            [w.name + ("  deleted" if w.deleted else ""), f"{w.people:,}", f"{w.messages:,}"] for w in report.workspaces
        ]
        assert any(w.deleted and w.name == "Newsletter" for w in report.workspaces)
        assert app.screen.query_one(BillingChart).days == tuple(days)
        assert sum(d.messages for d in days) == report.messages  # the demo sent everything this month
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


@pilot_test
async def test_the_palette_opens_billing_and_ctrl_r_shows_changes_made_elsewhere(db: Database) -> None:
    demo(db)
    async with running(db) as pilot:
        app = pilot.app
        await palette(pilot, "Billing")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BillingScreen)
        add_person(db, "Acme EU", email="new.person@example.eu")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert f"{billing(db).people:,}  billable people" in text_of(pilot, "#month")


@pilot_test
async def test_the_sidebar_totals_are_this_months_billing(db: Database) -> None:
    demo(db)
    report = billing(db)
    async with running(db) as pilot:
        app = pilot.app
        totals = app.screen.query_one(BillingTotals)
        assert totals.totals == MonthTotals("March 2026", report.people, report.messages)
        add_person(db, "Acme US", id="someone-new")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert totals.totals.people == report.people + 1


@pilot_test
async def test_sidebar_totals_that_cannot_load_say_so_and_keep_the_last_figures(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo(db)
    report = billing(db)
    async with running(db) as pilot:
        app = pilot.app
        totals = app.screen.query_one(BillingTotals)

        def locked(_db: Database) -> None:
            raise DatabaseError("the database is locked by another program")

        monkeypatch.setattr("tui.core.billing.billing", locked)  # as the totals call it, in their worker
        await pilot.press("ctrl+r")
        await settle(pilot)
        shown = str(totals.render())
        assert shown.startswith("Billing · not loaded") and f"{report.people:,}" in shown
        assert "the database is locked by another program" in str(totals.tooltip)
        monkeypatch.undo()
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert str(totals.render()).startswith("Billing · March 2026") and totals.tooltip is None


def test_bars_scale_from_zero_and_any_message_shows() -> None:
    assert bar_rows([0, 1, 50, 100], rows=2, columns=[2, 2, 2, 2]) == [
        "      █ ",
        "  ▁ █ █ ",
    ]


def test_dates_label_today_and_each_week_before_it() -> None:
    first = date(2026, 2, 14)
    days = [DayCount(first + timedelta(days=n), 0) for n in range(30)]
    line = date_line(days, columns=[2] * 30)
    assert len(line) == 60
    assert line.rstrip().endswith("Mar 15")
    for label in ("Feb 15", "Feb 22", "Mar 1", "Mar 8"):
        assert label in line
    assert line.index("Mar 8") == 2 * 22  # under its own bar


@pilot_test
async def test_without_messages_the_chart_says_so(db: Database) -> None:
    seed(db)
    async with running(db, size=(80, 24)) as pilot:
        app = pilot.app
        await pilot.press("B")
        await settle(pilot)
        chart = app.screen.query_one(BillingChart)
        assert all(day.messages == 0 for day in chart.days)
        assert "No messages were sent in these days." in chart.render().plain


def test_the_chart_columns_fill_the_width() -> None:
    assert column_widths(10, 4) == [2, 3, 2, 3]
    assert column_widths(60, 30) == [2] * 30
    assert column_widths(3, 5) == [1] * 5  # too narrow: a column each, cut at the edge
    days = [DayCount(date(2026, 3, 1) + timedelta(days=n), n) for n in range(4)]
    assert [len(row) for row in bar_rows([d.messages for d in days], 3, column_widths(10, 4))] == [10, 10, 10]
    assert len(date_line(days, column_widths(10, 4))) == 10


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
@pilot_test
async def test_the_billing_chart_stretches_to_the_screens_width(db: Database, size: tuple[int, int]) -> None:
    demo(db)
    async with running(db, size) as pilot:
        await pilot.press("B")
        await settle(pilot)
        chart = pilot.app.screen.query_one(BillingChart)
        lines = chart.render().plain.splitlines()
        assert chart.region.width >= size[0] // 2
        assert {len(line) for line in lines[:-1]} == {chart.content_size.width}  # bars and axis: edge to edge
        today = day_label(chart.days[-1])
        assert lines[-1].rstrip().endswith(today)  # under the last bar, at the right edge
        assert len(lines[-1].rstrip()) > chart.content_size.width - len(today) - 2


@pilot_test
async def test_the_billing_month_is_picked_with_brackets_and_named(db: Database) -> None:
    demo(db)
    this_month = billing(db).period
    async with running(db, (100, 30)) as pilot:
        await pilot.press("B")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, BillingScreen)
        assert "right_square_bracket" not in screen.active_bindings  # no month to come has figures
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert "right_square_bracket" in screen.active_bindings
        february = this_month.shifted(-1)
        report = billing(db, february)
        assert screen.query_one("#month").border_title == "February 2026"
        assert screen.query_one(DataTable).border_title == "February 2026 by workspace"
        assert screen.query_one(BillingChart).border_title == "Messages per day · February 2026"
        assert screen.query_one(BillingChart).days == tuple(messages_per_day_of(db, february))
        assert f"{report.messages:,}  messages sent" in text_of(pilot, "#month")
        assert rows_of(screen.query_one(DataTable)) == [
            [w.name, f"{w.people:,}", f"{w.messages:,}"] for w in report.workspaces
        ]
        await pilot.press("right_square_bracket", "right_square_bracket")  # the second one does nothing
        await settle(pilot)
        assert screen.period == this_month == Period.containing(date(2026, 3, 1))
        assert screen.query_one("#month").border_title == "This month · March 2026"

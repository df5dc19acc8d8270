"""Billing: a month (this one first; `[` and `]` go a month back and forward) and all time, per
workspace, and the month's messages per day."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from tui.core.billing import BillingReport, DayCount, Period, WorkspaceUsage, billing, messages_per_day_of
from tui.core.db import Database
from tui.core.text import visible
from tui.parts.core_work import CoreWork
from tui.parts.key_footer import KeyFooter
from tui.parts.literal import count, database_label
from tui.widgets.billing_chart import BillingChart
from tui.widgets.billing_totals import month_label


@dataclass(frozen=True)
class BillingData:
    report: BillingReport
    days: list[DayCount]


def figures(people: int, messages: int) -> Content:
    """Two lines: billable people, billable messages."""
    figure = "bold $text-accent"
    return Content.assemble(
        Content.styled(f"{people:>9,}", figure), "  billable ", "person" if people == 1 else "people", "\n",
        Content.styled(f"{messages:>9,}", figure), "  ", "message" if messages == 1 else "messages", " sent",
    )  # fmt: skip


def number(value: int) -> Text:
    return Text(f"{value:,}", justify="right")


def workspace_name(usage: WorkspaceUsage) -> Text:
    """The name, literally; a deleted workspace's in italics and marked."""
    name = Text(visible(usage.name), style="italic" if usage.deleted else "")
    if usage.deleted:
        name.append("  deleted", style="dim")
    return name


class BillingScreen(CoreWork, Screen[None]):
    """What is billed, from core's B1 report; Escape closes, ctrl+r reloads."""

    heading = "Billing"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (130, "-wide")]
    DEFAULT_CSS = """
    BillingScreen {
        #figures { height: auto; }
        .figure {
            width: 1fr;
            height: auto;
            padding: 0 1;
            border: round $border-blurred;
            border-title-color: $text-secondary;
            border-title-style: bold;
        }
        #breakdown { height: 1fr; }
        &.-wide #breakdown { layout: horizontal; }
        DataTable, BillingChart {
            height: 1fr;
            border: round $border-blurred;
            border-title-color: $text-secondary;
            border-subtitle-color: $text-muted;
            &:focus { border: round $border; }
        }
        &.-wide DataTable { width: 64; }
        BillingChart { padding: 0 1; }
    }
    """
    BINDINGS = [
        Binding("escape", "dismiss", "Close", tooltip="Back to the workspaces", id="billing.back"),
        Binding("left_square_bracket", "month(-1)", "Earlier", tooltip="The month before", id="billing.earlier"),
        Binding("right_square_bracket", "month(1)", "Later", tooltip="The month after", id="billing.later"),
        Binding("ctrl+r", "reload", "Refresh", tooltip="Reload the figures", id="billing.refresh"),
    ]

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.this_month = Period.containing(db.runtime.now().date())
        self.period = self.this_month  # the month shown

    def compose(self) -> ComposeResult:
        yield Header(icon="☎")
        with Horizontal(id="figures"):
            yield Static(figures(0, 0), id="month", classes="figure")
            yield Static(figures(0, 0), id="all-time", classes="figure")
        with Container(id="breakdown"):
            yield DataTable(cursor_type="row", zebra_stripes=True)
            yield BillingChart()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Switchboard · Billing"
        self.sub_title = database_label(self.db.description)
        self.query_one("#all-time").border_title = "All time"
        self.action_reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "month" and parameters == (1,):
            return self.period.start < self.this_month.start  # no month to come has figures
        return True

    def action_month(self, step: int) -> None:
        self.period = self.period.shifted(step)
        self.load()
        self.refresh_bindings()

    def action_reload(self) -> None:
        self.load()

    def load(self) -> None:
        period = self.period
        self._show_month(period)
        self.run_core(lambda: BillingData(billing(self.db, period), messages_per_day_of(self.db, period)), self._show)

    def _show_month(self, period: Period) -> None:
        """Which month shows, named at once (its figures follow)."""
        month = month_label(period)
        self.query_one("#month").border_title = f"This month · {month}" if period == self.this_month else month
        self.query_one(DataTable).border_title = f"{month} by workspace"
        self.query_one(BillingChart).border_title = f"Messages per day · {month}"

    def _show(self, data: BillingData) -> None:
        report = data.report
        self.query_one("#month", Static).update(figures(report.people, report.messages))
        self.query_one("#all-time", Static).update(figures(report.all_time.people, report.all_time.messages))
        table = self.query_one(DataTable)
        names = [workspace_name(usage) for usage in report.workspaces]
        table.clear(columns=True)  # columns as wide as their widest cell, known now
        table.add_column("Workspace", width=max([9, *(name.cell_len for name in names)]), key="name")
        table.add_column(Text("People", justify="right"), key="people")
        table.add_column(Text("Messages", justify="right"), key="messages")
        for usage, shown in zip(report.workspaces, names, strict=True):
            table.add_row(shown, number(usage.people), number(usage.messages), key=str(usage.workspace_id))
        deleted = sum(usage.deleted for usage in report.workspaces)
        live = count(len(report.workspaces) - deleted, "workspace")
        table.border_subtitle = f"{live} · {deleted} deleted" if deleted else live
        chart = self.query_one(BillingChart)
        chart.days = tuple(data.days)
        chart.border_subtitle = f"{sum(day.messages for day in data.days):,} in {count(len(data.days), 'day')}"

    def core_failed(self, message: str) -> None:
        self.notify(visible(message), title="Cannot load billing", severity="error", markup=False)

"""Billing totals across all workspaces for the current month, at the foot of the sidebar."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import work
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from tui.core.billing import Period, billing
from tui.core.db import Database
from tui.parts.core_work import CoreWork


def month_label(period: Period) -> str:
    """'March 2026'."""
    return f"{period.start:%B} {period.start.year}"


@dataclass(frozen=True)
class MonthTotals:
    """Billable figures for one calendar month, across every workspace."""

    month: str  # for people to read, such as "March 2026"
    people: int
    messages: int


class BillingTotals(CoreWork, Widget):
    """Shows `totals`; None means the figures are not loaded. `load` refreshes them from core
    (billing reads kept per-day facts: cheap whatever the number of people)."""

    DEFAULT_CSS = """
    BillingTotals {
        height: auto;
        padding: 0 1;
        border-top: hkey $border-blurred;
        color: $text-muted;
    }
    """

    totals: reactive[MonthTotals | None] = reactive(None)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self, db: Database) -> MonthTotals:
        report = billing(db)
        return MonthTotals(month_label(report.period), report.people, report.messages)

    def core_done(self, name: str, result: Any) -> None:
        self.totals = result

    def render(self) -> Content:
        totals = self.totals
        heading = f"Billing · {totals.month}" if totals else "Billing · this month"
        people = f"{totals.people:,}" if totals else "—"
        messages = f"{totals.messages:,}" if totals else "—"
        return Content.assemble(
            Content.styled(heading, "bold $text-secondary"),
            "\nPeople   ",
            Content.styled(people, "$foreground"),
            "\nMessages ",
            Content.styled(messages, "$foreground"),
        )

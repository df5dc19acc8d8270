"""Billing totals across all workspaces for the current month, at the foot of the sidebar."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from tui.parts.core_work import CoreWork
from tui.parts.literal import literal

if TYPE_CHECKING:
    from tui.core.billing import Period
    from tui.core.db import Database


def month_label(period: Period) -> str:
    """'March 2026'."""
    return f"{period.start:%B} {period.start.year}"


@dataclass(frozen=True)
class MonthTotals:
    """Billable figures for one calendar month, across every workspace."""

    month: str  # for people to read, such as "March 2026"
    people: int
    messages: int


def read_totals(db: Database) -> MonthTotals:
    """This month's totals (in a worker thread)."""
    from tui.core.billing import billing

    report = billing(db)
    return MonthTotals(month_label(report.period), report.people, report.messages)


class BillingTotals(CoreWork, Widget):
    """Shows `totals`; None means the figures are not loaded. `load` refreshes them from core
    (billing reads kept per-day facts: cheap whatever the number of people). A failed load says
    so in the heading, with the reason in the tooltip, and keeps the last figures."""

    DEFAULT_CSS = """
    BillingTotals {
        height: auto;
        padding: 0 1;
        border-top: hkey $border-blurred;
        color: $text-muted;
    }
    """

    totals: reactive[MonthTotals | None] = reactive(None)
    failure: reactive[str] = reactive("")  # why the last load failed; the figures shown are older

    def load(self, db: Database) -> None:
        self.run_core(partial(read_totals, db), self._loaded)

    def _loaded(self, totals: MonthTotals) -> None:
        self.totals = totals
        self.failure = ""
        self.tooltip = None

    def core_failed(self, message: str) -> None:
        self.failure = message
        self.tooltip = Content.assemble("Cannot load billing: ", literal(message))

    def render(self) -> Content:
        totals = self.totals
        if self.failure:
            heading = "Billing · not loaded"
        else:
            heading = f"Billing · {totals.month}" if totals else "Billing · this month"
        people = f"{totals.people:,}" if totals else "—"
        messages = f"{totals.messages:,}" if totals else "—"
        return Content.assemble(
            Content.styled(heading, "bold $text-error" if self.failure else "bold $text-secondary"),
            "\nPeople   ",
            Content.styled(people, "$foreground"),
            "\nMessages ",
            Content.styled(messages, "$foreground"),
        )

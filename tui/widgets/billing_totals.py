"""Billing totals across all workspaces for the current month, at the foot of the sidebar."""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget


@dataclass(frozen=True)
class MonthTotals:
    """Billable figures for one calendar month, across every workspace."""

    month: str  # for people to read, such as "March 2026"
    people: int
    messages: int


class BillingTotals(Widget):
    """Shows `totals`; None means the figures are not loaded.

    TODO(billing-core): once tui.core.billing lands, the main screen loads the current month in
    a thread worker (next to its workspace list reload) and sets `totals` to a MonthTotals.
    """

    DEFAULT_CSS = """
    BillingTotals {
        height: auto;
        padding: 0 1;
        border-top: hkey $border-blurred;
        color: $text-muted;
    }
    """

    totals: reactive[MonthTotals | None] = reactive(None)

    def render(self) -> Content:
        totals = self.totals
        heading = f"Billing · {totals.month}" if totals else "Billing · this month"
        people = f"{totals.people:,}" if totals else "—"
        messages = f"{totals.messages:,}" if totals else "—"
        return Content.assemble(
            Content.styled(heading, "bold $text-secondary"),
            "\nPeople   ",
            Content.styled(people, "$text"),
            "\nMessages ",
            Content.styled(messages, "$text"),
        )

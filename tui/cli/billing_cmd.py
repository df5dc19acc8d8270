"""`switchboard billing`"""

from __future__ import annotations

from typing import Any

import click

from tui.cli.output import emit, json_option, table
from tui.cli.state import CliState, pass_state
from tui.core import billing as core
from tui.core.billing import BillingReport


def billing_json(report: BillingReport) -> dict[str, Any]:
    return {
        "period": report.period.label,
        "people": report.people,
        "messages": report.messages,
        "workspaces": [
            {"name": w.name, "people": w.people, "messages": w.messages, "deleted": w.deleted}
            for w in report.workspaces
        ],
        "all_time": {"people": report.all_time.people, "messages": report.all_time.messages},
    }


def _lines(report: BillingReport) -> list[str]:
    rows = [(f"{w.name} (deleted)" if w.deleted else w.name, w.people, w.messages) for w in report.workspaces]
    return [
        f"Billing for {report.period.label} (UTC): {report.people} people, {report.messages} messages",
        f"All time: {report.all_time.people} people, {report.all_time.messages} messages",
        "",
        *(table(["WORKSPACE", "PEOPLE", "MESSAGES"], rows) if rows else ["No workspaces yet."]),
    ]


@click.command()
@click.option("--period", metavar="YYYY-MM", help="A UTC calendar month (default: the current one).")
@json_option
@pass_state
def billing(state: CliState, period: str | None, as_json: bool) -> None:
    """Billable people and messages for a month and for all time, per workspace (deleted ones included)."""
    chosen = core.parse_period(period) if period is not None else None
    report = core.billing(state.db, chosen)
    emit(as_json, billing_json(report), lambda: _lines(report))

"""Billing (B1): billable people and messages per UTC calendar month and for all time.

Billing reads only kept facts: `UsageDay` rows (people created and deleted, messages sent, per
workspace and UTC day) and `WorkspaceLedger` (every workspace ever, with its last name). Neither
is removed by deleting people or workspaces, and workspace ids are never reused, so what was
billed stays billed. The cost depends on the number of workspaces and active days, never on the
number of people or messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func, select

from tui.core.db import Database
from tui.core.errors import InvalidInput
from tui.core.models import UsageDay, WorkspaceLedger

PERIOD_RE = re.compile(r"([0-9]{4})-([0-9]{2})")
MAX_CHART_DAYS = 366


@dataclass(frozen=True)
class Period:
    """A UTC calendar month: `start` inclusive, `end` exclusive."""

    start: date
    end: date

    @property
    def label(self) -> str:
        return f"{self.start.year:04d}-{self.start.month:02d}"

    @classmethod
    def containing(cls, day: date) -> Period:
        start = day.replace(day=1)
        return cls(start, (start + timedelta(days=32)).replace(day=1))

    def shifted(self, months: int) -> Period:
        """The month `months` later (earlier when negative); InvalidInput past the calendar's ends."""
        year, month = divmod(self.start.year * 12 + self.start.month - 1 + months, 12)
        try:
            return Period.containing(date(year, month + 1, 1))
        except (ValueError, OverflowError):
            raise InvalidInput(f"there is no month {months:+} from {self.label}") from None


@dataclass(frozen=True)
class Usage:
    people: int
    messages: int


@dataclass(frozen=True)
class WorkspaceUsage:
    workspace_id: int
    name: str  # the workspace's last name
    deleted: bool
    people: int
    messages: int


@dataclass(frozen=True)
class BillingReport:
    period: Period
    people: int
    messages: int
    workspaces: list[WorkspaceUsage]  # live ones by name, then deleted ones with activity
    all_time: Usage


@dataclass(frozen=True)
class DayCount:
    day: date
    messages: int


def parse_period(raw: str) -> Period:
    """`YYYY-MM` as a Period, or InvalidInput saying the expected form."""
    match = PERIOD_RE.fullmatch(raw.strip())
    try:
        if match is None:
            raise ValueError
        return Period.containing(date(int(match.group(1)), int(match.group(2)), 1))
    except (ValueError, OverflowError):
        raise InvalidInput(f"period {raw!r} is not valid: use a month as YYYY-MM, such as 2026-03") from None


def billing(db: Database, period: str | Period | None = None) -> BillingReport:
    """B1 for `period` (a Period, `YYYY-MM`, or None for the current UTC month) and all time."""
    if period is None:
        chosen = Period.containing(db.runtime.now().date())
    elif isinstance(period, str):
        chosen = parse_period(period)
    else:
        chosen = period
    before = UsageDay.day < chosen.start
    within = (UsageDay.day >= chosen.start) & (UsageDay.day < chosen.end)
    facts = (
        select(
            UsageDay.workspace_id,
            func.sum(case((before, UsageDay.people_created - UsageDay.people_deleted), else_=0)).label("existing"),
            func.sum(case((within, UsageDay.people_created), else_=0)).label("created"),
            func.sum(case((within, UsageDay.messages_sent), else_=0)).label("messages"),
            func.sum(UsageDay.people_created).label("all_people"),
            func.sum(UsageDay.messages_sent).label("all_messages"),
        )
        .group_by(UsageDay.workspace_id)
        .subquery()
    )
    query = select(WorkspaceLedger.id, WorkspaceLedger.name, WorkspaceLedger.deleted_at, facts).outerjoin(
        facts, facts.c.workspace_id == WorkspaceLedger.id
    )
    rows: list[WorkspaceUsage] = []
    all_people = all_messages = 0
    with db.read() as session:
        for row in session.execute(query):
            people = int(row.existing or 0) + int(row.created or 0)
            messages = int(row.messages or 0)
            all_people += int(row.all_people or 0)
            all_messages += int(row.all_messages or 0)
            deleted = row.deleted_at is not None
            if not deleted or people or messages:
                rows.append(WorkspaceUsage(row.id, row.name, deleted, people, messages))
    rows.sort(key=lambda w: (w.deleted, w.name.casefold(), w.workspace_id))
    return BillingReport(
        period=chosen,
        people=sum(w.people for w in rows),
        messages=sum(w.messages for w in rows),
        workspaces=rows,
        all_time=Usage(all_people, all_messages),
    )


def messages_per_day(db: Database, days: int = 30) -> list[DayCount]:
    """Billable messages per UTC day over the last `days` days (today included), oldest first,
    across all workspaces (deleted ones included); days without messages count 0."""
    if not 1 <= days <= MAX_CHART_DAYS:
        raise InvalidInput(f"days must be between 1 and {MAX_CHART_DAYS}, not {days}")
    today = db.runtime.now().date()
    return _per_day(db, today - timedelta(days=days - 1), today)


def messages_per_day_of(db: Database, period: Period) -> list[DayCount]:
    """Billable messages per UTC day of the month `period`, oldest first, up to today (none for
    a month still to come); as `messages_per_day` counts them."""
    today = db.runtime.now().date()
    last = min(period.end - timedelta(days=1), today)
    return _per_day(db, period.start, last) if last >= period.start else []


def _per_day(db: Database, first: date, last: date) -> list[DayCount]:
    """Each day from `first` to `last` (both included) with its billable messages."""
    query = (
        select(UsageDay.day, func.sum(UsageDay.messages_sent))
        .where(UsageDay.day >= first, UsageDay.day <= last)
        .group_by(UsageDay.day)
    )
    with db.read() as session:
        counts = {day: int(total or 0) for day, total in session.execute(query)}
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [DayCount(day, counts.get(day, 0)) for day in days]

"""B1: billable people and messages per UTC month and all time, from facts deletion never removes."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from factories import EMAIL, add_campaign, add_person, delete_person, deliver_due, make_workspace
from sqlalchemy import event

from tui.core import billing, sending
from tui.core.billing import BillingReport, DayCount, Period, Usage, WorkspaceUsage
from tui.core.db import Database
from tui.core.errors import InvalidInput
from tui.core.runtime import FixedClock
from tui.core.workspaces import delete_workspace, rename_workspace


def at(clock: FixedClock, *moment: int) -> None:
    clock.set(datetime(*moment, tzinfo=UTC))  # type: ignore[misc]


def by_name(report: BillingReport) -> dict[str, tuple[int, int, bool]]:
    return {w.name: (w.people, w.messages, w.deleted) for w in report.workspaces}


def test_B1_people_who_existed_at_any_moment_of_the_month(db: Database, clock: FixedClock) -> None:
    at(clock, 2026, 1, 10)
    ws = make_workspace(db)
    gone_in_jan = add_person(db, ws, "jan-only@example.com")
    delete_person(db, "Acme", gone_in_jan)
    add_person(db, ws, "stays@example.com")
    at(clock, 2026, 2, 28, 23, 59, 59)
    gone_in_mar = add_person(db, ws, "feb@example.com")
    at(clock, 2026, 3, 1, 0, 0, 0)
    delete_person(db, "Acme", gone_in_mar)
    at(clock, 2026, 3, 31, 23, 59, 59)
    new_in_mar = add_person(db, ws, "mar@example.com")
    delete_person(db, "Acme", new_in_mar)
    at(clock, 2026, 4, 1)
    add_person(db, ws, "apr@example.com")

    assert (billing.billing(db, "2025-12").people, billing.billing(db, "2026-01").people) == (0, 2)
    assert billing.billing(db, "2026-02").people == 2  # stays + feb
    assert billing.billing(db, "2026-03").people == 3  # stays + feb (deleted on the 1st) + mar
    assert billing.billing(db, "2026-04").people == 2  # stays + apr
    assert billing.billing(db, "2026-04").all_time == Usage(people=5, messages=0)


def test_B1_messages_sent_in_the_month_count_test_ones_too(db: Database, clock: FixedClock) -> None:
    ws = make_workspace(db, send_mode="test", test_address="qa@example.com")
    add_person(db, ws, "ann@example.com", attributes={"name": "Ann"})
    add_person(db, ws, "bob@example.com", attributes={"name": "Bob", "phone": "+1"})
    add_campaign(db, ws, "March", [EMAIL, ("sms", {"body": "b"})])  # 2 test, 1 sent, 1 failed
    at(clock, 2026, 3, 31, 23, 59, 59)
    sending.send_campaign(db, "Acme", "March")
    deliver_due(db)
    at(clock, 2026, 4, 1, 0, 0, 0)
    add_campaign(db, ws, "April", [("push", {"title": "t", "body": "b"})])
    sending.send_campaign(db, "Acme", "April")
    deliver_due(db)
    make_workspace(db, "Muted", send_mode="never")
    muted = make_workspace(db, "Muted2", send_mode="never")
    add_person(db, muted, "m@example.com")
    add_campaign(db, muted, "Quiet", [EMAIL])
    sending.send_campaign(db, "Muted2", "Quiet")
    deliver_due(db)

    march, april = billing.billing(db, "2026-03"), billing.billing(db, "2026-04")

    assert (march.messages, april.messages) == (3, 2)
    assert by_name(april) == {"Acme": (2, 2, False), "Muted": (0, 0, False), "Muted2": (1, 0, False)}
    assert april.all_time == Usage(people=3, messages=5)


def test_B1_deleted_people_and_workspaces_stay_billed(db: Database, clock: FixedClock) -> None:
    at(clock, 2026, 2, 1)
    acme = make_workspace(db)
    add_person(db, acme, "ann@example.com")
    add_person(db, acme, "bob@example.com")
    add_campaign(db, acme, "C", [EMAIL])
    sending.send_campaign(db, "Acme", "C")
    deliver_due(db)
    rename_workspace(db, "Acme", "Acme Old")
    beta = make_workspace(db, "Beta")
    add_person(db, beta, "cy@example.com")
    at(clock, 2026, 3, 10)
    delete_workspace(db, "Acme Old", confirmed=True)
    make_workspace(db, "Acme")  # the name is free again; the new workspace is billed apart

    feb, mar, apr = (billing.billing(db, p) for p in ("2026-02", "2026-03", "2026-04"))

    assert (feb.people, feb.messages) == (3, 2)
    assert [(w.name, w.people, w.messages, w.deleted) for w in feb.workspaces] == [
        ("Acme", 0, 0, False),
        ("Beta", 1, 0, False),
        ("Acme Old", 2, 2, True),
    ]
    assert (mar.people, mar.messages) == (3, 0)  # they existed on March 1st-10th
    assert by_name(mar)["Acme Old"] == (2, 0, True)
    assert by_name(apr) == {"Acme": (0, 0, False), "Beta": (1, 0, False)}  # no activity: not listed
    assert apr.all_time == Usage(people=3, messages=2)


def test_B1_report_shape_and_default_period(db: Database, clock: FixedClock) -> None:
    ws = make_workspace(db, "Zulu")
    add_person(db, ws, "ann@example.com")

    report = billing.billing(db)  # the clock says 2026-03-15

    assert report == BillingReport(
        period=Period(date(2026, 3, 1), date(2026, 4, 1)),
        people=1,
        messages=0,
        workspaces=[WorkspaceUsage(workspace_id=ws, name="Zulu", deleted=False, people=1, messages=0)],
        all_time=Usage(people=1, messages=0),
    )
    assert report.period.label == "2026-03"
    assert billing.billing(db, Period.containing(date(2026, 3, 31))) == report


def test_B1_period_is_a_utc_calendar_month(db: Database) -> None:
    assert billing.parse_period("2026-12") == Period(date(2026, 12, 1), date(2027, 1, 1))
    assert billing.parse_period(" 2024-02 ") == Period(date(2024, 2, 1), date(2024, 3, 1))
    for bad in ("2026-13", "2026-00", "2026-3", "26-03", "2026/03", "March", "", "0000-01", "9999-12"):
        with pytest.raises(InvalidInput, match=f"period {bad!r} is not valid: use a month as YYYY-MM, such as 2026-03"):
            billing.billing(db, bad)


def one_email_delivered_on_feb_27(db: Database, clock: FixedClock) -> int:
    """Workspace Acme with one person, sent campaign Old's one email on 2026-02-27."""
    ws = make_workspace(db)
    add_person(db, ws, "ann@example.com")
    at(clock, 2026, 2, 27)
    add_campaign(db, ws, "Old", [EMAIL])
    sending.send_campaign(db, "Acme", "Old")
    deliver_due(db)
    return ws


def test_B1_messages_per_day_over_the_last_days(db: Database, clock: FixedClock) -> None:
    ws = one_email_delivered_on_feb_27(db, clock)
    at(clock, 2026, 3, 1, 0, 30)
    add_campaign(db, ws, "New", [EMAIL, ("push", {"title": "t", "body": "b"})])
    sending.send_campaign(db, "Acme", "New")
    deliver_due(db)
    delete_workspace(db, "Acme", confirmed=True)
    at(clock, 2026, 3, 2, 9)

    series = billing.messages_per_day(db, days=4)

    assert series == [
        DayCount(date(2026, 2, 27), 1),
        DayCount(date(2026, 2, 28), 0),
        DayCount(date(2026, 3, 1), 2),
        DayCount(date(2026, 3, 2), 0),
    ]
    assert len(billing.messages_per_day(db)) == 30
    assert billing.messages_per_day(db)[-1].day == date(2026, 3, 2)
    with pytest.raises(InvalidInput, match="days must be between 1 and 366, not 0"):
        billing.messages_per_day(db, days=0)


def test_B1_a_month_steps_back_and_forward_across_years() -> None:
    march = Period.containing(date(2026, 3, 15))
    assert march.shifted(-1) == Period(date(2026, 2, 1), date(2026, 3, 1))
    assert march.shifted(-3) == Period(date(2025, 12, 1), date(2026, 1, 1))
    assert march.shifted(10) == Period(date(2027, 1, 1), date(2027, 2, 1))
    assert march.shifted(0) == march
    with pytest.raises(InvalidInput, match="there is no month -1 from 0001-01"):
        Period.containing(date(1, 1, 1)).shifted(-1)


def test_B1_messages_per_day_of_a_month_up_to_today(db: Database, clock: FixedClock) -> None:
    one_email_delivered_on_feb_27(db, clock)
    at(clock, 2026, 3, 2, 9)

    february = billing.messages_per_day_of(db, Period.containing(date(2026, 2, 1)))
    march = billing.messages_per_day_of(db, Period.containing(date(2026, 3, 1)))

    assert [day.day for day in february] == [date(2026, 2, d) for d in range(1, 29)]
    assert {day.day: day.messages for day in february if day.messages} == {date(2026, 2, 27): 1}
    assert march == [DayCount(date(2026, 3, 1), 0), DayCount(date(2026, 3, 2), 0)]  # none after today
    assert billing.messages_per_day_of(db, Period.containing(date(2026, 4, 1))) == []
    assert sum(day.messages for day in february) == billing.billing(db, "2026-02").messages


def test_B1_reads_kept_facts_never_people_or_messages(db: Database) -> None:
    """Billing's cost must not grow with people or messages (issue 4: 10 x 1M within 1.5x of 10 x 1k)."""
    ws = make_workspace(db)
    add_person(db, ws, "ann@example.com")
    statements: list[str] = []

    def record(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement.lower())

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        billing.billing(db)
        billing.messages_per_day(db)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    tables = {match for s in statements for match in re.findall(r"\b(?:from|join)\s+(\w+)", s)}
    assert tables == {"usage_days", "workspace_ledger"}

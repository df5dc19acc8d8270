"""Helpers for the People pane's Pilot and snapshot tests: people to show, and reading the table."""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from app_factory import make_app, settle
from textual.pilot import Pilot

from tui.app import SwitchboardApp
from tui.core import actions, campaigns, sending
from tui.core.db import Database
from tui.core.people import add_person
from tui.core.people_import import import_people
from tui.screens.main import MainScreen
from tui.widgets.people_pane import PeoplePane
from tui.widgets.people_table import PeopleTable

MARKUP_KEY = "[bold red]x[/]"
MARKUP_VALUE = "[@click=app.quit]y"


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def add_many(db: Database, workspace: str, n: int, folder: Path) -> None:
    """`n` people person0000@example.com... with a plan and a city, through the bulk import."""
    plans, cities = ("free", "pro", "team"), ("Lisbon", "Berlin", "Osaka", "Austin")
    rows = [[f"person{i:04d}@example.com", plans[i % 3], cities[i % 4]] for i in range(n)]
    path = write_csv(folder / f"people-{n}.csv", ["email", "plan", "city"], rows)
    report = import_people(db, workspace, path)
    assert report.created == n and not report.errors


def add_sample(db: Database) -> None:
    """A few people of Acme EU (email) with varied attributes, one of them looking like markup."""
    people: list[tuple[str, dict[str, Any]]] = [
        ("ada@example.com", {"first_name": "Ada", "plan": "pro", "city": "Lisbon", "seats": 12}),
        ("bo@example.com", {"first_name": "Bo", "plan": "free", "city": "Berlin"}),
        ("chen@example.org", {"first_name": "Chen", "plan": "team", "city": "Osaka", "vip": True}),
        ("dara@example.net", {"first_name": "Dara", "plan": "pro"}),
        ("markup@example.com", {"first_name": MARKUP_VALUE, MARKUP_KEY: "esc \x1b[31m red"}),
    ]
    for email, attributes in people:
        add_person(db, "Acme EU", email=email, attributes=attributes)


def pane(pilot: Pilot) -> PeoplePane:
    """The People pane of the main screen, whatever screen is on top."""
    main = next(screen for screen in pilot.app.screen_stack if isinstance(screen, MainScreen))
    return main.query_one(PeoplePane)


def table(pilot: Pilot) -> PeopleTable:
    return pane(pilot).table


def column_text(pilot: Pilot, column: str = "ident") -> list[str]:
    """The plain text of one column of the table, top to bottom."""
    return [str(getattr(value, "plain", value)) for value in table(pilot).get_column(column)]


async def open_people(pilot: Pilot) -> None:
    """Go to the People tab (the table takes the keys) once the data is in."""
    await settle(pilot)
    await pilot.press("p")
    await settle(pilot)


@asynccontextmanager
async def people_tab(db: Database, *, size: tuple[int, int] = (100, 30)) -> AsyncIterator[tuple[SwitchboardApp, Pilot]]:
    """The app on `db`, on the People tab with its first page in."""
    app = make_app(db)
    async with app.run_test(size=size) as pilot:
        await open_people(pilot)
        yield app, pilot


def send_welcome(db: Database) -> None:
    """A running campaign of Acme EU (an email, then an SMS nobody has a phone for) sent once."""
    campaigns.create_campaign(db, "Acme EU", "Welcome")
    email = {"subject": "Hi {{ customer.first_name }}", "body": "Welcome aboard."}
    actions.add_action(db, "Acme EU", "Welcome", type="email", name="Hello", settings=email)
    actions.add_action(db, "Acme EU", "Welcome", type="sms", name="Text", settings={"body": "Hi!"})
    campaigns.change_state(db, "Acme EU", "Welcome", "start")
    sending.send_campaign(db, "Acme EU", "Welcome")

"""Snapshots of the People pane and the screens it opens.

Look at them as pictures before accepting (README, "Snapshots"): open the SVGs in tests/__snapshots__,
or the side-by-side report (snapshot_report.html) that a failing run writes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from app_factory import make_app, press, seed, settle, steady_db_label, type_into  # noqa: F401 (fixture)
from people_helpers import add_sample, open_people, send_welcome, write_csv
from textual.pilot import Pilot

from tui.core.db import Database
from tui.core.people import add_person

pytestmark = pytest.mark.usefixtures("steady_db_label")

WIDE = (200, 50)
SMALL = (80, 24)


def people_then(*keys: str) -> Callable[[Pilot], Awaitable[None]]:
    """A run_before: open the People tab, then press keys, waiting for the data after each."""

    async def run(pilot: Pilot) -> None:
        await open_people(pilot)
        await press(pilot, *keys)

    return run


@pytest.fixture
def sample(db: Database) -> Database:
    seed(db)
    add_sample(db)
    return db


def test_empty_workspace(snap_compare, db: Database) -> None:
    seed(db)
    assert snap_compare(make_app(db), terminal_size=SMALL, run_before=people_then())


def test_people_small(snap_compare, sample: Database) -> None:
    assert snap_compare(make_app(sample), terminal_size=SMALL, run_before=people_then("down"))


def test_people_wide(snap_compare, sample: Database) -> None:
    assert snap_compare(make_app(sample), terminal_size=WIDE, run_before=people_then("down"))


def test_people_of_an_id_workspace_wide(snap_compare, db: Database) -> None:
    seed(db)
    for n, plan in enumerate(("pro", "free", "team")):
        add_person(db, "Acme US", id=f"user-{n + 1:04d}", email=f"u{n + 1}@example.com", attributes={"plan": plan})

    async def run(pilot: Pilot) -> None:
        await settle(pilot)
        await press(pilot, "down", "enter", "p")

    assert snap_compare(make_app(db), terminal_size=WIDE, run_before=run)


def test_filter_active(snap_compare, sample: Database) -> None:
    async def run(pilot: Pilot) -> None:
        await people_then("slash")(pilot)
        await type_into(pilot, "#people-filter-input", "d")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_app(sample), terminal_size=SMALL, run_before=run)


@pytest.mark.parametrize("size", [SMALL, WIDE], ids=["80x24", "200x50"])
def test_searched_by_attribute_and_sorted_by_another_descending(
    snap_compare, sample: Database, size: tuple[int, int]
) -> None:
    """`plan:pro`, sorted by first_name Z to A: the arrow in the header, the count in the status."""

    async def run(pilot: Pilot) -> None:
        await people_then("slash")(pilot)
        await type_into(pilot, "#people-filter-input", "plan:pro")
        await press(pilot, "enter", "o", "o", "O")

    assert snap_compare(make_app(sample), terminal_size=size, run_before=run)


def test_person_screen(snap_compare, sample: Database) -> None:
    send_welcome(sample)
    assert snap_compare(make_app(sample), terminal_size=SMALL, run_before=people_then("enter"))


def test_person_screen_wide_with_markup_attributes(snap_compare, sample: Database) -> None:
    send_welcome(sample)
    assert snap_compare(make_app(sample), terminal_size=WIDE, run_before=people_then("ctrl+end", "enter"))


def test_add_dialog_with_an_inline_error(snap_compare, sample: Database) -> None:
    async def run(pilot: Pilot) -> None:
        await people_then("n")(pilot)
        await type_into(pilot, "#identifier", "bob@")

    assert snap_compare(make_app(sample), terminal_size=SMALL, run_before=run)


def test_add_dialog_of_an_id_workspace(snap_compare, db: Database) -> None:
    seed(db)

    async def run(pilot: Pilot) -> None:
        await settle(pilot)
        await press(pilot, "down", "enter", "p", "n")
        await type_into(pilot, "#identifier", "user-1842")
        await type_into(pilot, "#email", " Ann@Example.COM")

    assert snap_compare(make_app(db), terminal_size=SMALL, run_before=run)


def test_import_summary_with_rejected_rows(snap_compare, db: Database, tmp_path: Path) -> None:
    seed(db)
    rows = [
        ["ann@example.com", "pro"],
        ["bob@", "free"],
        ["cy@example.com", "team"],
        ["[bold red]x[/]@example.com", "pro"],
        ["dee@example", "free"],
    ]
    path = write_csv(tmp_path / "people.csv", ["email", "plan"], rows)

    async def run(pilot: Pilot) -> None:
        await people_then("i")(pilot)
        await type_into(pilot, "#path", str(path))
        await press(pilot, "enter")
        await settle(pilot)

    assert snap_compare(make_app(db), terminal_size=SMALL, run_before=run)

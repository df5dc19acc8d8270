"""Pilot: the People pane. Adding with inline validation, filtering, opening, editing (with lost
updates refused), deleting, importing with rejected rows, and paging a bounded window."""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from app_factory import make_app, palette, pilot_test, press, seed, settle, type_into, until
from people_helpers import (
    MARKUP_KEY,
    MARKUP_VALUE,
    add_many,
    add_sample,
    column_text,
    pane,
    people_tab,
    table,
    write_csv,
)
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import ProgressBar, Static, TextArea

from tui.app import SwitchboardApp
from tui.core import people_list
from tui.core.db import Database
from tui.core.errors import InvalidInput
from tui.core.identity import normalize_email
from tui.core.people import get_person, update_person
from tui.core.people_import import ImportProgress, ImportReport, ProgressCallback, import_people
from tui.core.people_list import list_people
from tui.core.workspaces import get_workspace
from tui.dialogs.add_person import AddPersonDialog
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.import_people import ImportPeopleDialog
from tui.dialogs.people_import_summary import ImportSummaryDialog
from tui.dialogs.person_edit import EditPersonDialog
from tui.parts.core_work import Dropped
from tui.screens.main import MainScreen
from tui.screens.person import PersonScreen
from tui.widgets import people_import_bar
from tui.widgets.people_import_bar import ImportBar
from tui.widgets.people_pane import PeoplePane
from tui.widgets.people_table import PeopleTable
from tui.widgets.people_window import MAX_ROWS
from tui.widgets.workspace_list import WorkspaceList


def texts(app: SwitchboardApp) -> str:
    """Every Static's text on the current screen."""
    return "\n".join(str(static.content) for static in app.screen.query(Static))


def rendered(static: Static) -> str:
    """A Static holding a Rich renderable, as plain text."""
    console = Console(width=120, record=True, file=io.StringIO())
    console.print(static.content)
    return console.export_text()


def note(app: SwitchboardApp, field: str) -> str:
    return str(app.screen.query_one(f"#{field}-note", Static).content)


def everyone(db: Database, workspace: str) -> list[str]:
    return [person.email or person.id or "" for person in list_people(db, workspace, limit=1000).people]


@pytest.fixture
def seeded(db: Database) -> Database:
    seed(db)
    return db


@pytest.fixture
def sample(seeded: Database) -> Database:
    add_sample(seeded)
    return seeded


@pilot_test
async def test_empty_workspace_says_what_to_do(seeded: Database) -> None:
    async with people_tab(seeded) as (app, pilot):
        empty = str(app.screen.query_one("#people-empty", Static).content)
        assert empty == "No people yet: press n to add one, i to import a CSV/JSONL file."
        assert not table(pilot).display


@pilot_test
async def test_a_bad_email_is_refused_inline_and_nothing_is_saved_then_a_good_one_is(seeded: Database) -> None:
    async with people_tab(seeded) as (app, pilot):
        await press(pilot, "n")
        assert isinstance(app.screen, AddPersonDialog)
        await type_into(pilot, "#identifier", "bob@")
        with pytest.raises(InvalidInput) as refused:
            normalize_email("bob@")
        assert note(app, "identifier") == str(refused.value)  # the core's own sentence
        await press(pilot, "enter")
        assert isinstance(app.screen, AddPersonDialog)
        assert everyone(seeded, "Acme EU") == []

        await type_into(pilot, "#identifier", "  Bob@Example.COM ")
        assert note(app, "identifier") == "will be stored as bob@example.com"
        app.screen.query_one(TextArea).text = "plan=pro\ncity=Lisbon"
        await pilot.pause()
        assert note(app, "attributes") == "2 attributes: plan, city"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, MainScreen)
        person = get_person(seeded, "Acme EU", "bob@example.com")
        assert person.attributes == {"plan": "pro", "city": "Lisbon"}
        await until(pilot, lambda: column_text(pilot) == ["bob@example.com"])
        assert column_text(pilot) == ["bob@example.com"]


@pilot_test
async def test_an_id_workspace_checks_the_id_the_email_and_json_attributes(seeded: Database) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "down", "enter", "p", "n")
        await type_into(pilot, "#identifier", "cio_123")
        assert "ids may not start with 'cio_'" in note(app, "identifier")
        await type_into(pilot, "#identifier", "user-1")
        assert note(app, "identifier") == "will be stored as user-1"
        await type_into(pilot, "#email", "nobody@")
        assert note(app, "email").startswith("email 'nobody@' is not valid")
        app.screen.query_one(TextArea).text = '{"seats": 3'
        await pilot.pause()
        assert "attributes is not valid JSON" in note(app, "attributes")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, AddPersonDialog) and everyone(seeded, "Acme US") == []

        await type_into(pilot, "#email", "Ann@Example.com")
        app.screen.query_one(TextArea).text = '{"seats": 3, "vip": true}'
        await press(pilot, "ctrl+s")
        person = get_person(seeded, "Acme US", "user-1")
        assert (person.email, person.attributes) == ("ann@example.com", {"seats": 3, "vip": True})


@pilot_test
async def test_pasting_hostile_json_into_attributes_is_an_inline_error_not_a_crash(seeded: Database) -> None:
    """A deeply nested value crashed the app while it validated as you typed; a lone surrogate
    would have been stored and made the person unreadable."""
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "down", "enter", "p", "n")
        await type_into(pilot, "#identifier", "user-1")
        app.screen.query_one(TextArea).text = '{"deep": ' + "[" * 100_000
        await pilot.pause()
        assert note(app, "attributes") == "attributes nests arrays and objects more than 20 levels deep"
        app.screen.query_one(TextArea).text = '{"name": "\\ud800"}'
        await pilot.pause()
        assert "attributes is not valid Unicode text" in note(app, "attributes")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, AddPersonDialog) and everyone(seeded, "Acme US") == []


@pytest.mark.parametrize(
    ("command", "dialog"), [("New person", AddPersonDialog), ("Import people", ImportPeopleDialog)]
)
@pilot_test
async def test_the_palette_adds_and_imports_people(seeded: Database, command: str, dialog: type) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await palette(pilot, command)
        await press(pilot, "enter")
        assert isinstance(app.screen, dialog)


@pilot_test
async def test_slash_finds_by_a_substring_as_you_type_and_escape_clears(sample: Database) -> None:
    async with people_tab(sample) as (app, pilot):
        assert len(column_text(pilot)) == 5
        await press(pilot, "slash")
        await pilot.press("c", "h")
        await until(pilot, lambda: column_text(pilot) == ["chen@example.org"])
        assert column_text(pilot) == ["chen@example.org"]
        await until(pilot, lambda: "1 of 5 match" in status(pilot))
        assert status(pilot) == "email contains ch · 1 of 5 match · 1 of 1"

        await type_into(pilot, "#people-filter-input", "ZZ")
        await until(pilot, lambda: column_text(pilot) == [])
        assert "0 of 5 match · esc clears the filter" in status(pilot)

        await press(pilot, "escape")
        assert len(column_text(pilot)) == 5
        assert not app.screen.query_one("#people-filter").display


@pilot_test
async def test_only_the_latest_filter_is_shown(sample: Database) -> None:
    async with people_tab(sample) as (_app, pilot):
        await press(pilot, "slash")
        people = pane(pilot)
        await type_into(pilot, "#people-filter-input", "a")
        people._apply_filter()  # a read for "a" is on its way...
        await type_into(pilot, "#people-filter-input", "bo")
        await press(pilot, "enter")  # ...and "bo" overtakes it
        await until(pilot, lambda: column_text(pilot) == ["bo@example.com"])
        await settle(pilot)
        assert column_text(pilot) == ["bo@example.com"]


@pilot_test
async def test_markup_and_control_characters_show_literally_in_the_table_and_person(sample: Database) -> None:
    async with people_tab(sample, size=(200, 40)) as (app, pilot):
        header = [str(column.label) for column in table(pilot).columns.values()]
        assert MARKUP_KEY in header
        assert MARKUP_VALUE in column_text(pilot, "attr:first_name")
        assert "esc ␛[31m red" in column_text(pilot, f"attr:{MARKUP_KEY}")
        table(pilot).move_cursor(row=4)
        await press(pilot, "enter")
        assert isinstance(app.screen, PersonScreen)
        shown = str(app.screen.query_one("#attributes", Static).content)
        assert MARKUP_KEY in shown and MARKUP_VALUE in shown and "␛[31m" in shown
        assert "\x1b" not in app.export_screenshot()
        await pilot.click("#attributes")
        assert app.is_running


@pilot_test
async def test_open_a_person_and_edit_attributes_and_email(sample: Database) -> None:
    async with people_tab(sample) as (app, pilot):
        await press(pilot, "down", "enter")
        screen = app.screen
        assert isinstance(screen, PersonScreen)
        assert "bo@example.com" in str(screen.query_one("#person-card", Static).content)
        assert "Attributes (3)" in texts(app)

        await press(pilot, "e")
        assert isinstance(app.screen, EditPersonDialog)
        await type_into(pilot, "#identifier", "Bo.New@Example.com")
        app.screen.query_one(TextArea).text = '{"first_name": "Bo", "plan": "pro"}'
        await press(pilot, "ctrl+s")
        assert app.screen is screen
        person = get_person(sample, "Acme EU", "bo.new@example.com")
        assert person.attributes == {"first_name": "Bo", "plan": "pro"}  # plan changed, city unset
        assert person.version == 2
        assert "Attributes (2)" in texts(app)

        await press(pilot, "escape")
        await until(pilot, lambda: "bo.new@example.com" in column_text(pilot))
        assert "bo@example.com" not in column_text(pilot)


@pilot_test
async def test_an_edit_after_a_change_elsewhere_is_refused_and_the_person_reloaded(sample: Database) -> None:
    async with people_tab(sample) as (app, pilot):
        await press(pilot, "enter", "e")
        app.screen.query_one(TextArea).text = '{"plan": "mine"}'
        update_person(sample, "Acme EU", "ada@example.com", attributes={"plan": "theirs"})  # another session
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, PersonScreen)
        await until(pilot, lambda: "theirs" in texts(app))
        assert get_person(sample, "Acme EU", "ada@example.com").attributes["plan"] == "theirs"
        assert any("changed elsewhere" in str(toast.message) for toast in app._notifications)


@pilot_test
async def test_delete_a_person_after_confirming(sample: Database) -> None:
    async with people_tab(sample) as (app, pilot):
        await press(pilot, "enter", "delete")
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "n")
        assert "ada@example.com" in everyone(sample, "Acme EU")
        await press(pilot, "delete", "y")
        assert isinstance(app.screen, MainScreen)
        assert "ada@example.com" not in everyone(sample, "Acme EU")
        await until(pilot, lambda: "ada@example.com" not in column_text(pilot))
        assert column_text(pilot)[0] == "bo@example.com"


@pilot_test
async def test_import_shows_a_summary_with_the_rejected_rows(seeded: Database, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "people.csv",
        ["email", "plan"],
        [["ann@example.com", "pro"], ["bob@", "free"], ["cy@example.com", ""]],
    )
    async with people_tab(seeded) as (app, pilot):
        await press(pilot, "i")
        assert isinstance(app.screen, ImportPeopleDialog)
        await type_into(pilot, "#path", str(tmp_path / "people.txt"))
        assert "name the file .csv, .jsonl or .ndjson" in note(app, "path")
        await type_into(pilot, "#path", str(path))
        assert note(app, "path").startswith("CSV file")
        await press(pilot, "enter")
        await until(pilot, lambda: isinstance(app.screen, ImportSummaryDialog))
        assert "2 created · 0 updated · 1 rejected" in texts(app)
        assert "line 3  email 'bob@' is not valid" in rendered(app.screen.query_one("#rejected", Static))
        assert sorted(everyone(seeded, "Acme EU")) == ["ann@example.com", "cy@example.com"]
        await press(pilot, "escape")
        await until(pilot, lambda: column_text(pilot) == ["ann@example.com", "cy@example.com"])
        assert column_text(pilot) == ["ann@example.com", "cy@example.com"]


@dataclass
class HeldImport:
    """The app's imports, each waiting after every batch until `gate` is set; `ended` is set
    when an import returns."""

    gate: threading.Event = field(default_factory=threading.Event)
    ended: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> HeldImport:
    hold = HeldImport()

    def held_import(db: Database, workspace: str, path: Path, *, progress: ProgressCallback) -> ImportReport:
        def after_batch(done: ImportProgress) -> None:
            progress(done)  # raises KeyboardInterrupt once cancelled (x, or the app closing)
            hold.gate.wait(10)

        try:
            return import_people(db, workspace, path, progress=after_batch, batch_size=500)
        finally:
            hold.ended.set()

    monkeypatch.setattr(people_import_bar, "import_people", held_import)
    return hold


async def start_held_import(pilot: Pilot, path: Path) -> ImportBar:
    """Start importing `path` from the People tab; returns the bar once the first batch is in."""
    await press(pilot, "i")
    await type_into(pilot, "#path", str(path))
    await pilot.press("enter")
    bar = pane(pilot).import_bar
    for _ in range(200):  # no settling here: the import worker is held
        if bar.running and "line 501 · 500 new" in str(bar.query_one("#import-label", Static).content):
            break
        await pilot.pause(0.05)
    return bar


@pilot_test
async def test_x_cancels_a_running_import_after_its_batch(seeded: Database, tmp_path: Path, held: HeldImport) -> None:
    path = write_csv(tmp_path / "big.csv", ["email"], [[f"p{i:05d}@example.com"] for i in range(20_000)])
    async with people_tab(seeded) as (app, pilot):
        bar = await start_held_import(pilot, path)
        assert bar.running and 0 < (bar.query_one(ProgressBar).progress or 0) < 0.5
        await pilot.press("x")
        held.gate.set()
        await until(pilot, lambda: isinstance(app.screen, ImportSummaryDialog))
        assert get_workspace(seeded, "Acme EU").people == 1_000  # the batch on its way when x came, no more
        assert "Cancelled: the lines up to 1,001 are imported" in texts(app)


@pilot_test
async def test_ctrl_q_during_an_import_asks_and_says_what_happens_to_it(
    seeded: Database, tmp_path: Path, held: HeldImport
) -> None:
    """Issue 10, bug 7: ctrl+q quit at once during an import, with no warning."""
    path = write_csv(tmp_path / "big.csv", ["email"], [[f"p{i:05d}@example.com"] for i in range(5_000)])
    async with people_tab(seeded) as (app, pilot):
        bar = await start_held_import(pilot, path)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "An import of people is running. Quitting stops it after the batch being written" in str(
            app.screen.question
        )
        await pilot.press("n")
        await pilot.pause()
        assert app.is_running and bar.running
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("y")
        threading.Timer(1.0, held.gate.set).start()  # the batch after the app has closed
    assert held.ended.wait(15)
    assert not app.is_running
    assert get_workspace(seeded, "Acme EU").people < 5_000  # stopped between batches, kept what it wrote


def consecutive(pilot: Pilot, first: int) -> list[str]:
    """The people from number `first` on, as many as the table has rows."""
    return [f"person{i:04d}@example.com" for i in range(first, first + table(pilot).row_count)]


def status(pilot: Pilot) -> str:
    return str(pane(pilot).query_one("#people-status", Static).content)


@pilot_test
async def test_paging_reads_pages_as_you_scroll_and_holds_a_bounded_window(seeded: Database, tmp_path: Path) -> None:
    add_many(seeded, "Acme EU", 500, tmp_path)
    async with people_tab(seeded) as (_app, pilot):
        listing = table(pilot)
        assert listing.row_count == listing.window.page_size  # one page, not the workspace
        most = 0
        for _ in range(40):  # to the very end, a page at a time
            await press(pilot, "pagedown")
            most = max(most, listing.row_count, len(listing.window.rows))
            if listing.position(500) == 500:
                break
        assert column_text(pilot)[-1] == "person0499@example.com"
        assert most <= MAX_ROWS < 500
        assert listing.window.offset == 500 - listing.row_count > 0
        assert column_text(pilot) == consecutive(pilot, listing.window.offset)
        assert "500 of 500" in status(pilot)

        offset = listing.window.offset
        for _ in range(30):  # back up a page at a time until the page above is read again
            await press(pilot, "pageup")
            if listing.window.offset < offset:
                break
        assert listing.window.offset < offset
        assert listing.row_count <= MAX_ROWS
        assert column_text(pilot) == consecutive(pilot, listing.window.offset)

        await press(pilot, "home")
        assert listing.window.offset == 0 and listing.cursor_row == 0
        assert column_text(pilot)[0] == "person0000@example.com"


@pilot_test
@pytest.mark.parametrize(("end", "home"), [("end", "home"), ("G", "g")])
async def test_end_and_home_jump_to_the_last_and_first_person_of_the_whole_workspace(
    seeded: Database, tmp_path: Path, end: str, home: str
) -> None:
    add_many(seeded, "Acme EU", 500, tmp_path)
    async with people_tab(seeded) as (_app, pilot):
        listing = table(pilot)
        await press(pilot, end)
        assert listing.window.more_above and listing.row_count == listing.window.page_size  # one read, at the end
        assert column_text(pilot)[-1] == "person0499@example.com"
        assert listing.cursor_row == listing.row_count - 1 and "500 of 500" in status(pilot)
        assert column_text(pilot) == consecutive(pilot, 500 - listing.row_count)

        for _ in range(40):  # up across page boundaries: the pages above are read backwards
            await press(pilot, "pageup")
            if listing.position(500) == 1:
                break
        assert column_text(pilot)[listing.cursor_row] == "person0000@example.com" and "1 of 500" in status(pilot)
        assert listing.row_count <= MAX_ROWS and not listing.window.more_above
        first = 500 - listing.window.tail - listing.row_count  # type: ignore[operator]
        assert first == 0 and column_text(pilot) == consecutive(pilot, 0)

        await press(pilot, end, home)
        assert listing.cursor_row == 0 and listing.window.offset == 0
        assert column_text(pilot)[0] == "person0000@example.com" and "1 of 500" in status(pilot)


@pilot_test
async def test_end_under_a_filter_goes_to_its_last_match_and_down_after_it_reads_on(
    seeded: Database, tmp_path: Path
) -> None:
    add_many(seeded, "Acme EU", 500, tmp_path)
    async with people_tab(seeded) as (_app, pilot):
        listing = table(pilot)
        await press(pilot, "slash")
        await type_into(pilot, "#people-filter-input", "person02")
        await press(pilot, "enter", "end")
        assert column_text(pilot)[listing.cursor_row] == "person0299@example.com"
        await press(pilot, "home", "end", "up")
        assert column_text(pilot)[listing.cursor_row] == "person0298@example.com"
        assert listing.has_focus


@pilot_test
async def test_key_value_finds_people_by_an_attribute_and_the_status_counts_them(sample: Database) -> None:
    async with people_tab(sample) as (_app, pilot):
        await press(pilot, "slash")
        await type_into(pilot, "#people-filter-input", "plan:PRO")
        await press(pilot, "enter")
        await until(pilot, lambda: "2 of 5 match" in status(pilot))
        assert column_text(pilot) == ["ada@example.com", "dara@example.net"]
        assert status(pilot) == "plan is PRO · 2 of 5 match · 1 of 2"
        await press(pilot, "d", "y")  # deleting a match counts again
        await until(pilot, lambda: "1 of 4 match" in status(pilot))
        assert column_text(pilot) == ["dara@example.net"]


@pilot_test
async def test_a_search_no_index_serves_shows_its_progress_and_escape_stops_it(
    seeded: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_many(seeded, "Acme EU", 500, tmp_path)
    monkeypatch.setattr(people_list, "SCAN_CHUNK", 100)
    gate, stopped = threading.Event(), threading.Event()
    progress = PeopleTable._progress

    def held(self: PeopleTable, done: int, total: int) -> None:
        progress(self, done, total)
        gate.wait(30)
        try:
            progress(self, done, total)
        except Dropped:
            stopped.set()
            raise

    monkeypatch.setattr(PeopleTable, "_progress", held)
    async with people_tab(seeded) as (_app, pilot):
        await press(pilot, "slash")
        await type_into(pilot, "#people-filter-input", "city:Nowhere")
        await pilot.press("enter")  # (without waiting for the workers: one is held)
        await until(pilot, lambda: "searching… 100 of 500 scanned" in status(pilot))
        assert status(pilot).startswith("city is Nowhere · ")
        await pilot.press("escape")  # the user gives up: everyone again, the scan stops
        await until(pilot, lambda: len(column_text(pilot)) == 100 and "searching" not in status(pilot))
        gate.set()
        assert stopped.wait(30)
        assert table(pilot).has_focus


@pilot_test
async def test_the_periodic_refresh_does_not_scan_again_until_people_change(
    seeded: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_many(seeded, "Acme EU", 500, tmp_path)
    monkeypatch.setattr(people_list, "SCAN_CHUNK", 100)
    async with people_tab(seeded) as (_app, pilot):
        await press(pilot, "slash")
        await type_into(pilot, "#people-filter-input", "city:osaka")
        await press(pilot, "enter")
        listing = table(pilot)
        assert listing.costly and status(pilot).startswith("city is osaka · 125 of 500 match")
        pane(pilot).reload()  # what ctrl+r and the refresh every few seconds do
        assert listing.pending is None and pane(pilot).status.counted is not None
        await press(pilot, "d", "y")  # a change here reads and counts again
        await until(pilot, lambda: status(pilot).startswith("city is osaka · 124 of 499 match"))


@pilot_test
async def test_o_sorts_by_the_next_column_and_shift_o_reverses_the_header_says_which(sample: Database) -> None:
    async with people_tab(sample) as (_app, pilot):
        listing = table(pilot)
        await press(pilot, "o")  # created, newest first (all at one moment here: cio_id breaks the tie)
        assert listing.order == people_list.PeopleSort("created", descending=True)
        assert "created ▼" in [str(column.label) for column in listing.columns.values()]
        await press(pilot, "o")  # the first attribute column
        assert listing.order.column == "attr:first_name"
        assert column_text(pilot, "attr:first_name") == ["Ada", "Bo", "Chen", "Dara", MARKUP_VALUE]
        assert "first_name ▲" in [str(column.label) for column in listing.columns.values()]
        await press(pilot, "O")
        assert column_text(pilot, "attr:first_name") == [MARKUP_VALUE, "Dara", "Chen", "Bo", "Ada"]
        for _ in range(len(listing.sortable) - 2):
            await press(pilot, "o")
        assert listing.order == people_list.BY_IDENT  # round to the identifier again
        assert column_text(pilot)[0] == "ada@example.com"


@pilot_test
async def test_paging_and_end_work_under_an_attribute_order_ties_broken_by_cio_id(
    seeded: Database, tmp_path: Path
) -> None:
    add_many(seeded, "Acme EU", 500, tmp_path)
    order = people_list.PeopleSort("attr:city")
    everyone = [p.email for p in people_list.list_people(seeded, "Acme EU", limit=500, sort=order).people]
    async with people_tab(seeded) as (_app, pilot):
        listing = table(pilot)
        while listing.order != order:
            await press(pilot, "o")
        assert column_text(pilot) == everyone[: listing.row_count]
        await press(pilot, "end")
        assert column_text(pilot) == everyone[-listing.row_count :]
        for _ in range(15):  # back up across page boundaries, read backwards in this order
            await press(pilot, "pageup")
        first = 500 - listing.window.tail - listing.row_count  # type: ignore[operator]
        assert listing.window.more_above and column_text(pilot) == everyone[first : first + listing.row_count]
        assert status(pilot) == f"by city ▲ · {listing.position(500):,} of 500"


@pilot_test
async def test_switching_workspace_starts_over_and_clears_the_filter(sample: Database) -> None:
    async with people_tab(sample) as (app, pilot):
        await press(pilot, "slash")
        await type_into(pilot, "#people-filter-input", "ch")
        await press(pilot, "enter")
        await press(pilot, "w", "down", "enter")
        assert app.screen.query_one(PeoplePane).workspace.name == "Acme US"
        assert not app.screen.query_one("#people-filter").display
        assert not table(pilot).display  # Acme US has nobody: the empty state shows


def test_pane_keys_do_not_clash_with_the_main_screen_or_app() -> None:
    def keys(bindings) -> set[str]:
        return {key for binding in bindings for key in binding.key.split(",")}

    taken = keys(MainScreen.BINDINGS) | keys(SwitchboardApp.BINDINGS)
    assert not keys(PeoplePane.BINDINGS) & taken
    # A key the sidebar also binds does the same kind of thing there (n: new).
    sidebar = {
        key: binding.id.partition(".")[2] for binding in WorkspaceList.BINDINGS for key in binding.key.split(",")
    }
    for binding in PeoplePane.BINDINGS:
        for key in set(binding.key.split(",")) & set(sidebar):
            assert binding.id.partition(".")[2] == sidebar[key], key
    assert all(binding.description for binding in PeoplePane.BINDINGS)


@pilot_test
async def test_clearing_a_filter_that_matched_no_one_gives_the_list_its_keys_back(sample: Database) -> None:
    """Issue 10, bug 3: after `/ zzz Enter Escape` the pane kept no focus: a, Enter and arrows
    did nothing until `p`."""
    async with people_tab(sample) as (app, pilot):
        await press(pilot, "slash", *"zzz", "enter")
        await until(pilot, lambda: column_text(pilot) == [])
        await press(pilot, "escape")
        await until(pilot, lambda: "ada@example.com" in column_text(pilot))
        assert app.focused is app.query_one("#people-table")
        await press(pilot, "down", "enter")
        assert isinstance(app.screen, PersonScreen)


@pilot_test
async def test_columns_follow_the_data_after_an_import_and_ctrl_r(seeded: Database, tmp_path: Path) -> None:
    """Issue 10, bug 4: an import's new attributes did not get columns, old ones stayed, and
    long identifiers were cut, until switching workspace (ctrl+r did not help)."""
    add_many(seeded, "Acme EU", 30, tmp_path)
    async with people_tab(seeded) as (_app, pilot):
        listing = table(pilot)
        assert {"attr:plan", "attr:city"} <= {str(key.value) for key in listing.columns}
        rows = [[f"a.much.longer.identifier.{i:04d}@bigco.example.com", "Ann", "VIP"] for i in range(60)]
        import_people(seeded, "Acme EU", write_csv(tmp_path / "more.csv", ["email", "first_name", "tier"], rows))
        await press(pilot, "ctrl+r")
        await until(pilot, lambda: "attr:first_name" in {str(key.value) for key in listing.columns})
        keys = {str(key.value) for key in listing.columns}
        assert {"attr:first_name", "attr:tier"} <= keys
        ident = listing.columns[next(key for key in listing.columns if str(key.value) == "ident")]
        assert ident.width >= len("a.much.longer.identifier.0000@bigco.example.com")


@pilot_test
async def test_person_card_shows_subscription_and_devices_from_the_track_api(sample: Database) -> None:
    """T2/T4 in the app: the card says unsubscribed and lists device tokens, literally."""
    from tui.core import track
    from tui.core.track import Operation
    from tui.core.track_identifiers import Ref

    shop = get_workspace(sample, "Acme EU")
    device = {"id": "[b]tok[/b]", "platform": "ios"}
    ref = Ref("path", "bo@example.com")
    track.apply(
        sample,
        shop.id,
        [Operation("identify", ref, {"unsubscribed": True}), Operation("add_device", ref, {"device": device})],
    )
    async with people_tab(sample) as (app, pilot):
        await press(pilot, "down", "enter")
        assert isinstance(app.screen, PersonScreen)
        await until(pilot, lambda: "unsubscribed" in str(app.screen.query_one("#person-card", Static).content))
        assert "devices [b]tok[/b] (ios)" in str(app.screen.query_one("#person-card", Static).content)

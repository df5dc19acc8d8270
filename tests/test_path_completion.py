"""Tab completes the path in the import dialog's file field, as a shell does (issue 10): the
common start of the matching names, a folder with its `/`, only the files it can import, hidden
names only when asked for; with nothing to complete, Tab moves on."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_factory import pilot_test, press, seed, type_into
from people_helpers import people_tab
from textual.widgets import Input, Static

from tui.core.db import Database
from tui.dialogs.import_people import ImportPeopleDialog
from tui.parts.path_completion import complete_path

IMPORTABLE = frozenset({".csv", ".jsonl", ".ndjson"})


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    (tmp_path / "exports").mkdir()
    for name in ("people-march.csv", "people-april.csv", "notes.txt", "leads.jsonl", ".hidden.csv"):
        (tmp_path / "exports" / name).write_text("email\n", encoding="utf-8")
    (tmp_path / "exports" / "archive").mkdir()
    return tmp_path


def test_a_unique_match_completes_whole_and_a_folder_ends_with_a_slash(exports: Path) -> None:
    assert complete_path(f"{exports}/ex", IMPORTABLE) == f"{exports}/exports/"
    assert complete_path(f"{exports}/exports/le", IMPORTABLE) == f"{exports}/exports/leads.jsonl"
    assert complete_path(f"{exports}/exports/ar", IMPORTABLE) == f"{exports}/exports/archive/"


def test_several_matches_complete_as_far_as_they_agree(exports: Path) -> None:
    assert complete_path(f"{exports}/exports/p", IMPORTABLE) == f"{exports}/exports/people-"


def test_files_it_cannot_import_and_hidden_names_are_not_offered(exports: Path) -> None:
    assert complete_path(f"{exports}/exports/no", IMPORTABLE) == f"{exports}/exports/no"  # notes.txt
    assert complete_path(f"{exports}/exports/", IMPORTABLE) == f"{exports}/exports/"  # several, no common start
    assert complete_path(f"{exports}/exports/.h", IMPORTABLE) == f"{exports}/exports/.hidden.csv"


def test_the_home_folder_is_kept_as_typed(exports: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(exports))
    assert complete_path("~/exports/le", IMPORTABLE) == "~/exports/leads.jsonl"


def test_a_folder_that_cannot_be_read_completes_nothing(tmp_path: Path) -> None:
    assert complete_path(f"{tmp_path}/missing/pe", IMPORTABLE) == f"{tmp_path}/missing/pe"


@pilot_test
async def test_tab_in_the_import_file_field_completes_then_moves_on(db: Database, exports: Path) -> None:
    seed(db)
    async with people_tab(db) as (app, pilot):
        await press(pilot, "i")
        assert isinstance(app.screen, ImportPeopleDialog)
        await type_into(pilot, "#path", f"{exports}/ex")
        await press(pilot, "tab")
        field = app.screen.query_one("#path", Input)
        assert field.value == f"{exports}/exports/" and field.has_focus
        await press(pilot, "l", "tab")
        assert field.value == f"{exports}/exports/leads.jsonl"
        assert str(app.screen.query_one("#path-note", Static).content).startswith("JSON Lines file")
        await press(pilot, "tab")  # nothing more to complete: on to the buttons
        assert not field.has_focus


@pilot_test
async def test_the_import_dialog_says_why_a_path_cannot_be_imported_once(db: Database, tmp_path: Path) -> None:
    """Issue 10, bug 8: the import dialog showed its error twice (under the field and again below)."""
    seed(db)
    async with people_tab(db) as (app, pilot):
        await press(pilot, "i")
        dialog = app.screen
        assert isinstance(dialog, ImportPeopleDialog)
        await type_into(pilot, "#path", f"{tmp_path}/missing.csv")
        await press(pilot, "enter")
        assert app.screen is dialog  # nothing to import: it stays open
        shown = [str(static.render()) for static in dialog.query(Static) if static.display]
        assert sum("there is no file at" in text for text in shown) == 1
        assert dialog.query_one("#path-note").has_class("-bad")

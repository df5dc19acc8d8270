"""One vocabulary of keys (issue 10): every binding has an id, a verb has one key in every pane,
navigation keys never act, README's table is the app's, users rebind keys by id, the footer never
cuts a key and F1 lists the pane's keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_factory import make_app, noting, pilot_test, press, running, seed, type_into
from textual.widgets import Input, Static
from textual.widgets._footer import FooterKey

from tui import key_table
from tui.config import Settings, SettingsError, load_settings, save_settings, settings_path
from tui.core.db import Database
from tui.core.people import add_person
from tui.core.people_list import list_people
from tui.core.workspaces import list_workspaces
from tui.dialogs.add_person import AddPersonDialog
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.help import HelpDialog
from tui.dialogs.send_mode import SendModeDialog
from tui.parts.keys import NAVIGATION, VERBS, key_of, moves_only, verb_of

README = Path(__file__).parent.parent / "README.md"


def test_every_binding_has_an_id_and_one_id_means_one_key() -> None:
    keys_by_id: dict[str, set[str]] = {}
    for binding in key_table.bindings():
        assert binding.id, f"{binding.key} -> {binding.action} has no id: it cannot be rebound"
        assert binding.id.partition(".")[0] in key_table.PANES, f"{binding.id}: its pane is not in the table"
        keys_by_id.setdefault(binding.id, set()).add(binding.key)
    assert {name: keys for name, keys in keys_by_id.items() if len(keys) > 1} == {}


def test_a_verb_has_the_same_key_in_every_pane() -> None:
    """new is n, edit e, delete d, open Enter, filter /, refresh ctrl+r ... wherever they appear."""
    wrong = {
        binding.id: binding.key
        for binding in key_table.bindings()
        if (verb := verb_of(binding.id or "")) and key_of(binding) != VERBS[verb]
    }
    assert wrong == {}
    verbs_used = {verb_of(binding.id or "") for binding in key_table.bindings()}
    assert {"new", "edit", "delete", "open", "filter", "refresh"} <= verbs_used


def test_a_letter_key_means_one_kind_of_thing_in_every_pane() -> None:
    """`r` renames wherever it is bound, `s` starts or stops, `y` copies... The answers of a yes/no
    question (y, n) and Enter/Escape (go on, go back) are the only keys whose meaning is the dialog's."""
    answers = {"confirm", "remove_action"}
    same_kind = {"stop": "start", "unarchive": "archive", "copy": "duplicate"}
    meanings: dict[str, set[str]] = {}
    for binding in key_table.bindings():
        pane, _, name = (binding.id or "").partition(".")
        if pane in answers or moves_only(binding.id or ""):
            continue
        for key in binding.key.split(","):
            if (key := key.strip()) not in {"enter", "escape", "f1", "question_mark"}:
                meanings.setdefault(key, set()).add(same_kind.get(name, name))
    assert {key: names for key, names in meanings.items() if len(names) > 1} == {}


def test_navigation_keys_only_move() -> None:
    acting = {
        binding.id: binding.key
        for binding in key_table.bindings()
        if not moves_only(binding.id or "") and set(binding.key.split(",")) & NAVIGATION
    }
    assert acting == {}


def test_readme_shows_the_apps_key_table() -> None:
    text = README.read_text(encoding="utf-8")
    start = text.index("\n", text.index(key_table.START_MARK)) + 1
    shown = text[start : text.index(key_table.END_MARK)].strip()
    assert shown == key_table.markdown().strip(), "README's key table is stale: python -m tui.key_table README.md"


def test_the_keys_table_of_the_settings_file_is_kept_when_the_theme_is_saved(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    save_settings(Settings(theme="daybreak", keys={"people.new": "a", "campaigns.send_now": "ctrl+g,f5"}), path)
    assert load_settings(path) == Settings(
        theme="daybreak", keys={"people.new": "a", "campaigns.send_now": "ctrl+g,f5"}
    )


@pytest.mark.parametrize("table", ['keys = "a"', '[keys]\n"people.new" = 3', '[keys]\n"people.new" = " , "'])
def test_a_keys_table_that_names_no_keys_is_refused_with_the_reason(tmp_path: Path, table: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(table + "\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="keys"):
        load_settings(path)


@pilot_test
async def test_a_key_rebound_in_the_settings_file_works_and_the_app_names_it(db: Database) -> None:
    save_settings(Settings(keys={"people.new": "A", "nothing.here": "z"}))
    seed(db)
    app = noting(make_app(db))
    async with running(db, app=app) as pilot:
        await press(pilot, "p")
        empty = app.screen.query_one("#people-empty", Static)
        assert "press A to add one" in str(empty.content), "the empty state names the key that works"
        assert any("nothing.here" in note for note in app.notes), "an unknown id is reported"  # type: ignore[attr-defined]
        await press(pilot, "n")  # the old key does nothing now
        assert not isinstance(app.screen, AddPersonDialog)
        await press(pilot, "A")
        assert isinstance(app.screen, AddPersonDialog)
    assert "people.new" in settings_path().read_text(encoding="utf-8")


def footer_text(app: object) -> list[str]:
    screen = app.screen  # type: ignore[attr-defined]
    return [f"{key.key_display} {key.description}" for key in screen.query(FooterKey)]


@pilot_test
async def test_the_footer_never_cuts_a_key_and_says_when_there_are_more(db: Database) -> None:
    seed(db)
    async with running(db, size=(80, 24)) as pilot:
        await press(pilot, "w")
        narrow = footer_text(pilot.app)
        assert narrow[-1] == "f1 More"
        assert sum(len(key) + 1 for key in narrow) <= 80
    async with running(db, size=(200, 50)) as pilot:
        await press(pilot, "w")
        wide = footer_text(pilot.app)
        assert wide[-1] == "f1 Help" and len(wide) > len(narrow)
        assert set(narrow[:-1]) <= set(wide)


@pilot_test
async def test_f1_lists_the_focused_panes_keys_with_its_list_keys_and_ids(db: Database) -> None:
    seed(db)
    add_person(db, "Acme EU", email="ann@example.com")
    async with running(db) as pilot:
        await press(pilot, "p", "f1")
        help_dialog = pilot.app.screen
        assert isinstance(help_dialog, HelpDialog)
        rows = help_dialog.keys
        assert rows[0][1].startswith("Move through the people")  # the pane's list keys come first
        assert ("n", "Add a person to this workspace", "people.new") in rows
        assert ("d del", "Delete the highlighted person", "people.delete") in rows
        assert any(binding_id == "app.quit" for _, _, binding_id in rows)


@pilot_test
async def test_f1_at_80_columns_names_the_focused_pane_and_cuts_nothing(db: Database) -> None:
    seed(db)
    async with running(db, size=(80, 24)) as pilot:
        await press(pilot, "p", "f1")
        help_dialog = pilot.app.screen
        assert isinstance(help_dialog, HelpDialog)
        assert help_dialog.heading == "Keys · People"
        shown = str(help_dialog.query_one("#keys", Static).render())
        assert "…" not in shown
        words = set(shown.split())
        for _, description, binding_id in help_dialog.keys:
            assert not binding_id or binding_id in words
            assert set(description.split()) <= words  # wrapped, not cut
        lines = shown.splitlines()
        assert max(map(len, lines)) <= help_dialog.query_one("#keys").size.width


@pilot_test
async def test_d_in_people_deletes_the_highlighted_person_after_asking(db: Database) -> None:
    seed(db)
    workspace = "Acme EU"
    for email in ("ann@example.com", "bob@example.com"):
        add_person(db, workspace, email=email)
    async with running(db) as pilot:
        await press(pilot, "p", "d")
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await press(pilot, "n")  # No: nobody goes
        assert len(list_people(db, workspace).people) == 2
        await press(pilot, "d", "y")
        assert [p.email for p in list_people(db, workspace).people] == ["bob@example.com"]


@pilot_test
async def test_escape_on_a_form_with_changes_asks_before_throwing_them_away(db: Database) -> None:
    seed(db)
    async with running(db) as pilot:
        app = pilot.app
        await press(pilot, "p", "n", "escape")  # nothing typed: it just closes
        assert not isinstance(app.screen, AddPersonDialog)
        await press(pilot, "n")
        await type_into(pilot, "#identifier", "ann@example.com")
        await press(pilot, "escape")
        assert isinstance(app.screen, ConfirmDialog), "typed text is not thrown away without asking"
        await press(pilot, "n")  # No: back to the form, the text still there
        assert isinstance(app.screen, AddPersonDialog)
        assert app.screen.query_one("#identifier", Input).value == "ann@example.com"
        await press(pilot, "escape", "y")
        assert not isinstance(app.screen, (AddPersonDialog, ConfirmDialog))
    assert list_people(db, "Acme EU").people == []


@pilot_test
async def test_escape_after_a_changed_choice_asks_too(db: Database) -> None:
    """The walk-through: a send mode chosen with the arrows was thrown away without asking."""
    seed(db)
    async with running(db) as pilot:
        app = pilot.app
        await press(pilot, "w", "m", "escape")  # nothing changed: it just closes
        assert not isinstance(app.screen, SendModeDialog)
        await press(pilot, "m", "down", "escape")
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "y")
        assert not isinstance(app.screen, (SendModeDialog, ConfirmDialog))
    assert [ws.send_mode for ws in list_workspaces(db)] == ["normal"] * len(list_workspaces(db))

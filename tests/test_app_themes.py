"""Themes as data files, the settings file, and the theme choice persisting across runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_factory import make_app, palette, pilot_test, running, seed, settle

from tui.config import Settings, SettingsError, load_settings, save_settings, settings_path
from tui.core.db import Database
from tui.themes import ThemeFileError, bundled_themes_dir, load_theme_file, load_themes, user_themes_dir

OUR_THEMES = {"switchboard", "daybreak", "ember", "contrast"}


def test_the_bundled_themes_load_and_are_distinct() -> None:
    catalog = load_themes(bundled_themes_dir())
    assert catalog.problems == []
    themes = {theme.name: theme for theme in catalog.themes}
    assert set(themes) == OUR_THEMES
    assert not themes["daybreak"].dark
    assert len({(theme.primary, theme.background) for theme in themes.values()}) == len(themes)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('name = "x"\nprimary = "#fff"\nsparkle = 1\n', "unknown field(s) sparkle"),
        ('name = "Has Spaces"\nprimary = "#fff"\n', "'name' must be"),
        ('name = "x"\n', "'primary' is required"),
        ('name = "x"\nprimary = "not-a-colour"\n', "'primary' is not a colour"),
        ('name = "x"\nprimary = "#fff"\ndark = "yes"\n', "'dark' must be true or false"),
        ('name = "x"\nprimary = "#fff"\ntext_alpha = 3\n', "'text_alpha' must be a number from 0 to 1"),
        ('name = "x"\nprimary = "#fff"\nvariables = 1\n', "[variables] must map names to strings"),
        ('name = "x"\nprimary = \n', "is not valid TOML"),
        ('name = "x"\nprimary = "#fff"\nvariables = ' + "[" * 100_000 + "\n", "nests arrays or tables too deeply"),
    ],
)
def test_a_bad_theme_file_says_what_is_wrong(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ThemeFileError) as caught:
        load_theme_file(path)
    assert str(path) in str(caught.value) and problem in str(caught.value)


def test_user_themes_are_added_and_bad_ones_reported() -> None:
    folder = user_themes_dir()
    folder.mkdir(parents=True)
    (folder / "mine.toml").write_text('name = "mine"\nprimary = "#336699"\n', encoding="utf-8")
    (folder / "broken.toml").write_text("name = [", encoding="utf-8")
    catalog = load_themes()
    assert {theme.name for theme in catalog.themes} == OUR_THEMES | {"mine"}
    assert len(catalog.problems) == 1 and "broken.toml" in catalog.problems[0]


def test_a_settings_file_nested_too_deeply_is_refused_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("theme = " + "[" * 100_000, encoding="utf-8")
    with pytest.raises(SettingsError, match="nests arrays too deeply; using the defaults"):
        load_settings(path)


def test_settings_default_then_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    assert load_settings(path) == Settings()
    save_settings(Settings(theme='odd "name"'), path)
    assert load_settings(path).theme == 'odd "name"'


@pilot_test
async def test_the_chosen_theme_is_saved_and_used_next_time(db: Database) -> None:
    seed(db)
    async with running(db) as pilot:
        app = pilot.app
        assert app.theme == "switchboard"
        assert not settings_path().exists(), "starting the app writes nothing"
        await palette(pilot, "Change theme")
        await pilot.press("enter")
        await settle(pilot)
        await palette(pilot, "daybreak", open_it=False)
        await pilot.press("enter")
        await settle(pilot)
        assert app.theme == "daybreak"
    assert 'theme = "daybreak"' in settings_path().read_text(encoding="utf-8")

    again = make_app(db)
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert again.theme == "daybreak"


@pilot_test
async def test_the_environment_overrides_the_theme_for_one_run(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    save_settings(Settings(theme="ember"))
    monkeypatch.setenv("SWITCHBOARD_THEME", "contrast")
    async with running(db) as pilot:
        app = pilot.app
        assert app.theme == "contrast"
    assert load_settings().theme == "ember"


@pilot_test
async def test_a_broken_settings_file_or_unknown_theme_is_reported_not_fatal(db: Database) -> None:
    settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings_path().write_text("theme = ", encoding="utf-8")
    user_themes_dir().mkdir(parents=True)
    (user_themes_dir() / "broken.toml").write_text("primary = 1", encoding="utf-8")
    async with running(db) as pilot:
        app = pilot.app
        assert app.theme == "switchboard"
        messages = [str(notification.message) for notification in app._notifications]
        assert any("settings file" in message for message in messages)
        assert any("broken.toml" in message for message in messages)

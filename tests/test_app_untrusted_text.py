"""Pilot: names that look like markup or hold control characters render literally (rule 3)."""

from __future__ import annotations

from app_factory import palette, pilot_test, running, seed, settle
from sqlalchemy import update
from textual.command import CommandPalette
from textual.widgets import OptionList, Static

from tui.core.db import Database
from tui.core.models import Workspace
from tui.screens.main import MainScreen

MARKUP_NAMES = ("[@click=app.quit]y", "[bold red]x[/]")  # in list order


def screen_text(app) -> str:
    return app.export_screenshot()


@pilot_test
async def test_markup_looking_names_show_their_brackets_everywhere(db: Database) -> None:
    seed(db, [(MARKUP_NAMES[0], "email", "red"), (MARKUP_NAMES[1], "id", "blue")])
    async with running(db, size=(120, 30)) as pilot:
        app = pilot.app
        rows = [option.prompt.plain for option in app.screen.query_one(OptionList).options]
        assert MARKUP_NAMES[0] in rows[0] and MARKUP_NAMES[1] in rows[1]
        assert app.screen.title == f"Switchboard · {MARKUP_NAMES[0]}"
        pane = str(app.screen.query_one("#campaign-heading", Static).content)
        assert MARKUP_NAMES[0] in pane

        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.screen.title == f"Switchboard · {MARKUP_NAMES[1]}"
        await pilot.click("#workspace-list", offset=(4, 0))  # clicking it does not run app.quit
        await settle(pilot)
        assert app.is_running and app.screen.title == f"Switchboard · {MARKUP_NAMES[0]}"

        for key in ("r", "d", "k"):
            await pilot.press(key)
            await settle(pilot)
            texts = " ".join(str(static.content) for static in app.screen.query(Static))
            assert MARKUP_NAMES[0] in texts, key
            await pilot.press("escape")
            await settle(pilot)


@pilot_test
async def test_the_palette_shows_markup_names_literally(db: Database) -> None:
    seed(db, [(MARKUP_NAMES[0], "email", "red"), ("Plain", "id", "blue")])
    async with running(db, size=(120, 30)) as pilot:
        app = pilot.app
        await palette(pilot, "switch")
        shown = app.screen
        assert isinstance(shown, CommandPalette)
        prompts = [option.prompt.plain for option in shown.query_one(OptionList).options]
        assert any(f"Switch workspace: {MARKUP_NAMES[0]}" in prompt for prompt in prompts)


@pilot_test
async def test_control_characters_are_shown_as_visible_stand_ins(db: Database) -> None:
    seed(db, [("Tricky", "email", "red")])
    with db.write() as session:  # another tool wrote a name the core would refuse
        session.execute(update(Workspace).values(name="Tri\x1b[31mcky"))
    async with running(db, size=(120, 30)) as pilot:
        app = pilot.app
        main = app.screen
        assert isinstance(main, MainScreen)
        assert main.title == "Switchboard · Tri␛[31mcky"
        rows = [option.prompt.plain for option in main.query_one(OptionList).options]
        assert "Tri␛[31mcky" in rows[0]
        assert "\x1b" not in screen_text(app)

"""Pilot: the first run creates workspaces of both kinds; refusals show in the form."""

from __future__ import annotations

from app_factory import pilot_test, running, seed, settle, type_into
from textual.widgets import RadioButton, RadioSet, Static

from tui.core.db import Database
from tui.core.workspaces import list_workspaces
from tui.dialogs.create_workspace import CreateWorkspaceDialog
from tui.dialogs.secret import SecretDialog
from tui.screens.main import MainScreen
from tui.screens.welcome import WelcomeScreen


async def choose_kind(pilot, kind: str) -> None:
    radio = pilot.app.screen.query_one(RadioSet)
    radio.query_one(f"#by-{kind}").value = True
    await pilot.pause()


@pilot_test
async def test_first_run_creates_an_email_workspace_then_an_id_workspace(db: Database) -> None:
    async with running(db) as pilot:
        app = pilot.app
        assert isinstance(app.screen, WelcomeScreen)

        await type_into(pilot, "#workspace-name", "Acme EU")
        await choose_kind(pilot, "email")
        await pilot.click("#create")
        await settle(pilot)
        assert isinstance(app.screen, SecretDialog), "the tracking key is shown once"
        await pilot.press("escape")
        await settle(pilot)
        main = app.screen
        assert isinstance(main, MainScreen)
        assert main.current is not None and main.current.name == "Acme EU"

        await pilot.press("n")
        assert isinstance(app.screen, CreateWorkspaceDialog)
        await type_into(pilot, "#workspace-name", "Acme US")
        await choose_kind(pilot, "id")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert main.current is not None and main.current.name == "Acme US"

    kinds = {ws.name: ws.identify_by for ws in list_workspaces(db)}
    assert kinds == {"Acme EU": "email", "Acme US": "id"}


@pilot_test
async def test_a_kind_must_be_chosen_and_nothing_is_created_without_one(db: Database) -> None:
    async with running(db) as pilot:
        app = pilot.app
        await type_into(pilot, "#workspace-name", "Acme EU")
        await pilot.press("enter")
        await settle(pilot)
        error = app.screen.query_one("WorkspaceForm .error", Static)
        assert error.display and "by id or by email" in str(error.content)
        assert isinstance(app.screen, WelcomeScreen)
        app.screen.query_one("#by-email", RadioButton).value = True  # issue 10: the error stayed
        await pilot.pause()
        assert not error.display
    assert list_workspaces(db) == []


@pilot_test
async def test_a_refused_name_shows_the_core_error_in_the_dialog(db: Database) -> None:
    async with running(db) as pilot:
        app = pilot.app
        await type_into(pilot, "#workspace-name", "   ")
        await choose_kind(pilot, "id")
        await pilot.press("enter")
        await settle(pilot)
        error = app.screen.query_one("WorkspaceForm .error", Static)
        assert "workspace name is empty" in str(error.content)
        assert isinstance(app.screen, WelcomeScreen)
    assert list_workspaces(db) == []


@pilot_test
async def test_escape_closes_the_new_workspace_dialog_without_creating(db: Database) -> None:
    seed(db)
    async with running(db) as pilot:
        app = pilot.app
        await pilot.press("n")
        await type_into(pilot, "#workspace-name", "Never made")
        await pilot.press("escape", "y")  # a typed name goes only once the user agrees
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    assert "Never made" not in {ws.name for ws in list_workspaces(db)}


@pilot_test
async def test_the_arrow_keys_choose_the_kind_by_keyboard_alone(db: Database) -> None:
    """Issue 10 walk-through: Right moved a highlight and chose nothing, so Create said "choose"."""
    async with running(db) as pilot:
        app = pilot.app
        await type_into(pilot, "#workspace-name", "Acme EU")
        await pilot.press("tab", "right")  # to the kinds (id highlighted, none chosen), then email
        await settle(pilot)
        assert app.screen.query_one("#by-email", RadioButton).value
        await pilot.press("left")
        await settle(pilot)
        assert app.screen.query_one(RadioSet).pressed_button is app.screen.query_one("#by-id", RadioButton)
        await pilot.press("right", "tab", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SecretDialog)
    assert [(ws.name, ws.identify_by) for ws in list_workspaces(db)] == [("Acme EU", "email")]

"""Pilot: switching, renaming, recolouring, send mode, deleting, credentials, refresh."""

from __future__ import annotations

from app_factory import main_of, make_app, palette, pilot_test, press, running, seed, settle, type_into, until
from textual.widgets import Input, OptionList, RadioSet, Static

from tui.core.credentials import credentials, resolve_app_key, resolve_tracking_credentials
from tui.core.db import Database
from tui.core.workspaces import create_workspace, get_workspace, list_workspaces, rename_workspace
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.credentials import CredentialsDialog
from tui.dialogs.delete_workspace import DeleteWorkspaceDialog
from tui.dialogs.help import HelpDialog
from tui.dialogs.secret import SecretDialog
from tui.screens.main import MainScreen
from tui.widgets.people_pane import PeoplePane


@pilot_test
async def test_choosing_another_workspace_switches_header_and_panes(db: Database) -> None:
    seed(db)
    async with running(db) as pilot:
        app = pilot.app
        main = main_of(app)
        assert main.current.name == "Acme EU"
        await pilot.press("down", "enter")
        assert main.current.name == "Acme US"
        assert main.title == "Switchboard · Acme US"
        assert app.query_one(PeoplePane).workspace.name == "Acme US"
        assert "Acme US" in str(app.query_one("#campaign-heading", Static).content)


@pilot_test
async def test_the_palette_switches_workspace_by_name(db: Database) -> None:
    seed(db)
    async with running(db) as pilot:
        app = pilot.app
        await palette(pilot, "Switch workspace: Newsletter")
        await pilot.press("enter")
        await settle(pilot)
        assert main_of(app).current.name == "Newsletter"


@pilot_test
async def test_p_and_c_show_the_tabs_and_ctrl_b_folds_the_sidebar(db: Database) -> None:
    seed(db)
    async with running(db, size=(80, 24)) as pilot:
        app = pilot.app
        await pilot.press("c")
        assert app.screen.query_one("TabbedContent").active == "campaigns"
        assert app.focused.id == "campaigns-pane"
        await pilot.press("p")
        assert app.screen.query_one("TabbedContent").active == "people"
        await pilot.press("ctrl+b")
        assert not app.screen.query_one("#sidebar").display
        await pilot.press("w")
        assert app.screen.query_one("#sidebar").display
        assert app.focused.id == "workspace-list"


@pilot_test
async def test_rename(db: Database) -> None:
    seed(db)
    async with running(db) as pilot:
        app = pilot.app
        await pilot.press("r")
        await type_into(pilot, "#new-name", "Acme Europe")
        await pilot.press("enter")
        await settle(pilot)
        assert main_of(app).current.name == "Acme Europe"
    assert get_workspace(db, "Acme Europe").identify_by == "email"


@pilot_test
async def test_rename_to_a_taken_name_is_refused_in_the_dialog(db: Database) -> None:
    seed(db)
    async with running(db) as pilot:
        app = pilot.app
        await pilot.press("r")
        await type_into(pilot, "#new-name", "acme us")
        await pilot.press("enter")
        await settle(pilot)
        error = app.screen.query_one(".dialog > .error", Static)
        assert "already exists" in str(error.content)
        await pilot.press("escape", "y")  # what was typed goes, after asking
        await settle(pilot)
        assert main_of(app).current.name == "Acme EU"
    assert {ws.name for ws in list_workspaces(db)} == {"Acme EU", "Acme US", "Newsletter"}


@pilot_test
async def test_recolour_with_a_named_colour_and_a_hex_colour(db: Database) -> None:
    seed(db)
    async with running(db) as pilot:
        app = pilot.app
        await pilot.press("C")
        app.screen.query_one(OptionList).highlighted = 3  # purple
        await pilot.press("enter")
        await settle(pilot)
        assert get_workspace(db, "Acme EU").color == "purple"
        await pilot.press("C")
        await type_into(pilot, "#hex-colour", "#12ab34")
        await pilot.press("enter")
        await settle(pilot)
    assert get_workspace(db, "Acme EU").color == "#12ab34"


@pilot_test
async def test_send_mode_test_needs_a_valid_address(db: Database) -> None:
    seed(db)
    async with running(db) as pilot:
        app = pilot.app
        await pilot.press("m")
        app.screen.query_one(RadioSet).query_one("#test").value = True
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        error = str(app.screen.query_one(".dialog > .error", Static).content)
        assert error == "send mode 'test' needs a test address: the one address its emails go to"  # no CLI flags
        await type_into(pilot, "#test-address", "qa@")
        await pilot.press("enter")
        await settle(pilot)
        assert "not valid" in str(app.screen.query_one(".dialog > .error", Static).content)
        assert get_workspace(db, "Acme EU").send_mode == "normal"
        await type_into(pilot, "#test-address", "QA@Example.com")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    saved = get_workspace(db, "Acme EU")
    assert (saved.send_mode, saved.test_address) == ("test", "qa@example.com")


@pilot_test
async def test_delete_needs_the_typed_name(db: Database) -> None:
    seed(db)
    async with running(db) as pilot:
        app = pilot.app
        await pilot.press("d")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, DeleteWorkspaceDialog)
        what_goes = str(dialog.query_one("#what-goes", Static).content)
        assert "0 people, 0 campaigns and 0 messages" in what_goes

        await type_into(pilot, "#confirm-name", "Acme US")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        assert "does not match" in str(dialog.query_one(".dialog > .error", Static).content)
        assert len(list_workspaces(db)) == 3

        assert dialog.query_one("#confirm-name", Input).placeholder == "type Acme EU here"  # not like typed text
        await type_into(pilot, "#confirm-name", "acme eu")  # names ignore case (issue 10)
        await pilot.press("enter")
        await settle(pilot)
        main = main_of(app)
        assert [ws.name for ws in main.workspaces] == ["Acme US", "Newsletter"]
        assert main.current.name == "Acme US"
    assert {ws.name for ws in list_workspaces(db)} == {"Acme US", "Newsletter"}


@pilot_test
async def test_escape_backs_out_of_delete_without_deleting(db: Database) -> None:
    seed(db)
    async with running(db) as pilot:
        app = pilot.app
        await pilot.press("d")
        await type_into(pilot, "#confirm-name", "Acme EU")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    assert len(list_workspaces(db)) == 3


@pilot_test
async def test_deleting_the_last_workspace_returns_to_the_welcome_screen(db: Database) -> None:
    seed(db, [("Only", "id", "red")])
    async with running(db) as pilot:
        app = pilot.app
        await pilot.press("d")
        await type_into(pilot, "#confirm-name", "Only")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "WelcomeScreen"


@pilot_test
async def test_credentials_mask_keys_and_show_new_secrets_once(db: Database) -> None:
    seed(db)
    site_id = get_workspace(db, "Acme EU").site_id
    async with running(db) as pilot:
        app = pilot.app
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, CredentialsDialog)

        def shown(selector: str = "#credentials") -> str:
            return str(app.screen.query_one(selector, Static).content)

        assert site_id in shown() and "••••" in shown()
        assert "None yet: press n to add one." in shown("#app-keys-empty")
        # How to point a Track API client at this workspace (issue 12).
        assert f'CustomerIO("{site_id}", KEY, host="localhost", port=8443)' in shown("#track-api")

        await pilot.press("T", "y")
        await settle(pilot)
        secret_dialog = app.screen
        assert isinstance(secret_dialog, SecretDialog)
        tracking = secret_dialog.secret
        await pilot.press("y")
        assert app.clipboard == tracking
        await pilot.press("escape")
        assert tracking[-4:] in shown()
        assert tracking not in shown()

        await pilot.press("n")
        await type_into(pilot, "#label", "billing-service")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SecretDialog)
        app_key = app.screen.secret
        await pilot.press("enter", "escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    assert resolve_tracking_credentials(db, site_id, tracking) == "Acme EU"
    assert resolve_app_key(db, app_key) == "Acme EU"


@pilot_test
async def test_an_app_key_is_revoked_from_the_credentials_after_a_confirmation(db: Database) -> None:
    """Everything the CLI can do, the app can do: `d` revokes the highlighted App API key,
    after naming it; No keeps it."""
    seed(db)
    credentials(db, "Acme EU", add_app_key="billing-service")
    kept = credentials(db, "Acme EU", add_app_key="reports").app_api_key
    assert kept is not None
    async with running(db) as pilot:
        await press(pilot, "a")
        dialog = pilot.app.screen
        assert isinstance(dialog, CredentialsDialog)
        await press(pilot, "d")
        confirm = pilot.app.screen
        assert isinstance(confirm, ConfirmDialog) and "billing-service" in str(confirm.question)
        await press(pilot, "n")  # No: nothing changes
        assert [k.label for k in credentials(db, "Acme EU").app_api_keys] == ["billing-service", "reports"]
        await press(pilot, "d", "y")
        assert [k.label for k in credentials(db, "Acme EU").app_api_keys] == ["reports"]
        assert dialog.query_one("#app-keys", OptionList).option_count == 1
    assert resolve_app_key(db, kept) == "Acme EU"


@pilot_test
async def test_help_lists_the_keys_of_the_current_screen(db: Database) -> None:
    seed(db)
    async with running(db) as pilot:
        app = pilot.app
        await pilot.press("f1")
        assert isinstance(app.screen, HelpDialog)
        assert ("d", "Delete the current workspace", "sidebar.delete") in app.screen.keys
        await pilot.press("escape")
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpDialog)
        await pilot.press("question_mark")
        assert isinstance(app.screen, MainScreen)


@pilot_test
async def test_ctrl_r_shows_changes_made_by_another_process(db: Database) -> None:
    seed(db)
    async with running(db) as pilot:
        app = pilot.app
        create_workspace(db, "Made elsewhere", "id")
        rename_workspace(db, "Acme EU", "Acme Europe")
        await pilot.press("ctrl+r")
        await settle(pilot)
        main = main_of(app)
        assert "Made elsewhere" in {ws.name for ws in main.workspaces}
        assert main.current.name == "Acme Europe"


@pilot_test
async def test_the_list_reloads_on_its_own(db: Database) -> None:
    async with running(db, app=make_app(db, refresh_seconds=0.1)) as pilot:
        app = pilot.app
        assert app.screen.__class__.__name__ == "WelcomeScreen"
        create_workspace(db, "Made elsewhere", "email")
        shown = lambda: isinstance(app.screen, MainScreen) and app.screen.current is not None  # noqa: E731
        await until(pilot, shown, "the timer's reload to show the new workspace")
        assert main_of(app).current.name == "Made elsewhere"


@pilot_test
async def test_ctrl_q_quits_even_from_a_dialog(db: Database) -> None:
    seed(db)
    async with running(db) as pilot:
        app = pilot.app
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DeleteWorkspaceDialog)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running
    assert len(list_workspaces(db)) == 3


@pilot_test
async def test_the_sidebar_highlight_is_always_the_current_workspace(db: Database) -> None:
    """Issue 10, bug 1: after a switch from the palette the sidebar still highlighted the old
    row, and `d` asked to delete the current one while another row was highlighted."""
    seed(db)
    async with running(db) as pilot:
        app = pilot.app
        await palette(pilot, "Switch workspace: Newsletter")
        await pilot.press("enter")
        await settle(pilot)
        sidebar = app.query_one("#workspace-list", OptionList)
        assert main_of(app).current.name == "Newsletter"
        assert sidebar.highlighted_option.id == str(main_of(app).current.id)
        await pilot.press("w", "up")  # moving the highlight makes that workspace current
        await settle(pilot)
        assert sidebar.highlighted_option.id == str(main_of(app).current.id)
        current = main_of(app).current.name
        assert current != "Newsletter"
        await pilot.press("d")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, DeleteWorkspaceDialog) and dialog.workspace.name == current


@pilot_test
async def test_a_refresh_keeps_the_highlight_and_the_current_workspace(db: Database) -> None:
    """Issue 10, bug 2: the 3 s refresh replaced the list under a quick switch."""
    seed(db)
    async with running(db) as pilot:
        app = pilot.app
        await pilot.press("w", "down")
        main_of(app).action_reload()  # a refresh lands between the keys
        await pilot.press("enter")
        await settle(pilot)
        sidebar = app.query_one("#workspace-list", OptionList)
        assert main_of(app).current.name == "Acme US"
        assert sidebar.highlighted_option.id == str(main_of(app).current.id)

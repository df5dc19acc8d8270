"""Shared by the wizard and billing app tests: demo data, opening the wizard, stepping through it."""

from __future__ import annotations

from app_factory import settle, type_into
from textual.pilot import Pilot
from textual.widgets import Static

from tui.core.campaigns import list_campaigns
from tui.core.db import Database
from tui.core.demo import seed_demo
from tui.core.workspaces import list_workspaces
from tui.dialogs.import_wizard import ImportWizard
from tui.screens.main import MainScreen

Workflows = dict[tuple[str, str], list[tuple[int, int, str, int]]]


def demo(db: Database) -> Database:
    """The demo account, small: Acme EU (email) / Welcome series (5 actions), Acme US (id) /
    Onboarding (4 actions, draft) and Win-back, Mobile App, Newsletter (an archived campaign)."""
    seed_demo(db, people_per_workspace=4)
    return db


def workflows(db: Database) -> Workflows:
    """Every campaign's actions as (id, position, name, version): to prove nothing was written."""
    from tui.core.actions import list_actions

    return {
        (ws.name, c.name): [(a.id, a.position, a.name, a.version) for a in list_actions(db, ws.name, c.name)]
        for ws in list_workspaces(db)
        for c in list_campaigns(db, ws.name)
    }


def wizard_of(pilot: Pilot) -> ImportWizard:
    screen = pilot.app.screen
    assert isinstance(screen, ImportWizard), screen
    return screen


def db_of(pilot: Pilot) -> Database:
    """The database the app opened (its main screen holds it, under any dialogs)."""
    return next(screen.db for screen in pilot.app.screen_stack if isinstance(screen, MainScreen))


async def open_wizard(pilot: Pilot, workspace: str = "Acme US", campaign: str = "Onboarding") -> list[object]:
    """Push the wizard into `campaign`; returns a list that receives what it dismisses."""
    results: list[object] = []
    await settle(pilot)
    pilot.app.push_screen(ImportWizard(db_of(pilot), workspace, campaign), results.append)
    await settle(pilot)
    return results


async def pick(pilot: Pilot, typed: str) -> None:
    """Filter the current step's list by `typed` and pick the first row."""
    await type_into(pilot, "#{} PickList Input".format(wizard_of(pilot).query_one("ContentSwitcher").current), typed)
    await pilot.press("enter")
    await settle(pilot)


async def to_actions(pilot: Pilot, workspace: str = "Acme EU", campaign: str = "Welcome series") -> None:
    await pick(pilot, workspace)
    await pick(pilot, campaign)


async def to_place(pilot: Pilot, *keys: str) -> None:
    """From step 1 to step 4 over Acme EU / Welcome series, ticking with `keys` (default: the first two)."""
    await to_actions(pilot)
    await pilot.press(*(keys or ("space", "down", "space")), "enter")
    await settle(pilot)


def text_of(pilot: Pilot, selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Static).content)


def preview_of(pilot: Pilot) -> str:
    """The text of the action preview in step 3, its settings as `key value` lines."""
    texts = [str(static.content) for static in pilot.app.screen.query("ActionPreview Static").results(Static)]
    return "\n".join(texts)

"""Issue 10, bug 6: the action form fits 80x24 with its errors. Typing a long body keeps the
subject in sight, and an error (under a field or the dialog's own, two lines long) never pushes
Save and Cancel out of the dialog or gets cut."""

from __future__ import annotations

from app_factory import pilot_test, press, running, type_into
from campaign_helpers import WELCOME, seed_campaigns
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Static, TextArea

from tui.core.db import Database
from tui.dialogs.action_form import ActionFormDialog
from tui.widgets.campaign_list import CampaignList

SMALL = (80, 24)


def fully_shown(widget: Widget, within: Region) -> bool:
    """The widget's whole region is on screen, inside `within` and inside what its container shows
    (the form's fields scroll)."""
    region, container = widget.region, widget.parent
    assert isinstance(container, Widget)
    return bool(region) and within.contains_region(region) and container.region.contains_region(region)


async def email_form(pilot: Pilot) -> ActionFormDialog:
    await press(pilot, "c")
    names = [c.name for c in pilot.app.query_one(CampaignList).campaigns]
    await press(pilot, *["down"] * names.index(WELCOME), "enter", "n", "enter")
    dialog = pilot.app.screen
    assert isinstance(dialog, ActionFormDialog)
    return dialog


def buttons_shown(dialog: ActionFormDialog) -> bool:
    frame = dialog.query_one(".dialog").content_region
    return all(fully_shown(dialog.query_one(f"#{button}"), frame) for button in ("save", "cancel"))


@pilot_test
async def test_a_long_body_keeps_the_subject_in_sight_at_80x24(db: Database) -> None:
    seed_campaigns(db)
    async with running(db, size=SMALL) as pilot:
        dialog = await email_form(pilot)
        await type_into(pilot, "#setting-subject", "Still there?")
        body = dialog.query_one("#setting-body", TextArea)
        body.focus()
        await press(pilot, *[key for line in range(10) for key in (*f"line {line}", "enter")])
        assert body.text.count("\n") == 10
        subject = dialog.query_one("#setting-subject")
        assert fully_shown(subject, dialog.query_one(".dialog").content_region)
        assert buttons_shown(dialog)


@pilot_test
async def test_a_two_line_error_under_a_field_and_in_the_dialog_leave_save_and_cancel_shown(db: Database) -> None:
    seed_campaigns(db)
    async with running(db, size=SMALL) as pilot:
        dialog = await email_form(pilot)
        await type_into(pilot, "#action-name", "Follow-up")
        await type_into(pilot, "#setting-subject", "Hi {{ customer.first_name }")
        await press(pilot, "ctrl+s")
        error = dialog.query_one("#subject-error", Static)
        assert error.display and error.region.height == 2  # the template error, whole
        assert fully_shown(error, dialog.query_one(".dialog").content_region)
        assert buttons_shown(dialog)

        await type_into(pilot, "#setting-subject", "")
        await press(pilot, "ctrl+s")
        general = dialog.query_one(".dialog > .error", Static)
        assert general.display and "subject is missing or blank" in str(general.render())
        assert general.region.height >= 2 and fully_shown(general, dialog.query_one(".dialog").content_region)
        assert buttons_shown(dialog)

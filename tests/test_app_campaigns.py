"""Pilot: the Campaigns pane and the workflow view, checked against the database."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from datetime import timedelta

import pytest
from app_factory import make_app, noting, palette, pilot_test, press, seed, settle, type_into
from app_factory import running as app_running
from campaign_helpers import WELCOME, WELCOME_ACTIONS, WS, add_actions, seed_campaigns, seed_people
from sqlalchemy import update
from textual.pilot import Pilot
from textual.widgets import Input, Static, TextArea

from tui.core import templates
from tui.core.action_import import import_actions
from tui.core.actions import edit_action
from tui.core.campaigns import change_state, create_campaign, delete_campaign, get_campaign, list_campaigns
from tui.core.db import Database
from tui.core.messages import list_messages
from tui.core.models import Campaign
from tui.core.outbox import simulate_delivery
from tui.core.runtime import FixedClock
from tui.core.sending import send_campaign
from tui.dialogs.action_form import ActionFormDialog
from tui.dialogs.campaign_name import CampaignNameDialog
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.import_wizard import ImportWizard
from tui.dialogs.preview_message import PreviewDialog
from tui.dialogs.remove_action import RemoveActionDialog
from tui.screens.main import MainScreen
from tui.widgets.campaign_list import CampaignList, CampaignOptions
from tui.widgets.campaign_send import SendPanel
from tui.widgets.campaigns_pane import CampaignsPane
from tui.widgets.workflow_editor import WorkflowEditor
from tui.widgets.workflow_view import WorkflowStep, WorkflowView


def pane_of(pilot: Pilot) -> CampaignsPane:
    return pilot.app.query_one(CampaignsPane)


def editor_of(pilot: Pilot) -> WorkflowEditor:
    return pilot.app.query_one(WorkflowEditor)


def running(db: Database, size: tuple[int, int] = (100, 30)) -> AbstractAsyncContextManager[Pilot]:
    """The app on `db`, noting its notifications, once its first loads are done."""
    return app_running(db, size, app=noting(make_app(db)))


def notes(pilot: Pilot) -> str:
    return "\n".join(pilot.app.notes)


def shown(widget: Static) -> str:
    return str(widget.content)


async def open_campaign(pilot: Pilot, name: str) -> None:
    """From the start: the Campaigns tab, the campaign highlighted, Enter."""
    await press(pilot, "c")
    names = [c.name for c in pilot.app.query_one(CampaignList).shown]
    await press(pilot, *["down"] * names.index(name), "enter")
    assert pane_of(pilot).campaign is not None and pane_of(pilot).campaign.name == name


async def new_campaign(pilot: Pilot, name: str) -> None:
    """From the start: the Campaigns tab, a new campaign named `name` (it opens)."""
    await press(pilot, "c", "n")
    await type_into(pilot, "#campaign-name", name)
    await press(pilot, "enter")


def actions_of(db: Database, campaign: str = WELCOME) -> list[tuple[str, str]]:
    return [(a.type, a.name) for a in get_campaign(db, WS, campaign).actions]


async def fill_action(pilot: Pilot, name: str, **settings: str) -> None:
    """Fill the open action dialog (body goes into the text area) and save it."""
    await type_into(pilot, "#action-name", name)
    for key, value in settings.items():
        if key == "body":
            pilot.app.screen.query_one("#setting-body", TextArea).text = value
        else:
            await type_into(pilot, f"#setting-{key}", value)
    await press(pilot, "ctrl+s")


@pilot_test
async def test_the_empty_state_names_the_key_the_footer_shows(db: Database) -> None:
    seed(db)
    async with running(db, (80, 24)) as pilot:
        await press(pilot, "c")
        assert "No campaigns yet: press n to create one" in shown(pilot.app.query_one("#campaigns-empty", Static))
        assert pilot.app.screen.active_bindings["n"].binding.action == "new_campaign"
        await press(pilot, "n")
        assert isinstance(pilot.app.screen, CampaignNameDialog)


@pilot_test
async def test_create_a_campaign_with_an_email_a_delay_and_an_sms(db: Database) -> None:
    seed(db)
    async with running(db) as pilot:
        await new_campaign(pilot, "Onboarding")
        assert pane_of(pilot).campaign.name == "Onboarding"  # opened, empty
        await press(pilot, "n", "enter")  # email is the first type
        await fill_action(pilot, "Welcome", subject="Hi {{ customer.first_name }}", body="Hello,\nwelcome.")
        await press(pilot, "n", *["down"] * 4, "enter")  # delay is the last
        await fill_action(pilot, "Wait a day", duration="1d")
        await press(pilot, "n", "down", "enter")
        await fill_action(pilot, "Nudge", body="Still there?")
        campaign = get_campaign(db, WS, "Onboarding")
        assert [(a.position, a.type, a.name) for a in campaign.actions] == [
            (1, "email", "Welcome"),
            (2, "delay", "Wait a day"),
            (3, "sms", "Nudge"),
        ]
        assert campaign.actions[0].settings == {"subject": "Hi {{ customer.first_name }}", "body": "Hello,\nwelcome."}
        assert campaign.actions[1].settings == {"duration": "1d"}
        steps = pilot.app.query(WorkflowStep)
        assert [step.action.name for step in steps] == ["Welcome", "Wait a day", "Nudge"]
        assert steps[2].has_class("-selected")  # the one just added


@pilot_test
async def test_a_refused_action_changes_nothing(db: Database) -> None:
    seed(db)
    async with running(db) as pilot:
        await new_campaign(pilot, "Onboarding")
        await press(pilot, "n", *["down"] * 4, "enter")
        await fill_action(pilot, "Wait", duration="2 days")
        assert isinstance(pilot.app.screen, ActionFormDialog)
        assert "delay duration '2 days' is not valid" in shown(pilot.app.screen.query_one(".dialog > .error", Static))
        assert get_campaign(db, WS, "Onboarding").actions == ()


@pilot_test
async def test_move_an_action_down_and_up(db: Database) -> None:
    seed_campaigns(db)
    async with running(db) as pilot:
        await open_campaign(pilot, WELCOME)
        await press(pilot, "down", "shift+down")
        assert actions_of(db)[:3] == [("email", "Welcome"), ("sms", "Nudge"), ("delay", "Wait a day")]
        assert pilot.app.query_one(WorkflowView).selected == 2  # the selection follows the action
        await press(pilot, "K", "K")
        assert actions_of(db)[:3] == [("delay", "Wait a day"), ("email", "Welcome"), ("sms", "Nudge")]
        assert editor_of(pilot).check_action("move_action", (-1,)) is None  # the first cannot go up


@pilot_test
async def test_a_liquid_error_shows_under_its_field_and_saves_nothing_until_fixed(db: Database) -> None:
    seed_campaigns(db)
    before = get_campaign(db, WS, WELCOME).actions[0]
    async with running(db) as pilot:
        await open_campaign(pilot, WELCOME)
        await press(pilot, "e")
        await type_into(pilot, "#setting-subject", "Hi {{ customer.first_name ")
        await press(pilot, "ctrl+s")
        dialog = pilot.app.screen
        assert isinstance(dialog, ActionFormDialog)
        error = dialog.query_one("#subject-error", Static)
        assert error.display and "subject has a Liquid syntax error at line 1, column" in shown(error)
        assert dialog.query_one("#setting-subject").has_class("invalid")
        assert get_campaign(db, WS, WELCOME).actions[0] == before
        await type_into(pilot, "#setting-subject", "Hi {{ customer.first_name }}")
        await press(pilot, "ctrl+s")
        assert isinstance(pilot.app.screen, MainScreen)
        after = get_campaign(db, WS, WELCOME).actions[0]
        assert after.settings["subject"] == "Hi {{ customer.first_name }}"
        assert after.settings["body"] == before.settings["body"]


@pilot_test
async def test_start_then_send_now(db: Database) -> None:
    seed_campaigns(db)
    seed_people(db)
    async with running(db) as pilot:
        await open_campaign(pilot, WELCOME)
        assert pane_of(pilot).check_action("send_now", ()) is False  # a draft does not send
        assert "Draft: s starts it." in shown(pilot.app.query_one("#workflow-note", Static))
        await press(pilot, "s")
        assert get_campaign(db, WS, WELCOME).state == "running"
        # The note names the key that sends (it named a key that no longer did).
        assert "Running: S sends it now" in shown(pilot.app.query_one("#workflow-note", Static))
        await press(pilot, "S")
        # Issue 10 bug 5: it asks first, naming the workspace, campaign, people count and mode.
        assert isinstance(pilot.app.screen, ConfirmDialog)
        question = shown(pilot.app.screen.query_one(Static))
        assert f"Send campaign {WELCOME} of workspace {WS} to its 2 people now?" in question
        assert "Send mode normal: messages go to the people." in question
        await press(pilot, "n")
        assert list_messages(db, WS, campaign=WELCOME) == []  # no: nothing sent
        await press(pilot, "S")
        await press(pilot, "y")
        messages = list_messages(db, WS, campaign=WELCOME)
        assert len(messages) == 2 * 3  # two people, three message actions
        assert {m.status for m in messages} == {"queued", "scheduled", "failed"}  # the sms after a delay; Bob has none
        panel = pilot.app.query_one(SendPanel)
        assert "2 queued · 3 scheduled" in shown(panel.query_one("#send-status", Static))
        assert "1 failed" in shown(panel.query_one("#send-status", Static))
        await press(pilot, "S")
        await press(pilot, "y")
        assert "6 skipped" in shown(panel.query_one("#send-status", Static))


@pilot_test
async def test_only_allowed_state_changes_are_offered_and_refusals_are_shown(db: Database) -> None:
    seed_campaigns(db)
    async with running(db) as pilot:
        await open_campaign(pilot, WELCOME)
        pane = pane_of(pilot)
        assert pane.check_action("change_state", ("start",)) is True
        assert pane.check_action("change_state", ("stop",)) is False
        assert pane.check_action("change_state", ("unarchive",)) is False
        pane.action_change_state("stop")  # as a key would if the list were stale
        await settle(pilot)
        assert "is draft, so it cannot be stopped; from draft it can only be started or archived" in notes(pilot)
        change_state(db, WS, WELCOME, "archive")  # elsewhere, meanwhile
        await press(pilot, "s")
        assert "changed elsewhere, reload it and try again" in notes(pilot)
        assert get_campaign(db, WS, WELCOME).state == "archived"
        assert pane.campaign.state == "archived"  # reloaded
        assert pane.check_action("change_state", ("unarchive",)) is True


@pilot_test
async def test_an_archived_campaign_is_read_only(db: Database) -> None:
    seed_campaigns(db)
    async with running(db) as pilot:
        await open_campaign(pilot, "Old promo")
        pane = pane_of(pilot)
        assert "read-only" in shown(pilot.app.query_one("#workflow-note", Static))
        for action in ("add_action", "import_actions"):
            assert editor_of(pilot).check_action(action, ()) is None, action  # shown dimmed, not run
        assert pane.check_action("rename_campaign", ()) is None
        await press(pilot, "n")
        assert isinstance(pilot.app.screen, MainScreen)
        await press(pilot, "A")
        assert get_campaign(db, WS, "Old promo").state == "stopped"
        assert editor_of(pilot).check_action("add_action", ()) is True


@pilot_test
async def test_an_action_changed_elsewhere_is_not_overwritten(db: Database) -> None:
    seed_campaigns(db)
    async with running(db) as pilot:
        await open_campaign(pilot, WELCOME)
        first = get_campaign(db, WS, WELCOME).actions[0]
        edit_action(db, WS, WELCOME, first.id, name="Hello")  # elsewhere, meanwhile
        await press(pilot, "shift+down")
        assert "changed elsewhere, reload it and try again" in notes(pilot)
        assert actions_of(db)[0] == ("email", "Hello")  # not moved
        assert pane_of(pilot).campaign.actions[0].name == "Hello"  # reloaded


@pilot_test
async def test_an_edit_that_lost_a_race_reloads(db: Database) -> None:
    seed_campaigns(db)
    async with running(db) as pilot:
        await open_campaign(pilot, WELCOME)
        await press(pilot, "e")
        first = get_campaign(db, WS, WELCOME).actions[0]
        edit_action(db, WS, WELCOME, first.id, name="Hello")  # elsewhere, while the dialog is open
        await type_into(pilot, "#action-name", "Mine")
        await press(pilot, "ctrl+s")
        assert isinstance(pilot.app.screen, MainScreen)
        assert "changed elsewhere" in notes(pilot)
        assert actions_of(db)[0] == ("email", "Hello")


@pilot_test
async def test_remove_asks_first(db: Database) -> None:
    seed_campaigns(db)
    async with running(db) as pilot:
        await open_campaign(pilot, WELCOME)
        await press(pilot, "down", "d")
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await press(pilot, "n")
        assert len(actions_of(db)) == 5
        await press(pilot, "d", "y")
        assert [name for _, name in actions_of(db)] == ["Welcome", "Nudge", "Two more hours", "Tell the CRM"]


@pilot_test
async def test_rename_duplicate_and_delete_from_the_list(db: Database) -> None:
    seed_campaigns(db)
    async with running(db) as pilot:
        await open_campaign(pilot, WELCOME)
        await press(pilot, "escape")
        assert pilot.app.query_one(CampaignList).highlighted.name == WELCOME
        await press(pilot, "r")
        await type_into(pilot, "#campaign-name", "Hello series")
        await press(pilot, "enter", "y")
        names = [c.name for c in list_campaigns(db, WS)]
        assert "Hello series" in names and "Hello series (2)" in names
        assert pilot.app.query_one(CampaignList).highlighted.name == "Hello series (2)"
        await press(pilot, "d", "y")
        assert "Hello series (2)" not in [c.name for c in list_campaigns(db, WS)]


@pilot_test
async def test_preview_renders_for_a_chosen_person(db: Database) -> None:
    seed_campaigns(db)
    seed_people(db)
    async with running(db) as pilot:
        await open_campaign(pilot, WELCOME)
        await press(pilot, "v")
        dialog = pilot.app.screen
        assert isinstance(dialog, PreviewDialog)
        texts = [shown(s) for s in dialog.query("#rendered .text").results(Static)]
        assert texts == ["Welcome to Acme EU, Ada", "Hi Ada,\nglad you are here."]
        await type_into(pilot, "#person-ref", "bob@example.com")
        await press(pilot, "enter")
        texts = [shown(s) for s in dialog.query("#rendered .text").results(Static)]
        assert texts[0] == "Welcome to Acme EU, Bob"
        await press(pilot, "escape", "down")
        assert editor_of(pilot).check_action("preview", ()) is None  # a delay has nothing to preview


@pilot_test
async def test_preview_shows_the_text_and_why_the_message_would_fail(db: Database) -> None:
    seed_campaigns(db)
    seed_people(db)  # Ada has a phone, Bob has none
    async with running(db) as pilot:
        await open_campaign(pilot, WELCOME)
        await press(pilot, "down", "down", "v")  # step 3, the sms
        dialog = pilot.app.screen
        assert isinstance(dialog, PreviewDialog)
        assert not dialog.query("#rendered .failure")
        await type_into(pilot, "#person-ref", "bob@example.com")
        await press(pilot, "enter")
        texts = [shown(s) for s in dialog.query("#rendered .text").results(Static)]
        assert texts == ["Did you see our welcome email, Bob?"]
        failure = dialog.query_one("#rendered .failure", Static)
        assert "would fail: the person has no phone attribute, which an sms needs" in shown(failure)


@pilot_test
async def test_C4_preview_of_a_template_that_runs_too_long_says_it_stopped(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preview's render is bounded in time: the dialog shows why it stopped, and closing it
    and quitting wait for no render (the test ends instead of hanging on the worker thread)."""
    monkeypatch.setattr(templates, "RENDER_SECONDS", 0.05)
    seed_campaigns(db)
    seed_people(db)
    slow = '{% for a in (1..90000) %}{% assign t = "abc" | append: a | upcase %}{% endfor %}done'
    edit_action(db, WS, WELCOME, get_campaign(db, WS, WELCOME).actions[0].id, settings={"subject": "Hi", "body": slow})
    async with running(db) as pilot:
        await open_campaign(pilot, WELCOME)
        await press(pilot, "v")
        dialog = pilot.app.screen
        assert isinstance(dialog, PreviewDialog)
        failure = dialog.query_one("#rendered .failure", Static)
        assert "template stopped: rendering took more than 0.05 seconds" in shown(failure)
        await press(pilot, "escape")
        assert not isinstance(pilot.app.screen, PreviewDialog)


@pilot_test
async def test_enter_in_a_one_line_field_moves_on_and_ctrl_s_saves(db: Database) -> None:
    """Issue 10, bug 6: Enter in Name saved the whole action, then complained that the subject
    (whose placeholder looked filled in) was blank."""
    seed_campaigns(db)
    async with running(db) as pilot:
        await open_campaign(pilot, WELCOME)
        before = actions_of(db)
        await press(pilot, "n", "enter")  # an email action
        dialog = pilot.app.screen
        assert isinstance(dialog, ActionFormDialog)
        subject = dialog.query_one("#setting-subject", Input)
        assert subject.placeholder.startswith("e.g. ")
        await type_into(pilot, "#action-name", "Follow-up")
        await press(pilot, "enter")
        assert pilot.app.focused is subject and actions_of(db) == before  # nothing saved yet
        await type_into(pilot, "#setting-subject", "Still there")
        dialog.query_one("#setting-body", TextArea).text = "Hello again"
        await press(pilot, "ctrl+s")
        after = actions_of(db)
        assert len(after) == len(before) + 1 and ("email", "Follow-up") in after


@pilot_test
async def test_a_liquid_error_in_the_body_puts_the_cursor_where_it_is(db: Database) -> None:
    seed_campaigns(db)
    async with running(db) as pilot:
        await open_campaign(pilot, WELCOME)
        await press(pilot, "e")
        dialog = pilot.app.screen
        assert isinstance(dialog, ActionFormDialog)
        dialog.query_one("#setting-body", TextArea).text = "Hi,\n  {{ customer.first_name "
        await press(pilot, "ctrl+s")
        error = dialog.query_one("#body-error", Static)
        assert error.display and "body has a Liquid syntax error at line 2, column 3" in shown(error)
        body = dialog.query_one("#setting-body", TextArea)
        assert body.has_class("invalid") and body.has_focus and body.cursor_location == (1, 2)
        assert not dialog.query_one(".dialog > .error", Static).display


@pilot_test
async def test_imported_actions_are_highlighted_until_the_selection_moves(db: Database) -> None:
    seed_campaigns(db)
    async with running(db) as pilot:
        await open_campaign(pilot, "Spring sale")
        await press(pilot, "i")
        wizard = pilot.app.screen
        assert isinstance(wizard, ImportWizard)
        wizard.dismiss(import_actions(db, WS, "Spring sale", from_workspace=WS, from_campaign=WELCOME, action_ids=None))
        await settle(pilot)
        steps = list(pilot.app.query(WorkflowStep))
        assert len(steps) == 5 and all(step.has_class("-fresh") for step in steps)
        assert "Imported 5 actions into Spring sale" in notes(pilot)
        await press(pilot, "down")
        assert not any(step.has_class("-fresh") for step in pilot.app.query(WorkflowStep))


@pilot_test
async def test_switching_workspace_goes_back_to_its_list(db: Database) -> None:
    seed_campaigns(db)
    async with running(db) as pilot:
        await open_campaign(pilot, WELCOME)
        pilot.app.screen.switch_to(pilot.app.screen.workspaces[1].id)
        await settle(pilot)
        assert pane_of(pilot).campaign is None
        assert pilot.app.query_one(CampaignList).campaigns == ()
        assert "Acme US" in shown(pilot.app.query_one("#campaign-heading", Static))


@pilot_test
async def test_new_campaign_from_the_palette(db: Database) -> None:
    seed(db)
    async with running(db) as pilot:
        await palette(pilot, "New campaign")
        await press(pilot, "enter")
        await type_into(pilot, "#campaign-name", "From the palette")
        await press(pilot, "enter")
        assert [c.name for c in list_campaigns(db, WS)] == ["From the palette"]
        assert pane_of(pilot).campaign.name == "From the palette"


@pilot_test
async def test_markup_in_a_campaign_name_shows_literally(db: Database) -> None:
    seed_campaigns(db)
    async with running(db) as pilot:
        await open_campaign(pilot, "[bold red]x[/]")
        heading = pilot.app.query_one("#workflow-heading", Static).content
        assert "[bold red]x[/]" in str(heading)


@pilot_test
async def test_ctrl_r_shows_campaigns_made_elsewhere(db: Database) -> None:
    seed_campaigns(db)
    async with running(db) as pilot:
        await press(pilot, "c")
        create_campaign(db, WS, "From the CLI")
        await press(pilot, "ctrl+r")
        assert "From the CLI" in [c.name for c in pilot.app.query_one(CampaignList).campaigns]


@pilot_test
async def test_an_open_campaign_deleted_elsewhere_goes_back_to_the_list(db: Database) -> None:
    seed_campaigns(db)
    async with running(db) as pilot:
        await open_campaign(pilot, WELCOME)
        delete_campaign(db, WS, WELCOME, confirmed=True)
        await press(pilot, "ctrl+r")
        assert pane_of(pilot).campaign is None
        assert "no campaign named 'Welcome series'" in notes(pilot)
        assert WELCOME not in [c.name for c in pilot.app.query_one(CampaignList).campaigns]


# The list: filter, sort, kept figures (issue 10) ---------------------------------------------


def rows_of(pilot: Pilot) -> list[str]:
    return [option.prompt.plain for option in pilot.app.query_one(CampaignOptions).options]


def names_shown(pilot: Pilot) -> list[str]:
    return [c.name for c in pilot.app.query_one(CampaignList).shown]


@pilot_test
async def test_slash_filters_campaigns_by_name_and_escape_clears_with_the_focus_in_the_list(db: Database) -> None:
    seed_campaigns(db)
    async with running(db) as pilot:
        await press(pilot, "c", "slash")
        assert isinstance(pilot.app.focused, Input)
        await press(pilot, *"SAL")  # any case, any part of the name
        assert names_shown(pilot) == ["Spring sale"]
        assert "1 of 5 campaigns" in str(pilot.app.query_one("#campaign-heading", Static).content)
        await press(pilot, "enter")  # back to the list, the filter kept
        assert pilot.app.focused is pane_of(pilot) and names_shown(pilot) == ["Spring sale"]
        await press(pilot, "s")  # the keys act on the one shown: start it
        assert get_campaign(db, WS, "Spring sale").state == "running"

        await press(pilot, "slash", "z", "z", "z")
        assert names_shown(pilot) == [] and "No campaign's name contains this" in rows_or_note(pilot)
        await press(pilot, "escape")  # from the filter field: cleared, and the list has the keys
        assert pilot.app.focused is pane_of(pilot)
        assert len(names_shown(pilot)) == 5 and not pilot.app.query_one(CampaignList).filtering
        await press(pilot, "down", "enter")
        assert pane_of(pilot).opened and pane_of(pilot).campaign is not None


def rows_or_note(pilot: Pilot) -> str:
    return (
        shown(pilot.app.query_one("#campaigns-none-match", Static)) if not rows_of(pilot) else "\n".join(rows_of(pilot))
    )


@pilot_test
async def test_o_sorts_campaigns_by_name_newest_state_and_messages_sent(db: Database, clock: FixedClock) -> None:
    seed(db)
    for name in ["Beta", "alpha", "Gamma"]:
        clock.set(clock() + timedelta(minutes=1))
        create_campaign(db, WS, name)
    change_state(db, WS, "Gamma", "start")
    change_state(db, WS, "alpha", "archive")
    seed_people(db)
    change_state(db, WS, "Beta", "start")
    add_actions(db, WS, "Beta", WELCOME_ACTIONS[:1])
    send_campaign(db, WS, "Beta")
    simulate_delivery(db, "250 OK")
    async with running(db) as pilot:
        await press(pilot, "c")
        heading = pilot.app.query_one("#campaign-heading", Static)
        assert names_shown(pilot) == ["alpha", "Beta", "Gamma"] and "by name" in shown(heading)
        await press(pilot, "o")
        assert names_shown(pilot) == ["Gamma", "alpha", "Beta"] and "by newest" in shown(heading)
        await press(pilot, "o")
        assert names_shown(pilot) == ["Beta", "Gamma", "alpha"] and "by state" in shown(heading)  # running first
        await press(pilot, "o")
        assert names_shown(pilot)[0] == "Beta" and "by most sent" in shown(heading)
        await press(pilot, "o")
        assert names_shown(pilot) == ["alpha", "Beta", "Gamma"]


@pilot_test
async def test_each_row_shows_people_reached_and_messages_sent_and_failed_from_kept_counters(db: Database) -> None:
    seed(db)
    seed_people(db)
    create_campaign(db, WS, "Hello")
    add_actions(db, WS, "Hello", WELCOME_ACTIONS[:1])
    change_state(db, WS, "Hello", "start")
    send_campaign(db, WS, "Hello")
    simulate_delivery(db, "250 OK")
    with db.write() as session:  # the row reads the kept columns, not a count of the messages
        session.execute(update(Campaign).values(people_reached=1234, messages_delivered=5678, messages_failed=9))
    async with running(db, (160, 30)) as pilot:
        await press(pilot, "c")
        [row] = rows_of(pilot)
        assert " ".join(row.split()) == "RUNNING Hello 5,678 sent 9 failed 1,234 reached 1 actions"


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
@pilot_test
async def test_campaign_rows_fit_the_width_dropping_figures_least_useful_first(
    db: Database, size: tuple[int, int]
) -> None:
    seed_campaigns(db)
    create_campaign(db, WS, "A campaign with a rather long name that needs cutting somewhere")
    async with running(db, size) as pilot:
        await press(pilot, "c")
        options = pilot.app.query_one(CampaignOptions)
        words = [" ".join(row.split()) for row in rows_of(pilot)]
        assert all(len(row) <= options.scrollable_content_region.width for row in rows_of(pilot))
        assert all("sent" in row and "failed" in row for row in words)
        if size == (80, 24):
            assert not any("reached" in row or "actions" in row for row in words)
            assert any(row.rstrip().endswith("failed") and "…" in row for row in rows_of(pilot))
        else:
            assert all("reached" in row and "actions" in row for row in words)


# Confirm or undo (issue 10) ------------------------------------------------------------------


@pilot_test
async def test_start_stop_and_archive_act_at_once_and_u_undoes_them_from_the_notification(db: Database) -> None:
    seed_campaigns(db)
    async with running(db) as pilot:
        await press(pilot, "c", "slash", *"win", "enter")  # Win-back, running
        await press(pilot, "s")
        assert get_campaign(db, WS, "Win-back").state == "stopped"
        assert "Win-back is stopped now: u undoes it." in notes(pilot)
        await press(pilot, "u")
        assert get_campaign(db, WS, "Win-back").state == "running"
        assert "Undone: Win-back is running again." in notes(pilot)
        assert "u" not in pilot.app.screen.active_bindings  # one change, one undo

        await press(pilot, "escape", "slash", *"welcome", "enter", "A")  # a draft, archived
        assert get_campaign(db, WS, WELCOME).state == "archived"
        await press(pilot, "u")
        assert get_campaign(db, WS, WELCOME).state == "draft"  # back to a draft, which unarchive cannot do


@pilot_test
async def test_undo_is_offered_for_a_few_seconds_only(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tui.widgets.campaigns_pane.UNDO_SECONDS", 0.05)
    seed_campaigns(db)
    async with running(db) as pilot:
        await press(pilot, "c", "slash", *"win", "enter", "s")
        assert get_campaign(db, WS, "Win-back").state == "stopped"
        await pilot.pause(0.3)
        assert "u" not in pilot.app.screen.active_bindings
        await press(pilot, "u")
        assert get_campaign(db, WS, "Win-back").state == "stopped"


@pilot_test
async def test_removing_an_action_that_sent_messages_asks_whether_to_keep_them_and_keeps_them_by_default(
    db: Database,
) -> None:
    seed_campaigns(db)
    seed_people(db)
    change_state(db, WS, WELCOME, "start")
    send_campaign(db, WS, WELCOME)
    sent = len(list_messages(db, WS, campaign=WELCOME, limit=100))
    async with running(db) as pilot:
        await open_campaign(pilot, WELCOME)
        await press(pilot, "d")  # the email
        assert isinstance(pilot.app.screen, RemoveActionDialog)
        await press(pilot, "enter")  # the default: keep them
        assert actions_of(db)[0][1] == "Wait a day"
        assert len(list_messages(db, WS, campaign=WELCOME, limit=100)) == sent
        await press(pilot, "down", "d")  # the sms
        assert isinstance(pilot.app.screen, RemoveActionDialog)
        await press(pilot, "d")  # delete its messages too
        assert [name for _, name in actions_of(db)] == ["Wait a day", "Two more hours", "Tell the CRM"]
        assert len(list_messages(db, WS, campaign=WELCOME, limit=100)) == sent - 2
        await press(pilot, "up", "d")  # a delay sends nothing: a plain question
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await press(pilot, "n")

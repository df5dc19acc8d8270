"""Every state reads without colour (issue 10): ticked, chosen, selected, needs review, current
workspace and send mode are told apart by the text on the screen, not by colour alone. Each test
renders the screen as a terminal without colour would show it (the characters only) and compares
the two states."""

from __future__ import annotations

import io

from app_factory import make_app, pilot_test, press, running, seed, settle
from campaign_helpers import WELCOME, seed_campaigns, seed_import_needing_review
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import RadioSet
from wizard_helpers import demo, open_wizard, to_actions, wizard_of

from tui.core.db import Database
from tui.core.workspaces import update_workspace
from tui.widgets.campaign_list import CampaignList
from tui.widgets.workflow_view import WorkflowStep

CHOSEN = "▐●▌"  # a radio button's dot, between its sides


def plain_screen(pilot: Pilot) -> list[str]:
    """The screen's lines as characters only: what is left of it with every colour stripped."""
    app = pilot.app
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, color_system=None)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text(styles=False).splitlines()


def line_with(pilot: Pilot, text: str) -> str:
    lines = [line for line in plain_screen(pilot) if text in line]
    assert len(lines) == 1, f"{text!r} on {len(lines)} lines"
    return lines[0]


@pilot_test
async def test_a_ticked_action_in_the_wizard_reads_ticked_without_colour(db: Database) -> None:
    demo(db)
    async with make_app(db).run_test(size=(100, 30)) as pilot:
        await open_wizard(pilot)
        await to_actions(pilot)
        checklist = wizard_of(pilot).query_one("ActionChecklist")
        first = str(checklist.get_option_at_index(0).prompt)
        before = line_with(pilot, first)
        await press(pilot, "space")
        after = line_with(pilot, first)
        assert before != after
        assert "X" in after and "X" not in before


@pilot_test
async def test_the_identifier_kind_chosen_on_the_welcome_screen_reads_without_colour(db: Database) -> None:
    async with running(db, size=(80, 24)) as pilot:
        before = line_with(pilot, "▌ email")
        pilot.app.screen.query_one(RadioSet).focus()
        await press(pilot, "right", "space")  # from id (the first) to email, and choose it
        pressed = pilot.app.screen.query_one(RadioSet).pressed_button
        assert pressed is not None and pressed.id == "by-email"
        after = line_with(pilot, "▌ email")
        assert CHOSEN not in before and after.count(CHOSEN) == 1
        assert after.index(CHOSEN) > after.index("▌ id")  # the dot marks email, not id


@pilot_test
async def test_the_send_mode_chosen_reads_without_colour(db: Database) -> None:
    seed(db)
    update_workspace(db, "Acme EU", send_mode="never")
    async with running(db, size=(80, 24)) as pilot:
        await press(pilot, "m")
        screen = plain_screen(pilot)
        dotted = [line for line in screen if CHOSEN in line]
        assert len(dotted) == 1 and "never" in dotted[0].lower()


@pilot_test
async def test_the_selected_step_and_a_step_needing_review_read_apart_without_colour(db: Database) -> None:
    seed_campaigns(db)
    seed_import_needing_review(db)
    async with running(db, size=(100, 60)) as pilot:
        await press(pilot, "c")
        names = [c.name for c in pilot.app.query_one(CampaignList).campaigns]
        await press(pilot, *["down"] * names.index(WELCOME), "enter")
        steps = list(pilot.app.query(WorkflowStep))
        review = next(step for step in steps if step.action.needs_review)
        assert not steps[0].action.needs_review and steps[0].has_class("-selected")
        screen = "\n".join(plain_screen(pilot))
        assert screen.count("┏") == 1  # the selected step alone has a heavy border
        assert "Needs review" in screen  # the step needing review says so in words
        await press(pilot, *["down"] * steps.index(review))
        await settle(pilot)
        screen = "\n".join(plain_screen(pilot))
        assert screen.count("┏") == 1 and "Needs review" in screen


@pilot_test
async def test_the_current_workspace_and_its_send_mode_read_without_colour(db: Database) -> None:
    seed(db)
    update_workspace(db, "Acme US", send_mode="test", test_address="qa@example.com")
    async with running(db, size=(80, 24)) as pilot:
        await press(pilot, "p", "2")  # the second workspace, from another pane
        marked = [line for line in plain_screen(pilot) if line.startswith("▍")]
        assert marked and all("Acme EU" not in line for line in marked)
        assert "Acme US" in marked[0] and "TEST" in marked[0]

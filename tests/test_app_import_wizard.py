"""Pilot: the import-action wizard, end to end, backing out of each step, and core's refusals."""

from __future__ import annotations

import pytest
from app_factory import make_app, palette, pilot_test, running, settle, type_into
from textual.widgets import OptionList
from wizard_helpers import demo, open_wizard, pick, preview_of, text_of, to_actions, to_place, wizard_of, workflows

from tui.core.action_import import ImportResult
from tui.core.campaigns import change_state, delete_campaign, get_campaign
from tui.core.db import Database
from tui.dialogs.import_wizard.target_picker import TargetCampaignDialog
from tui.screens.main import MainScreen


@pilot_test
async def test_the_wizard_copies_the_ticked_actions_in_order_with_their_origin(db: Database) -> None:
    demo(db)
    source = get_campaign(db, "Acme EU", "Welcome series").actions
    app = make_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        results = await open_wizard(pilot)
        await to_actions(pilot)
        await pilot.press("down", "down", "space", "up", "up", "space", "enter")  # ticks 3 then 1
        await settle(pilot)
        await pilot.press("up", "up")  # from "at the end" to "after step 2"
        assert (
            text_of(pilot, "#sentence") == "Import 2 actions from Acme EU / Welcome series into Onboarding after step 2"
        )
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    [result] = results
    assert isinstance(result, ImportResult)
    workflow = get_campaign(db, "Acme US", "Onboarding").actions
    assert [a.name for a in workflow] == [
        "Account ready", "Two hours", "Welcome email", "Getting started", "Notify CRM", "First tip",
    ]  # fmt: skip
    copies = workflow[2:4]
    assert result.imported == tuple(a.id for a in copies)
    for copy, original in zip(copies, (source[0], source[2]), strict=True):
        assert copy.id != original.id
        assert (copy.type, copy.settings) == (original.type, original.settings)
        assert copy.imported_from is not None
        assert copy.imported_from | {"imported_at": None} == {
            "workspace": "Acme EU", "campaign": "Welcome series", "action_id": original.id, "imported_at": None,
        }  # fmt: skip


@pilot_test
async def test_from_the_palette_it_first_asks_for_the_target_campaign(db: Database) -> None:
    demo(db)
    async with running(db) as pilot:
        app = pilot.app
        await pilot.press("down", "enter")  # Acme US becomes current
        await palette(pilot, "Import actions")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TargetCampaignDialog)
        await type_into(pilot, "PickList Input", "win")
        await pilot.press("enter")
        await settle(pilot)
        assert wizard_of(pilot).campaign == "Win-back"
        await to_actions(pilot, "Mobile", "Re-eng")
        await pilot.press("asterisk", "enter")
        await settle(pilot)
        assert (
            text_of(pilot, "#sentence") == "Import 3 actions from Mobile App / Re-engagement into Win-back at the end"
        )
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    assert [a.name for a in get_campaign(db, "Acme US", "Win-back").actions] == [
        "We miss you", "A week", "What's new", "We miss you", "A week", "What's new",
    ]  # fmt: skip


@pytest.mark.parametrize("step", [1, 2, 3, 4])
@pilot_test
async def test_escape_backs_out_of_each_step_and_writes_nothing(db: Database, step: int) -> None:
    demo(db)
    before = workflows(db)
    app = make_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        results = await open_wizard(pilot)
        forward = [
            lambda: pick(pilot, "Acme EU"),
            lambda: pick(pilot, "Welcome"),
            lambda: pilot.press("asterisk", "enter"),
        ]
        for go in forward[: step - 1]:
            await go()
            await settle(pilot)
        assert wizard_of(pilot).step == step - 1
        for back in range(step - 1, 0, -1):
            await pilot.press("escape")
            assert wizard_of(pilot).step == back - 1
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    assert results == [None]
    assert workflows(db) == before


@pilot_test
async def test_going_back_and_on_again_keeps_the_ticks(db: Database) -> None:
    demo(db)
    app = make_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_wizard(pilot)
        await to_place(pilot, "down", "space")
        await pilot.press("escape", "escape")
        await pick(pilot, "Welcome")
        assert wizard_of(pilot).query_one("ActionChecklist").selected == [
            get_campaign(db, "Acme EU", "Welcome series").actions[1].id
        ]


@pilot_test
async def test_typing_filters_the_workspaces(db: Database) -> None:
    demo(db)
    app = make_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_wizard(pilot)
        listed = wizard_of(pilot).query_one("#source OptionList", OptionList)
        assert listed.option_count == 4
        assert "Acme US" in str(listed.get_option_at_index(3).prompt)  # the target's own workspace comes last
        await type_into(pilot, "#source PickList Input", "NEWS")
        assert listed.option_count == 1
        await type_into(pilot, "#source PickList Input", "nothing like it")
        assert listed.option_count == 0
        assert "Nothing matches 'nothing like it'" in text_of(pilot, "#source .empty")


@pilot_test
async def test_the_preview_shows_every_setting_and_what_needs_review(db: Database) -> None:
    demo(db)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_wizard(pilot, "Acme EU", "Welcome series")
        await to_actions(pilot, "Acme US", "Onboarding")
        preview = preview_of(pilot)
        assert "Your account {{ customer.id }} is ready" in preview
        assert "Sign in any time." in preview
        assert "Needs review in Acme EU: subject uses customer.id" in preview
        await pilot.press("down", "down")
        preview = preview_of(pilot)
        assert "POST" in preview and "https://crm.example.com/hooks/onboarded" in preview
        await pilot.press("down")
        assert "Needs review" not in preview_of(pilot)


@pilot_test
async def test_nothing_ticked_is_refused_in_the_wizard(db: Database) -> None:
    demo(db)
    app = make_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_wizard(pilot)
        await to_actions(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert wizard_of(pilot).step == 2
        assert "no action ticked" in text_of(pilot, ".dialog > .error")


@pytest.mark.parametrize(
    ("meanwhile", "said"),
    [
        (lambda db: change_state(db, "Acme US", "Onboarding", "archive"), "is archived, so it is read-only"),
        (
            lambda db: delete_campaign(db, "Acme EU", "Welcome series", confirmed=True),
            "no campaign named 'Welcome series'",
        ),
    ],
    ids=["target-archived", "source-deleted"],
)
@pilot_test
async def test_core_refusals_show_in_the_wizard(db: Database, meanwhile, said: str) -> None:
    demo(db)
    app = make_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_wizard(pilot)
        await to_place(pilot)
        meanwhile(db)
        before = workflows(db)
        await pilot.press("enter")
        await settle(pilot)
        wizard = wizard_of(pilot)
        assert wizard.step == 3
        assert said in text_of(pilot, ".dialog > .error")
        assert workflows(db) == before
        await pilot.press("escape")
        assert wizard.step == 2

"""Step 4: where the copies go in the target campaign; Enter confirms and imports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.core.action_import import ImportResult, import_actions
from tui.core.campaigns import ActionInfo, CampaignInfo, get_campaign
from tui.core.db import Database
from tui.dialogs.import_wizard.step import Choice, WizardStep
from tui.parts.literal import count, literal

MUTED = "$foreground-muted"


@dataclass(frozen=True)
class Place:
    position: int  # where the first copy goes, 1..n+1
    where: str  # for the sentence: "at the start", "after step 2", "at the end"
    label: Content


def places(workflow: Sequence[ActionInfo]) -> list[Place]:
    """At the start, after each step but the last, at the end (one place for an empty workflow)."""
    last = len(workflow)
    found = [Place(1, "at the start", Content("at the start"))] if last else []
    for step, action in enumerate(workflow[:-1], start=1):
        label = Content.assemble(f"after step {step}: ", literal(action.name))
        found.append(Place(step + 1, f"after step {step}", label))
    end = Content("at the end")
    if last:
        end = Content.assemble(end, Content.styled(f", after step {last}: ", MUTED), literal(workflow[-1].name, MUTED))
    return [*found, Place(last + 1, "at the end", end)]


def sentence(choice: Choice, campaign: str, where: str) -> Content:
    """'Import 3 actions from Acme EU / Welcome series into Onboarding after step 2'."""
    assert choice.source is not None and choice.campaign is not None
    return Content.assemble(
        f"Import {count(len(choice.actions), 'action')} from ",
        literal(choice.source.name, "bold"), " / ", literal(choice.campaign.name, "bold"),
        " into ", literal(campaign, "bold"), f" {where}",
    )  # fmt: skip


class PlaceList(OptionList):
    BINDINGS = [
        Binding(
            "enter", "select", "Import", tooltip="Import the ticked actions at the highlighted place", id="wizard.place"
        )
    ]


class PlaceStep(WizardStep):
    """Imports on Enter (one core call) and picks the ImportResult."""

    title = "Position"
    DEFAULT_CSS = """
    PlaceStep {
        PlaceList, PlaceList:focus { height: 1fr; border: none; padding: 0; background: transparent; }
        #sentence { margin-top: 1; padding: 0 1; background: $boost; border-left: outer $accent; }
        .note { color: $text-muted; padding: 0 1; }
    }
    """

    def __init__(self, db: Database, workspace: str, campaign: str, *, id: str) -> None:
        super().__init__(db, id=id)
        self.workspace = workspace
        self.campaign = campaign
        self.choice = Choice()
        self.busy = False
        self._places: list[Place] = []

    def compose(self) -> ComposeResult:
        yield Static(Content.assemble("Where in ", literal(self.campaign, "bold"), "?"), classes="prompt")
        yield PlaceList()
        yield Static(id="sentence")
        yield Static("Enter imports them; nothing is written before.", classes="note")

    def focus_main(self) -> None:
        self.query_one(PlaceList).focus()

    def enter(self, choice: Choice) -> None:
        """Load the target workflow to place `choice.actions` in."""
        self.choice = choice
        self.loading = True
        self.load()

    def load(self) -> None:
        self.run_core(partial(get_campaign, self.db, self.workspace, self.campaign), self._loaded)

    def run_import(self, position: int) -> None:
        choice = self.choice
        assert choice.source is not None and choice.campaign is not None
        run = partial(
            import_actions, self.db, self.workspace, self.campaign,
            from_workspace=choice.source.name, from_campaign=choice.campaign.name,
            action_ids=[a.id for a in choice.actions], position=position,
        )  # fmt: skip
        self.run_core(run, self._imported)

    def _imported(self, result: ImportResult) -> None:
        self.loading = self.busy = False
        self.pick(result)

    def _loaded(self, target: CampaignInfo) -> None:
        self.loading = False
        self._places = places(target.actions)
        options = self.query_one(PlaceList)
        options.set_options(Option(place.label) for place in self._places)
        options.highlighted = len(self._places) - 1
        self._show_sentence(options.highlighted)

    def core_failed(self, message: str) -> None:
        self.busy = False
        super().core_failed(message)

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_sentence(event.option_index)

    def _show_sentence(self, index: int) -> None:
        self.query_one("#sentence", Static).update(sentence(self.choice, self.campaign, self._places[index].where))

    @on(OptionList.OptionSelected)
    def _confirmed(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if not self.busy:
            self.busy = True
            self.loading = True
            self.run_import(self._places[event.option_index].position)

"""The import-action wizard: source workspace, campaign, actions, then where they go."""

from __future__ import annotations

from dataclasses import replace

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import ContentSwitcher, Static

from tui.core.action_import import ImportResult
from tui.core.db import Database
from tui.dialogs.dialog import Dialog
from tui.dialogs.import_wizard.actions_step import ActionsStep
from tui.dialogs.import_wizard.campaign_step import CampaignStep
from tui.dialogs.import_wizard.place_step import PlaceStep
from tui.dialogs.import_wizard.source_step import SourceStep
from tui.dialogs.import_wizard.step import Choice, WizardStep
from tui.parts.literal import count, literal

STEPS = ("source", "campaign", "actions", "place")


class ImportWizard(Dialog[ImportResult | None]):
    """Copies actions of any campaign into `campaign` of `workspace`; dismisses the
    ImportResult, or None when the user backs out. Nothing is written before the last step's Enter."""

    DEFAULT_CSS = """
    ImportWizard .dialog {
        width: 116;
        height: 34;
        max-width: 100%;
        max-height: 100%;
        padding: 0 1;
        & > .error { margin-top: 0; }
    }
    ImportWizard #trail { margin-bottom: 1; }
    ImportWizard ContentSwitcher { height: 1fr; }
    """
    BINDINGS = [
        Binding(
            "escape", "back", "Back", tooltip="Back one step; from the first, close without importing", id="wizard.back"
        )
    ]

    def __init__(self, db: Database, workspace: str, campaign: str) -> None:
        super().__init__()
        self.db = db
        self.workspace = workspace
        self.campaign = campaign
        self.choice = Choice()

    def compose_body(self) -> ComposeResult:
        yield Static(id="trail")
        with ContentSwitcher(initial=STEPS[0]):
            yield SourceStep(self.db, self.workspace, id="source")
            yield CampaignStep(self.db, id="campaign")
            yield ActionsStep(self.db, self.workspace, id="actions")
            yield PlaceStep(self.db, self.workspace, self.campaign, id="place")

    def on_mount(self) -> None:
        self.query_one(SourceStep).enter()
        self._show(0)

    @property
    def step(self) -> int:
        """The index of the step shown (0..3)."""
        return STEPS.index(self.query_one(ContentSwitcher).current or STEPS[0])

    def _show(self, index: int) -> None:
        switcher = self.query_one(ContentSwitcher)
        switcher.current = STEPS[index]
        step = switcher.query_one(f"#{STEPS[index]}", WizardStep)
        self.query_one(".dialog").border_title = f"Import actions · {index + 1}/{len(STEPS)} {step.title}"
        self.query_one("#trail", Static).update(self._trail(index))
        self.query_one(".dialog > .error", Static).display = False
        step.focus_main()

    def _trail(self, index: int) -> Content:
        """Into which campaign, and what has been picked before step `index`."""
        choice = self.choice
        picked: list[Content] = []
        if index > 0 and choice.source:
            picked.append(literal(choice.source.name))
        if index > 1 and choice.campaign:
            picked.append(literal(choice.campaign.name))
        if index > 2:
            picked.append(Content(count(len(choice.actions), "action")))
        muted = "$foreground-muted"
        source = Content(" › ").join(picked) if picked else Content.styled("pick below", muted)
        return Content.assemble(
            Content.styled("Into  ", muted), literal(self.campaign, "bold"),
            Content.styled(" in ", muted), literal(self.workspace), "\n",
            Content.styled("From  ", muted), source,
        )  # fmt: skip

    def on_wizard_step_picked(self, event: WizardStep.Picked) -> None:
        event.stop()
        step, value = event.step, event.value
        if isinstance(step, SourceStep):
            self.choice = Choice(source=value)
            self.query_one(CampaignStep).enter(value)
        elif isinstance(step, CampaignStep):
            self.choice = replace(self.choice, campaign=value, actions=())
            assert self.choice.source is not None
            self.query_one(ActionsStep).enter(self.choice.source.name, value)
        elif isinstance(step, ActionsStep):
            self.choice = replace(self.choice, actions=value)
            self.query_one(PlaceStep).enter(self.choice)
        else:
            self.dismiss(value)
            return
        self._show(self.step + 1)

    def on_wizard_step_failed(self, event: WizardStep.Failed) -> None:
        event.stop()
        self.show_error(event.message)

    def action_back(self) -> None:
        if self.query_one(PlaceStep).busy:
            return  # the import is under way: its outcome decides
        if self.step == 0:
            self.dismiss(None)
        else:
            self._show(self.step - 1)

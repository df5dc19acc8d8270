"""Step 3: tick the actions to copy; the highlighted one is previewed beside the list."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection

from tui.core.action_import import review_reason
from tui.core.actions import list_actions
from tui.core.campaigns import ActionInfo, CampaignSummary
from tui.core.db import Database
from tui.core.workspaces import get_workspace
from tui.dialogs.import_wizard.preview import ActionPreview, type_tag
from tui.dialogs.import_wizard.step import WizardStep
from tui.parts.keys import hint
from tui.parts.literal import literal
from tui.parts.toggle_marks import TickList


@dataclass(frozen=True)
class Loaded:
    campaign_id: int
    actions: list[ActionInfo]
    reviews: dict[int, str]  # action id -> why its copy would need review in the target
    target: str  # the target workspace's name as stored


class ActionChecklist(TickList[int]):
    """The source campaign's actions in workflow order; Enter goes on with the ticked ones."""

    BINDINGS = [
        Binding("space", "select", "Tick", tooltip="Tick or untick the highlighted action", id="wizard.tick"),
        Binding(
            "asterisk", "toggle_all", "All/none", tooltip="Tick every action, or untick them all", id="wizard.tick_all"
        ),
        Binding("enter", "done", "Next", tooltip="Go on with the ticked actions", id="wizard.next"),
    ]

    class Done(Message):
        """The user is done ticking."""

    def action_toggle_all(self) -> None:
        if len(self.selected) == self.option_count:
            self.deselect_all()
        else:
            self.select_all()

    def action_done(self) -> None:
        self.post_message(self.Done())


class ActionsStep(WizardStep):
    """Picks a tuple of ActionInfo (in source order) of the campaign given to `enter`."""

    title = "Actions"
    DEFAULT_CSS = """
    ActionsStep {
        & > Horizontal { height: 1fr; }
        ActionChecklist, ActionChecklist:focus { width: 1fr; max-width: 46; height: 1fr; border: none; padding: 0; }
        ActionPreview { width: 1fr; height: 1fr; margin-left: 1; }
    }
    """

    def __init__(self, db: Database, target: str, *, id: str) -> None:
        super().__init__(db, id=id)
        self.target = target
        self._loaded: Loaded | None = None
        self._campaign = ""

    def compose(self) -> ComposeResult:
        yield Static(classes="prompt")
        with Horizontal():
            yield ActionChecklist()
            yield ActionPreview()

    def focus_main(self) -> None:
        self.query_one(ActionChecklist).focus()

    def enter(self, workspace: str, campaign: CampaignSummary) -> None:
        """Load the actions of `campaign`; ticks stay when it is the campaign shown before."""
        self._campaign = campaign.name
        self.query_one(".prompt", Static).update(
            Content.assemble(
                "Which actions of ",
                literal(campaign.name, "bold"),
                hint(self.query_one(ActionChecklist), "? {wizard.tick} ticks one, {wizard.tick_all} ticks all."),
            )
        )
        self.loading = True
        self.load(workspace, campaign)

    def load(self, workspace: str, campaign: CampaignSummary) -> None:
        self.run_core(partial(self._read, workspace, campaign), self._show)

    def _read(self, workspace: str, campaign: CampaignSummary) -> Loaded:
        """In the worker thread."""
        target = get_workspace(self.db, self.target)
        actions = list_actions(self.db, workspace, campaign.name)
        # review_reason reads only the target's name and identify_by, which WorkspaceInfo has too.
        reasons = {a.id: review_reason(a.type, a.settings, target) for a in actions}  # type: ignore[arg-type]
        reviews = {action_id: reason for action_id, reason in reasons.items() if reason}
        return Loaded(campaign.id, actions, reviews, target.name)

    def _show(self, loaded: Loaded) -> None:
        checklist = self.query_one(ActionChecklist)
        same = self._loaded is not None and self._loaded.campaign_id == loaded.campaign_id
        ticked = set(checklist.selected) if same else set()
        self._loaded = loaded
        checklist.clear_options()
        checklist.add_options(
            Selection(self._label(action, loaded), action.id, action.id in ticked) for action in loaded.actions
        )
        checklist.highlighted = 0 if loaded.actions else None
        self.loading = False
        self._preview(0)

    @staticmethod
    def _label(action: ActionInfo, loaded: Loaded) -> Content:
        mark = Content.styled(" ⚠", "$text-warning") if action.id in loaded.reviews else ""
        return Content.assemble(f"{action.position:>2} ", type_tag(action.type), literal(action.name), mark)

    @on(SelectionList.SelectionHighlighted)
    def _highlighted(self, event: SelectionList.SelectionHighlighted[int]) -> None:
        self._preview(event.selection_index)

    def _preview(self, index: int) -> None:
        loaded = self._loaded
        shown = self.query_one(ActionPreview)
        if loaded is None:
            return
        if not loaded.actions:
            shown.note(
                Content.assemble(
                    "Campaign ", literal(self._campaign, "bold"), " has no actions, so there is nothing to import.\n\n",
                    Content.styled("Press Escape to pick another campaign.", "$foreground-muted"),
                )
            )  # fmt: skip
            return
        action = loaded.actions[index]
        shown.show(action, loaded.reviews.get(action.id), loaded.target)

    @on(ActionChecklist.Done)
    def _done(self) -> None:
        loaded = self._loaded
        if loaded is None:
            return
        ticked = set(self.query_one(ActionChecklist).selected)
        if not loaded.actions:
            self.post_message(self.Failed(f"campaign {self._campaign!r} has no actions: press Escape to pick another"))
        elif not ticked:
            self.post_message(self.Failed("no action ticked: space ticks the highlighted action, a ticks them all"))
        else:
            self.pick(tuple(a for a in loaded.actions if a.id in ticked))

"""A campaign's workflow drawn the way a visual workflow builder draws it: boxes joined by arrows."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from tui.core.campaigns import ActionInfo, CampaignInfo
from tui.core.states import CampaignState
from tui.parts.campaign_badges import state_badge, type_tag
from tui.parts.delivery_counts import delivery_counts
from tui.parts.keys import hint
from tui.parts.literal import count, literal
from tui.widgets.workflow_timing import entry_offsets, since_entry

NOTES = {
    CampaignState.DRAFT: "Draft: {campaigns.start} starts it. Only a running campaign sends.",
    CampaignState.RUNNING: "Running: {campaigns.send_now} sends it now to everyone who has no message from it yet.",
    CampaignState.STOPPED: "Stopped: {campaigns.start} starts it again.",
    CampaignState.ARCHIVED: "Archived, so read-only: {campaigns.unarchive} unarchives it before its actions can change.",
}
EMPTY = "No actions yet: press {workflow.new} to add one, or {workflow.import} to import actions from another campaign."
EMPTY_ARCHIVED = "No actions."


def origin(imported_from: dict[str, object]) -> Content:
    """`↳ imported from Acme US › Welcome series`."""
    return Content.assemble(
        "↳ imported from ",
        literal(str(imported_from.get("workspace", "?"))),
        " › ",
        literal(str(imported_from.get("campaign", "?"))),
    )


class WorkflowStep(Vertical):
    """One action as a box: type tag and name on the border, its summary, origin and review note inside.
    Its states read without colour: the selected step has a heavy border, a just-imported one a
    double border, one needing review says so in words."""

    DEFAULT_CSS = """
    WorkflowStep {
        width: 1fr;
        max-width: 80;
        height: auto;
        padding: 0 1;
        border: round $border-blurred;
        border-title-color: $foreground;
        border-subtitle-color: $text-muted;
        & > Static { text-wrap: nowrap; text-overflow: ellipsis; }
        & > .summary { color: $text-muted; }
        & > .origin { color: $text-secondary; }
        & > .review { color: $text-warning; text-wrap: wrap; }
        &.-review { border: round $warning; }
        &.-fresh { border: double $success; background: $success-muted 40%; }
        &.-selected { border: heavy $accent; background: $accent-muted 40%; }
    }
    """

    @dataclass
    class Clicked(Message):
        index: int

    def __init__(self, action: ActionInfo, index: int) -> None:
        super().__init__(classes="-review" if action.needs_review else "")
        self.action = action
        self.index = index
        self.border_title = Content.assemble(type_tag(action.type), " ", literal(action.name, "bold"))
        self.border_subtitle = f"step {action.position}"

    def compose(self) -> ComposeResult:
        action = self.action
        yield Static(literal(action.summary) if action.summary else Content("(empty)"), classes="summary")
        if action.imported_from:
            yield Static(origin(action.imported_from), classes="origin")
        if action.needs_review:
            reason = action.review_reason or "the import marked it"
            yield Static(Content.assemble("⚠ Needs review: ", literal(reason)), classes="review")

    def on_click(self, event: events.Click) -> None:
        self.post_message(self.Clicked(self.index))


class WorkflowView(Vertical):
    """The open campaign (`campaign`), with the step at `selected` highlighted and the actions
    whose ids are in `fresh` (just imported) marked."""

    DEFAULT_CSS = """
    WorkflowView {
        #workflow-heading { margin-bottom: 0; }
        #workflow-note { color: $text-muted; margin-bottom: 1; }
        #workflow-note.-archived { color: $text-warning; }
        #flow { height: 1fr; scrollbar-size-vertical: 1; align-horizontal: center; }
        .row { height: auto; max-width: 100; }
        .since { text-align: right; padding-right: 1; padding-top: 1; color: $text-accent; text-style: bold; }
        .arrow { width: 1fr; max-width: 80; height: 2; content-align: center top; color: $text-muted; }
    }
    """

    campaign: reactive[CampaignInfo | None] = reactive(None, recompose=True)
    selected: reactive[int] = reactive(0)
    fresh: reactive[frozenset[int]] = reactive(frozenset())

    def compose(self) -> ComposeResult:
        campaign = self.campaign
        if campaign is None:
            return
        yield Static(self._heading(campaign), id="workflow-heading")
        if campaign.messages:
            yield Static(delivery_counts(campaign.messages), id="workflow-counts")
        yield Static(hint(self, NOTES.get(campaign.state, "")), id="workflow-note", classes=f"-{campaign.state}")
        if not campaign.actions:
            yield Static(EMPTY_ARCHIVED if campaign.read_only else hint(self, EMPTY), classes="empty")
            return
        labels = [since_entry(offset) for offset in entry_offsets(campaign.actions)]
        width = max(map(len, labels)) + 1
        with VerticalScroll(id="flow", can_focus=False):
            for index, (action, label) in enumerate(zip(campaign.actions, labels, strict=True)):
                if index:
                    with Horizontal(classes="row"):
                        yield Static(classes="since").set_styles(f"width: {width};")
                        yield Static("│\n▼", classes="arrow")
                with Horizontal(classes="row"):
                    yield Static(label, classes="since").set_styles(f"width: {width};")
                    step = WorkflowStep(action, index)
                    step.set_class(index == self.selected, "-selected")
                    step.set_class(action.id in self.fresh, "-fresh")
                    yield step

    @staticmethod
    def _heading(campaign: CampaignInfo) -> Content:
        return Content.assemble(
            Content.styled("Campaigns › ", "$text-muted"),
            literal(campaign.name, "bold $text-primary"),
            "  ",
            state_badge(campaign.state),
            Content.styled(f"  {count(len(campaign.actions), 'action')}", "$text-muted"),
        )

    async def recompose(self) -> None:
        """Compose again (the campaign changed), keeping the selected step in view."""
        await super().recompose()
        self.call_after_refresh(self._scroll_to_selected)

    def watch_selected(self) -> None:
        for step in self.query(WorkflowStep):
            step.set_class(step.index == self.selected, "-selected")
        self._scroll_to_selected()

    def watch_fresh(self) -> None:
        for step in self.query(WorkflowStep):
            step.set_class(step.action.id in self.fresh, "-fresh")

    def _scroll_to_selected(self) -> None:
        for step in self.query(WorkflowStep):
            if step.index == self.selected:
                step.scroll_visible(animate=False)

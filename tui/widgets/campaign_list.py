"""The campaign list of a workspace: state, name and action count, or what to do when empty."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.core.campaigns import CampaignSummary
from tui.parts.campaign_badges import state_badge
from tui.parts.keys import hint
from tui.parts.literal import count, literal, row_detail

EMPTY_HEADLINE = "No campaigns yet: press {campaigns.new} to create one."
EMPTY_TEXT = Content.assemble(
    "\n",
    Content.styled(
        "A campaign is a workflow of emails, SMS, pushes, webhooks and delays that goes to everyone in the "
        "workspace once it runs.",
        "$text-muted",
    ),
)


def campaign_row(campaign: CampaignSummary) -> Content:
    return Content.assemble(
        state_badge(campaign.state, pad=True),
        " ",
        literal(campaign.name, "bold"),
        row_detail(f" · {count(campaign.actions, 'action')}"),
    )


class CampaignOptions(OptionList, can_focus=False):
    """The rows; the pane (which has the focus) moves the highlight."""


class CampaignList(Vertical):
    """`campaigns` as rows, keeping the highlight on the same campaign across reloads."""

    DEFAULT_CSS = """
    CampaignList {
        #campaign-heading { text-style: bold; color: $text-primary; margin-bottom: 1; }
        #campaigns-empty { display: none; }
        &.-empty #campaigns-empty { display: block; }
        &.-empty CampaignOptions { display: none; }
        CampaignOptions {
            height: 1fr;
            max-height: 100%;
            border: none;
            padding: 0;
            background: transparent;
            text-wrap: nowrap;
            text-overflow: ellipsis;
        }
    }
    """

    @dataclass
    class Chosen(Message):
        """A campaign was clicked: open it."""

        name: str

    campaigns: reactive[tuple[CampaignSummary, ...]] = reactive(())
    heading: reactive[Content] = reactive(Content(""))

    def compose(self) -> ComposeResult:
        yield Static(id="campaign-heading")
        yield CampaignOptions(compact=True)
        yield Static(Content.assemble(hint(self, EMPTY_HEADLINE).stylize("bold"), EMPTY_TEXT), id="campaigns-empty")

    def watch_heading(self, heading: Content) -> None:
        self.query_one("#campaign-heading", Static).update(heading)

    def watch_campaigns(self, campaigns: tuple[CampaignSummary, ...]) -> None:
        options = self.query_one(CampaignOptions)
        kept = options.highlighted_option
        options.set_options(Option(campaign_row(c), id=str(c.id)) for c in campaigns)
        self.set_class(not campaigns, "-empty")
        self.highlight(int(kept.id) if kept and kept.id else None)

    @property
    def highlighted(self) -> CampaignSummary | None:
        index = self.query_one(CampaignOptions).highlighted
        return self.campaigns[index] if index is not None and index < len(self.campaigns) else None

    def highlight(self, campaign_id: int | None) -> None:
        """Highlight the campaign with this id (the first one if it is not listed)."""
        ids = [c.id for c in self.campaigns]
        if ids:
            self.query_one(CampaignOptions).highlighted = ids.index(campaign_id) if campaign_id in ids else 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if (campaign := self.highlighted) is not None:
            self.post_message(self.Chosen(campaign.name))

    def move(self, step: int) -> None:
        options = self.query_one(CampaignOptions)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

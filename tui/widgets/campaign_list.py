"""The campaign list of a workspace: a row per campaign with its kept figures, filtered by name
and sorted as the pane says, or what to do when empty."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.core.campaigns import CampaignSummary
from tui.parts.keys import hint
from tui.widgets.campaign_rows import campaign_row, columns_for, shown

EMPTY_HEADLINE = "No campaigns yet: press {campaigns.new} to create one."
EMPTY_TEXT = Content.assemble(
    "\n",
    Content.styled(
        "A campaign is a workflow of emails, SMS, pushes, webhooks and delays that goes to everyone in the "
        "workspace once it runs.",
        "$text-muted",
    ),
)
NO_MATCH = "No campaign's name contains this: {campaigns.back} clears the filter."


class CampaignOptions(OptionList, can_focus=False):
    """The rows; the pane (which has the focus) moves the highlight."""


class CampaignList(Vertical):
    """`campaigns` as rows, keeping the highlight on the same campaign across reloads."""

    DEFAULT_CSS = """
    CampaignList {
        #campaign-heading {
            text-style: bold;
            color: $text-primary;
            margin-bottom: 1;
            text-wrap: nowrap;
            text-overflow: ellipsis;
        }
        #campaign-filter { height: 1; display: none; }
        &.-filtering #campaign-filter { display: block; }
        #campaign-filter-prompt { width: 2; color: $text-accent; text-style: bold; }
        #campaign-filter-input { width: 1fr; }
        #campaigns-empty, #campaigns-none-match { display: none; }
        &.-empty #campaigns-empty { display: block; }
        &.-none-match #campaigns-none-match { display: block; color: $text-muted; }
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

    @dataclass
    class Filtered(Message):
        """The filter changed (`done`: Enter was pressed in it)."""

        done: bool = False

    campaigns: reactive[tuple[CampaignSummary, ...]] = reactive(())  # all of the workspace's
    search: reactive[str] = reactive("")  # shown: the campaigns whose name contains it
    sort: reactive[str] = reactive("name")  # a key of campaign_rows.SORTS
    heading: reactive[Content] = reactive(Content(""))

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.shown: tuple[CampaignSummary, ...] = ()  # the rows, in order

    def compose(self) -> ComposeResult:
        yield Static(id="campaign-heading")
        with Horizontal(id="campaign-filter"):
            yield Static("/", id="campaign-filter-prompt")
            yield Input(placeholder="part of a campaign's name", compact=True, id="campaign-filter-input")
        yield CampaignOptions(compact=True)
        yield Static(Content.assemble(hint(self, EMPTY_HEADLINE).stylize("bold"), EMPTY_TEXT), id="campaigns-empty")
        yield Static(hint(self, NO_MATCH), id="campaigns-none-match")

    def watch_heading(self, heading: Content) -> None:
        self.query_one("#campaign-heading", Static).update(heading)

    def watch_campaigns(self) -> None:
        self._show_rows()

    def watch_search(self) -> None:
        self._show_rows()

    def watch_sort(self) -> None:
        self._show_rows()

    def on_resize(self) -> None:
        self._show_rows()

    def _show_rows(self) -> None:
        """Filter, sort and lay out the rows for the width, keeping the highlighted campaign."""
        options = self.query_one(CampaignOptions)
        kept = self.highlighted
        self.shown = shown(self.campaigns, self.search, self.sort)
        width = options.scrollable_content_region.width or self.size.width
        columns = columns_for(self.shown, width)
        options.set_options(Option(campaign_row(c, width, columns), id=str(c.id)) for c in self.shown)
        self.set_class(not self.campaigns, "-empty")
        self.set_class(bool(self.campaigns) and not self.shown, "-none-match")
        self.highlight(kept.id if kept else None)

    # The filter --------------------------------------------------------------------------

    @property
    def filtering(self) -> bool:
        return bool(self.search) or self.has_class("-filtering")

    def start_filter(self) -> None:
        """Show the filter field and give it the keys now (not on the next tick: a key typed
        right after `/` belongs to the filter)."""
        self.add_class("-filtering")
        self.screen.set_focus(self.query_one("#campaign-filter-input", Input))

    def clear_filter(self) -> None:
        self.query_one("#campaign-filter-input", Input).value = ""
        self.search = ""
        self.remove_class("-filtering")

    @on(Input.Changed, "#campaign-filter-input")
    def _filter_typed(self, event: Input.Changed) -> None:
        """The campaigns are all here: the filter applies as you type."""
        event.stop()
        self.search = event.value
        self.post_message(self.Filtered())

    @on(Input.Submitted, "#campaign-filter-input")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.set_class(bool(self.search), "-filtering")
        self.post_message(self.Filtered(done=True))

    @property
    def highlighted(self) -> CampaignSummary | None:
        index = self.query_one(CampaignOptions).highlighted
        return self.shown[index] if index is not None and index < len(self.shown) else None

    def highlight(self, campaign_id: int | None) -> None:
        """Highlight the campaign with this id (the first one if it is not shown)."""
        ids = [c.id for c in self.shown]
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

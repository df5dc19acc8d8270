"""One campaign as a row of the campaign list: state, name and its kept figures (people reached,
messages sent and failed, actions) in aligned columns that are dropped, least useful first, when
the width cannot hold them beside a readable name. Also the list's filter and sort orders."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from textual.content import Content

from tui.core.campaigns import CampaignSummary
from tui.core.states import CampaignState
from tui.parts.campaign_badges import STATE_WIDTH, state_badge
from tui.parts.literal import literal, row_detail

MIN_NAME = 16  # columns a name keeps before a figure is dropped


@dataclass(frozen=True)
class Figure:
    label: str
    value: Callable[[CampaignSummary], int]


# In the order they are kept as the width shrinks: the last one is dropped first.
FIGURES = (
    Figure("sent", lambda c: c.messages.delivered),
    Figure("failed", lambda c: c.messages.failed),
    Figure("reached", lambda c: c.people_reached),
    Figure("actions", lambda c: c.actions),
)

_STATE_ORDER = {CampaignState.RUNNING: 0, CampaignState.STOPPED: 1, CampaignState.DRAFT: 2, CampaignState.ARCHIVED: 3}
SORTS: dict[str, tuple[str, Callable[[Sequence[CampaignSummary]], list[CampaignSummary]]]] = {
    "name": ("by name", lambda cs: sorted(cs, key=lambda c: (c.name.casefold(), c.id))),
    "created": ("by newest", lambda cs: sorted(cs, key=lambda c: (c.created_at, c.id), reverse=True)),
    "state": ("by state", lambda cs: sorted(cs, key=lambda c: (_STATE_ORDER[c.state], c.name.casefold(), c.id))),
    "sent": ("by most sent", lambda cs: sorted(cs, key=lambda c: (-c.messages.delivered, c.name.casefold(), c.id))),
}


def next_sort(sort: str) -> str:
    names = list(SORTS)
    return names[(names.index(sort) + 1) % len(names)]


def shown(campaigns: Iterable[CampaignSummary], search: str, sort: str) -> tuple[CampaignSummary, ...]:
    """The campaigns whose name contains `search` (ignoring case), in the `sort` order."""
    needle = search.strip().casefold()
    return tuple(SORTS[sort][1]([c for c in campaigns if needle in c.name.casefold()]))


@dataclass(frozen=True)
class Columns:
    """Which figures fit and how wide each one's number is."""

    figures: tuple[Figure, ...]
    widths: tuple[int, ...]

    @property
    def width(self) -> int:
        return sum(2 + width + 1 + len(figure.label) for figure, width in zip(self.figures, self.widths, strict=True))


def columns_for(campaigns: Sequence[CampaignSummary], width: int) -> Columns:
    """The figures that fit in `width` beside a name of at least MIN_NAME columns."""
    widths = tuple(max([1, *(len(f"{figure.value(c):,}") for c in campaigns)]) for figure in FIGURES)
    for kept in range(len(FIGURES), 0, -1):
        columns = Columns(FIGURES[:kept], widths[:kept])
        if STATE_WIDTH + 1 + MIN_NAME + columns.width <= width:
            return columns
    return Columns((), ())


def campaign_row(campaign: CampaignSummary, width: int, columns: Columns) -> Content:
    """The row, `width` cells wide (the name cut with … to leave the figures room)."""
    name_width = max(1, width - STATE_WIDTH - 1 - columns.width)
    figures = [
        Content.assemble("  ", f"{figure.value(campaign):>{number},}", row_detail(f" {figure.label}"))
        for figure, number in zip(columns.figures, columns.widths, strict=True)
    ]
    return Content.assemble(
        state_badge(campaign.state, pad=True),
        " ",
        literal(campaign.name, "bold").truncate(name_width, ellipsis=True, pad=True),
        *figures,
    )

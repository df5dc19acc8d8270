"""Small coloured labels: a campaign's state and an action's type, in theme colours."""

from __future__ import annotations

from textual.content import Content

from tui.core.states import CampaignState

STATE_STYLES = {
    CampaignState.DRAFT: "bold $background on $foreground-muted",
    CampaignState.RUNNING: "bold $text-success on $success-muted",
    CampaignState.STOPPED: "bold $text-warning on $warning-muted",
    CampaignState.ARCHIVED: "bold $text-secondary on $secondary-muted",
}
TYPE_STYLES = {
    "email": "bold $text-primary on $primary-muted",
    "sms": "bold $text-success on $success-muted",
    "push": "bold $text-accent on $accent-muted",
    "webhook": "bold $text-secondary on $secondary-muted",
    "delay": "bold $background on $foreground-muted",
}
STATE_WIDTH = max(map(len, STATE_STYLES)) + 2


def state_badge(state: CampaignState, *, pad: bool = False) -> Content:
    """` RUNNING ` on its colour; `pad` makes every state the same width (for columns)."""
    text = f" {state.upper()} "
    return Content.styled(text.ljust(STATE_WIDTH) if pad else text, STATE_STYLES.get(state, "bold"))


def type_tag(action_type: str) -> Content:
    """` EMAIL `, ` DELAY `... on the type's colour."""
    return Content.styled(f" {action_type.upper()} ", TYPE_STYLES.get(action_type, "bold"))

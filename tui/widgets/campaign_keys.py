"""The Campaigns pane's keys and the workflow's, and which of them apply to what shows."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from tui.core.campaigns import ActionInfo, CampaignInfo, CampaignSummary, allowed_moves
from tui.core.sending import MESSAGE_TYPES
from tui.core.states import CampaignState
from tui.parts.keys import moves_focus

# The Footer lists keys in this order: the focused widget's first (the workflow's, when it
# shows), then the pane's. Keys bound in both (n, d, enter) mean one thing in the list and
# another in a workflow; the pane hides its list keys while a workflow shows.
WORKFLOW_BINDINGS: list[BindingType] = [
    Binding("escape", "back", "Back", tooltip="Back to the campaign list", id="workflow.back"),
    Binding("n", "add_action", "New", tooltip="Add an action after the selected one", id="workflow.new"),
    Binding("e,enter", "edit_action", "Edit", tooltip="Edit the selected action (not its type)", id="workflow.edit"),
    Binding("K,shift+up", "move_action(-1)", "Up", tooltip="Move the selected action up", id="workflow.move_up"),
    Binding("J,shift+down", "move_action(1)", "Down", tooltip="Move the selected action down", id="workflow.move_down"),
    Binding("d,delete", "remove_action", "Remove", tooltip="Remove the selected action", id="workflow.delete"),
    Binding(
        "v",
        "preview",
        "Preview",
        tooltip="The selected message rendered for a person you choose",
        id="workflow.preview",
    ),
    Binding("i", "import_actions", "Import", tooltip="Import actions from another campaign", id="workflow.import"),
    Binding("up,k", "cursor(-1)", "Previous", show=False, id="workflow.nav_up"),
    Binding("down,j", "cursor(1)", "Next", show=False, id="workflow.nav_down"),
]
# Keys bound twice here (s, A) depend on the campaign's state.
PANE_BINDINGS: list[BindingType] = [
    Binding("n", "new_campaign", "New", tooltip="Create a campaign", id="campaigns.new"),
    Binding("enter", "open", "Open", tooltip="Show the highlighted campaign's workflow", id="campaigns.open"),
    Binding(
        "d,delete",
        "delete_campaign",
        "Delete",
        tooltip="Delete the campaign with its actions and messages",
        id="campaigns.delete",
    ),
    Binding("s", "change_state('start')", "Start", tooltip="Start the campaign", id="campaigns.start"),
    Binding("s", "change_state('stop')", "Stop", tooltip="Stop the running campaign", id="campaigns.stop"),
    Binding(
        "S",
        "send_now",
        "Send now",
        tooltip="Send the running campaign to everyone without its messages",
        id="campaigns.send_now",
    ),
    Binding(
        "A",
        "change_state('archive')",
        "Archive",
        tooltip="Archive the campaign (it becomes read-only)",
        id="campaigns.archive",
    ),
    Binding(
        "A",
        "change_state('unarchive')",
        "Unarchive",
        tooltip="Unarchive the campaign (it becomes stopped)",
        id="campaigns.unarchive",
    ),
    Binding(
        "u", "undo", "Undo", tooltip="Take back the state change just made (for a few seconds)", id="campaigns.undo"
    ),
    Binding("r", "rename_campaign", "Rename", tooltip="Rename the campaign", id="campaigns.rename"),
    Binding(
        "y",
        "duplicate_campaign",
        "Duplicate",
        tooltip="Copy the campaign, with its actions, as a draft",
        id="campaigns.duplicate",
    ),
    Binding(
        "M",
        "campaign_messages",
        "Messages",
        tooltip="The campaign's messages, in the Messages tab",
        id="campaigns.messages",
    ),
    moves_focus(
        Binding(
            "slash",
            "filter",
            "Filter",
            tooltip="Show the campaigns whose name contains what you type",
            id="campaigns.filter",
        )
    ),
    Binding(
        "escape",
        "clear_filter",
        "Clear filter",
        tooltip="Clear the filter and show every campaign",
        id="campaigns.back",
    ),
    Binding(
        "o",
        "sort",
        "Sort",
        tooltip="Sort by name, newest, state or messages sent; again for the next",
        id="campaigns.sort",
    ),
    Binding("up,k", "cursor(-1)", "Previous", show=False, id="campaigns.nav_up"),
    Binding("down,j", "cursor(1)", "Next", show=False, id="campaigns.nav_down"),
]

LIST_ONLY = {"open", "new_campaign", "delete_campaign", "filter", "clear_filter", "sort"}
WORKFLOW_ONLY = {"back", "add_action", "edit_action", "remove_action", "move_action", "preview", "import_actions"}
EDITS = {"add_action", "edit_action", "remove_action", "move_action", "import_actions", "rename_campaign"}
ON_AN_ACTION = {"edit_action", "remove_action", "move_action", "preview"}
ON_A_CAMPAIGN = {
    "open",
    "rename_campaign",
    "duplicate_campaign",
    "delete_campaign",
    "change_state",
    "send_now",
    "campaign_messages",
}
WORKFLOW_ACTIONS = WORKFLOW_ONLY | {"cursor"}
PANE_ACTIONS = LIST_ONLY | ON_A_CAMPAIGN | {"cursor", "undo"}


def key_state(
    action: str,
    parameters: tuple[object, ...],
    *,
    opened: bool,
    target: CampaignSummary | CampaignInfo | None,
    selected: ActionInfo | None,
) -> bool | None:
    """Whether a pane action applies (True), shows dimmed (None) or is hidden (False).

    `opened`: a workflow shows (not the list); `target`: the campaign that campaign keys act on
    (the open one, once loaded, or the highlighted one); `selected`: the workflow's selected
    action. An archived campaign's edits show dimmed.
    """
    if (action in LIST_ONLY and opened) or (action in WORKFLOW_ONLY and not opened):
        return False
    if action in ON_A_CAMPAIGN and target is None:
        return False
    if action == "change_state":
        return target is not None and parameters[0] in allowed_moves(target.state)
    if action == "send_now":
        return target is not None and target.state == CampaignState.RUNNING
    allowed = _on_action(action, parameters, target, selected)
    if allowed and action in EDITS and target is not None and target.state == CampaignState.ARCHIVED:
        return None  # the workflow's note says why
    return allowed


def _on_action(
    action: str,
    parameters: tuple[object, ...],
    target: CampaignSummary | CampaignInfo | None,
    selected: ActionInfo | None,
) -> bool | None:
    if action not in ON_AN_ACTION:
        return True
    if not isinstance(target, CampaignInfo) or selected is None:
        return False
    if action == "preview":
        return selected.type in MESSAGE_TYPES or None  # a delay sends nothing
    if action == "move_action":
        return 1 <= selected.position + int(str(parameters[0])) <= len(target.actions) or None
    return True

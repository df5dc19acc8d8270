"""The Campaigns tab: the workspace's campaigns and, opened, one campaign's workflow.

The pane owns the list and the keys that act on a campaign (the highlighted one, or the open
one); the workflow is a widget of its own (`WorkflowEditor`) with its own keys and workers.
A change is written and the list read back in one worker, so what shows is what the database
holds, and a second key press waits for the first to land.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import TypeVar

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Static

from tui.core.campaigns import (
    CampaignInfo,
    CampaignSummary,
    DeletedCampaign,
    change_state,
    delete_campaign,
    duplicate_campaign,
    list_campaigns,
    undo_state_change,
)
from tui.core.db import Database
from tui.core.states import CampaignState
from tui.core.text import visible
from tui.core.workspaces import WorkspaceInfo
from tui.dialogs.campaign_name import CampaignNameDialog
from tui.dialogs.campaign_stale import Stale
from tui.dialogs.confirm import ConfirmDialog
from tui.parts.core_work import CoreError, CoreWork, error_text
from tui.parts.keys import key_for, step_aside_while_typing
from tui.parts.literal import count, literal
from tui.widgets.campaign_keys import PANE_ACTIONS, PANE_BINDINGS, key_state
from tui.widgets.campaign_list import CampaignList
from tui.widgets.campaign_rows import SORTS, next_sort
from tui.widgets.campaign_send import SendPanel
from tui.widgets.pane import WorkspacePane
from tui.widgets.workflow_editor import WorkflowEditor

UNDO_SECONDS = 8.0  # how long a state change can be undone with u
NO_WORKSPACE = "No workspace yet: create one with n in the workspace list, or from ctrl+p."
READS, WRITES = "read", "write"  # worker groups, as in the workflow editor

Campaign = CampaignSummary | CampaignInfo
T = TypeVar("T")


class CampaignsPane(CoreWork, WorkspacePane):
    """The current workspace's campaigns; Enter opens one as a workflow, Escape comes back."""

    DEFAULT_CSS = """
    CampaignsPane {
        #no-workspace { display: none; color: $text-muted; }
        &.-no-workspace #no-workspace { display: block; }
        &.-no-workspace ContentSwitcher { display: none; }
        ContentSwitcher { height: 1fr; }
        &:focus-within { background-tint: $foreground 4%; }
        &:focus CampaignOptions > .option-list--option-highlighted {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
    }
    """
    BINDINGS = PANE_BINDINGS

    @dataclass
    class ShowMessages(Message):
        """Show the campaign's messages (the screen has the Messages tab)."""

        campaign: str

    def __init__(self, db: Database, *, id: str | None = None) -> None:
        super().__init__(db, id=id)
        self._select_campaign: int | None = None  # the campaign to highlight once the list is read
        self._load_error = ""  # the last refusal to list the campaigns, said once
        self._undo: Undo | None = None  # the state change that u takes back, for a few seconds
        self._undo_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(NO_WORKSPACE, id="no-workspace")
        with ContentSwitcher(initial="campaign-list"):
            yield CampaignList(id="campaign-list")
            yield WorkflowEditor(self.db, id="workflow")
        yield SendPanel(self.db)

    # What shows ---------------------------------------------------------------------------

    @property
    def editor(self) -> WorkflowEditor:
        return self.query_one(WorkflowEditor)

    @property
    def opened(self) -> bool:
        """A workflow shows (not the list)."""
        return self.query_one(ContentSwitcher).current == "workflow"

    @property
    def campaign(self) -> CampaignInfo | None:
        """The open campaign, once read; None while the list shows."""
        return self.editor.campaign if self.opened else None

    @property
    def target(self) -> Campaign | None:
        """The campaign that campaign keys act on: the open one, else the highlighted one."""
        return self.editor.campaign if self.opened else self.query_one(CampaignList).highlighted

    def key_target(self) -> Widget:
        """An open campaign's workflow takes the keys."""
        return self.editor if self.opened else self

    def watch_workspace(self, old: WorkspaceInfo | None, new: WorkspaceInfo | None) -> None:
        self.set_class(new is None, "-no-workspace")
        self.editor.workspace = new
        if new is None:
            return
        if old is None or old.id != new.id:
            self._show_list()
            self.query_one(CampaignList).clear_filter()
            self.query_one(CampaignList).campaigns = ()
            self._forget_undo()  # u acts on what shows
        self.reload()

    def reload(self) -> None:
        """Read the campaigns again (and the open one), showing changes made elsewhere."""
        if self.workspace is None:
            return
        if self.opened:
            self.editor.reload()
        if not self.core_busy(WRITES):  # a write under way reads the list anyway
            self.run_core(partial(list_campaigns, self.db, self.workspace.name), self._show_campaigns, group=READS)

    def _show_list(self) -> None:
        focused = self.editor.has_focus
        self.editor.close()
        self.query_one(ContentSwitcher).current = "campaign-list"
        if focused:
            self.focus()
        self.refresh_bindings()

    def _show_workflow(self, name: str) -> None:
        if self.workspace is None:
            return
        self.query_one(ContentSwitcher).current = "workflow"
        self.query_one(SendPanel).hide()
        self.editor.open(self.workspace, name)
        self.editor.focus()

    def _show_campaigns(self, campaigns: list[CampaignSummary]) -> None:
        campaign_list = self.query_one(CampaignList)
        campaign_list.campaigns = tuple(campaigns)
        if self._select_campaign is not None:
            campaign_list.highlight(self._select_campaign)
            self._select_campaign = None
        self._load_error = ""
        self._show_heading()

    def _show_heading(self) -> None:
        """'Campaigns in Acme EU  2 of 5 campaigns · by name'."""
        if self.workspace is None:
            return
        campaign_list = self.query_one(CampaignList)
        total, shown = len(campaign_list.campaigns), len(campaign_list.shown)
        counted = (
            count(total, "campaign") if not campaign_list.search.strip() else f"{shown:,} of {count(total, 'campaign')}"
        )
        campaign_list.heading = Content.assemble(
            "Campaigns in ",
            literal(self.workspace.name),
            Content.styled(f"  {counted} · {SORTS[campaign_list.sort][0]}", "$text-muted"),
        )
        self.refresh_bindings()

    def core_failed(self, message: str) -> None:
        """The list could not be read."""
        if message != self._load_error:  # the reload every few seconds would repeat it
            self.notify(visible(message), title="Cannot load campaigns", severity="error", markup=False)
        self._load_error = message

    @on(WorkflowEditor.Closed)
    def _workflow_closed(self, event: WorkflowEditor.Closed) -> None:
        event.stop()
        if event.gone is not None:
            self.notify(visible(event.gone), title="Campaign not found", severity="warning", markup=False)
        campaign = self.editor.campaign
        self._select_campaign = campaign.id if campaign else None
        self._show_list()
        self.query_one(SendPanel).hide()
        self.reload()

    # Keys ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in PANE_ACTIONS:
            return True
        if self.workspace is None:
            return False
        if action == "cursor":
            return not self.opened
        if action == "undo":
            return self._undo is not None
        if action == "clear_filter":
            return not self.opened and self.query_one(CampaignList).filtering
        if action in ("filter", "sort"):
            return not self.opened and bool(self.query_one(CampaignList).campaigns)
        return key_state(action, parameters, opened=self.opened, target=self.target, selected=self.editor.action)

    def action_cursor(self, step: int) -> None:
        self.query_one(CampaignList).move(step)
        self.refresh_bindings()

    def action_filter(self) -> None:
        step_aside_while_typing(self)
        self.query_one(CampaignList).start_filter()
        self.refresh_bindings()

    def action_clear_filter(self) -> None:
        """Escape: every campaign shows again, and the list (the pane) has the keys."""
        self.query_one(CampaignList).clear_filter()
        self.screen.set_focus(self)  # now: the next key is the list's
        self._show_heading()

    def action_sort(self) -> None:
        campaign_list = self.query_one(CampaignList)
        campaign_list.sort = next_sort(campaign_list.sort)
        self._show_heading()

    @on(CampaignList.Filtered)
    def _filtered(self, event: CampaignList.Filtered) -> None:
        event.stop()
        self._show_heading()
        if event.done:
            self.screen.set_focus(self)  # Enter in the filter: back to the list (now), the filter kept

    def on_campaign_list_chosen(self, event: CampaignList.Chosen) -> None:
        self._show_workflow(event.name)

    def action_open(self) -> None:
        if (target := self.target) is not None:
            self._show_workflow(target.name)

    def action_campaign_messages(self) -> None:
        if (target := self.target) is not None:
            self.post_message(self.ShowMessages(target.name))

    def action_new_campaign(self) -> None:
        if self.workspace is not None:
            self.app.push_screen(CampaignNameDialog(self.db, self.workspace.name), self._created)

    def action_rename_campaign(self) -> None:
        if self.workspace is not None and (target := self.target) is not None:
            self.app.push_screen(CampaignNameDialog(self.db, self.workspace.name, target), self._renamed)

    def action_duplicate_campaign(self) -> None:
        if self.workspace is not None and (target := self.target) is not None:
            self._write(partial(duplicate_campaign, self.db, self.workspace.name, target.name), self._duplicated)

    def action_delete_campaign(self) -> None:
        if (target := self.target) is None:
            return
        question = Content.assemble(
            "Delete campaign ",
            literal(target.name, "bold"),
            " with its actions and the messages it sent? This cannot be undone.",
        )
        self.app.push_screen(ConfirmDialog("Delete campaign", question, "Delete"), partial(self._delete, target.name))

    def action_change_state(self, move: str) -> None:
        """Start, stop, archive, unarchive: at once, and undone with u for a few seconds."""
        if self.workspace is not None and (target := self.target) is not None:
            call = partial(
                change_state, self.db, self.workspace.name, target.name, move, expected_version=target.version
            )
            self._write(call, partial(self._state_changed, Undo(self.workspace.name, target.state)))

    def action_undo(self) -> None:
        if (undo := self._undo) is not None and undo.campaign is not None:
            self._forget_undo()
            call = partial(
                undo_state_change,
                self.db,
                undo.workspace,
                undo.campaign.name,
                undo.back_to,
                expected_version=undo.campaign.version,
            )
            self._write(call, self._state_undone)

    def _forget_undo(self) -> None:
        if self._undo_timer is not None:
            self._undo_timer.stop()
        self._undo = self._undo_timer = None
        self.refresh_bindings()

    def action_send_now(self) -> None:
        """Bug 5: a send reaches a whole workspace, so it asks first, naming what it will do."""
        if (ws := self.workspace) is not None and (target := self.target) is not None:
            question = Content.assemble(
                "Send campaign ",
                literal(target.name, "bold"),
                " of workspace ",
                literal(ws.name, "bold"),
                f" to its {count(ws.people, 'person', 'people')} now? ",
                send_mode_sentence(ws.send_mode, ws.test_address),
                " People who already have its messages are skipped; messages after a delay wait for their time.",
            )
            self.app.push_screen(ConfirmDialog("Send now", question, "Send"), partial(self._send, ws.name, target.name))

    def _send(self, workspace: str, name: str, yes: bool | None) -> None:
        if yes:
            self.query_one(SendPanel).start(workspace, name)

    def on_send_panel_finished(self) -> None:
        self.reload()

    # Outcomes -----------------------------------------------------------------------------

    def _created(self, campaign: CampaignInfo | Stale | None) -> None:
        if isinstance(campaign, CampaignInfo):
            self._select_campaign = campaign.id
            self._show_workflow(campaign.name)

    def _renamed(self, campaign: CampaignInfo | Stale | None) -> None:
        if isinstance(campaign, Stale):
            self.notify(visible(campaign.message), title="Not saved", severity="warning", markup=False)
        elif isinstance(campaign, CampaignInfo) and self.opened:
            self.editor.show(campaign)
        if campaign is not None:
            self.reload()

    def _delete(self, name: str, yes: bool | None) -> None:
        if yes and self.workspace is not None:
            self._write(partial(delete_campaign, self.db, self.workspace.name, name, confirmed=True), self._deleted)

    def _deleted(self, deleted: DeletedCampaign) -> None:
        self.notify(f"Deleted {visible(deleted.name)} and its {count(deleted.actions, 'action')}.", markup=False)

    def _duplicated(self, copy: CampaignInfo) -> None:
        self._select_campaign = copy.id
        self.notify(f"Copied as {visible(copy.name)}, a draft.", markup=False)

    def _state_changed(self, undo: Undo, campaign: CampaignInfo) -> None:
        self._show_state(campaign)
        self._forget_undo()
        self._undo = replace(undo, campaign=campaign)
        self._undo_timer = self.set_timer(UNDO_SECONDS, self._forget_undo)
        self.refresh_bindings()
        key = key_for(self, "campaigns.undo")
        self.notify(
            f"{visible(campaign.name)} is {campaign.state} now: {key} undoes it.", markup=False, timeout=UNDO_SECONDS
        )

    def _state_undone(self, campaign: CampaignInfo) -> None:
        self._show_state(campaign)
        self.notify(f"Undone: {visible(campaign.name)} is {campaign.state} again.", markup=False)

    def _show_state(self, campaign: CampaignInfo) -> None:
        if self.opened and campaign.id == (self.editor.campaign.id if self.editor.campaign else None):
            self.editor.show(campaign)

    # Writing ------------------------------------------------------------------------------

    def _write(self, change: Callable[[], T], done: Callable[[T], object]) -> None:
        """Make one change, then read the list back, in one worker; `done(result)` says what
        changed. Ignored while another is under way: it would act on what the screen showed
        before the first one landed (and be refused as changed elsewhere)."""
        workspace = self.workspace
        if workspace is None or self.core_busy(WRITES):
            return
        self.drop_core(READS)

        def change_then_read() -> tuple[T, list[CampaignSummary]]:
            return change(), list_campaigns(self.db, workspace.name)

        def written(outcome: tuple[T, list[CampaignSummary]]) -> None:
            result, campaigns = outcome
            done(result)
            self._show_campaigns(campaigns)

        self.run_core(change_then_read, written, group=WRITES, refused=self._refused)

    def _refused(self, error: CoreError) -> None:
        """A change was refused: say why, and show what the database holds now."""
        self.notify(visible(error_text(error)), title="Not changed", severity="error", markup=False)
        self.reload()


@dataclass(frozen=True)
class Undo:
    """What u takes back: `campaign` (as the change left it) goes back to `back_to`."""

    workspace: str
    back_to: CampaignState
    campaign: CampaignInfo | None = None


def send_mode_sentence(send_mode: str, test_address: str | None) -> Content:
    """What the workspace's send mode does to a send, in a sentence."""
    if send_mode == "never":
        return Content("Send mode never: nothing goes out, every message is suppressed.")
    if send_mode == "test":
        return Content.assemble(
            "Send mode test: emails go to the test address ", literal(test_address or "", "bold"), "."
        )
    return Content("Send mode normal: messages go to the people.")

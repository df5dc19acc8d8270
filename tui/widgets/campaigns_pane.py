"""The Campaigns tab: the workspace's campaigns and, opened, one campaign's workflow.

The pane keeps the focus and owns every key; which keys apply depends on whether the list or
a workflow shows (`check_action`). Core calls run in thread workers; every write is followed
by a reload, so what shows is what the database holds, changes made elsewhere included.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import ContentSwitcher, Static

from tui.core.campaigns import (
    MOVES,
    CampaignInfo,
    CampaignSummary,
    DeletedCampaign,
    change_state,
    delete_campaign,
    duplicate_campaign,
)
from tui.core.db import Database
from tui.core.text import visible
from tui.core.workspaces import WorkspaceInfo
from tui.dialogs.campaign_name import CampaignNameDialog
from tui.dialogs.campaign_stale import Stale
from tui.dialogs.confirm import ConfirmDialog
from tui.parts.core_work import CoreWork
from tui.parts.literal import count, literal
from tui.widgets.campaign_keys import PANE_ACTIONS, PANE_BINDINGS, key_state
from tui.widgets.campaign_list import CampaignList
from tui.widgets.campaign_loads import Loaded, read_campaigns
from tui.widgets.campaign_send import SendPanel
from tui.widgets.pane import WorkspacePane
from tui.widgets.workflow_editing import WorkflowEditing
from tui.widgets.workflow_view import WorkflowStep, WorkflowView

NO_WORKSPACE = "No workspace yet: create one with n in the workspace list, or from ctrl+p."

Campaign = CampaignSummary | CampaignInfo


class CampaignsPane(CoreWork, WorkflowEditing, WorkspacePane):
    """The current workspace's campaigns; Enter opens one as a workflow, Escape comes back."""

    DEFAULT_CSS = """
    CampaignsPane {
        #no-workspace { display: none; color: $text-muted; }
        &.-no-workspace #no-workspace { display: block; }
        &.-no-workspace ContentSwitcher { display: none; }
        ContentSwitcher { height: 1fr; }
        &:focus CampaignOptions > .option-list--option-highlighted {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
    }
    """
    BINDINGS = PANE_BINDINGS

    def __init__(self, db: Database, *, id: str | None = None) -> None:
        super().__init__(db, id=id)
        self._open: str | None = None  # the name of the campaign whose workflow shows
        self._select_action: int | None = None  # the action to select once the campaign loads
        self._select_campaign: int | None = None  # the campaign to highlight once the list loads
        self._writing = False  # a change and the reload after it are under way: other changes wait
        self._written_unseen = False  # a change was made and no reload has started since
        self._loading = False
        self._load_again = False  # a reload was asked for while one was under way
        self._load_error = ""  # the last refusal to list the campaigns, said once

    def compose(self) -> ComposeResult:
        yield Static(NO_WORKSPACE, id="no-workspace")
        with ContentSwitcher(initial="campaign-list"):
            yield CampaignList(id="campaign-list")
            yield WorkflowView(id="workflow")
        yield SendPanel(self.db)

    # What shows ---------------------------------------------------------------------------

    @property
    def target(self) -> Campaign | None:
        """The campaign that campaign keys act on: the open one, else the highlighted one."""
        return self.campaign if self._open is not None else self.query_one(CampaignList).highlighted

    def watch_workspace(self, old: WorkspaceInfo | None, new: WorkspaceInfo | None) -> None:
        self.set_class(new is None, "-no-workspace")
        if new is None:
            return
        if old is None or old.id != new.id:
            self._show_list()
            self.query_one(CampaignList).campaigns = ()
        self.reload()

    def reload(self) -> None:
        """Read the campaigns again (and the open one), showing changes made elsewhere."""
        if self.workspace is None:
            return
        if self._loading:  # one at a time: the next starts when this one ends
            self._load_again = True
            return
        self._loading = True
        after_write, self._written_unseen = self._written_unseen, False
        self.load(self.workspace.name, self._open, after_write)

    def _show_list(self) -> None:
        self._open = None
        self.query_one(ContentSwitcher).current = "campaign-list"
        self.query_one(WorkflowView).campaign = None
        self.refresh_bindings()

    def _show_workflow(self, name: str) -> None:
        self._open = name
        self.query_one(WorkflowView).selected = 0
        self.query_one(ContentSwitcher).current = "workflow"
        self.query_one(SendPanel).hide()
        self.reload()

    def _show_campaign(self, campaign: CampaignInfo) -> None:
        view = self.query_one(WorkflowView)
        view.campaign = campaign
        self._open = campaign.name
        ids = [a.id for a in campaign.actions]
        if self._select_action in ids:
            view.selected = ids.index(self._select_action)
        else:
            view.selected = max(0, min(view.selected, len(ids) - 1))
        self._select_action = None
        self.refresh_bindings()

    def _show_campaigns(self, campaigns: list[CampaignSummary]) -> None:
        campaign_list = self.query_one(CampaignList)
        campaign_list.campaigns = tuple(campaigns)
        if self._select_campaign is not None:
            campaign_list.highlight(self._select_campaign)
            self._select_campaign = None
        self._load_error = ""
        assert self.workspace is not None
        campaign_list.heading = Content.assemble(
            "Campaigns in ",
            literal(self.workspace.name),
            Content.styled(f"  {count(len(campaigns), 'campaign')}", "$text-muted"),
        )
        self.refresh_bindings()

    # Keys ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in PANE_ACTIONS:
            return True
        if self.workspace is None:
            return False
        return key_state(action, parameters, opened=self._open is not None, target=self.target, selected=self.action)

    def action_cursor(self, step: int) -> None:
        if self._open is None:
            self.query_one(CampaignList).move(step)
            self.refresh_bindings()
            return
        view = self.query_one(WorkflowView)
        campaign = view.campaign
        if campaign and campaign.actions:
            view.selected = max(0, min(view.selected + step, len(campaign.actions) - 1))
            view.fresh = frozenset()
            self.refresh_bindings()

    def on_campaign_list_chosen(self, event: CampaignList.Chosen) -> None:
        self._show_workflow(event.name)

    def on_workflow_step_clicked(self, event: WorkflowStep.Clicked) -> None:
        self.query_one(WorkflowView).selected = event.index
        self.refresh_bindings()

    def action_open(self) -> None:
        if (target := self.target) is not None:
            self._show_workflow(target.name)

    def action_back(self) -> None:
        self._select_campaign = self.campaign.id if self.campaign else None
        self._show_list()
        self.query_one(SendPanel).hide()
        self.reload()

    def action_new_campaign(self) -> None:
        if self.workspace is not None:
            self.app.push_screen(CampaignNameDialog(self.db, self.workspace.name), self._created)

    def action_rename_campaign(self) -> None:
        if self.workspace is not None and (target := self.target) is not None:
            self.app.push_screen(CampaignNameDialog(self.db, self.workspace.name, target), self._renamed)

    def action_duplicate_campaign(self) -> None:
        if self.workspace is not None and (target := self.target) is not None:
            self._write("duplicate", partial(duplicate_campaign, self.db, self.workspace.name, target.name))

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
        if self.workspace is not None and (target := self.target) is not None:
            call = partial(
                change_state, self.db, self.workspace.name, target.name, move, expected_version=target.version
            )
            self._write(move, call)

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

    # Dialog outcomes ----------------------------------------------------------------------

    def _created(self, campaign: CampaignInfo | Stale | None) -> None:
        if isinstance(campaign, CampaignInfo):
            self._select_campaign = campaign.id
            self._show_workflow(campaign.name)

    def _renamed(self, campaign: CampaignInfo | Stale | None) -> None:
        if isinstance(campaign, CampaignInfo) and self._open is not None:
            self._open = campaign.name
        self.after_dialog(campaign)

    def _delete(self, name: str, yes: bool | None) -> None:
        if yes and self.workspace is not None:
            self._write("delete", partial(delete_campaign, self.db, self.workspace.name, name, confirmed=True))

    # Core work ----------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="load")
    def load(self, workspace: str, name: str | None, after_write: bool) -> Loaded:
        return read_campaigns(self.db, workspace, name, after_write=after_write)

    def _write(self, name: str, call: Callable[[], object]) -> None:
        """Run one change through core; its outcome arrives in core_done / core_failed as `name`.

        Ignored while another change (or the reload after it) is under way: it would act on what
        the screen showed before, and be refused as changed elsewhere."""
        if self._writing:
            return
        self._writing = True
        self.run_worker(call, name=name, group="write", thread=True, exit_on_error=False)

    def core_done(self, name: str, result: Any) -> None:
        if isinstance(result, Loaded):
            self._loaded(result)
        else:
            self._written(name, result)
            self._written_unseen = True
            self.reload()  # which ends `_writing`

    def _loaded(self, loaded: Loaded) -> None:
        self._loading = False
        if self.workspace is not None and loaded.workspace == self.workspace.name:  # not switched meanwhile
            self._show_loaded(loaded)
        if loaded.after_write:
            self._writing = False
        if self._load_again:
            self._load_again = False
            self.reload()

    def _show_loaded(self, loaded: Loaded) -> None:
        if isinstance(loaded.campaigns, str):
            self._not_listed(visible(loaded.campaigns))
        else:
            self._show_campaigns(loaded.campaigns)
        if loaded.name is None or loaded.name != self._open:  # closed, or another opened, meanwhile
            return
        if isinstance(loaded.campaign, CampaignInfo):
            self._show_campaign(loaded.campaign)
        elif loaded.campaign is not None:  # deleted or renamed elsewhere
            self._show_list()
            self.notify(visible(loaded.campaign), title="Campaign not found", severity="warning", markup=False)

    def _not_listed(self, message: str) -> None:
        if message != self._load_error:  # the reload every few seconds would repeat it
            self.notify(message, title="Cannot load campaigns", severity="error", markup=False)
        self._load_error = message

    def _written(self, name: str, result: Any) -> None:
        if isinstance(result, DeletedCampaign):
            self._show_list()
            self.notify(f"Deleted {visible(result.name)} and its {count(result.actions, 'action')}.", markup=False)
        elif name == "duplicate":
            self._select_campaign = result.id
            self.notify(f"Copied as {visible(result.name)}, a draft.", markup=False)
        elif name in MOVES:
            self.notify(f"{visible(result.name)} is {result.state} now.", markup=False)

    def core_failed(self, name: str, message: str) -> None:
        """A change was refused: say why, and show what the database holds now."""
        self.notify(visible(message), title="Not changed", severity="error", markup=False)
        self._written_unseen = True
        self.reload()


def send_mode_sentence(send_mode: str, test_address: str | None) -> Content:
    """What the workspace's send mode does to a send, in a sentence."""
    if send_mode == "never":
        return Content("Send mode never: nothing goes out, every message is suppressed.")
    if send_mode == "test":
        return Content.assemble(
            "Send mode test: emails go to the test address ", literal(test_address or "", "bold"), "."
        )
    return Content("Send mode normal: messages go to the people.")

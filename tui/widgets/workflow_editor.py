"""An open campaign's workflow, with its own keys and workers: select, add, edit, move, remove,
preview and import actions.

It reads its campaign itself; every change it makes is written and read back in one worker, so
what shows is what the database holds, and a second key press waits for the first to land.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message

from tui.core.action_import import ImportResult
from tui.core.actions import move_action, remove_action
from tui.core.campaigns import ActionInfo, CampaignInfo, get_campaign
from tui.core.db import Database
from tui.core.errors import NotFound
from tui.core.sending import MESSAGE_TYPES
from tui.core.text import visible
from tui.core.workspaces import WorkspaceInfo
from tui.dialogs.action_form import ActionFormDialog
from tui.dialogs.action_type import ActionTypeDialog
from tui.dialogs.campaign_stale import Stale
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.import_wizard import ImportWizard
from tui.dialogs.import_wizard.launch import imported_note
from tui.dialogs.preview_message import PreviewDialog
from tui.dialogs.remove_action import Choice, RemoveActionDialog
from tui.parts.core_work import CoreError, CoreWork, error_text
from tui.parts.literal import literal
from tui.widgets.campaign_keys import WORKFLOW_ACTIONS, WORKFLOW_BINDINGS, key_state
from tui.widgets.workflow_view import WorkflowStep, WorkflowView

READS = "read"  # worker groups: a newer read drops an older one; a write drops the reads under way
WRITES = "write"


class WorkflowEditor(CoreWork, Vertical, can_focus=True):
    """`open(workspace, name)` shows that campaign's workflow; Escape posts `Closed`."""

    DEFAULT_CSS = """
    WorkflowEditor { height: 1fr; }
    """
    BINDINGS = WORKFLOW_BINDINGS

    @dataclass
    class Closed(Message):
        """Back to the list: the user asked (`gone` None), or the campaign is gone (why)."""

        gone: str | None = None

    def __init__(self, db: Database, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.db = db
        self.workspace: WorkspaceInfo | None = None
        self.opened: str | None = None  # the name of the campaign shown; `campaign` once it is read
        self._select_action: int | None = None  # the action to select once the campaign is read

    def compose(self) -> ComposeResult:
        yield WorkflowView()

    @property
    def view(self) -> WorkflowView:
        return self.query_one(WorkflowView)

    @property
    def campaign(self) -> CampaignInfo | None:
        """The open campaign, once read."""
        return self.view.campaign

    @property
    def action(self) -> ActionInfo | None:
        """The selected action."""
        campaign = self.campaign
        if campaign is None or not campaign.actions:
            return None
        return campaign.actions[min(self.view.selected, len(campaign.actions) - 1)]

    # Reading ------------------------------------------------------------------------------

    def open(self, workspace: WorkspaceInfo, name: str) -> None:
        self.workspace, self.opened = workspace, name
        self.drop_core(WRITES)
        self.view.campaign = None
        self.view.selected = 0
        self.reload()

    def close(self) -> None:
        self.opened = None
        self.drop_core(READS)
        self.drop_core(WRITES)
        self.view.campaign = None

    def reload(self) -> None:
        """Read the campaign again (changes made elsewhere); a write under way reads it anyway."""
        if self.workspace is None or self.opened is None or self.core_busy(WRITES):
            return
        read = partial(get_campaign, self.db, self.workspace.name, self.opened)
        self.run_core(read, self.show, group=READS, refused=self._unreadable)

    def show(self, campaign: CampaignInfo) -> None:
        """Show `campaign` as read just now (a read still under way is older: it is dropped)."""
        self.drop_core(READS)
        self.opened = campaign.name
        view = self.view
        view.campaign = campaign
        ids = [a.id for a in campaign.actions]
        if self._select_action in ids:
            view.selected = ids.index(self._select_action)
        else:
            view.selected = max(0, min(view.selected, len(ids) - 1))
        self._select_action = None
        self.refresh_bindings()

    def _unreadable(self, error: CoreError) -> None:
        if isinstance(error, NotFound):  # deleted or renamed elsewhere
            self.post_message(self.Closed(gone=str(error)))
        else:
            self.notify(visible(error_text(error)), title="Cannot load the campaign", severity="error", markup=False)

    # Keys ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in WORKFLOW_ACTIONS:
            return True
        return key_state(action, parameters, opened=True, target=self.campaign, selected=self.action)

    def action_back(self) -> None:
        self.post_message(self.Closed())

    def action_cursor(self, step: int) -> None:
        campaign = self.campaign
        if campaign and campaign.actions:
            self.view.selected = max(0, min(self.view.selected + step, len(campaign.actions) - 1))
            self.view.fresh = frozenset()
            self.refresh_bindings()

    def on_workflow_step_clicked(self, event: WorkflowStep.Clicked) -> None:
        self.view.selected = event.index
        self.refresh_bindings()

    def action_add_action(self) -> None:
        campaign, selected = self.campaign, self.action
        if campaign is None:
            return
        if selected is None:
            where = Content("Goes first: the workflow is empty.")
        else:
            where = Content.assemble(f"Goes after step {selected.position}, ", literal(selected.name, "bold"), ".")
        position = selected.position + 1 if selected else None
        self.app.push_screen(ActionTypeDialog(where), partial(self._add_of_type, campaign.name, position, where))

    def _add_of_type(self, campaign: str, position: int | None, where: Content, action_type: str | None) -> None:
        if action_type is None or self.workspace is None:
            return
        dialog = ActionFormDialog(self.db, self.workspace.name, campaign, action_type, position=position, where=where)
        self.app.push_screen(dialog, self._saved)

    def action_edit_action(self) -> None:
        if self.workspace is None or (campaign := self.campaign) is None or (selected := self.action) is None:
            return
        where = Content(f"Step {selected.position} of the workflow. Its type cannot change.")
        dialog = ActionFormDialog(
            self.db, self.workspace.name, campaign.name, selected.type, action=selected, where=where
        )
        self.app.push_screen(dialog, self._saved)

    def _saved(self, action: ActionInfo | Stale | None) -> None:
        if isinstance(action, ActionInfo):
            self._select_action = action.id
        if isinstance(action, Stale):
            self.notify(visible(action.message), title="Not saved", severity="warning", markup=False)
        if action is not None:
            self.reload()

    def action_move_action(self, step: int) -> None:
        if self.workspace is None or (campaign := self.campaign) is None or (selected := self.action) is None:
            return
        self._select_action = selected.id
        self.view.fresh = frozenset()
        to = selected.position + step
        self._write(
            partial(
                move_action,
                self.db,
                self.workspace.name,
                campaign.name,
                selected.id,
                to,
                expected_version=selected.version,
            )
        )

    def action_remove_action(self) -> None:
        """Asks first; when the action may have sent messages, also whether to keep them in
        history (the default) or delete them."""
        if (selected := self.action) is None or (campaign := self.campaign) is None:
            return
        if campaign.people_reached and selected.type in MESSAGE_TYPES:
            self.app.push_screen(RemoveActionDialog(selected.position, selected.name), partial(self._remove, selected))
            return
        question = Content.assemble(f"Remove step {selected.position}, ", literal(selected.name, "bold"), "?")
        self.app.push_screen(
            ConfirmDialog("Remove action", question, "Remove"),
            lambda yes: self._remove(selected, "keep" if yes else None),
        )

    def _remove(self, action: ActionInfo, choice: Choice | None) -> None:
        if choice is not None and self.workspace is not None and (campaign := self.campaign) is not None:
            call = partial(
                remove_action,
                self.db,
                self.workspace.name,
                campaign.name,
                action.id,
                keep_messages=choice == "keep",
                expected_version=action.version,
            )
            self._write(call)

    def action_preview(self) -> None:
        if self.workspace is not None and (campaign := self.campaign) and (selected := self.action):
            self.app.push_screen(PreviewDialog(self.db, self.workspace, campaign.name, selected))

    def action_import_actions(self) -> None:
        if self.workspace is not None and (campaign := self.campaign) is not None:
            self.app.push_screen(ImportWizard(self.db, self.workspace.name, campaign.name), self._imported)

    def _imported(self, result: ImportResult | None) -> None:
        """Show the new actions highlighted (until the selection moves) and say what came in."""
        if result is None or not result.imported:
            return
        self._select_action = result.imported[0]
        self.view.fresh = frozenset(result.imported)
        self.notify(imported_note(result), title="Actions imported", markup=False)
        self.reload()

    # Writing ------------------------------------------------------------------------------

    def _write(self, change: Callable[[], object]) -> None:
        """Make one change, then read the campaign back, in one worker. Ignored while another is
        under way: it would act on what the screen showed before the first one landed."""
        if self.workspace is None or self.opened is None or self.core_busy(WRITES):
            return
        self.drop_core(READS)
        read = partial(get_campaign, self.db, self.workspace.name, self.opened)

        def change_then_read() -> CampaignInfo:
            change()
            return read()

        self.run_core(change_then_read, self.show, group=WRITES, refused=self._refused)

    def _refused(self, error: CoreError) -> None:
        """Say why, and show what the database holds now."""
        self.notify(visible(error_text(error)), title="Not changed", severity="error", markup=False)
        self.reload()

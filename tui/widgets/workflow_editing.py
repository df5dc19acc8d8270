"""The keys that change an open campaign's workflow: add, edit, move, remove, preview, import."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.content import Content
from textual.widget import Widget

from tui.core.actions import move_action, remove_action
from tui.core.campaigns import ActionInfo, CampaignInfo
from tui.core.db import Database
from tui.core.imports import ImportResult
from tui.core.text import visible
from tui.core.workspaces import WorkspaceInfo
from tui.dialogs.action_form import ActionFormDialog
from tui.dialogs.action_type import ActionTypeDialog
from tui.dialogs.campaign_stale import Stale
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.import_wizard import ImportWizard
from tui.dialogs.import_wizard.launch import imported_note
from tui.dialogs.preview_message import PreviewDialog
from tui.parts.literal import literal
from tui.widgets.workflow_view import WorkflowView

# A plain mixin at run time (a Widget base would reset the pane's can_focus); a Widget to type checkers.
if TYPE_CHECKING:
    _Host = Widget
else:
    _Host = object


class WorkflowEditing(_Host):
    """Mixed into the Campaigns pane, which provides what is declared here: `_write` (one change
    through core, then a reload) and `reload`."""

    db: Database
    workspace: WorkspaceInfo | None
    _select_action: int | None  # the action to select once the campaign loads
    _write: Callable[[str, Callable[[], object]], None]
    reload: Callable[[], None]

    @property
    def campaign(self) -> CampaignInfo | None:
        """The open campaign, once loaded; None while the list shows."""
        return self.query_one(WorkflowView).campaign

    @property
    def action(self) -> ActionInfo | None:
        """The selected action of the open campaign."""
        campaign = self.campaign
        if campaign is None or not campaign.actions:
            return None
        return campaign.actions[min(self.query_one(WorkflowView).selected, len(campaign.actions) - 1)]

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
        self.after_dialog(action)

    def after_dialog(self, result: object) -> None:
        """Reload after a dialog changed something; say so when its record changed elsewhere."""
        if isinstance(result, Stale):
            self.notify(visible(result.message), title="Not saved", severity="warning", markup=False)
        if result is not None:
            self.reload()

    def action_move_action(self, step: int) -> None:
        if self.workspace is None or (campaign := self.campaign) is None or (selected := self.action) is None:
            return
        self._select_action = selected.id
        self.query_one(WorkflowView).fresh = frozenset()
        to = selected.position + step
        call = partial(
            move_action, self.db, self.workspace.name, campaign.name, selected.id, to, expected_version=selected.version
        )
        self._write("move", call)

    def action_remove_action(self) -> None:
        if (selected := self.action) is None:
            return
        question = Content.assemble(
            f"Remove step {selected.position}, ", literal(selected.name, "bold"), ", and the messages it sent?"
        )
        self.app.push_screen(ConfirmDialog("Remove action", question, "Remove"), partial(self._remove, selected))

    def _remove(self, action: ActionInfo, yes: bool | None) -> None:
        if yes and self.workspace is not None and (campaign := self.campaign) is not None:
            version = action.version
            call = partial(
                remove_action, self.db, self.workspace.name, campaign.name, action.id, expected_version=version
            )
            self._write("remove", call)

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
        self.query_one(WorkflowView).fresh = frozenset(result.imported)
        self.notify(imported_note(result), title="Actions imported", markup=False)
        self.reload()

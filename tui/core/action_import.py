"""Importing actions from another campaign (I1), and what the import wizard browses first.

The wizard's steps read: `source_workspaces` (with people and campaign counts), then
`campaigns.list_campaigns` (state and action count, one grouped query), then
`actions.list_actions` (each action's settings are its content preview).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tui.core.action_settings import SPECS
from tui.core.actions import insert_actions
from tui.core.campaigns import (
    ActionInfo,
    CampaignInfo,
    actions_of,
    campaign_info,
    copy_action,
    editable_campaign,
    find_campaign,
)
from tui.core.db import Database
from tui.core.errors import InvalidInput
from tui.core.identity import name_key
from tui.core.models import Action, Workspace
from tui.core.templates import variable_paths
from tui.core.text import iso
from tui.core.workspaces import WorkspaceInfo, find_workspace, list_workspaces


@dataclass(frozen=True)
class ImportResult:
    campaign: CampaignInfo  # the target campaign after the import
    imported: tuple[int, ...]  # the new actions' ids, in workflow order

    @property
    def actions(self) -> tuple[ActionInfo, ...]:
        chosen = set(self.imported)
        return tuple(a for a in self.campaign.actions if a.id in chosen)


def source_workspaces(db: Database, target_workspace: str) -> list[WorkspaceInfo]:
    """Every workspace to import from: the others first, by name, then the target's own."""
    own = name_key(target_workspace)
    return sorted(list_workspaces(db), key=lambda ws: name_key(ws.name) == own)


def _reads(path: str, field: str) -> bool:
    """Whether a variable path such as `customer.email.size` reads `customer.<field>`."""
    base = f"customer.{field}"
    return path == base or path.startswith((f"{base}.", f"{base}["))


def review_reason(action_type: str, settings: Mapping[str, str], target: Workspace) -> str | None:
    """Why a copied message needs a look in `target`, or None: it reads the identifier that
    workspace lacks (customer.id where people are identified by email, customer.email where
    by id). Found by Liquid's variable analysis, not by searching the text."""
    field = "id" if target.identify_by == "email" else "email"
    fields = [
        key
        for key in SPECS[action_type].templates
        if key in settings and any(_reads(path, field) for path in variable_paths(settings[key]))
    ]
    if not fields:
        return None
    uses = f"{' and '.join(fields)} {'use' if len(fields) > 1 else 'uses'} customer.{field}"
    if field == "id":
        return (
            f"{uses}, but workspace {target.name!r} identifies people by email, so customer.id is always "
            "empty there: use customer.email or an attribute instead, then save the action"
        )
    return (
        f"{uses}, but workspace {target.name!r} identifies people by id and their email is optional, so "
        "it may be empty: check the text reads well without it, or use customer.id, then save the action"
    )


def _chosen(source: list[Action], action_ids: Sequence[int] | None, where: str) -> list[Action]:
    if not source:
        raise InvalidInput(f"{where} has no actions, so there is nothing to import: choose another campaign")
    if action_ids is None:
        return source
    present = {a.id for a in source}
    missing = [i for i in dict.fromkeys(action_ids) if i not in present]
    if missing:
        listed = ", ".join(str(i) for i in missing)
        raise InvalidInput(
            f"{where} has no action with id {listed}: choose among its actions {', '.join(str(a.id) for a in source)}"
        )
    wanted = set(action_ids)
    return [a for a in source if a.id in wanted]


def import_actions(
    db: Database,
    workspace: str,
    campaign: str,
    *,
    from_workspace: str,
    from_campaign: str,
    action_ids: Sequence[int] | None = None,
    position: int | None = None,
) -> ImportResult:
    """I1: copy the chosen actions (`None`: all of them) of a campaign, in any workspace, into
    `campaign` at `position` (1..n+1, default: the end), in one transaction.

    Copies keep the source order, type, name and settings, get new ids, record `imported_from`
    (names as they are now) and are marked `needs_review` where their templates read the
    identifier the target workspace lacks.
    """
    if action_ids is not None and not action_ids:
        raise InvalidInput("no action chosen: choose at least one action to import, or all of them")
    now = db.runtime.now()
    with db.write(f"campaign {campaign.strip()!r}") as session:
        target_ws, target = editable_campaign(session, workspace, campaign, "import actions into it")
        source_ws = find_workspace(session, from_workspace)
        source = find_campaign(session, source_ws, from_campaign)
        where = f"campaign {source.name!r} of workspace {source_ws.name!r}"
        origin = {"workspace": source_ws.name, "campaign": source.name}
        imported_at = iso(now)
        copies = []
        for action in _chosen(actions_of(session, source.id), action_ids, where):
            reason = review_reason(action.type, action.settings, target_ws)
            copies.append(
                copy_action(
                    action,
                    now,
                    imported_from=origin | {"action_id": action.id, "imported_at": imported_at},
                    needs_review=reason is not None,
                    review_reason=reason,
                )
            )
        insert_actions(session, target, position, copies)
        return ImportResult(campaign_info(session, target_ws, target), tuple(c.id for c in copies))

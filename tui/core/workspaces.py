"""Workspaces (W1, W2): create, list, rename, change settings, delete."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tui.core import credentials
from tui.core.db import Database
from tui.core.errors import Conflict, InvalidInput, NotFound
from tui.core.identity import clean_name, name_key, normalize_email
from tui.core.models import Action, AppKey, Campaign, Message, Person, Workspace, WorkspaceLedger
from tui.core.usage import record_usage

MAX_NAME = 64
IDENTIFY_KINDS = ("id", "email")
SEND_MODES = ("normal", "test", "never")
NAMED_COLORS = (
    "blue", "green", "orange", "purple", "red", "teal", "yellow", "pink", "cyan", "magenta", "gray",
)
HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True)
class WorkspaceInfo:
    id: int
    name: str
    identify_by: str
    color: str
    send_mode: str
    test_address: str | None
    people: int
    campaigns: int
    messages_sent: int
    site_id: str
    created_at: datetime

    @classmethod
    def of(cls, ws: Workspace) -> WorkspaceInfo:
        return cls(
            id=ws.id,
            name=ws.name,
            identify_by=ws.identify_by,
            color=ws.color,
            send_mode=ws.send_mode,
            test_address=ws.test_address,
            people=ws.people_count,
            campaigns=ws.campaigns_count,
            messages_sent=ws.messages_sent,
            site_id=ws.site_id,
            created_at=ws.created_at,
        )


@dataclass(frozen=True)
class CreatedWorkspace:
    workspace: WorkspaceInfo
    tracking_api_key: str  # shown this once


@dataclass(frozen=True)
class DeletedWorkspace:
    name: str
    people: int
    campaigns: int
    messages: int


def validate_color(raw: str) -> str:
    color = raw.strip().lower()
    if color in NAMED_COLORS or HEX_COLOR.fullmatch(color):
        return color
    raise InvalidInput(f"colour {raw!r} is not valid: use #rrggbb or one of {', '.join(NAMED_COLORS)}")


def validate_identify_by(raw: str) -> str:
    if raw not in IDENTIFY_KINDS:
        raise InvalidInput(f"identify_by {raw!r} is not valid: choose 'id' or 'email'")
    return raw


def validate_send_mode(mode: str, test_address: str | None) -> tuple[str, str | None]:
    """`test` needs a valid test address, which is normalized; other modes keep none."""
    if mode not in SEND_MODES:
        raise InvalidInput(f"send mode {mode!r} is not valid: choose normal, test or never")
    if mode == "test":
        if not test_address:
            raise InvalidInput("send mode 'test' needs a test address (--test-address)")
        return mode, normalize_email(test_address)
    return mode, None


def find_workspace(session: Session, name: str) -> Workspace:
    """The workspace named `name` (trimmed, casefolded), or NotFound."""
    ws = session.scalar(select(Workspace).where(Workspace.name_key == name_key(name)))
    if ws is None:
        raise NotFound(f"no workspace named {name.strip()!r}")
    return ws


def _ensure_name_free(session: Session, key: str, name: str, *, except_id: int | None = None) -> None:
    clash = session.scalar(select(Workspace).where(Workspace.name_key == key))
    if clash is not None and clash.id != except_id:
        raise Conflict(f"a workspace named {clash.name!r} already exists (names ignore case)")


def create_workspace(
    db: Database,
    name: str,
    identify_by: str,
    *,
    color: str | None = None,
    send_mode: str = "normal",
    test_address: str | None = None,
) -> CreatedWorkspace:
    clean, key = clean_name(name, what="workspace", max_length=MAX_NAME)
    kind = validate_identify_by(identify_by)
    mode, address = validate_send_mode(send_mode, test_address)
    chosen_color = validate_color(color) if color else None
    now = db.runtime.now()
    with db.write() as session:
        _ensure_name_free(session, key, clean)
        if chosen_color is None:
            count = session.scalar(select(func.count()).select_from(WorkspaceLedger)) or 0
            chosen_color = NAMED_COLORS[count % len(NAMED_COLORS)]
        tracking = credentials.new_secret(db.runtime.tokens)
        ws = Workspace(
            name=clean,
            name_key=key,
            color=chosen_color,
            send_mode=mode,
            test_address=address,
            identify_by=kind,
            site_id=credentials.new_site_id(db.runtime.tokens),
            tracking_key_hash=credentials.hash_secret(tracking),
            tracking_key_last4=tracking[-4:],
            people_count=0,
            campaigns_count=0,
            messages_sent=0,
            created_at=now,
        )
        session.add(ws)
        session.flush()
        session.add(WorkspaceLedger(id=ws.id, name=clean, created_at=now))
        session.flush()
        return CreatedWorkspace(WorkspaceInfo.of(ws), tracking)


def list_workspaces(db: Database) -> list[WorkspaceInfo]:
    """Every workspace, by name (casefolded)."""
    with db.read() as session:
        rows = session.scalars(select(Workspace).order_by(Workspace.name_key)).all()
        return [WorkspaceInfo.of(ws) for ws in rows]


def get_workspace(db: Database, name: str) -> WorkspaceInfo:
    with db.read() as session:
        return WorkspaceInfo.of(find_workspace(session, name))


def rename_workspace(db: Database, name: str, new_name: str) -> WorkspaceInfo:
    clean, key = clean_name(new_name, what="workspace", max_length=MAX_NAME)
    with db.write() as session:
        ws = find_workspace(session, name)
        _ensure_name_free(session, key, clean, except_id=ws.id)
        ws.name, ws.name_key = clean, key
        ledger = session.get(WorkspaceLedger, ws.id)
        if ledger is not None:
            ledger.name = clean
        session.flush()
        return WorkspaceInfo.of(ws)


def update_workspace(
    db: Database,
    name: str,
    *,
    color: str | None = None,
    send_mode: str | None = None,
    test_address: str | None = None,
    identify_by: str | None = None,
) -> WorkspaceInfo:
    """Change colour or send mode. `identify_by` is accepted only to refuse it (W1)."""
    if identify_by is not None:
        raise InvalidInput(
            "a workspace's identifier kind (identify_by) cannot be changed after creation: its "
            "people are stored by that identifier; create a new workspace to identify people differently"
        )
    chosen_color = validate_color(color) if color is not None else None
    with db.write() as session:
        ws = find_workspace(session, name)
        if chosen_color is not None:
            ws.color = chosen_color
        if send_mode is not None or test_address is not None:
            mode = send_mode if send_mode is not None else ws.send_mode
            address = test_address if test_address is not None else ws.test_address
            ws.send_mode, ws.test_address = validate_send_mode(mode, address)
        session.flush()
        return WorkspaceInfo.of(ws)


def delete_workspace(db: Database, name: str, *, confirmed: bool) -> DeletedWorkspace:
    """W2: remove the workspace and everything in it, in one transaction. Billing facts stay."""
    if not confirmed:
        raise InvalidInput(f"deleting workspace {name.strip()!r} needs explicit confirmation; nothing was deleted")
    now = db.runtime.now()
    with db.write() as session:
        ws = find_workspace(session, name)
        messages = session.scalar(select(func.count()).where(Message.workspace_id == ws.id)) or 0
        summary = DeletedWorkspace(ws.name, ws.people_count, ws.campaigns_count, messages)
        record_usage(session, ws.id, now.date(), people_deleted=ws.people_count)
        ledger = session.get(WorkspaceLedger, ws.id)
        if ledger is not None:
            ledger.deleted_at = now
        # Children first: explicit deletes keep this independent of ON DELETE CASCADE support.
        session.execute(delete(Message).where(Message.workspace_id == ws.id))
        campaign_ids = select(Campaign.id).where(Campaign.workspace_id == ws.id)
        session.execute(delete(Action).where(Action.campaign_id.in_(campaign_ids)))
        session.execute(delete(Campaign).where(Campaign.workspace_id == ws.id))
        session.execute(delete(AppKey).where(AppKey.workspace_id == ws.id))
        session.execute(delete(Person).where(Person.workspace_id == ws.id))
        session.delete(ws)
        session.flush()
        return summary


def deletion_preview(db: Database, name: str) -> DeletedWorkspace:
    """What deleting the workspace would remove, for a confirmation dialog."""
    with db.read() as session:
        ws = find_workspace(session, name)
        messages = session.scalar(select(func.count()).where(Message.workspace_id == ws.id)) or 0
        return DeletedWorkspace(ws.name, ws.people_count, ws.campaigns_count, messages)

"""Workspaces (W1, W2): create, list, rename, change settings, delete."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, func, select, update
from sqlalchemy.orm import Session

from tui.core.db import Database
from tui.core.errors import Conflict, InvalidInput, NotFound, SwitchboardError
from tui.core.identity import clean_name, name_key, normalize_email
from tui.core.message_counts import NO_MESSAGES, MessageCounts
from tui.core.models import (
    Action,
    ActivityEntry,
    AppKey,
    Campaign,
    DeliverySettings,
    Event,
    Message,
    Person,
    Suppression,
    Workspace,
    WorkspaceLedger,
)
from tui.core.secret_tokens import hash_secret, new_secret, new_site_id
from tui.core.usage import bump_counters, record_usage
from tui.core.workspace_colors import NAMED_COLORS, validate_color

MAX_NAME = 64
IDENTIFY_KINDS = ("id", "email")
SEND_MODES = ("normal", "test", "never")


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
    messages: MessageCounts = NO_MESSAGES

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
            messages=MessageCounts.of(ws),
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


def validate_identify_by(raw: str) -> str:
    if raw not in IDENTIFY_KINDS:
        raise InvalidInput(f"identify_by {raw!r} is not valid: choose 'id' or 'email'")
    return raw


def validate_send_mode(mode: str, test_address: str | None, *, address_given: bool = False) -> tuple[str, str | None]:
    """`test` needs a valid test address, which is normalized; other modes keep none, and an
    address given with them is refused rather than dropped (`address_given`)."""
    if mode not in SEND_MODES:
        raise InvalidInput(f"send mode {mode!r} is not valid: choose normal, test or never")
    if address_given and mode != "test":
        raise InvalidInput(
            f"a test address applies only in send mode 'test', and the send mode would be {mode!r}: "
            "choose send mode 'test' with it, or leave the address out"
        )
    if mode == "test":
        if not test_address:
            raise InvalidInput("send mode 'test' needs a test address: the one address its emails go to")
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
    mode, address = validate_send_mode(send_mode, test_address, address_given=test_address is not None)
    chosen_color = validate_color(color) if color else None
    now = db.runtime.now()
    with db.write() as session:
        _ensure_name_free(session, key, clean)
        if chosen_color is None:
            count = session.scalar(select(func.count()).select_from(WorkspaceLedger)) or 0
            chosen_color = NAMED_COLORS[count % len(NAMED_COLORS)]
        tracking = new_secret(db.runtime.tokens)
        ws = Workspace(
            name=clean,
            name_key=key,
            color=chosen_color,
            send_mode=mode,
            test_address=address,
            identify_by=kind,
            site_id=new_site_id(db.runtime.tokens),
            tracking_key_hash=hash_secret(tracking),
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
            ws.send_mode, ws.test_address = validate_send_mode(mode, address, address_given=test_address is not None)
        session.flush()
        return WorkspaceInfo.of(ws)


DELETE_BATCH_SIZE = 20_000  # people (with their messages) per write transaction: ~1 s on SQLite
# After each batch on SQLite the write lock stays free this long, so that another process's writer
# gets it: SQLite's busy handler polls at most every 100 ms, and a lock taken again at once would
# starve it until its busy timeout ("database is locked"). PostgreSQL locks rows, not the database.
SQLITE_PAUSE_SECONDS = 0.12

DeleteProgress = Callable[[int, int], None]


class DeletionStopped(SwitchboardError):
    """A deletion was cancelled between two batches: what was deleted stays deleted (and
    counted); the workspace remains with the rest, and deleting it again finishes the job."""


def delete_workspace(
    db: Database,
    name: str,
    *,
    confirmed: bool,
    progress: DeleteProgress | None = None,
    cancelled: Callable[[], bool] | None = None,
    batch_size: int | None = None,
) -> DeletedWorkspace:
    """W2: remove the workspace and everything in it. Billing facts stay.

    Returns what the workspace held when the deletion started. The work is split into short
    write transactions, so that another process's writer never waits longer than one of them:

    1. batches of `batch_size` people (DELETE_BATCH_SIZE), in id order, each deleted with its
       messages in one transaction that also lowers the kept `people_count` and records
       `people_deleted` for the day; `progress(done, total)` is called after each commit;
    2. a last transaction that holds the workspace row (no one can add to it any more), deletes
       the people still left (added meanwhile; if more than a batch, it gives up and batches go
       on), the campaigns with their actions, the App API keys and the workspace row, and sets
       the ledger's `deleted_at`.

    Meanwhile other sessions see the workspace as it is between batches: listed, with its
    people count falling (always equal to its rows), its campaigns, sends and API keys working
    until the last transaction. People another process adds meanwhile are deleted too and
    counted as deleted; once the workspace row is gone, adding to it is refused (not found).
    On SQLite the write lock is left free for SQLITE_PAUSE_SECONDS after each batch.

    Every batch is whole or absent, so a crash, Ctrl-C or an exception raised by `progress` (it
    propagates) leaves the workspace with fewer people, counts equal to rows and billing exact;
    deleting it again finishes the job. `cancelled()`, asked before each batch, stops the
    deletion the same way with `DeletionStopped`.
    """
    if not confirmed:
        raise InvalidInput(f"deleting workspace {name.strip()!r} needs explicit confirmation; nothing was deleted")
    size = DELETE_BATCH_SIZE if batch_size is None else batch_size
    if size < 1:
        raise InvalidInput(f"batch size {size} is not valid: give 1 or more")
    with db.read() as session:
        ws = find_workspace(session, name)
        messages = session.scalar(select(func.count()).where(Message.workspace_id == ws.id)) or 0
        summary = DeletedWorkspace(ws.name, ws.people_count, ws.campaigns_count, messages)
        workspace_id = ws.id
    done, after = 0, 0  # people deleted so far; the largest id of a batch deleted so far
    swept = False
    while True:
        if cancelled is not None and cancelled():
            raise DeletionStopped(
                f"deleting workspace {summary.name!r} stopped after {done:,} of {max(summary.people, done):,} people;"
                " the workspace remains with the rest: delete it again to finish"
            )
        with db.write(f"workspace {summary.name!r}") as session:
            deleted, last = _delete_people_batch(session, workspace_id, after, size, db.runtime.now())
        if last is None and after and not swept:
            # Once more from the start, in a batch that locks nothing unless it finds someone:
            # on PostgreSQL people can commit behind the keyset (ids are drawn before commit),
            # and this scan marks the deleted index entries dead, so that the last transaction,
            # which holds the workspace row, looks for them quickly.
            after, swept = 0, True
            continue
        if last is None:  # no one left: finish, unless many were added meanwhile
            rest = _delete_the_rest(db, workspace_id, size)
            if rest is None:
                after = 0  # more than a batch committed behind the keyset (PostgreSQL): go round again
                continue
            done += rest
            if progress is not None and rest:
                progress(done, max(summary.people, done))
            return summary
        done, after = done + deleted, last
        if progress is not None:
            progress(done, max(summary.people, done))
        if db.is_sqlite:
            time.sleep(SQLITE_PAUSE_SECONDS)


def _people_range(workspace_id: int, after: int, last: int) -> ColumnElement[bool]:
    """People of the workspace with `after < id <= last`: a range of ix_people_workspace_id."""
    return and_(Person.workspace_id == workspace_id, Person.id > after, Person.id <= last)


def _delete_people(session: Session, workspace_id: int, after: int, last: int) -> int:
    """Delete the workspace's people in the id range, messages first; how many people went."""
    people = select(Person.id).where(_people_range(workspace_id, after, last))
    # The range on person_id keeps the search on ix_messages_person whatever the planner thinks
    # of the IN; the IN keeps it to this workspace's people.
    session.execute(
        delete(Message)
        .where(Message.person_id > after, Message.person_id <= last, Message.person_id.in_(people))
        .execution_options(synchronize_session=False)
    )
    result = session.execute(
        delete(Person).where(_people_range(workspace_id, after, last)).execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _delete_people_batch(
    session: Session, workspace_id: int, after: int, size: int, now: datetime
) -> tuple[int, int | None]:
    """Delete the next `size` people after id `after`: (how many went, the batch's last id),
    or (0, None) when there is no one after `after`. Counters and billing move with the rows."""
    ids = session.scalars(
        select(Person.id).where(Person.workspace_id == workspace_id, Person.id > after).order_by(Person.id).limit(size)
    ).all()
    if not ids:
        return 0, None
    # Counted from the DELETE itself: a person deleted elsewhere meanwhile is not counted twice,
    # one committed meanwhile inside the range (PostgreSQL) is counted.
    deleted = _delete_people(session, workspace_id, after, ids[-1])
    bump_counters(session, workspace_id, people=-deleted)
    record_usage(session, workspace_id, now.date(), people_deleted=deleted)
    return deleted, ids[-1]


def _delete_the_rest(db: Database, workspace_id: int, size: int) -> int | None:
    """The last transaction: the people still left, then everything else and the workspace.

    Returns how many people it deleted, or None (changing nothing) when more than `size` are
    left, so that the caller deletes them in batches first.
    """
    with db.write("the workspace") as session:
        return _delete_the_rest_in(session, workspace_id, size, db.runtime.now())


def _delete_the_rest_in(session: Session, workspace_id: int, size: int, now: datetime) -> int | None:
    # PostgreSQL: wait for writers adding people (they hold a key-share lock on the row), and
    # hold new ones off until the workspace is gone; SQLite's BEGIN IMMEDIATE already does both.
    if session.scalar(select(Workspace.id).where(Workspace.id == workspace_id).with_for_update()) is None:
        return 0  # deleted meanwhile by another session
    left = session.scalars(
        select(Person.id).where(Person.workspace_id == workspace_id).order_by(Person.id).limit(size + 1)
    ).all()
    if len(left) > size:
        return None
    deleted = _delete_people(session, workspace_id, 0, left[-1]) if left else 0
    # The rows' ON DELETE CASCADE would remove people without counting them: none may be left.
    record_usage(session, workspace_id, now.date(), people_deleted=deleted)
    session.execute(
        update(WorkspaceLedger)
        .where(WorkspaceLedger.id == workspace_id)
        .values(deleted_at=now)
        .execution_options(synchronize_session=False)
    )
    # Children first: explicit deletes keep this independent of ON DELETE CASCADE support. The
    # messages went with their people (a workspace-wide DELETE here could be planned as a scan
    # of every workspace's messages on PostgreSQL, its statistics still counting the deleted).
    campaign_ids = select(Campaign.id).where(Campaign.workspace_id == workspace_id)
    for statement in (
        delete(Action).where(Action.campaign_id.in_(campaign_ids)),
        delete(Campaign).where(Campaign.workspace_id == workspace_id),
        delete(AppKey).where(AppKey.workspace_id == workspace_id),
        # What the Track API stored: people's events and devices went with them (cascade).
        delete(Event).where(Event.workspace_id == workspace_id),
        delete(Suppression).where(Suppression.workspace_id == workspace_id),
        delete(ActivityEntry).where(ActivityEntry.workspace_id == workspace_id),
        delete(DeliverySettings).where(DeliverySettings.workspace_id == workspace_id),
        delete(Workspace).where(Workspace.id == workspace_id),
    ):
        session.execute(statement.execution_options(synchronize_session=False))
    return deleted


def deletion_preview(db: Database, name: str) -> DeletedWorkspace:
    """What deleting the workspace would remove, for a confirmation dialog."""
    with db.read() as session:
        ws = find_workspace(session, name)
        messages = session.scalar(select(func.count()).where(Message.workspace_id == ws.id)) or 0
        return DeletedWorkspace(ws.name, ws.people_count, ws.campaigns_count, messages)

"""Credentials (W3): Site ID, tracking API key, labelled App API keys.

Secrets are shown once, when created or rotated, and stored only as a SHA-256 hash (they are
long random strings, so a fast hash is enough); afterwards only their last 4 characters show.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from tui.core.db import Database
from tui.core.errors import Conflict, InvalidInput, NotFound
from tui.core.identity import has_control_chars
from tui.core.models import AppKey, Workspace
from tui.core.secret_tokens import hash_secret, new_secret
from tui.core.workspaces import find_workspace

MAX_LABEL = 100


@dataclass(frozen=True)
class AppKeyInfo:
    label: str
    last4: str
    created_at: datetime


@dataclass(frozen=True)
class Credentials:
    site_id: str
    tracking_api_key_last4: str
    app_api_keys: list[AppKeyInfo]
    tracking_api_key: str | None = None  # only in the call that rotates it
    app_api_key: str | None = None  # only in the call that creates it


def _clean_label(raw: str) -> str:
    label = raw.strip()
    if not label:
        raise InvalidInput("an App API key needs a label of 1 to 100 characters")
    if len(label) > MAX_LABEL:
        raise InvalidInput(f"App API key label has {len(label)} characters; at most {MAX_LABEL} are allowed")
    if has_control_chars(label):
        raise InvalidInput(f"App API key label {label!r} contains control characters")
    return label


def credentials(
    db: Database,
    workspace: str,
    *,
    rotate_tracking_key: bool = False,
    add_app_key: str | None = None,
    revoke_app_key: str | None = None,
) -> Credentials:
    """Show a workspace's credentials, applying at most these changes in one transaction."""

    add_label = _clean_label(add_app_key) if add_app_key is not None else None
    new_tracking: str | None = None
    new_app: str | None = None
    with db.write() as session:
        ws = find_workspace(session, workspace)
        if revoke_app_key is not None:
            key = session.scalar(
                select(AppKey).where(AppKey.workspace_id == ws.id, AppKey.label == revoke_app_key.strip())
            )
            if key is None:
                raise NotFound(f"workspace {ws.name!r} has no App API key labelled {revoke_app_key.strip()!r}")
            session.delete(key)
            session.flush()
        if add_label is not None:
            clash = session.scalar(select(AppKey).where(AppKey.workspace_id == ws.id, AppKey.label == add_label))
            if clash is not None:
                raise Conflict(f"workspace {ws.name!r} already has an App API key labelled {add_label!r}")
            new_app = new_secret(db.runtime.tokens)
            session.add(
                AppKey(
                    workspace_id=ws.id,
                    label=add_label,
                    key_hash=hash_secret(new_app),
                    last4=new_app[-4:],
                    created_at=db.runtime.now(),
                )
            )
        if rotate_tracking_key:
            new_tracking = new_secret(db.runtime.tokens)
            ws.tracking_key_hash = hash_secret(new_tracking)
            ws.tracking_key_last4 = new_tracking[-4:]
        session.flush()
        keys = session.scalars(select(AppKey).where(AppKey.workspace_id == ws.id).order_by(AppKey.label)).all()
        return Credentials(
            site_id=ws.site_id,
            tracking_api_key_last4=ws.tracking_key_last4,
            app_api_keys=[AppKeyInfo(k.label, k.last4, k.created_at) for k in keys],
            tracking_api_key=new_tracking,
            app_api_key=new_app,
        )


def resolve_tracking_credentials(db: Database, site_id: str, tracking_key: str) -> str:
    """The name of the workspace that (site_id, tracking key) belong to, or NotFound."""
    return _tracking_workspace(db, site_id, tracking_key)[1]


def tracking_workspace_id(db: Database, site_id: str, tracking_key: str) -> int:
    """The id of the workspace that (site_id, tracking key) belong to, or NotFound. Read on
    every call: a rotated key or a deleted workspace stops working at once."""
    return _tracking_workspace(db, site_id, tracking_key)[0]


def _tracking_workspace(db: Database, site_id: str, tracking_key: str) -> tuple[int, str]:
    with db.read() as session:
        row = session.execute(
            select(Workspace.id, Workspace.name, Workspace.tracking_key_hash).where(
                Workspace.site_id == site_id.strip().lower()
            )
        ).first()
        # Compared in constant time; an unknown site ID costs the same hash and comparison.
        stored = row.tracking_key_hash if row is not None else "0" * 64
        if not hmac.compare_digest(stored, hash_secret(tracking_key)) or row is None:
            raise NotFound("those tracking credentials do not match any workspace")
        return row.id, row.name


def resolve_app_key(db: Database, app_key: str) -> str:
    """The name of the workspace an App API key belongs to, or NotFound."""
    with db.read() as session:
        ws = session.scalar(
            select(Workspace)
            .join(AppKey, AppKey.workspace_id == Workspace.id)
            .where(AppKey.key_hash == hash_secret(app_key))
        )
        if ws is None:
            raise NotFound("that App API key does not match any workspace")
        return ws.name

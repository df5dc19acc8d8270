"""W3: Site ID, tracking key and App keys: shown once, stored hashed, resolved to one workspace."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tui.core import credentials as creds
from tui.core import workspaces as ws
from tui.core.errors import Conflict, InvalidInput, NotFound
from tui.core.models import AppKey, Workspace


def test_W3_each_workspace_gets_a_unique_site_id_of_20_lowercase_hex(db) -> None:  # type: ignore[no-untyped-def]
    a = ws.create_workspace(db, "A", "id").workspace.site_id
    b = ws.create_workspace(db, "B", "id").workspace.site_id
    assert re.fullmatch(r"[0-9a-f]{20}", a) and re.fullmatch(r"[0-9a-f]{20}", b)
    assert a != b


def test_W3_tracking_key_is_shown_once_and_stored_only_as_a_hash(db) -> None:  # type: ignore[no-untyped-def]
    created = ws.create_workspace(db, "A", "id")
    key = created.tracking_api_key
    assert len(key) >= 32
    shown = creds.credentials(db, "A")
    assert shown.tracking_api_key is None and shown.tracking_api_key_last4 == key[-4:]
    with db.read() as session:
        row = session.scalar(select(Workspace))
        stored = " ".join(str(v) for v in row.__dict__.values())
    assert key not in stored


def test_W3_rotating_the_tracking_key_stops_the_old_one(db) -> None:  # type: ignore[no-untyped-def]
    created = ws.create_workspace(db, "A", "id")
    site = created.workspace.site_id
    assert creds.resolve_tracking_credentials(db, site, created.tracking_api_key) == "A"
    rotated = creds.credentials(db, "A", rotate_tracking_key=True)
    assert rotated.tracking_api_key and rotated.tracking_api_key != created.tracking_api_key
    with pytest.raises(NotFound):
        creds.resolve_tracking_credentials(db, site, created.tracking_api_key)
    assert creds.resolve_tracking_credentials(db, site, rotated.tracking_api_key) == "A"


def test_W3_app_keys_are_labelled_unique_per_workspace_shown_once(db) -> None:  # type: ignore[no-untyped-def]
    ws.create_workspace(db, "A", "id")
    ws.create_workspace(db, "B", "id")
    added = creds.credentials(db, "A", add_app_key="ci")
    assert added.app_api_key and len(added.app_api_key) >= 32
    assert [(k.label, k.last4) for k in added.app_api_keys] == [("ci", added.app_api_key[-4:])]
    with pytest.raises(Conflict, match="already has an App API key labelled 'ci'"):
        creds.credentials(db, "A", add_app_key=" ci ")
    assert creds.credentials(db, "B", add_app_key="ci").app_api_key  # same label elsewhere is fine
    assert creds.credentials(db, "A").app_api_key is None
    with db.read() as session:
        hashes = session.scalars(select(AppKey.key_hash)).all()
    assert added.app_api_key not in hashes


def test_W3_app_key_label_must_not_be_empty(db) -> None:  # type: ignore[no-untyped-def]
    ws.create_workspace(db, "A", "id")
    with pytest.raises(InvalidInput, match="label"):
        creds.credentials(db, "A", add_app_key="  ")


@pytest.mark.parametrize("label", ["ci\x00x", "ci\x1b[31m", "line\nbreak"])
def test_W3_app_key_label_must_not_hold_control_characters(db, label: str) -> None:  # type: ignore[no-untyped-def]
    ws.create_workspace(db, "A", "id")
    with pytest.raises(InvalidInput, match="label .* contains control characters"):
        creds.credentials(db, "A", add_app_key=label)
    assert creds.credentials(db, "A").app_api_keys == []


def test_W3_revoked_app_key_stops_resolving(db) -> None:  # type: ignore[no-untyped-def]
    ws.create_workspace(db, "A", "id")
    key = creds.credentials(db, "A", add_app_key="ci").app_api_key
    assert key and creds.resolve_app_key(db, key) == "A"
    assert creds.credentials(db, "A", revoke_app_key="ci").app_api_keys == []
    with pytest.raises(NotFound):
        creds.resolve_app_key(db, key)
    with pytest.raises(NotFound, match="no App API key labelled 'ci'"):
        creds.credentials(db, "A", revoke_app_key="ci")


def test_W3_credentials_of_one_workspace_never_resolve_to_another(db) -> None:  # type: ignore[no-untyped-def]
    a = ws.create_workspace(db, "A", "id")
    b = ws.create_workspace(db, "B", "email")
    key_a = creds.credentials(db, "A", add_app_key="k").app_api_key
    key_b = creds.credentials(db, "B", add_app_key="k").app_api_key
    assert creds.resolve_app_key(db, key_a) == "A" and creds.resolve_app_key(db, key_b) == "B"
    with pytest.raises(NotFound):
        creds.resolve_tracking_credentials(db, a.workspace.site_id, b.tracking_api_key)
    with pytest.raises(NotFound):
        creds.resolve_tracking_credentials(db, b.workspace.site_id, a.tracking_api_key)

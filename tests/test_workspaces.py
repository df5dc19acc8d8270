"""Workspaces: W1 (names, colour, send mode, identify_by fixed) and W2 (unlimited, delete)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tui.core import workspaces as ws
from tui.core.errors import Conflict, InvalidInput, NotFound
from tui.core.models import UsageDay, Workspace, WorkspaceLedger


def count_workspaces(db) -> int:  # type: ignore[no-untyped-def]
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(Workspace)) or 0


def test_W1_name_is_trimmed_and_kept_with_its_case(db) -> None:  # type: ignore[no-untyped-def]
    created = ws.create_workspace(db, "  Acme EU  ", "email")
    assert created.workspace.name == "Acme EU"
    assert ws.get_workspace(db, "acme eu").name == "Acme EU"


@pytest.mark.parametrize("name", ["", "   ", "x" * 65])
def test_W1_name_must_have_1_to_64_characters_after_trimming(db, name: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput, match="workspace name"):
        ws.create_workspace(db, name, "id")
    assert count_workspaces(db) == 0


def test_W1_name_of_64_characters_is_accepted(db) -> None:  # type: ignore[no-untyped-def]
    assert ws.create_workspace(db, "é" * 64, "id").workspace.name == "é" * 64


def test_W1_names_are_unique_casefolded_beyond_ascii(db) -> None:  # type: ignore[no-untyped-def]
    ws.create_workspace(db, "Straße", "id")
    with pytest.raises(Conflict, match="already exists"):
        ws.create_workspace(db, " STRASSE ", "email")  # casefold: ß == ss
    assert count_workspaces(db) == 1


def test_W1_rename_refuses_a_name_in_use_and_allows_a_case_change(db) -> None:  # type: ignore[no-untyped-def]
    ws.create_workspace(db, "One", "id")
    ws.create_workspace(db, "Two", "id")
    with pytest.raises(Conflict):
        ws.rename_workspace(db, "one", "TWO")
    assert ws.rename_workspace(db, "one", "ONE").name == "ONE"


def test_W1_identify_by_must_be_id_or_email(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput, match="'id' or 'email'"):
        ws.create_workspace(db, "X", "phone")


def test_W1_identify_by_can_never_change(db) -> None:  # type: ignore[no-untyped-def]
    ws.create_workspace(db, "X", "id")
    for kind in ("email", "id"):
        with pytest.raises(InvalidInput, match="cannot be changed"):
            ws.update_workspace(db, "X", identify_by=kind)
    assert ws.get_workspace(db, "X").identify_by == "id"


def test_W1_colour_is_a_name_or_hex(db) -> None:  # type: ignore[no-untyped-def]
    assert ws.create_workspace(db, "A", "id", color="#A1B2C3").workspace.color == "#a1b2c3"
    assert ws.create_workspace(db, "B", "id", color="Teal").workspace.color == "teal"
    with pytest.raises(InvalidInput, match="colour"):
        ws.create_workspace(db, "C", "id", color="#12345")
    with pytest.raises(InvalidInput, match="colour"):
        ws.update_workspace(db, "A", color="chartreuse-ish")
    assert ws.get_workspace(db, "A").color == "#a1b2c3"


def test_W1_send_mode_defaults_to_normal_and_test_needs_a_valid_address(db) -> None:  # type: ignore[no-untyped-def]
    assert ws.create_workspace(db, "A", "id").workspace.send_mode == "normal"
    with pytest.raises(InvalidInput, match="test address"):
        ws.create_workspace(db, "B", "id", send_mode="test")
    with pytest.raises(InvalidInput, match="not valid"):
        ws.update_workspace(db, "A", send_mode="test", test_address="qa@")
    assert ws.get_workspace(db, "A").send_mode == "normal"
    updated = ws.update_workspace(db, "A", send_mode="test", test_address=" QA@Example.COM ")
    assert (updated.send_mode, updated.test_address) == ("test", "qa@example.com")
    assert ws.update_workspace(db, "A", send_mode="never").test_address is None


def test_W2_no_limit_on_the_number_of_workspaces(db) -> None:  # type: ignore[no-untyped-def]
    for i in range(150):
        ws.create_workspace(db, f"Workspace {i}", "id" if i % 2 else "email")
    assert len(ws.list_workspaces(db)) == 150


def test_W2_delete_needs_explicit_confirmation(db) -> None:  # type: ignore[no-untyped-def]
    ws.create_workspace(db, "Keep", "id")
    with pytest.raises(InvalidInput, match="confirmation"):
        ws.delete_workspace(db, "Keep", confirmed=False)
    assert count_workspaces(db) == 1


def test_W2_delete_removes_the_workspace_but_keeps_its_ledger(db) -> None:  # type: ignore[no-untyped-def]
    created = ws.create_workspace(db, "Gone", "email")
    deleted = ws.delete_workspace(db, "gone", confirmed=True)
    assert deleted.name == "Gone"
    assert count_workspaces(db) == 0
    with db.read() as session:
        ledger = session.get(WorkspaceLedger, created.workspace.id)
        assert ledger is not None and ledger.name == "Gone" and ledger.deleted_at is not None
    with pytest.raises(NotFound, match="no workspace named 'Gone'"):
        ws.get_workspace(db, "Gone")


def test_W2_workspace_ids_are_never_reused_after_delete(db) -> None:  # type: ignore[no-untyped-def]
    first = ws.create_workspace(db, "A", "id").workspace.id
    ws.delete_workspace(db, "A", confirmed=True)
    assert ws.create_workspace(db, "B", "id").workspace.id > first


def test_W2_unknown_workspace_is_not_found(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound, match="no workspace named 'Nope'"):
        ws.delete_workspace(db, "Nope", confirmed=True)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(UsageDay)) == 0

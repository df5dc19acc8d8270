"""`switchboard demo`: a sample account built through the core, so it obeys every rule."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from tui.core import billing, workspaces
from tui.core.demo import seed_demo
from tui.core.models import Campaign, Message, Person


def test_demo_seeds_both_kinds_of_workspace_with_people_campaigns_and_messages(db) -> None:  # type: ignore[no-untyped-def]
    summary = seed_demo(db, people_per_workspace=10)
    listed = workspaces.list_workspaces(db)
    assert {w.identify_by for w in listed} == {"id", "email"}
    with db.read() as session:
        assert (
            session.scalar(select(func.count()).select_from(Person)) == summary.people == sum(w.people for w in listed)
        )
        assert session.scalar(select(func.count()).select_from(Campaign)) == summary.campaigns
        assert session.scalar(select(func.count()).select_from(Message)) == summary.messages > 0
        states = set(session.scalars(select(Campaign.state)))
    assert states == {"draft", "running", "stopped", "archived"}
    history = billing.messages_per_day(db, days=30)
    assert sum(1 for day in history if day.messages) >= 2  # sends spread over several days


def test_demo_refuses_a_database_that_already_has_workspaces(cli) -> None:  # type: ignore[no-untyped-def]
    cli("workspaces", "create", "Mine", "--identify-by", "id")
    result = cli("demo")
    assert result.exit_code == 1 and "already has workspaces" in result.stderr
    assert [w["name"] for w in json.loads(cli("workspaces", "list", "--json").stdout)] == ["Mine"]


def test_demo_command_prints_what_it_seeded(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("demo", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["workspaces"] == 4 and data["people"] > 0 and data["messages"] > 0

"""Data builders shared by the core, CLI and messaging tests: workspaces, people, campaigns.

Where the test helpers live:
- conftest.py: fixtures (a database per backend, the clock, the CLI runner, the `shop` and `apps`
  workspaces);
- factories.py (here): data builders without Textual, for any test;
- cli_helpers.py: running `switchboard` commands and reading their output;
- app_factory.py: building the app for Pilot and snapshot tests, and its standard workspaces;
- people_helpers.py, campaign_helpers.py, wizard_helpers.py: one pane's or screen's app tests;
- ssh_harness.py: the SSH tests' and benchmark's server, keys and client screens.
A test module imports only from these, never from another test module.

People go through the people module. Campaigns are built with the ORM: in any state, and with
settings the actions module refuses when saved (a webhook url template that does not start
with http), which sending must still survive.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import event, update

from tui.core import outbox, people, sending
from tui.core.db import Database
from tui.core.messages import list_messages
from tui.core.models import Action, Campaign, Message, Workspace
from tui.core.usage import bump_counters
from tui.core.workspaces import create_workspace

EMAIL = (
    "email",
    {"subject": "Hi {{ customer.name }}", "body": "Welcome to {{ workspace.name }}, {{ customer.email }}"},
)
"""An email action `(type, settings)` for `add_campaign`, reading customer and workspace."""


def make_workspace(db: Database, name: str = "Acme", identify_by: str = "email", **settings: Any) -> int:
    """Create a workspace; returns its id."""
    return create_workspace(db, name, identify_by, **settings).workspace.id


def add_person(
    db: Database, workspace_id: int, ident: str, *, email: str | None = None, attributes: dict[str, Any] | None = None
) -> str:
    """Add a person through the people module; returns the cio_id."""
    with db.read() as session:
        ws = session.get_one(Workspace, workspace_id)
    ids = {"email": ident} if ws.identify_by == "email" else {"id": ident, "email": email}
    return people.add_person(db, ws.name, attributes=attributes, **ids).person.cio_id


def delete_person(db: Database, workspace: str, cio_id: str) -> None:
    people.delete_person(db, workspace, f"cio_{cio_id}")


def add_campaign(
    db: Database, workspace_id: int, name: str, steps: list[tuple[str, dict[str, Any]]], *, state: str = "running"
) -> list[int]:
    """A campaign with actions `(type, settings)` in this order; returns the action ids."""
    now = db.runtime.now()
    with db.write() as session:
        campaign = Campaign(
            workspace_id=workspace_id, name=name, name_key=name.casefold(), state=state, created_at=now, updated_at=now
        )
        session.add(campaign)
        session.flush()
        actions = [
            Action(
                campaign_id=campaign.id,
                position=position,
                type=kind,
                name=f"{kind} {position}",
                settings=settings,
                created_at=now,
                updated_at=now,
            )
            for position, (kind, settings) in enumerate(steps, start=1)
        ]
        session.add_all(actions)
        bump_counters(session, workspace_id, campaigns=1)
        session.flush()
        return [action.id for action in actions]


def sqlite_plans(db: Database, run: Callable[[], object], kinds: tuple[str, ...]) -> list[tuple[str, list[str]]]:
    """Run `run()` and return, for each statement of those `kinds` ("SELECT", "DELETE", ...) that
    it executed, the statement (whitespace collapsed) and SQLite's query plan for it, step by step."""
    statements: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith(kinds):
            statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    plans: list[tuple[str, list[str]]] = []
    with db.engine.connect() as conn:
        for statement, parameters in statements:
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()  # type: ignore[arg-type]
            plans.append((" ".join(statement.split()), [row[-1] for row in rows]))
    return plans


def deliver_due(db: Database) -> int:
    """Deliver every message due now as a worker would, each answered "250 OK"; returns how many."""
    return outbox.simulate_delivery(db, "250 OK")


def retries_due(db: Database, when: datetime) -> None:
    """Time passes: every retrying message is due at `when` (the CLI runs on the real clock, so
    a test makes the backoff pass instead of waiting it out)."""
    with db.write() as session:
        session.execute(update(Message).where(Message.status == "retrying").values(next_attempt_at=when))


HOSTILE = "[bold red]boom[/] \x1b[31m"


def three_message_outbox(db: Database) -> dict[str, int]:
    """Acme: three emails, their subjects holding markup and an escape (HOSTILE): ann's
    delivered, bob's failed (550), cat's queued. Returns the message ids by name."""
    ws = make_workspace(db, "Acme")
    for name in ("ann", "bob", "cat"):
        add_person(db, ws, f"{name}@example.com", attributes={"name": name})
    add_campaign(
        db,
        ws,
        "Hello",
        [("email", {"subject": f"Hi {{{{ customer.name }}}} {HOSTILE}", "body": "Body of {{ customer.name }}"})],
    )
    sending.send_campaign(db, "Acme", "Hello")
    ids = {m.recipient.split("@")[0]: m.id for m in list_messages(db, "Acme") if m.recipient}
    claimed = {item.id for item in outbox.claim(db, 2)}  # the oldest two: ann and bob
    assert claimed == {ids["ann"], ids["bob"]}
    outbox.mark_delivered(db, ids["ann"], "250 2.0.0 Ok: queued")
    outbox.mark_failed(db, ids["bob"], "550 5.1.1 no such user")
    return ids

"""States as enums: the database refuses a campaign state or message status the core does not
know, and the revision that adds those checks keeps every row (and SQLite's id rules)."""

from __future__ import annotations

import pytest
from alembic import command
from factories import EMAIL, add_campaign, add_person, make_workspace
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tui.core.db import Database, make_engine, open_database, resolve_target
from tui.core.migrate import alembic_config
from tui.core.runtime import Runtime
from tui.core.sending import send_campaign
from tui.core.states import CampaignState, MessageStatus


def _seed_sent_campaign(db: Database) -> None:
    ws = make_workspace(db, "Acme")
    add_person(db, ws, "ada@example.com")
    add_campaign(db, ws, "Welcome", [EMAIL])
    send_campaign(db, "Acme", "Welcome")


@pytest.mark.parametrize(
    ("table", "column", "known"),
    [("campaigns", "state", CampaignState.RUNNING), ("messages", "status", MessageStatus.SUPPRESSED)],
)
def test_the_database_refuses_a_state_the_core_does_not_know(db: Database, table: str, column: str, known: str) -> None:
    _seed_sent_campaign(db)
    with db.engine.begin() as conn:
        conn.execute(text(f"UPDATE {table} SET {column} = :value"), {"value": known})
    with pytest.raises(IntegrityError, match="ck_"), db.engine.begin() as conn:
        conn.execute(text(f"UPDATE {table} SET {column} = 'paused'"))


def test_states_read_back_as_enum_members(db: Database) -> None:
    _seed_sent_campaign(db)
    from tui.core.models import Campaign, Message

    with db.read() as session:
        state = session.query(Campaign.state).scalar()
        status = session.query(Message.status).scalar()
    assert state is CampaignState.RUNNING
    assert isinstance(status, MessageStatus)


def test_upgrading_to_the_checks_keeps_campaigns_actions_and_messages(empty_db_target: str) -> None:
    """The SQLite rebuild of a referenced table must not cascade into the rows that reference it."""
    url = resolve_target(empty_db_target)
    engine = make_engine(url)
    command.upgrade(alembic_config(engine), "head")
    _seed_sent_campaign(Database(url=url, engine=engine, runtime=Runtime()))
    command.downgrade(alembic_config(engine), "0001")
    engine.dispose()

    database = open_database(empty_db_target)
    with database.engine.connect() as conn:
        counts = [
            conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()
            for table in ("campaigns", "actions", "messages")
        ]
        sqlite_tables = (
            conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'messages'")).scalar()
            if database.is_sqlite
            else "AUTOINCREMENT"
        )
    database.dispose()
    assert counts == [1, 1, 1]
    assert "AUTOINCREMENT" in sqlite_tables  # message ids are never reused (billing)

"""What must hold on SQLite and PostgreSQL alike, and what each backend is set up to do."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url

from tui.core import (
    actions,
    billing,
    campaigns,
    credentials,
    messages,
    migrate,
    people,
    people_list,
    sending,
    workspaces,
)
from tui.core.db import Database, open_database
from tui.core.errors import NotFound
from tui.core.migrate import SCHEMA_HEAD
from tui.core.runtime import FixedClock

# Casefolded keys whose code-point order differs from a language's collation (en_US puts
# "é" before "z" and ignores "_" and case).
NAMES = ["zeta", "Éclair", "_under", "alpha", "Alpha2", "beta"]
CODE_POINT_ORDER = sorted(NAMES, key=str.casefold)


def test_workspaces_campaigns_and_app_keys_list_in_code_point_order(db: Database) -> None:
    for name in NAMES:
        workspaces.create_workspace(db, name, "email")
        campaigns.create_campaign(db, "zeta", name)
        credentials.credentials(db, "zeta", add_app_key=name)
    assert [ws.name for ws in workspaces.list_workspaces(db)] == CODE_POINT_ORDER
    assert [c.name for c in campaigns.list_campaigns(db, "zeta")] == CODE_POINT_ORDER
    assert [k.label for k in credentials.credentials(db, "zeta").app_api_keys] == sorted(NAMES)


def test_people_list_in_code_point_order_of_their_identifier(db: Database) -> None:
    workspaces.create_workspace(db, "Apps", "id")
    ids = ["b", "B", "_x", "é", "a-1", "a1", "Z"]
    for person_id in ids:
        people.add_person(db, "Apps", id=person_id)
    assert [p.id for p in people_list.list_people(db, "Apps").people] == sorted(ids)


def test_sums_and_counts_are_ints_and_times_are_aware_utc(db: Database, clock: FixedClock) -> None:
    clock.set(datetime(2026, 3, 15, 12, 0, 1, 123456, tzinfo=UTC))
    created = workspaces.create_workspace(db, "Shop", "email").workspace
    people.add_person(db, "Shop", email="ann@example.com")
    report = billing.billing(db, "2026-03")
    assert (report.people, report.all_time.people) == (1, 1)
    assert all(
        type(n) is int for n in (report.people, report.messages, report.all_time.people, report.all_time.messages)
    )
    assert all(type(day.messages) is int for day in billing.messages_per_day(db, days=3))
    assert created.created_at == datetime(2026, 3, 15, 12, 0, 1, 123456, tzinfo=UTC)
    assert workspaces.get_workspace(db, "Shop").created_at == created.created_at


def test_attributes_keep_their_key_order_and_json_types(db: Database) -> None:
    workspaces.create_workspace(db, "Apps", "id")
    attributes = {"zeta": 1, "alpha": [1.5, None, True], "mid": {"b": "x", "a": ""}, "nul": "a\u0000b"}
    people.add_person(db, "Apps", id="p1", attributes=attributes)
    stored = people.get_person(db, "Apps", "p1").attributes
    assert stored == attributes and list(stored) == list(attributes)


def test_text_that_cannot_be_stored_fails_only_its_message(db: Database) -> None:
    """PostgreSQL refuses NUL in text and UTF-8 holds no lone surrogate: such a rendered message
    fails with its reason on both backends, the others go."""
    workspaces.create_workspace(db, "Shop", "email")
    for email, name in [("ann@example.com", "Ann"), ("nul@example.com", "N\u0000L"), ("sur@example.com", "\ud800")]:
        people.add_person(db, "Shop", email=email, attributes={"name": name, "phone": name})
    campaigns.create_campaign(db, "Shop", "Hello")
    mail = {"subject": "Hi", "body": "Dear {{ customer.name }}"}
    actions.add_action(db, "Shop", "Hello", type="email", name="Mail", settings=mail)
    actions.add_action(db, "Shop", "Hello", type="sms", name="Text", settings={"body": "Hi"})
    campaigns.change_state(db, "Shop", "Hello", "start")
    result = sending.send_campaign(db, "Shop", "Hello")
    assert (result.queued, result.failed) == (2, 4)
    reasons = sorted((m.channel, m.reason) for m in messages.list_messages(db, "Shop") if m.status == "failed")
    assert reasons == [
        ("email", "the body renders to text with a NUL character or a lone surrogate, which cannot be stored"),
        ("email", "the body renders to text with a NUL character or a lone surrogate, which cannot be stored"),
        ("sms", "the person's phone attribute 'N\\x00L' is not a phone number"),
        ("sms", "the person's phone attribute '\\ud800' is not a phone number"),
    ]


@pytest.mark.parametrize("action_id", [0, -1, 2**63, 10**20])
def test_an_action_id_no_row_can_have_is_not_found(db: Database, action_id: int) -> None:
    """Beyond 64 bits SQLite's driver overflows and PostgreSQL refuses the bigint: both say not found."""
    workspaces.create_workspace(db, "Shop", "email")
    campaigns.create_campaign(db, "Shop", "Hello")
    with pytest.raises(NotFound, match=f"campaign 'Hello' has no action with id {action_id}"):
        actions.remove_action(db, "Shop", "Hello", action_id)


def test_two_first_opens_at_once_both_get_the_migrated_schema(empty_db_target: str) -> None:
    """Two people starting the first version on a shared database: one migrates, the other waits.

    Real processes (Alembic's `op` and `context` are process-wide), both set to open at one instant.
    """
    at = time.time() + 3  # after both have imported what they need
    code = (
        "import sys, time\n"
        "from tui.core.db import open_database\n"
        "import alembic.command, tui.core.migrate\n"
        "time.sleep(max(0.0, float(sys.argv[2]) - time.time()))\n"
        "open_database(sys.argv[1]).dispose()\n"
    )
    runs = [
        subprocess.Popen([sys.executable, "-c", code, empty_db_target, str(at)], stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    errors = [run.communicate(timeout=60)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], errors
    database = open_database(empty_db_target)
    with database.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [SCHEMA_HEAD]
    database.dispose()


def test_a_first_open_overtaken_by_another_openers_migration_still_opens(
    empty_db_target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race above, made to happen: the first read finds an empty file, then the other opener
    commits its migration. An opener that then looked at the tables a second time took them for
    another program's and refused the file (a CI failure of the test above)."""
    first_read = migrate._read_schema_once

    def overtaken(engine: Engine) -> object:
        found = first_read(engine)
        monkeypatch.setattr(migrate, "_read_schema_once", first_read)  # the other opener reads normally
        open_database(empty_db_target).dispose()  # ... and migrates, right after this one's read
        return found

    monkeypatch.setattr(migrate, "_read_schema_once", overtaken)
    database = open_database(empty_db_target)
    with database.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [SCHEMA_HEAD]
    database.dispose()


@pytest.mark.backends("postgresql")
def test_key_columns_use_the_c_collation_on_postgresql(db: Database) -> None:
    with db.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT table_name, column_name FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND collation_name = 'C'"
            )
        ).all()
    assert sorted(map(tuple, rows)) == [
        ("anonymous_links", "anonymous_id"),
        ("app_keys", "label"),
        ("campaigns", "name_key"),
        ("devices", "token"),
        ("events", "anonymous_id"),
        ("events", "client_id"),
        ("people", "ident"),
        ("suppressions", "ident"),
        ("workspaces", "name_key"),
    ]


@pytest.mark.backends("postgresql")
def test_people_pages_are_index_range_scans_on_postgresql(db: Database) -> None:
    """The twin of the SQLite query-plan test: (workspace, ident) index, a range, no sort."""
    statements: list[tuple[str, dict[str, object]]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        if "FROM people" in statement:
            statements.append((statement, parameters))

    workspaces.create_workspace(db, "Shop", "email")
    people.add_person(db, "Shop", email="ann@example.com")
    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        people_list.list_people(db, "Shop", search="^an", after="a", limit=10)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    ((statement, parameters),) = statements
    with db.engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")  # a table this small would be read whole
        plan = "\n".join(row[0] for row in conn.exec_driver_sql(f"EXPLAIN {statement}", parameters))
    assert re.search(r"Index Scan using uq_people_workspace_id_ident on people", plan), plan
    (condition,) = [line for line in plan.splitlines() if "Index Cond:" in line]
    assert all(part in condition for part in ("workspace_id =", "(ident)::text >", "(ident)::text <")), plan
    assert "Sort" not in plan, plan


@pytest.mark.backends("postgresql")
def test_a_plain_postgresql_url_uses_psycopg(db_target: str) -> None:
    plain = make_url(db_target).set(drivername="postgresql").render_as_string(hide_password=False)
    database = open_database(plain)
    assert database.engine.dialect.driver == "psycopg"
    database.dispose()

"""Storage: targets, SQLite defaults, migrations on open, and the layering rule."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event, text

from tui.core import db as dbmod
from tui.core.db import open_database, resolve_target
from tui.core.errors import Busy, DatabaseError
from tui.core.migrate import SCHEMA_HEAD, alembic_config, modelled, upgrade_on_open
from tui.core.models import Base

ROOT = Path(__file__).resolve().parents[1]


def test_target_with_scheme_is_a_url_and_anything_else_a_path(tmp_path: Path) -> None:
    assert resolve_target("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert resolve_target(str(tmp_path / "a b.db")) == f"sqlite:///{tmp_path / 'a b.db'}"


@pytest.mark.parametrize(
    ("target", "says"),
    [
        (
            "postgresql+asyncpg://bob:s3cret@127.0.0.1:1/db",
            "driver 'asyncpg' is not installed (for PostgreSQL: pip install",
        ),
        ("nosuchdb://bob:s3cret@host/db", "cannot open database nosuchdb://bob:***@host/db"),
        ("postgresql://bob:s3cret@host:port/db", "the URL is not valid; it looks like postgresql+psycopg://"),
        ("postgresql+psycopg://bob:s3cret@127.0.0.1:1/db", "cannot open the database: connection failed"),
    ],
)
def test_a_database_that_cannot_be_opened_is_a_clear_error_without_the_password(target: str, says: str) -> None:
    with pytest.raises(DatabaseError) as caught:
        open_database(target)
    assert says in str(caught.value) and "s3cret" not in str(caught.value)


def test_env_var_names_the_database_when_no_target(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SWITCHBOARD_DB", str(tmp_path / "env.db"))
    assert resolve_target(None) == f"sqlite:///{tmp_path / 'env.db'}"


def test_default_database_is_switchboard_db_in_user_data_dir_created_on_first_use(tmp_path: Path) -> None:
    path = dbmod.default_db_path()
    assert path.name == "switchboard.db"
    assert str(path).startswith(str(tmp_path / "xdg-data"))  # conftest points XDG_DATA_HOME there
    assert not path.exists()
    database = open_database(None)
    database.dispose()
    assert path.exists()


@pytest.mark.backends("sqlite")
def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(db) -> None:  # type: ignore[no-untyped-def]
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


@pytest.mark.backends("sqlite")
def test_write_transactions_begin_immediate(db) -> None:  # type: ignore[no-untyped-def]
    """A writer holds the write lock from its first statement, so a second writer waits
    (busy timeout) instead of failing a read-then-write transaction with 'database is locked'."""
    with db.write() as session:
        session.execute(text("SELECT 1"))
        other = sqlite3.connect(db.engine.url.database, timeout=0)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()


@pytest.mark.backends("sqlite")
def test_a_write_without_waiting_fails_at_once_when_locked_and_other_writes_still_wait(db) -> None:  # type: ignore[no-untyped-def]
    """`without_waiting` (for code on an event loop) gives up at once, saving nothing, while
    another connection holds the write lock; a normal write on the same pooled connection
    afterwards waits for the lock again instead of failing."""
    from tui.core.workspaces import create_workspace, list_workspaces

    locker = sqlite3.connect(db.engine.url.database, isolation_level=None, check_same_thread=False)
    locker.execute("BEGIN IMMEDIATE")
    with pytest.raises(Busy, match="locked"):
        create_workspace(db.without_waiting(), "Hasty", "email")
    release = threading.Timer(0.3, locker.execute, ("COMMIT",))
    release.start()
    create_workspace(db, "Patient", "email")  # waits for the commit above
    release.join()
    locker.close()
    assert [ws.name for ws in list_workspaces(db)] == ["Patient"]


def test_savepoints_hold_inside_a_transaction(db) -> None:  # type: ignore[no-untyped-def]
    """The driver's own transaction handling is off, so a released savepoint does not commit."""
    from tui.core.models import WorkspaceLedger

    with pytest.raises(RuntimeError), db.write() as session:
        with session.begin_nested():
            session.add(WorkspaceLedger(id=99, name="x", created_at=db.runtime.now()))
        raise RuntimeError("abort the outer transaction")
    with db.read() as session:
        assert session.get(WorkspaceLedger, 99) is None


def test_a_new_database_is_migrated_to_head(db) -> None:  # type: ignore[no-untyped-def]
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD


def test_migrations_create_exactly_the_models_schema(db) -> None:  # type: ignore[no-untyped-def]
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"include_name": modelled}), Base.metadata)
    assert diff == []


def test_schema_head_constant_matches_the_migration_scripts(db) -> None:  # type: ignore[no-untyped-def]
    from alembic.script import ScriptDirectory

    assert ScriptDirectory.from_config(alembic_config(db.engine)).get_current_head() == SCHEMA_HEAD


def test_a_database_newer_than_the_program_is_refused(db_target: str) -> None:
    database = open_database(db_target)
    with database.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    database.dispose()
    with pytest.raises(DatabaseError, match="newer than this Switchboard"):
        open_database(db_target)


def test_an_unmigrated_database_is_upgraded_on_open(empty_db_target: str) -> None:
    database = open_database(empty_db_target)
    with database.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM workspaces")).scalar() == 0
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
        diff = compare_metadata(MigrationContext.configure(conn, opts={"include_name": modelled}), Base.metadata)
    database.dispose()
    assert diff == []


def test_an_upgrade_commits_once_so_a_second_opener_never_runs_between_two_migrations(empty_db_target: str) -> None:
    """All migrations run in one transaction holding the write lock (SQLite) or the advisory lock
    (PostgreSQL). A commit per migration would let a process waiting to migrate the same new
    database take the lock in between and then both run the next migration ("table exists")."""
    engine = dbmod.make_engine(resolve_target(empty_db_target))
    commits: list[int] = []
    event.listen(engine, "commit", lambda _conn: commits.append(1))
    upgrade_on_open(engine)
    engine.dispose()
    assert len(commits) == 1

"""Opening a database: targets, engine defaults, transactions, and schema upgrades on open.

SQLite runs in WAL mode with foreign keys on and a busy timeout. The driver's own transaction
handling is turned off (SQLAlchemy's documented recipe) so that SAVEPOINTs work and write
transactions start with `BEGIN IMMEDIATE`: a transaction that reads and then writes would
otherwise fail at once with "database is locked" when another process committed meanwhile.

PostgreSQL URLs use psycopg 3 (the `postgres` extra) with the server's defaults; the domain
serializes what must not interleave with row locks (`FOR UPDATE`) and constraints.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from tui.core.errors import Busy, ChangedElsewhere, Conflict, Contention, DatabaseError
from tui.core.runtime import Runtime

DB_ENV = "SWITCHBOARD_DB"
DEFAULT_FILE = "switchboard.db"
BUSY_TIMEOUT_MS = 30_000
# PostgreSQL's serialization_failure and deadlock_detected: the transaction was rolled back.
CONTENTION_STATES = ("40001", "40P01")


def default_db_path() -> Path:
    """`switchboard.db` in the platform's user data dir (created on first use)."""
    from platformdirs import user_data_path

    return user_data_path("switchboard", appauthor=False) / DEFAULT_FILE


def resolve_target(target: str | None) -> str:
    """A SQLAlchemy URL for `--db TARGET`, `$SWITCHBOARD_DB`, or the default file.

    A target containing `://` is a URL; anything else is a file path.
    """
    if target is not None and not target.strip():
        raise DatabaseError(
            "the database target is empty: give a file path or a URL, or leave --db out for the default"
        )
    chosen = target or os.environ.get(DB_ENV) or str(default_db_path())
    if "://" in chosen:
        return chosen
    path = Path(chosen).expanduser()
    return f"sqlite:///{path.resolve()}"


def describe_url(url: str) -> str:
    """A short, password-free description of a database URL for people to read."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    return parsed.render_as_string(hide_password=True)


def _stored_json(text: str) -> Any:
    """A JSON column's value. SQLite stores it as text, which a hand edit can break: that is a
    clear DatabaseError, not a traceback (PostgreSQL's jsonb cannot hold invalid JSON)."""
    try:
        return json.loads(text)
    except ValueError:
        raise DatabaseError(
            f"the database holds {text[:40]!r} where JSON belongs: was it edited by hand? Correct or delete that row"
        ) from None


def _sqlite_engine(url: str) -> Engine:
    from sqlalchemy.engine import make_url

    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, json_deserializer=_stored_json)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        options = connection.get_execution_options()
        # How long this transaction waits for another's write lock: set per transaction, since
        # the pool hands one connection to waiting and non-waiting callers in turn.
        busy_ms = options.get("sqlite_busy_ms", BUSY_TIMEOUT_MS)
        info = connection.connection.info  # kept with the driver's connection
        if info.get("busy_ms", BUSY_TIMEOUT_MS) != busy_ms:
            connection.exec_driver_sql(f"PRAGMA busy_timeout={int(busy_ms)}")
            info["busy_ms"] = busy_ms
        connection.exec_driver_sql(options.get("sqlite_begin", "BEGIN"))

    return engine


def make_engine(url: str) -> Engine:
    """An engine with Switchboard's defaults; `postgresql://` means psycopg 3 (the `postgres` extra)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True)


@dataclass
class Database:
    """An opened, up-to-date database plus the runtime (clock, randomness) the domain uses."""

    url: str
    engine: Engine
    runtime: Runtime = field(default_factory=Runtime)
    # False: a write that finds SQLite's write lock taken raises Busy at once (see without_waiting).
    waits_for_writers: bool = True

    def __post_init__(self) -> None:
        writer = self.engine.execution_options(sqlite_begin="BEGIN IMMEDIATE")
        if not self.waits_for_writers:
            writer = writer.execution_options(sqlite_busy_ms=0)
        self._read = sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        self._write = sessionmaker(writer, expire_on_commit=False, autoflush=False)

    def without_waiting(self) -> Database:
        """The same database, whose writes raise `Busy` at once when another connection holds
        SQLite's write lock instead of waiting for it (up to BUSY_TIMEOUT_MS): for code on an
        event loop, which must never block on a lock. Reads and PostgreSQL are unchanged."""
        return replace(self, waits_for_writers=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def file_path(self) -> Path | None:
        """The SQLite database's file (None for PostgreSQL and in-memory databases)."""
        from sqlalchemy.engine import make_url

        database = make_url(self.url).database
        return Path(database) if self.is_sqlite and database and database != ":memory:" else None

    @property
    def description(self) -> str:
        return describe_url(self.url)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work: a deferred transaction, rolled back when the block ends."""
        with self._read() as session:
            yield session

    @contextmanager
    def write(self, changing: str = "the record") -> Iterator[Session]:
        """One user action: one transaction, committed on success, rolled back on any error.

        Integrity races (two writers inserting the same name at once) end as `Conflict`; a
        flush that lost a race on a version column ends as `ChangedElsewhere`, naming
        `changing` (e.g. "campaign 'Onboarding'"); a deadlock or serialization failure
        (PostgreSQL) as `Contention`."""
        try:
            with self._write() as session, session.begin():
                yield session
        except StaleDataError as exc:
            raise ChangedElsewhere(f"{changing} changed elsewhere, reload it and try again") from exc
        except IntegrityError as exc:
            raise Conflict(f"the change clashes with data saved meanwhile: {exc.orig}") from exc
        except OperationalError as exc:
            if getattr(exc.orig, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY:
                raise Busy(f"the database refused the change: {exc.orig}") from exc
            if getattr(exc.orig, "sqlstate", None) in CONTENTION_STATES:
                raise Contention(f"the database gave up the change for a concurrent one: {exc.orig}") from exc
            raise DatabaseError(f"the database refused the change: {exc.orig}") from exc

    def dispose(self) -> None:
        self.engine.dispose()


def _in_memory(url: str) -> bool:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return parsed.get_backend_name() == "sqlite" and (
        parsed.database in (None, "", ":memory:") or parsed.query.get("mode") == "memory"
    )


def open_database(target: str | None = None, runtime: Runtime | None = None) -> Database:
    """Open (creating or upgrading as needed) the database named by `target`."""
    from tui.core.migrate import upgrade_on_open

    url = resolve_target(target)
    try:
        where = describe_url(url)
    except (ArgumentError, ValueError) as exc:  # not shown: it may hold a password
        raise DatabaseError(
            "cannot open the database: the URL is not valid; it looks like postgresql+psycopg://user:password@host/database"
        ) from exc
    if _in_memory(url):
        raise DatabaseError(
            "an in-memory SQLite database keeps nothing once the command ends: give a file path instead"
        )
    try:
        engine = make_engine(url)
    except ModuleNotFoundError as exc:
        raise DatabaseError(
            f"cannot open database {where}: its driver {exc.name!r} is not installed"
            " (for PostgreSQL: pip install 'switchboard-tui[postgres]')"
        ) from exc
    except Exception as exc:  # an unknown kind of database, options its driver refuses
        raise DatabaseError(f"cannot open database {where}: {exc}") from exc
    upgrade_on_open(engine)
    return Database(url=url, engine=engine, runtime=runtime or Runtime())

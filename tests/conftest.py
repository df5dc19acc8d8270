"""Shared fixtures: a fresh database on each backend, a fixed clock, seeded ids, and a CLI runner.

Every test that uses `db`, `db_target` or `cli` runs twice, with the ids "sqlite" (a temporary
file) and "postgresql" (a fresh database copied from a migrated template). PostgreSQL is the
server named by $SWITCHBOARD_TEST_PG_URL (a URL of a role that may create databases) or, without
it, one that the session starts from the binaries of the `pgserver` package. A server that cannot
be had fails every PostgreSQL test; only SWITCHBOARD_TEST_PG=0, outside CI, skips them.

A test of one backend's own behaviour (PRAGMAs, query plans, files) says so with
`@pytest.mark.backends("sqlite")`. The app's tests (tests/test_app_*.py) are not parametrized:
they run on SQLite, and their snapshot names stay as they are.
"""

from __future__ import annotations

import gc
import os
import shutil
import sqlite3
import tempfile
import uuid
import warnings
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from api_harness import ApiServer, start_server
from cli_helpers import CliRun
from click.testing import CliRunner, Result
from http_sink import HttpSink, start_http_sink
from smtp_sink import SmtpSink, start_sink
from sqlalchemy.engine import URL, make_url

from tui.core import workspaces
from tui.core.db import Database, open_database
from tui.core.runtime import FixedClock, Runtime, SeededTokens

START = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
BACKENDS = ("sqlite", "postgresql")
PG_URL_ENV = "SWITCHBOARD_TEST_PG_URL"
PG_SWITCH_ENV = "SWITCHBOARD_TEST_PG"


def pytest_configure(config: pytest.Config) -> None:
    """SWITCHBOARD_TEST_PG is "1" (the default) or "0"; CI always runs PostgreSQL."""
    switch = os.environ.get(PG_SWITCH_ENV, "1")
    if switch not in ("0", "1"):
        raise pytest.UsageError(f"{PG_SWITCH_ENV}={switch!r}: give 1 (run PostgreSQL tests) or 0 (skip them)")
    if switch == "0" and os.environ.get("CI", "").lower() not in ("", "0", "false"):
        raise pytest.UsageError(f"{PG_SWITCH_ENV}=0 is refused in CI: CI runs the PostgreSQL tests")


# Python's cyclic garbage collector took 39% of the CPU of the app tests (tests/test_app_people.py:
# 30 s of 76 s): each Textual app makes hundreds of thousands of objects, so collections of the
# oldest generation came twice a test, each walking every object of the process (the imported
# modules too, ~0.35 s). Collecting young objects every 20,000 allocations instead of 700 lets a
# test's short-lived objects die young, and freezing what collection loaded keeps it out of every
# later walk. Garbage is still collected; a worker's peak memory grows from ~150 MB to ~210 MB.
GC_THRESHOLDS = (20_000, 20, 20)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the tests with the collector tuned as above (in each xdist process)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run each test that uses a database once per backend (or on those its `backends` mark names)."""
    if "backend" not in metafunc.fixturenames or metafunc.definition.path.name.startswith("test_app_"):
        return
    marker = metafunc.definition.get_closest_marker("backends")
    names = marker.args if marker else BACKENDS
    unknown = set(names) - set(BACKENDS)
    if unknown or not names:
        raise pytest.UsageError(f"{metafunc.definition.nodeid}: backends must be among {BACKENDS}, not {names}")
    metafunc.parametrize("backend", names, indirect=True)


@dataclass
class PostgresServer:
    """A PostgreSQL server on which the tests create (and drop) one database per test."""

    url: URL
    template: str
    strategy: str = ""  # CREATE DATABASE's STRATEGY clause, where the server has one

    def create_database(self, *, migrated: bool = True) -> str:
        """A new database, a copy of the migrated template or empty; returns its URL."""
        name = f"sb_test_{uuid.uuid4().hex[:12]}"
        source = self.template if migrated else "template0"
        _admin(self.url, f'CREATE DATABASE "{name}" TEMPLATE "{source}" ENCODING \'UTF8\'{self.strategy}')
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop_database(self, url: str) -> None:
        """Drop a test database, ending any connection a test left open."""
        _admin(self.url, f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def _admin(url: URL, statement: str) -> None:
    """Run one statement outside a transaction (CREATE/DROP DATABASE, ALTER SYSTEM)."""
    import psycopg

    with psycopg.connect(_conninfo(url), autocommit=True) as conn:
        conn.execute(statement)  # type: ignore[arg-type]


def _conninfo(url: URL) -> str:
    """libpq's form of `url` (without SQLAlchemy's driver name)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _copy_strategy(url: URL) -> str:
    """FILE_COPY (PostgreSQL 15+) copies the template's files where the default writes each of
    its blocks to the WAL: a test database then costs the server ~24 ms of CPU instead of ~37 ms
    (CREATE + DROP, fsync off), ~650 times a run. Older servers keep their only strategy."""
    import psycopg

    with psycopg.connect(_conninfo(url), autocommit=True) as conn:
        return " STRATEGY FILE_COPY" if conn.info.server_version >= 150000 else ""


def _memory_dir() -> str | None:
    """/dev/shm when it has room: CREATE DATABASE takes 15 ms there and 250 ms on an ext4 disk."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free >= 1 << 30:
        return str(shm)
    return None  # the system's temporary directory


@contextmanager
def _pgserver(data_dir: Path) -> Iterator[URL]:
    """Start a throwaway server from pgserver's binaries (as its own user when we are root)."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (as in CI); pgserver then uses /tmp.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        import pgserver

        server = pgserver.get_server(data_dir, cleanup_mode="delete")
    try:
        url = make_url(server.get_uri()).set(drivername="postgresql+psycopg")
        # Durability is worthless for a throwaway server and costs most of the suite's time.
        for setting in ("fsync = off", "full_page_writes = off", "synchronous_commit = off"):
            _admin(url, f"ALTER SYSTEM SET {setting}")
        _admin(url, "SELECT pg_reload_conf()")
        yield url
    finally:
        server.cleanup()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server, with a template database migrated once."""
    if os.environ.get(PG_SWITCH_ENV) == "0":
        pytest.skip(f"PostgreSQL tests turned off by {PG_SWITCH_ENV}=0")
    given = os.environ.get(PG_URL_ENV)
    template = f"sb_template_{uuid.uuid4().hex[:12]}"
    with ExitStack() as stack:
        try:
            if given:
                url = make_url(given).set(drivername="postgresql+psycopg")
            else:
                url = stack.enter_context(
                    _pgserver(Path(tempfile.mkdtemp(prefix="switchboard-pg-", dir=_memory_dir())))
                )
            _admin(url, f"CREATE DATABASE \"{template}\" TEMPLATE template0 ENCODING 'UTF8'")
        except Exception as exc:
            where = f"${PG_URL_ENV} ({make_url(given).render_as_string()})" if given else "pgserver"
            pytest.fail(
                f"PostgreSQL could not be started or reached through {where}: {type(exc).__name__}: {exc}\n"
                f"Set {PG_URL_ENV} to a server's URL, or {PG_SWITCH_ENV}=0 to skip the PostgreSQL tests locally.",
                pytrace=False,
            )
        stack.callback(_admin, url, f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
        # Migrating once here (not per test) is what makes a database per test affordable.
        open_database(url.set(database=template).render_as_string(hide_password=False)).dispose()
        yield PostgresServer(url=url, template=template, strategy=_copy_strategy(url))


@pytest.fixture(autouse=True)
def _no_env_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never touch the user's real database or config."""
    monkeypatch.delenv("SWITCHBOARD_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))


@pytest.fixture(autouse=True)
def _progress_lines_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's progress lines start after AFTER_SECONDS of work: on a loaded machine even a
    two-row import takes that long, and a test expecting a quiet stderr would fail by the clock.
    Tests of the progress lines set AFTER_SECONDS to 0 themselves (their monkeypatch comes later)."""
    from tui.cli import progress_meter

    monkeypatch.setattr(progress_meter, "AFTER_SECONDS", float("inf"))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The backend under test, set by `pytest_generate_tests`; the app's tests use SQLite."""
    return request.param if hasattr(request, "param") else "sqlite"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """The SQLite file of tests on SQLite (and of SQLite-only tests)."""
    return tmp_path / "switchboard.db"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once per session (per xdist process). Copying it takes a millisecond;
    migrating a fresh file takes 0.1-0.25 s, which over a thousand tests was a third of the suite."""
    path = tmp_path_factory.mktemp("template") / "switchboard.db"
    open_database(str(path)).dispose()
    return path


def _database_target(request: pytest.FixtureRequest, backend: str, *, migrated: bool) -> Iterator[str]:
    if backend == "sqlite":
        path: Path = request.getfixturevalue("db_path")
        if migrated:
            shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        else:
            sqlite3.connect(path).close()  # an empty file
        yield str(path)
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.create_database(migrated=migrated)
    try:
        yield url
    finally:
        server.drop_database(url)


@pytest.fixture
def db_target(request: pytest.FixtureRequest, backend: str) -> Iterator[str]:
    """`--db TARGET` of this test's database: a SQLite file path or a PostgreSQL URL."""
    yield from _database_target(request, backend, migrated=True)


@pytest.fixture
def empty_db_target(request: pytest.FixtureRequest, backend: str) -> Iterator[str]:
    """Like `db_target`, but a database without any schema yet (as an older version might leave)."""
    yield from _database_target(request, backend, migrated=False)


@pytest.fixture
def db(db_target: str, clock: FixedClock) -> Iterator[Database]:
    database = open_database(db_target, Runtime(clock=clock, tokens=SeededTokens(7)))
    yield database
    database.dispose()


@pytest.fixture
def cli(db_target: str) -> CliRun:
    """Run `switchboard --db <this test's db> ARGS...` in-process; returns click's Result
    (`exit_code`, `stdout`, `stderr`)."""
    from tui.cli import cli as command

    def run(*args: str, input: str | None = None) -> Result:
        runner = CliRunner()
        return runner.invoke(command, ["--db", db_target, *args], input=input, catch_exceptions=False)

    return run


@pytest.fixture
def shop(db: Database) -> str:
    """An email workspace, "Shop" (a test module may define its own `shop`)."""
    return workspaces.create_workspace(db, "Shop", "email").workspace.name


@pytest.fixture
def apps(db: Database) -> str:
    """An id workspace, "Apps" (a test module may define its own `apps`)."""
    return workspaces.create_workspace(db, "Apps", "id").workspace.name


# Delivery tests: a real SMTP server and an HTTP server, started once per test session (per
# xdist process); each test gets them emptied.


@pytest.fixture(scope="session")
def delivery_sinks() -> Iterator[tuple[SmtpSink, HttpSink]]:
    smtp_sink, smtp_controller = start_sink()
    http_sink, http_server = start_http_sink()
    yield smtp_sink, http_sink
    smtp_controller.stop()
    http_server.shutdown()


@pytest.fixture
def smtp(delivery_sinks: tuple[SmtpSink, HttpSink]) -> SmtpSink:
    delivery_sinks[0].reset()
    return delivery_sinks[0]


@pytest.fixture
def http(delivery_sinks: tuple[SmtpSink, HttpSink]) -> HttpSink:
    delivery_sinks[1].reset()
    return delivery_sinks[1]


# Track API tests: one real server per backend, started once per test session (per xdist
# process); each test makes its own workspaces on the server's database.


@pytest.fixture(scope="session")
def api_server_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    home = tmp_path_factory.mktemp("api-sqlite")
    server = start_server(str(home / "api.db"), home / "data")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def api_server_postgresql(
    tmp_path_factory: pytest.TempPathFactory, postgres_server: PostgresServer
) -> Iterator[ApiServer]:
    url = postgres_server.create_database()
    server = start_server(url, tmp_path_factory.mktemp("api-postgresql") / "data")
    yield server
    server.stop()
    postgres_server.drop_database(url)


@dataclass
class TrackApi:
    server: ApiServer
    db: Database  # the server's database, opened by the test


@pytest.fixture
def api(request: pytest.FixtureRequest, backend: str) -> Iterator[TrackApi]:
    """The session's Track API server of this test's backend, and its database."""
    server: ApiServer = request.getfixturevalue(f"api_server_{backend}")
    database = open_database(server.db_url)
    yield TrackApi(server, database)
    database.dispose()

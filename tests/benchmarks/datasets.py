"""Big databases for the benchmarks, built once and kept in a cache folder between runs.

A dataset is a list of workspaces, each with a number of generated people. The people rows are
written straight into the schema the migrations made (sqlite3 `executemany` in batches, or
PostgreSQL `COPY`), in random order as if they had been added over time; the kept counters and
billing facts are then set by the core's own functions (`bump_counters`, `record_usage`) in one
transaction, so the database is what the app would hold after importing the same people.

Identifiers are `user0000123@example.com`: the prefix `user00005` matches 100 people in a
workspace of a thousand and in one of a million alike, so searches return the same page.

Building a million people takes about half a minute on SQLite; a built dataset is reused while
its name, the schema head and DATA_VERSION stay the same (`--rebuild` in the benchmarks).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import sqlite3
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import INSERT_PEOPLE, PEOPLE_COLUMNS, ROOT  # noqa: F401  (ROOT: the repository is on sys.path)
from sqlalchemy.engine import URL, make_url

from tui.core import workspaces
from tui.core.db import Database, open_database
from tui.core.migrate import SCHEMA_HEAD
from tui.core.usage import bump_counters, record_usage

DATA_VERSION = 1  # bump when what a dataset holds changes
BATCH = 50_000
SPREAD_DAYS = 90  # people were created over the last 90 days
PLANS = ("free", "pro", "team", "enterprise")
CITIES = ("Oslo", "Rome", "Lagos", "Lima", "Kyoto", "Zürich", "São Paulo", "Montréal")


def ident(n: int) -> str:
    """The `n`-th generated person's address (their identifier in an email workspace)."""
    return f"user{n:07d}@example.com"


@dataclass(frozen=True)
class WorkspaceSpec:
    name: str
    people: int
    identify_by: str = "email"


@dataclass(frozen=True)
class Dataset:
    """What a benchmark database holds; `key` names it in the cache."""

    key: str
    workspaces: tuple[WorkspaceSpec, ...]
    extra: Callable[[Database], None] | None = None  # more content (campaigns...), added after the people

    @property
    def cache_name(self) -> str:
        return f"{self.key}-s{SCHEMA_HEAD}-d{DATA_VERSION}"


def cache_dir() -> Path:
    """$SWITCHBOARD_BENCH_DATA, or the user's cache folder."""
    given = os.environ.get("SWITCHBOARD_BENCH_DATA")
    if given:
        return Path(given)
    from platformdirs import user_cache_path

    return user_cache_path("switchboard-bench", appauthor=False)


# Rows ---------------------------------------------------------------------------------------


def created_at(now: datetime, place: int, count: int) -> datetime:
    """When the `place`-th of `count` people was added: evenly over the last SPREAD_DAYS days."""
    return now - timedelta(days=SPREAD_DAYS) + timedelta(days=SPREAD_DAYS * place / max(count, 1))


def people_rows(
    workspace_id: int, count: int, seed: int, now: datetime, identify_by: str = "email"
) -> Iterator[tuple[object, ...]]:
    """`count` people in random order, with cio_ids from the CSPRNG, in PEOPLE_COLUMNS' order."""
    rng = random.Random(seed)
    order = list(range(count))
    rng.shuffle(order)
    cio_ids = secrets.token_hex(8 * count)
    for place, n in enumerate(order):
        address = ident(n)
        key = address if identify_by == "email" else address.split("@")[0]
        created = created_at(now, place, count).astimezone(UTC).replace(tzinfo=None)
        attributes = json.dumps({"first_name": f"User {n}", "plan": PLANS[n % 4], "city": CITIES[n % len(CITIES)]})
        yield (workspace_id, cio_ids[16 * place : 16 * place + 16], key, address, attributes, created, created, 1)


def _batches(rows: Iterator[tuple[object, ...]]) -> Iterator[list[tuple[object, ...]]]:
    batch: list[tuple[object, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def insert_people(db: Database, workspace_id: int, spec: WorkspaceSpec, seed: int) -> None:
    """Write the people rows, then set the workspace's kept count and billing facts like an import."""
    now, count = datetime.now(UTC), spec.people
    rows = people_rows(workspace_id, count, seed, now, spec.identify_by)
    raw = db.engine.raw_connection()
    try:
        if db.is_sqlite:
            _sqlite_insert(raw.driver_connection, rows)  # type: ignore[arg-type]
        else:
            _postgres_copy(raw.driver_connection, rows)
    finally:
        raw.close()
    per_day: dict[object, int] = {}
    for place in range(count):
        day = created_at(now, place, count).date()
        per_day[day] = per_day.get(day, 0) + 1
    with db.write() as session:
        bump_counters(session, workspace_id, people=count)
        for day, created in per_day.items():
            record_usage(session, workspace_id, day, people_created=created)  # type: ignore[arg-type]


def _sqlite_insert(connection: sqlite3.Connection, rows: Iterator[tuple[object, ...]]) -> None:
    statement = INSERT_PEOPLE
    for batch in _batches(rows):
        stamped = [(*row[:5], _sqlite_time(row[5]), _sqlite_time(row[6]), row[7]) for row in batch]
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(statement, stamped)
        connection.execute("COMMIT")


def _sqlite_time(moment: object) -> str:
    assert isinstance(moment, datetime)
    return moment.isoformat(sep=" ", timespec="microseconds")


def _postgres_copy(connection: object, rows: Iterator[tuple[object, ...]]) -> None:
    with connection.cursor() as cursor:  # type: ignore[attr-defined]
        for batch in _batches(rows):
            with cursor.copy(f"COPY people ({', '.join(PEOPLE_COLUMNS)}) FROM STDIN") as copy:
                for row in batch:
                    copy.write_row(row)
            connection.commit()  # type: ignore[attr-defined]


def build(db: Database, dataset: Dataset, progress: Callable[[str], None] = print) -> None:
    """Fill an empty, migrated database with `dataset`."""
    for seed, spec in enumerate(dataset.workspaces, start=1):
        created = workspaces.create_workspace(db, spec.name, spec.identify_by)
        progress(f"  building {dataset.key}: workspace {spec.name!r}, {spec.people:,} people")
        insert_people(db, created.workspace.id, spec, seed)
    if dataset.extra is not None:
        dataset.extra(db)
    if db.is_sqlite:
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.exec_driver_sql("ANALYZE")
    else:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")


# Cached databases ---------------------------------------------------------------------------


def sqlite_dataset(dataset: Dataset, *, rebuild: bool = False) -> Path:
    """The path of a SQLite file holding `dataset`, built now unless the cache has it."""
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{dataset.cache_name}.db"
    if rebuild:
        _remove_sqlite(path)
    if path.exists():
        return path
    partial = folder / f"{dataset.cache_name}.partial.db"
    _remove_sqlite(partial)
    db = open_database(str(partial))
    try:
        build(db, dataset)
    finally:
        db.dispose()
    partial.rename(path)  # only a whole dataset gets the name
    return path


def _remove_sqlite(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)


def copy_sqlite(source: Path, target: Path) -> Path:
    """A private copy of a cached dataset, for a benchmark that writes."""
    _remove_sqlite(target)
    shutil.copyfile(source, target)
    return target


# PostgreSQL ---------------------------------------------------------------------------------


def postgres_admin(url: URL, statement: str) -> list[tuple[object, ...]]:
    """Run one statement outside a transaction; the rows it returns."""
    import psycopg

    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        cursor = conn.execute(statement)  # type: ignore[arg-type]
        return cursor.fetchall() if cursor.description else []


@contextmanager
def postgres_server() -> Iterator[URL]:
    """$SWITCHBOARD_TEST_PG_URL's server, or a pgserver one whose data stays in the cache folder
    (so built datasets survive between runs)."""
    given = os.environ.get("SWITCHBOARD_TEST_PG_URL")
    if given:
        yield make_url(given).set(drivername="postgresql+psycopg")
        return
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset; pgserver then uses /tmp.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        import pgserver

        server = pgserver.get_server(cache_dir() / "pgdata", cleanup_mode="stop")
    try:
        yield make_url(server.get_uri()).set(drivername="postgresql+psycopg")
    finally:
        server.cleanup()


def postgres_dataset(server: URL, dataset: Dataset, *, rebuild: bool = False) -> str:
    """The URL of a database on `server` holding `dataset`, built now unless it exists."""
    name = dataset.cache_name.replace("-", "_")
    if rebuild:
        postgres_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    exists = postgres_admin(server, f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
    url = server.set(database=name)
    if exists:
        return url.render_as_string(hide_password=False)
    partial = f"{name}_partial"
    postgres_admin(server, f'DROP DATABASE IF EXISTS "{partial}" WITH (FORCE)')
    postgres_admin(server, f"CREATE DATABASE \"{partial}\" TEMPLATE template0 ENCODING 'UTF8'")
    db = open_database(server.set(database=partial).render_as_string(hide_password=False))
    try:
        build(db, dataset)
    finally:
        db.dispose()
    postgres_admin(server, f'ALTER DATABASE "{partial}" RENAME TO "{name}"')
    return url.render_as_string(hide_password=False)


def people_dataset(people: int, workspaces_count: int = 1, *, identify_by: str = "email") -> Dataset:
    """`workspaces_count` workspaces of `people` people each."""
    names = [f"Bench {n}" if workspaces_count > 1 else "Bench" for n in range(1, workspaces_count + 1)]
    return Dataset(
        key=f"people-{workspaces_count}x{people}",
        workspaces=tuple(WorkspaceSpec(name, people, identify_by) for name in names),
    )


BACKEND_CHOICES = ("sqlite", "postgresql", "both")


def add_backend_option(parser: argparse.ArgumentParser, default: str = "sqlite") -> None:
    """`--backend sqlite|postgresql|both`, read back with `backends_of`."""
    parser.add_argument(
        "--backend", choices=BACKEND_CHOICES, default=default, help=f"the database(s) to run on (default {default})"
    )


def backends_of(choice: str) -> tuple[str, ...]:
    """The backends a `--backend` choice names, SQLite first."""
    return ("sqlite", "postgresql") if choice == "both" else (choice,)


def server_for(backends: Sequence[str]) -> AbstractContextManager[URL | None]:
    """The PostgreSQL server when a backend needs one (postgres_server), else None."""
    return postgres_server() if "postgresql" in backends else nullcontext()


def dataset_targets(
    dataset: Dataset, backends: Sequence[str], server: URL | None, *, rebuild: bool = False
) -> dict[str, str]:
    """A `--db` target per backend for `dataset` (a file path for sqlite, a URL for postgresql)."""
    targets: dict[str, str] = {}
    for backend in backends:
        if backend == "sqlite":
            targets[backend] = str(sqlite_dataset(dataset, rebuild=rebuild))
        else:
            assert server is not None
            targets[backend] = postgres_dataset(server, dataset, rebuild=rebuild)
    return targets

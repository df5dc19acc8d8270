"""Schema upgrades on open, by Alembic. A database newer than this program is refused.

The fast path reads `alembic_version` directly and returns when it is at `SCHEMA_HEAD`, so
opening an up-to-date database does not load Alembic (start-up time matters to the app).
"""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import OperationalError

from tui.core.errors import DatabaseError

SCHEMA_HEAD = "0010"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
FIRST_OPEN_PATIENCE_S = 30.0
# Search indexes the models do not describe (migration 0009): SQLite's FTS5 table with its shadow
# tables, PostgreSQL's pg_trgm index where the server has the extension. Never compared.
UNMODELLED = ("people_trigram", "ix_people_ident_trgm")


def modelled(name: str | None, _type: str, _parents: object) -> bool:
    """Alembic's `include_name`: False for the search indexes that live outside the models."""
    return not (name or "").startswith(UNMODELLED)


def _read_schema(engine: Engine) -> tuple[str | None, list[str]]:
    """The schema revision and the tables, waiting out a first open in another process.

    SQLite does not call its busy handler while another connection turns a new file into WAL
    mode or recovers its WAL index: it answers "database is locked" at once. Those moments are
    short, so the first read is retried for a while before the error reaches the user.
    """
    deadline = time.monotonic() + FIRST_OPEN_PATIENCE_S
    pause = 0.01
    while True:
        try:
            return _read_schema_once(engine)
        except OperationalError as exc:
            if "locked" not in str(exc.orig) or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.25)


def _read_schema_once(engine: Engine) -> tuple[str | None, list[str]]:
    """One read of the catalogue: whether the revision is missing and whether other tables are
    there come from the same moment. (Read apart, another process's first open could commit
    its migration in between, and its tables looked like another program's.)"""
    with engine.connect() as conn:
        tables = [name for name in inspect(conn).get_table_names() if not name.startswith("sqlite_")]
        if "alembic_version" not in tables:
            return None, tables
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar(), tables


def _how_to_fix(engine: Engine, reason: str) -> str:
    """What a person can do about a first read that failed, for the failures that say enough."""
    if engine.dialect.name != "sqlite":
        return "\nCheck that the server is running and that the URL's host, port, user and password are right."
    if "not a database" in reason or "malformed" in reason:
        return "\nThe file is damaged or is not a database: restore it from a backup, or give another file."
    return ""


def _refuse_foreign(engine: Engine, tables: list[str]) -> None:
    """A SQLite file that holds tables but no Switchboard schema is another program's: refused.
    (A PostgreSQL database may well be shared with other applications' tables.)"""
    if engine.dialect.name != "sqlite":
        return
    if tables:
        shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
        raise DatabaseError(
            f"not a Switchboard database: it holds other tables ({shown}) and no Switchboard schema; "
            "give the path of a Switchboard database, or of a new file"
        )


def alembic_config(engine: Engine):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def known_revisions(engine: Engine) -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(engine))
    return {rev.revision for rev in script.walk_revisions()}


def upgrade_on_open(engine: Engine) -> None:
    """Bring the schema to `SCHEMA_HEAD`; refuse a database made by a newer Switchboard."""
    try:
        current, tables = _read_schema(engine)
    except Exception as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip()
        raise DatabaseError(f"cannot open the database: {reason}{_how_to_fix(engine, reason)}") from exc
    if current == SCHEMA_HEAD:
        return
    if current is None:
        _refuse_foreign(engine, tables)
    if current is not None and current not in known_revisions(engine):
        raise DatabaseError(
            f"this database has schema revision {current!r}, newer than this Switchboard "
            f"understands (it knows up to {SCHEMA_HEAD!r}); upgrade Switchboard to open it"
        )
    from alembic import command

    command.upgrade(alembic_config(engine), "head")

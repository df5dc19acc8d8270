"""Alembic environment: runs migrations on the engine handed over by `tui.core.migrate`.

Concurrent first opens run one after the other: SQLite's `BEGIN IMMEDIATE` takes the write lock,
PostgreSQL takes a transaction-scoped advisory lock, before Alembic reads the current revision.
All migrations run in that one transaction, begun here: on SQLite, Alembic would otherwise commit
after each migration (it treats SQLite's DDL as non-transactional), letting a waiting opener in
between two migrations; and a crash mid-upgrade leaves the schema as it was.

On SQLite, foreign keys are off while migrating: batch mode rebuilds a table by copying it and
dropping the old one, and with foreign keys on, that DROP would cascade into the rows that
reference it (a campaign's actions and messages). They are turned on again afterwards (the pragma
only takes effect outside a transaction).
"""

from alembic import context
from sqlalchemy import text

from tui.core.migrate import modelled
from tui.core.models import Base

MIGRATION_LOCK = 0x5357_4254_4D49_4752  # "SWBTMIGR": an arbitrary key, the same in every process

config = context.config
engine = config.attributes["engine"]
writer = engine.execution_options(sqlite_begin="BEGIN IMMEDIATE")

with writer.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
    try:
        with connection.begin():  # Alembic sees a transaction it did not begin and leaves it to us
            if not sqlite:
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=sqlite,
                compare_type=True,
                include_name=modelled,
            )
            context.run_migrations()
    finally:
        if sqlite:
            connection.rollback()  # whatever began after the commit: the pragma needs none open
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")

"""people search: a trigram index of identifiers (SQLite FTS5, PostgreSQL pg_trgm where the server
has it) and the (workspace, created_at, cio_id) index of the creation order

On SQLite the FTS5 table `people_trigram` is an external-content index of `people.ident`, kept in
step by triggers on `people` (every writer: the core, imports, the Track API, workspace deletes),
and filled here from the rows that exist. A later migration that rebuilds `people` in batch mode
drops these triggers with the old table and must create them again.

On PostgreSQL the GIN index needs the pg_trgm extension: it is created when the server offers it
(and the role may), else the search reads without it (see tui/core/people_search.py).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

SQLITE_UP = [
    "CREATE VIRTUAL TABLE people_trigram USING fts5(ident, content='people', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER people_trigram_insert AFTER INSERT ON people BEGIN "
    "INSERT INTO people_trigram(rowid, ident) VALUES (new.id, new.ident); END",
    "CREATE TRIGGER people_trigram_delete AFTER DELETE ON people BEGIN "
    "INSERT INTO people_trigram(people_trigram, rowid, ident) VALUES ('delete', old.id, old.ident); END",
    "CREATE TRIGGER people_trigram_update AFTER UPDATE OF ident ON people BEGIN "
    "INSERT INTO people_trigram(people_trigram, rowid, ident) VALUES ('delete', old.id, old.ident); "
    "INSERT INTO people_trigram(rowid, ident) VALUES (new.id, new.ident); END",
    "INSERT INTO people_trigram(people_trigram) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER people_trigram_update",
    "DROP TRIGGER people_trigram_delete",
    "DROP TRIGGER people_trigram_insert",
    "DROP TABLE people_trigram",
]


def upgrade() -> None:
    op.create_index("ix_people_created", "people", ["workspace_id", "created_at", "cio_id"], unique=False)
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
        return
    offered = bind.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).scalar()
    if not offered:
        return
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            bind.execute(sa.text("CREATE INDEX ix_people_ident_trgm ON people USING gin (ident gin_trgm_ops)"))
    except sa.exc.DBAPIError:
        return  # the role may not create the extension: searches read without the index


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
    else:
        op.execute("DROP INDEX IF EXISTS ix_people_ident_trgm")
    op.drop_index("ix_people_created", table_name="people")

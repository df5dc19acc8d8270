"""Alembic environment: runs migrations on the engine handed over by `tui.core.migrate`."""

from alembic import context

from tui.core.models import Base

config = context.config
engine = config.attributes["engine"]
writer = engine.execution_options(sqlite_begin="BEGIN IMMEDIATE")

with writer.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()

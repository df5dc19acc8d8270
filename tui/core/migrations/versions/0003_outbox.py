"""the outbox: attempts, errors, leases and delivery times on messages

Revision ID: 0003
Revises: 0002

Columns are added without rebuilding the table (SQLite would lose its CHECK constraints in a
batch rebuild, see 0002). Messages recorded as `sent` before the outbox keep that status.
"""

import sqlalchemy as sa
from alembic import op

import tui.core.models

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("messages", sa.Column("next_attempt_at", tui.core.models.UTCDateTime(), nullable=True))
    op.add_column("messages", sa.Column("lease_until", tui.core.models.UTCDateTime(), nullable=True))
    op.add_column("messages", sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("messages", sa.Column("last_error", sa.Text(), nullable=True))
    op.add_column("messages", sa.Column("answer", sa.Text(), nullable=True))
    op.add_column("messages", sa.Column("delivered_at", tui.core.models.UTCDateTime(), nullable=True))
    op.create_index("ix_messages_due", "messages", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_messages_due", "messages")
    for column in ("delivered_at", "answer", "last_error", "attempts", "lease_until", "next_attempt_at"):
        op.drop_column("messages", column)

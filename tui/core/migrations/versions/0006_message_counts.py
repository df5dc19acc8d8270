"""kept message counts: queued, delivered and failed per workspace and per campaign

Revision ID: 0006
Revises: 0005

The counts of existing messages are counted once here; from then on every status transition
keeps them (tui.core.message_counts).
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TABLES = {"workspaces": "workspace_id", "campaigns": "campaign_id"}
KINDS = {
    "messages_queued": ("scheduled", "queued", "sending", "retrying"),
    "messages_delivered": ("delivered",),
    "messages_failed": ("failed",),
}


def upgrade() -> None:
    for table, key in TABLES.items():
        for column, statuses in KINDS.items():
            op.add_column(table, sa.Column(column, sa.BigInteger(), server_default="0", nullable=False))
            listed = ", ".join(f"'{status}'" for status in statuses)
            op.execute(
                f"UPDATE {table} SET {column} = (SELECT count(*) FROM messages"
                f" WHERE messages.{key} = {table}.id AND messages.status IN ({listed}))"
            )


def downgrade() -> None:
    for table in TABLES:
        for column in KINDS:
            op.drop_column(table, column)

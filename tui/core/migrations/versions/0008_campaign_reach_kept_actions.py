"""people reached per campaign (kept), and removed actions kept with their messages

Revision ID: 0008
Revises: 0007

`campaigns.people_reached` is counted once here from the messages; from then on the core's
writes keep it (tui.core.campaign_reach). An action removed while keeping its sent messages
stays in `actions` with no position and `removed_at` set.
"""

import sqlalchemy as sa
from alembic import op

import tui.core.models

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("campaigns", sa.Column("people_reached", sa.BigInteger(), server_default="0", nullable=False))
    op.execute(
        "UPDATE campaigns SET people_reached = (SELECT count(DISTINCT person_id) FROM messages"
        " WHERE messages.campaign_id = campaigns.id)"
    )
    with op.batch_alter_table("actions") as batch:
        batch.add_column(sa.Column("removed_at", tui.core.models.UTCDateTime(), nullable=True))
        batch.alter_column("position", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM messages WHERE action_id IN (SELECT id FROM actions WHERE removed_at IS NOT NULL)")
    op.execute("DELETE FROM actions WHERE removed_at IS NOT NULL")
    with op.batch_alter_table("actions") as batch:
        batch.alter_column("position", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("removed_at")
    op.drop_column("campaigns", "people_reached")

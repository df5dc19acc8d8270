"""rate_turns: a workspace's rate-limit turns kept in the database, shared by every worker

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

import tui.core.models

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_turns",
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("next_start", tui.core.models.UTCDateTime(), nullable=False),
        sa.Column("next_later", tui.core.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name=op.f("fk_rate_turns_workspace_id_workspaces"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("workspace_id", name=op.f("pk_rate_turns")),
    )


def downgrade() -> None:
    op.drop_table("rate_turns")

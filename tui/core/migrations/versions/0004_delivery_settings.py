"""delivery settings per workspace: SMTP server, sender, SMS and push endpoints, rate limit

Revision ID: 0004
Revises: 0003

Secrets are not columns: the settings name the environment variable or the file holding each.
"""

import sqlalchemy as sa
from alembic import op

import tui.core.models

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delivery_settings",
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("smtp_host", sa.String(length=255), nullable=True),
        sa.Column("smtp_port", sa.Integer(), nullable=True),
        sa.Column("smtp_security", sa.String(length=16), nullable=True),
        sa.Column("smtp_user", sa.String(length=320), nullable=True),
        sa.Column("smtp_password_env", sa.String(length=255), nullable=True),
        sa.Column("smtp_password_file", sa.Text(), nullable=True),
        sa.Column("sender", sa.String(length=400), nullable=True),
        sa.Column("reply_to", sa.String(length=400), nullable=True),
        sa.Column("sms_url", sa.Text(), nullable=True),
        sa.Column("sms_auth_env", sa.String(length=255), nullable=True),
        sa.Column("push_url", sa.Text(), nullable=True),
        sa.Column("push_auth_env", sa.String(length=255), nullable=True),
        sa.Column("rate_per_s", sa.Float(), nullable=True),
        sa.Column("updated_at", tui.core.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_delivery_settings_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", name=op.f("pk_delivery_settings")),
    )


def downgrade() -> None:
    op.drop_table("delivery_settings")

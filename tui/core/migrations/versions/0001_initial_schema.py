"""initial schema

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

import tui.core.models

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "usage_days",
        sa.Column(
            "workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False
        ),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("people_created", sa.BigInteger(), nullable=False),
        sa.Column("people_deleted", sa.BigInteger(), nullable=False),
        sa.Column("messages_sent", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("workspace_id", "day", name=op.f("pk_usage_days")),
    )
    with op.batch_alter_table("usage_days", schema=None) as batch_op:
        batch_op.create_index("ix_usage_days_day", ["day"], unique=False)

    op.create_table(
        "workspace_ledger",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("created_at", tui.core.models.UTCDateTime(), nullable=False),
        sa.Column("deleted_at", tui.core.models.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workspace_ledger")),
    )
    op.create_table(
        "workspaces",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column(
            "name_key",
            sa.String(length=256).with_variant(sa.String(length=256, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("color", sa.String(length=32), nullable=False),
        sa.Column("send_mode", sa.String(length=16), nullable=False),
        sa.Column("test_address", sa.String(length=320), nullable=True),
        sa.Column("identify_by", sa.String(length=8), nullable=False),
        sa.Column("site_id", sa.String(length=20), nullable=False),
        sa.Column("tracking_key_hash", sa.String(length=64), nullable=False),
        sa.Column("tracking_key_last4", sa.String(length=4), nullable=False),
        sa.Column("people_count", sa.BigInteger(), nullable=False),
        sa.Column("campaigns_count", sa.Integer(), nullable=False),
        sa.Column("messages_sent", sa.BigInteger(), nullable=False),
        sa.Column("created_at", tui.core.models.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workspaces")),
        sa.UniqueConstraint("name_key", name=op.f("uq_workspaces_name_key")),
        sa.UniqueConstraint("site_id", name=op.f("uq_workspaces_site_id")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "app_keys",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "label",
            sa.String(length=100).with_variant(sa.String(length=100, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("last4", sa.String(length=4), nullable=False),
        sa.Column("created_at", tui.core.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name=op.f("fk_app_keys_workspace_id_workspaces"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_app_keys_key_hash")),
        sa.UniqueConstraint("workspace_id", "label", name=op.f("uq_app_keys_workspace_id_label")),
    )
    op.create_table(
        "campaigns",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "name_key",
            sa.String(length=800).with_variant(sa.String(length=800, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", tui.core.models.UTCDateTime(), nullable=False),
        sa.Column("updated_at", tui.core.models.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name=op.f("fk_campaigns_workspace_id_workspaces"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
        sa.UniqueConstraint("workspace_id", "name_key", name=op.f("uq_campaigns_workspace_id_name_key")),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("cio_id", sa.String(length=32), nullable=False),
        sa.Column(
            "ident",
            sa.String(length=320).with_variant(sa.String(length=320, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("created_at", tui.core.models.UTCDateTime(), nullable=False),
        sa.Column("updated_at", tui.core.models.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name=op.f("fk_people_workspace_id_workspaces"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("cio_id", name=op.f("uq_people_cio_id")),
        sa.UniqueConstraint("workspace_id", "ident", name=op.f("uq_people_workspace_id_ident")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index("ix_people_workspace_created", ["workspace_id", "created_at"], unique=False)
        batch_op.create_index("ix_people_workspace_id", ["workspace_id", "id"], unique=False)

    op.create_table(
        "actions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("campaign_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("imported_from", sa.JSON(), nullable=True),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column("review_reason", sa.Text(), nullable=True),
        sa.Column("created_at", tui.core.models.UTCDateTime(), nullable=False),
        sa.Column("updated_at", tui.core.models.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_actions_campaign_id_campaigns"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actions")),
        sa.UniqueConstraint("campaign_id", "position", name=op.f("uq_actions_campaign_id_position")),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("campaign_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("action_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("test", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("recipient", sa.String(length=320), nullable=True),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("scheduled_at", tui.core.models.UTCDateTime(), nullable=False),
        sa.Column("sent_at", tui.core.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name=op.f("fk_messages_action_id_actions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_messages_campaign_id_campaigns"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_messages_person_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name=op.f("fk_messages_workspace_id_workspaces"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint("action_id", "person_id", name=op.f("uq_messages_action_id_person_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index("ix_messages_campaign", ["campaign_id", "id"], unique=False)
        batch_op.create_index("ix_messages_person", ["person_id", "id"], unique=False)
        batch_op.create_index("ix_messages_workspace", ["workspace_id", "id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_workspace")
        batch_op.drop_index("ix_messages_person")
        batch_op.drop_index("ix_messages_campaign")

    op.drop_table("messages")
    op.drop_table("actions")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index("ix_people_workspace_id")
        batch_op.drop_index("ix_people_workspace_created")

    op.drop_table("people")
    op.drop_table("campaigns")
    op.drop_table("app_keys")
    op.drop_table("workspaces")
    op.drop_table("workspace_ledger")
    with op.batch_alter_table("usage_days", schema=None) as batch_op:
        batch_op.drop_index("ix_usage_days_day")

    op.drop_table("usage_days")

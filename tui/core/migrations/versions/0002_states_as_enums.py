"""campaign states and message statuses as enums: CHECK constraints on both columns

Revision ID: 0002
Revises: 0001

The columns stay VARCHAR(16) holding the same values. SQLite does not reflect CHECK constraints,
so a later revision that rebuilds one of these tables (batch mode) must declare the check again;
adding a column needs no rebuild (op.add_column outside a batch).
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# The values as this revision knows them (later revisions that add a value replace the check).
CAMPAIGN_STATES = ["draft", "running", "stopped", "archived"]
MESSAGE_STATUSES = ["scheduled", "queued", "sending", "retrying", "delivered", "failed", "suppressed", "sent"]


def _in(column: str, values: list[str]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def upgrade() -> None:
    with op.batch_alter_table("campaigns") as batch_op:
        batch_op.create_check_constraint(op.f("ck_campaigns_campaign_state"), _in("state", CAMPAIGN_STATES))
    # Rebuilt on SQLite: keep AUTOINCREMENT (a message id is never reused, see models).
    with op.batch_alter_table("messages", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.create_check_constraint(op.f("ck_messages_message_status"), _in("status", MESSAGE_STATUSES))


def downgrade() -> None:
    with op.batch_alter_table("messages", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_constraint(op.f("ck_messages_message_status"), type_="check")
    with op.batch_alter_table("campaigns") as batch_op:
        batch_op.drop_constraint(op.f("ck_campaigns_campaign_state"), type_="check")

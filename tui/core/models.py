"""The schema: SQLAlchemy 2 typed models. Migrations in `migrations/` create exactly this.

Identifiers that billing depends on are never reused: the tables whose ids outlive their rows
(workspaces, people, messages) use SQLite AUTOINCREMENT; PostgreSQL's sequences never reuse one.
Billing reads `UsageDay` and `WorkspaceLedger`, which deleting a workspace or a person never
removes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tui.core.errors import DatabaseError
from tui.core.states import CampaignState, MessageStatus

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC: the same on SQLite and PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        """A stored text that is no timestamp (a row edited by hand) is a clear DatabaseError."""
        process = super().result_processor(dialect, coltype)
        if process is None:
            return None

        def checked(value: Any) -> Any:
            try:
                return process(value)
            except ValueError:
                raise DatabaseError(
                    f"the database holds {str(value)[:40]!r} where a timestamp belongs: "
                    "was it edited by hand? Correct or delete that row"
                ) from None

        return checked


def key_string(length: int) -> String:
    """A string compared byte-wise: SQLite's BINARY default, PostgreSQL's "C" collation.

    Prefix search is a range over the index (`>= p AND < p || U+10FFFF`), which needs
    code-point order on both backends; lists ordered by a key come out in the same order on both
    (a PostgreSQL database's default collation is often a language's, such as en_US).
    """
    return String(length).with_variant(String(length, collation="C"), "postgresql")


def state_column(enum: type[StrEnum], name: str) -> Enum:
    """A StrEnum stored as its values in a VARCHAR(16) with a CHECK constraint named `name`."""
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


# A big integer primary key that is still SQLite's rowid (INTEGER PRIMARY KEY).
BigId = BigInteger().with_variant(Integer(), "sqlite")
MAX_ID = 2**63 - 1  # the largest id either backend stores; a larger one names no row


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def table_of(model: type[Base]) -> Table:
    """The model's Table, for Core statements (SQLAlchemy types `__table__` as a FromClause)."""
    return cast(Table, model.__table__)


class Workspace(Base):
    __tablename__ = "workspaces"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    name_key: Mapped[str] = mapped_column(key_string(256), unique=True)
    color: Mapped[str] = mapped_column(String(32))
    send_mode: Mapped[str] = mapped_column(String(16), default="normal")
    test_address: Mapped[str | None] = mapped_column(String(320))
    identify_by: Mapped[str] = mapped_column(String(8))
    site_id: Mapped[str] = mapped_column(String(20), unique=True)
    tracking_key_hash: Mapped[str] = mapped_column(String(64))
    tracking_key_last4: Mapped[str] = mapped_column(String(4))
    # Kept counters: changed in SQL, in the same transaction as the rows they count.
    people_count: Mapped[int] = mapped_column(BigInteger, default=0)
    campaigns_count: Mapped[int] = mapped_column(Integer, default=0)
    messages_sent: Mapped[int] = mapped_column(BigInteger, default=0)
    # Kept message counts (tui.core.message_counts); a server default: inserts leave them out.
    messages_queued: Mapped[int] = mapped_column(BigInteger, server_default="0")
    messages_delivered: Mapped[int] = mapped_column(BigInteger, server_default="0")
    messages_failed: Mapped[int] = mapped_column(BigInteger, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class AppKey(Base):
    __tablename__ = "app_keys"
    __table_args__ = (UniqueConstraint("workspace_id", "label"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(key_string(100))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    last4: Mapped[str] = mapped_column(String(4))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (
        UniqueConstraint("workspace_id", "ident"),
        Index("ix_people_created", "workspace_id", "created_at", "cio_id"),  # the creation order (L1)
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    cio_id: Mapped[str] = mapped_column(String(32), unique=True)
    # The workspace's identifier: the id (id workspaces) or the normalized email (email ones).
    ident: Mapped[str] = mapped_column(key_string(320))
    email: Mapped[str | None] = mapped_column(String(320))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The subscription state the Track API's `unsubscribed` sets (T2). A server default: the
    # bulk import's INSERT names only the columns it fills.
    unsubscribed: Mapped[bool] = mapped_column(Boolean, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Event(Base):
    """T3: an event, page view or screen view; anonymous ones have no person until identified."""

    __tablename__ = "events"
    __table_args__ = (
        # A client's event id is stored once per workspace (clients retry); NULLs never clash.
        UniqueConstraint("workspace_id", "client_id"),
        Index("ix_events_workspace", "workspace_id", "id"),
        Index("ix_events_person", "person_id", "id"),
        Index("ix_events_anonymous", "workspace_id", "anonymous_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    anonymous_id: Mapped[str | None] = mapped_column(key_string(150))
    client_id: Mapped[str | None] = mapped_column(key_string(150))
    name: Mapped[str] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AnonymousLink(Base):
    """T3: an `anonymous_id` that an identify joined to a person: its events are theirs."""

    __tablename__ = "anonymous_links"

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    anonymous_id: Mapped[str] = mapped_column(key_string(150), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)


class Device(Base):
    """T4: a push token; it belongs to one person of the workspace at a time."""

    __tablename__ = "devices"
    __table_args__ = (UniqueConstraint("workspace_id", "token"), Index("ix_devices_person", "person_id", "token"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    token: Mapped[str] = mapped_column(key_string(255))
    platform: Mapped[str] = mapped_column(String(16))
    last_used: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Suppression(Base):
    """T5: an identifier that is blocked: identify and events for it store nothing."""

    __tablename__ = "suppressions"

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    ident: Mapped[str] = mapped_column(key_string(320), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ActivityEntry(Base):
    """T7: what the Track API did in a workspace, newest first by id. `person` is a cio_id,
    kept as text: the entry outlives the person."""

    __tablename__ = "activity"
    __table_args__ = (
        Index("ix_activity_workspace", "workspace_id", "id"),
        Index("ix_activity_kind", "workspace_id", "kind", "id"),
        Index("ix_activity_person", "workspace_id", "person", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    person: Mapped[str | None] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class Campaign(Base):
    __tablename__ = "campaigns"
    __table_args__ = (UniqueConstraint("workspace_id", "name_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(key_string(800))
    state: Mapped[CampaignState] = mapped_column(
        state_column(CampaignState, "campaign_state"), default=CampaignState.DRAFT
    )
    # Kept message counts (tui.core.message_counts).
    messages_queued: Mapped[int] = mapped_column(BigInteger, server_default="0")
    messages_delivered: Mapped[int] = mapped_column(BigInteger, server_default="0")
    messages_failed: Mapped[int] = mapped_column(BigInteger, server_default="0")
    # Kept: how many people have at least one of its messages (tui.core.campaign_reach).
    people_reached: Mapped[int] = mapped_column(BigInteger, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Action(Base):
    __tablename__ = "actions"
    __table_args__ = (UniqueConstraint("campaign_id", "position"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    # A removed action whose sent messages were kept in history stays, out of the workflow: no
    # position (NULL) and `removed_at` set. Only live actions are ever read with their position.
    position: Mapped[int] = mapped_column(Integer, nullable=True)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    type: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    imported_from: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    review_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("action_id", "person_id"),
        # (x, id) indexes serve keyset pages ordered by id within a workspace, person, campaign.
        Index("ix_messages_workspace", "workspace_id", "id"),
        Index("ix_messages_person", "person_id", "id"),
        Index("ix_messages_campaign", "campaign_id", "id"),
        # Workers claim due messages by status and time.
        Index("ix_messages_due", "status", "next_attempt_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[MessageStatus] = mapped_column(state_column(MessageStatus, "message_status"))
    test: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str | None] = mapped_column(Text)
    recipient: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when the send created it
    # The outbox (tui.core.outbox): when a worker may take it next, whose lease runs until when.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)  # the server's answer on delivery
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DeliverySettings(Base):
    """How a workspace's messages go out (tui.core.delivery_settings). Secrets are never stored:
    only the name of the environment variable or the path of the file that holds each one."""

    __tablename__ = "delivery_settings"

    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True)
    smtp_host: Mapped[str | None] = mapped_column(String(255))
    smtp_port: Mapped[int | None] = mapped_column(Integer)
    smtp_security: Mapped[str | None] = mapped_column(String(16))
    smtp_user: Mapped[str | None] = mapped_column(String(320))
    smtp_password_env: Mapped[str | None] = mapped_column(String(255))
    smtp_password_file: Mapped[str | None] = mapped_column(Text)
    sender: Mapped[str | None] = mapped_column(String(400))
    reply_to: Mapped[str | None] = mapped_column(String(400))
    sms_url: Mapped[str | None] = mapped_column(Text)
    sms_auth_env: Mapped[str | None] = mapped_column(String(255))
    push_url: Mapped[str | None] = mapped_column(Text)
    push_auth_env: Mapped[str | None] = mapped_column(String(255))
    rate_per_s: Mapped[float | None] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RateTurns(Base):
    """A rate-limited workspace's next free turns, shared by every worker (tui.core.rate_turns)."""

    __tablename__ = "rate_turns"

    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True)
    next_start: Mapped[datetime] = mapped_column(UTCDateTime)  # for a message a worker holds
    next_later: Mapped[datetime] = mapped_column(UTCDateTime)  # for one sent back to the outbox


class WorkerHeartbeat(Base):
    """A delivery worker that ran (tui.core.worker_heartbeats): the app tells when none has."""

    __tablename__ = "worker_heartbeats"

    worker: Mapped[str] = mapped_column(String(200), primary_key=True)  # host:pid:start
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class WorkspaceLedger(Base):
    """One row per workspace ever created, kept after deletion: billing's names and ids."""

    __tablename__ = "workspace_ledger"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UsageDay(Base):
    """Billing facts per workspace and UTC day: people created and deleted, messages billed.

    Billable people in a period = created before it - deleted before it + created in it.
    Rows are incremented in SQL in the same transaction as the change they count.
    """

    __tablename__ = "usage_days"

    workspace_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    people_created: Mapped[int] = mapped_column(BigInteger, default=0)
    people_deleted: Mapped[int] = mapped_column(BigInteger, default=0)
    messages_sent: Mapped[int] = mapped_column(BigInteger, default=0)


Index("ix_people_workspace_created", Person.workspace_id, Person.created_at)
# Sending walks a workspace's people by id (keyset); without this SQLite sorts per batch.
Index("ix_people_workspace_id", Person.workspace_id, Person.id)
# The Track API finds a person of an id workspace by email (T1).
Index("ix_people_workspace_email", Person.workspace_id, Person.email)
Index("ix_usage_days_day", UsageDay.day)

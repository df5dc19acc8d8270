"""The states a campaign and a message can be in: one vocabulary for core, CLI and app.

Both are stored as their lowercase values with a CHECK constraint (`Enum(native_enum=False,
create_constraint=True)`), so the database refuses a state the core does not know.
"""

from __future__ import annotations

from enum import StrEnum


class CampaignState(StrEnum):
    DRAFT = "draft"
    RUNNING = "running"
    STOPPED = "stopped"
    ARCHIVED = "archived"


class MessageStatus(StrEnum):
    """Where a message is in the outbox.

    `scheduled` waits for its time, `queued` for a worker, `sending` is leased by one; it ends
    `delivered`, `failed` (permanent, or out of attempts) or, in between, `retrying`.
    `suppressed` is a message of a workspace in send mode `never`: never queued.
    `sent` is a message recorded before delivery existed; it counts as delivered for billing.
    """

    SCHEDULED = "scheduled"
    QUEUED = "queued"
    SENDING = "sending"
    RETRYING = "retrying"
    DELIVERED = "delivered"
    FAILED = "failed"
    SUPPRESSED = "suppressed"
    SENT = "sent"

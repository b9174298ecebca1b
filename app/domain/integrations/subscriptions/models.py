"""Webhook subscriptions of intranet back ends, their deliveries, and each attempt."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import StringConstraints, field_validator
from sqlalchemy import Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db.base import IdMixin, TenantMixin, TimestampMixin, VersionMixin, empty_list, utcnow
from app.db.types import JSONDocument, UTCDateTime
from app.domain.schemas import HttpsUrl, InputSchema, request_examples

# "employee.updated", "pair.*" (every pair event) or "*" (everything).
EventType = Annotated[
    str, StringConstraints(pattern=r"^(?:\*|[a-z][a-z0-9_]*\.(?:\*|[a-z][a-z0-9_]*))$")
]
# No credentials in it: deliveries are signed.
WebhookUrl = Annotated[HttpsUrl, StringConstraints(min_length=8, max_length=2000)]


def _distinct_sorted(values: list[str] | None) -> list[str] | None:
    return None if values is None else sorted(set(values))


class WebhookSubscription(IdMixin, TenantMixin, TimestampMixin, VersionMixin, table=True):
    __tablename__ = "webhook_subscriptions"

    url: str = Field(max_length=2000)
    description: str | None = Field(default=None, max_length=500)
    event_types: list[str] = Field(default_factory=empty_list, sa_type=JSONDocument, nullable=False)
    # Kept as written: signing needs the key itself.
    secret: str = Field(max_length=100)
    enabled: bool = Field(default=True)
    disabled_reason: str | None = Field(default=None, max_length=500)
    consecutive_failures: int = Field(default=0)


class WebhookSubscriptionCreate(InputSchema):
    model_config = request_examples(
        {
            "url": "https://intranet.example.com/hooks/mentoring",
            "event_types": ["pair.*", "session_log.confirmed"],
            "description": "Intranet news feed",
        }
    )

    url: WebhookUrl = Field(description="HTTPS address to POST to.")
    event_types: list[EventType] = Field(
        min_length=1,
        max_length=100,
        description="Event types, `module.*` for all of a module, or `*` for every event.",
    )
    description: str | None = Field(default=None, max_length=500)

    _types = field_validator("event_types")(_distinct_sorted)


class WebhookSubscriptionUpdate(InputSchema):
    model_config = request_examples(
        {
            "event_types": ["pair.*", "session_log.*"],
            "description": "Intranet news feed and reminders",
        }
    )

    url: WebhookUrl | None = None
    event_types: list[EventType] | None = Field(default=None, min_length=1, max_length=100)
    description: str | None = Field(default=None, max_length=500)
    enabled: bool | None = Field(default=None, description="Re-enabling resets the failure count.")

    never_null: ClassVar[frozenset[str]] = frozenset({"url", "event_types", "enabled"})

    _types = field_validator("event_types")(_distinct_sorted)


class WebhookSubscriptionRead(SQLModel):
    id: uuid.UUID
    url: str
    description: str | None
    event_types: list[str]
    enabled: bool
    disabled_reason: str | None
    consecutive_failures: int = Field(description="Deliveries failed in a row.")
    created_at: datetime
    updated_at: datetime
    version: int


class WebhookSubscriptionCreated(WebhookSubscriptionRead):
    secret: str = Field(
        description="The Standard Webhooks signing secret (`whsec_...`), shown once."
    )


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class WebhookDelivery(IdMixin, TenantMixin, table=True):
    """One event for one subscription, retried until it succeeds or its time is up."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "event_id"),
        Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
    )

    subscription_id: uuid.UUID = Field(
        foreign_key="webhook_subscriptions.id", index=True, ondelete="CASCADE"
    )
    event_id: uuid.UUID = Field(foreign_key="outbox_events.id", ondelete="CASCADE")
    event_type: str = Field(sa_type=String(80))
    status: DeliveryStatus = Field(default=DeliveryStatus.PENDING, sa_type=String(20))
    attempts: int = Field(default=0)
    # When the next attempt is due; while one is under way, when its lease ends.
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, max_length=1000)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class WebhookAttempt(IdMixin, table=True):
    """One HTTP request of a delivery: the log a subscriber's developer reads."""

    __tablename__ = "webhook_attempts"

    delivery_id: uuid.UUID = Field(
        foreign_key="webhook_deliveries.id", index=True, ondelete="CASCADE"
    )
    attempted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    status_code: int | None = None
    error: str | None = Field(default=None, max_length=1000)
    duration_ms: int = 0


class WebhookAttemptRead(SQLModel):
    attempted_at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int


class WebhookDeliveryRead(SQLModel):
    id: uuid.UUID
    subscription_id: uuid.UUID
    event_id: uuid.UUID = Field(description="Also the `webhook-id` header of every attempt.")
    event_type: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None = Field(description="When the next attempt is due.")
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime


class WebhookDeliveryDetail(WebhookDeliveryRead):
    attempt_log: list[WebhookAttemptRead]
    payload: dict[str, object] = Field(description="The envelope every attempt sends.")

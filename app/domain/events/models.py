"""The transactional outbox: one row per event, committed or rolled back with its change."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Index, String
from sqlmodel import Field

from app.db.base import IdMixin, TenantMixin, empty_dict, utcnow
from app.db.indexes import partial_index
from app.db.types import JSONDocument, UTCDateTime

EVENT_SCHEMA_VERSION = 1


class OutboxEvent(IdMixin, TenantMixin, table=True):
    __tablename__ = "outbox_events"
    __table_args__ = (
        Index("ix_outbox_events_organization_id_type", "organization_id", "type"),
        partial_index("ix_outbox_events_undispatched", "id", where="dispatched_at IS NULL"),
    )

    type: str = Field(sa_type=String(80))
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    subject_type: str = Field(sa_type=String(40))
    subject_id: uuid.UUID
    data: dict[str, Any] = Field(default_factory=empty_dict, sa_type=JSONDocument, nullable=False)
    schema_version: int = Field(default=EVENT_SCHEMA_VERSION)
    actor: str | None = Field(default=None, sa_type=String(80))
    # Set once the dispatcher has queued a delivery for each subscription that wants it.
    dispatched_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

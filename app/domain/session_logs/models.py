"""A logged meeting of a pair, and the private notes its people keep about it.

A private note lives in its own table and is only ever selected by its author's employee
id, so no role (manager, administrator, API key, the other participant) can read it.
"""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db.base import IdMixin, TenantMixin, TimestampMixin, VersionMixin, empty_list
from app.db.types import JSONDocument, UTCDateTime
from app.domain.schemas import (
    CalendarDate,
    InputPart,
    InputSchema,
    Timestamp,
    TopicTags,
    request_examples,
)


class LogFormat(StrEnum):
    IN_PERSON = "in_person"
    VIDEO = "video"
    PHONE = "phone"
    CHAT = "chat"


class LogStatus(StrEnum):
    PENDING = "pending"  # waiting for the other participant
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"


class Owner(StrEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"


class SessionLog(IdMixin, TenantMixin, TimestampMixin, VersionMixin, table=True):
    __tablename__ = "session_logs"
    __table_args__ = (
        Index("ix_session_logs_pair_id_id", "pair_id", "id"),
        Index("ix_session_logs_organization_id_id", "organization_id", "id"),
        Index("ix_session_logs_program_id_held_at", "program_id", "held_at"),
    )

    pair_id: uuid.UUID = Field(foreign_key="pairs.id", ondelete="CASCADE")
    program_id: uuid.UUID = Field(foreign_key="programs.id", ondelete="CASCADE")
    author_employee_id: uuid.UUID = Field(foreign_key="employees.id", ondelete="CASCADE")
    author_side: Owner = Field(sa_type=String(8))
    held_at: datetime = Field(sa_type=UTCDateTime)
    duration_minutes: int
    format: LogFormat = Field(sa_type=String(10))
    topics: list[str] = Field(default_factory=empty_list, sa_type=JSONDocument, nullable=False)
    summary: str | None = Field(default=None, sa_type=Text)
    mentor_learned: str | None = Field(default=None, sa_type=Text)
    mentee_learned: str | None = Field(default=None, sa_type=Text)
    action_items: list[dict[str, Any]] = Field(
        default_factory=empty_list, sa_type=JSONDocument, nullable=False
    )
    # Kept in step with action_items so progress can count without reading the documents.
    open_action_items: int = Field(default=0)
    next_due_on: date | None = Field(default=None)
    mentor_rating: int | None = Field(default=None)
    mentee_rating: int | None = Field(default=None)
    status: LogStatus = Field(default=LogStatus.PENDING, sa_type=String(10))
    dispute_reason: str | None = Field(default=None, sa_type=Text)
    responded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    deleted_by: str | None = Field(default=None, sa_type=String(80))


class SessionLogNote(IdMixin, TenantMixin, TimestampMixin, table=True):
    """A private note on a log, readable by its author only."""

    __tablename__ = "session_log_notes"
    __table_args__ = (UniqueConstraint("log_id", "author_employee_id"),)

    log_id: uuid.UUID = Field(foreign_key="session_logs.id", ondelete="CASCADE")
    author_employee_id: uuid.UUID = Field(foreign_key="employees.id", ondelete="CASCADE")
    body: str = Field(sa_type=Text)


# --- API schemas ---------------------------------------------------------------------------


class ActionItem(InputPart):
    text: str = Field(min_length=1, max_length=500)
    owner: Owner
    due: CalendarDate | None = None
    done: bool = False


class SideFields(InputSchema):
    """What each side writes for themself."""

    learned: str | None = Field(default=None, max_length=5000, description="What you learned.")
    rating: int | None = Field(default=None, ge=1, le=5, description="Your rating, 1-5.")
    private_note: str | None = Field(
        default=None, max_length=10_000, description="Readable by you only, ever."
    )


class SessionLogCreate(SideFields):
    model_config = request_examples(
        {
            "held_at": "2026-12-03T16:30:00+01:00",
            "duration_minutes": 45,
            "format": "video",
            "summary": "We set up an AI assistant and drafted the weekly report with it.",
            "learned": "How to give the assistant context instead of long instructions.",
            "topics": ["generative-ai", "prompting"],
            "action_items": [
                {
                    "text": "Draft next week's report alone",
                    "owner": "mentee",
                    "due": "2026-12-10",
                }
            ],
            "rating": 5,
        }
    )

    held_at: Timestamp = Field(description="When the session took place; not in the future.")
    duration_minutes: int = Field(ge=1, le=1440)
    format: LogFormat
    topics: TopicTags = Field(default_factory=list, max_length=30)
    summary: str | None = Field(default=None, max_length=10_000, description="Shared by both.")
    action_items: list[ActionItem] = Field(default_factory=list, max_length=50)


class SessionLogUpdate(SideFields):
    """Shared fields change by the author only; each side changes their own side fields."""

    model_config = request_examples(
        {
            "summary": (
                "We set up an AI assistant, drafted the weekly report and compared it with "
                "last week's."
            ),
            "duration_minutes": 60,
        }
    )

    held_at: Timestamp | None = None
    duration_minutes: int | None = Field(default=None, ge=1, le=1440)
    format: LogFormat | None = None
    topics: TopicTags | None = Field(default=None, max_length=30)
    summary: str | None = Field(default=None, max_length=10_000)
    action_items: list[ActionItem] | None = Field(default=None, max_length=50)

    never_null: ClassVar[frozenset[str]] = frozenset(
        {"held_at", "duration_minutes", "format", "topics"}
    )


SHARED_FIELDS = frozenset(
    {"held_at", "duration_minutes", "format", "topics", "summary", "action_items"}
)
LOG_REQUIRED_ON_UPDATE = SessionLogUpdate.never_null


class SessionLogConfirm(SideFields):
    model_config = request_examples(
        {"learned": "How a weekly report is read by the executive committee.", "rating": 4}
    )


class SessionLogDispute(InputSchema):
    model_config = request_examples({"reason": "We met for 30 minutes, not 45."})

    reason: str = Field(min_length=3, max_length=2000)


class SessionLogRead(SQLModel):
    id: uuid.UUID
    pair_id: uuid.UUID
    program_id: uuid.UUID
    author_employee_id: uuid.UUID
    author_side: Owner
    held_at: datetime
    duration_minutes: int
    format: LogFormat
    topics: list[str]
    summary: str | None
    mentor_learned: str | None
    mentee_learned: str | None
    action_items: list[ActionItem]
    mentor_rating: int | None
    mentee_rating: int | None
    status: LogStatus
    dispute_reason: str | None
    responded_at: datetime | None
    private_note: str | None = Field(
        description="Your own private note on this log; nobody else's is ever shown."
    )
    created_at: datetime
    updated_at: datetime
    version: int

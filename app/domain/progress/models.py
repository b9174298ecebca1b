"""Feedback forms: each participant's view of their mentoring, mid-way and at the end."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlmodel import Field

from app.db.base import IdMixin, TenantMixin, TimestampMixin
from app.domain.schemas import (
    IdSchema,
    InputSchema,
    request_examples,
)


class FeedbackStage(StrEnum):
    MID = "mid"
    END = "end"


class PairFeedback(IdMixin, TenantMixin, TimestampMixin, table=True):
    __tablename__ = "pair_feedback"
    __table_args__ = (
        UniqueConstraint("pair_id", "employee_id", "stage"),
        Index("ix_pair_feedback_program_id_stage", "program_id", "stage"),
    )

    pair_id: uuid.UUID = Field(foreign_key="pairs.id", ondelete="CASCADE")
    program_id: uuid.UUID = Field(foreign_key="programs.id", ondelete="CASCADE")
    employee_id: uuid.UUID = Field(foreign_key="employees.id", ondelete="CASCADE", index=True)
    side: str = Field(sa_type=String(8))
    stage: FeedbackStage = Field(sa_type=String(4))
    rating: int
    what_worked: str | None = Field(default=None, sa_type=Text)
    what_to_improve: str | None = Field(default=None, sa_type=Text)
    would_recommend: int


class FeedbackCreate(InputSchema):
    model_config = request_examples(
        {
            "stage": "mid",
            "rating": 4,
            "would_recommend": 9,
            "what_worked": "Short, regular sessions on real work.",
            "what_to_improve": "More time to practise between sessions.",
        }
    )

    stage: FeedbackStage
    rating: int = Field(ge=1, le=5)
    what_worked: str | None = Field(default=None, max_length=5000)
    what_to_improve: str | None = Field(default=None, max_length=5000)
    would_recommend: int = Field(ge=0, le=10, description="0-10, as in a net promoter score.")


class FeedbackRead(IdSchema):
    pair_id: uuid.UUID
    program_id: uuid.UUID
    employee_id: uuid.UUID
    side: str
    stage: FeedbackStage
    rating: int
    what_worked: str | None
    what_to_improve: str | None
    would_recommend: int
    created_at: datetime

"""What the API reads and writes about pairs, their agreement and goals."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlmodel import Field, SQLModel

from app.domain import examples
from app.domain.pairs.models import EndReason, FitAnswer, GoalStatus, PairOrigin, PairStatus
from app.domain.schemas import (
    CalendarDate,
    IdSchema,
    InputSchema,
    ReadSchema,
    VersionedSchema,
    request_examples,
)


class PairHealth(StrEnum):
    ON_TRACK = "on_track"
    NEEDS_ATTENTION = "needs_attention"
    AT_RISK = "at_risk"


class AgreementFormat(StrEnum):
    IN_PERSON = "in_person"
    VIDEO = "video"
    PHONE = "phone"
    CHAT = "chat"
    MIXED = "mixed"


class PairCreate(InputSchema):
    model_config = request_examples(
        {
            "mentor_participant_id": examples.MENTOR_PARTICIPANT_ID,
            "mentee_participant_id": examples.MENTEE_PARTICIPANT_ID,
            "status": "active",
        }
    )

    mentor_participant_id: uuid.UUID = Field(description="An approved mentor of the program.")
    mentee_participant_id: uuid.UUID = Field(description="An approved mentee of the program.")
    status: PairStatus = Field(
        default=PairStatus.PROPOSED, description="`proposed` (default) or `active`."
    )


class PairTransition(InputSchema):
    model_config = request_examples({"to": "paused", "note": "Back after the year-end closing."})

    to: PairStatus = Field(description="The state to move to.")
    reason: EndReason | None = Field(default=None, description="Required to move to `ended_early`.")
    note: str | None = Field(default=None, max_length=2000)


class PairFilter(SQLModel):
    program_id: uuid.UUID | None = None
    status: PairStatus | None = None
    employee_id: uuid.UUID | None = None
    health: PairHealth | None = None


class AgreementWrite(InputSchema):
    """The whole agreement; writing it again asks both sides to acknowledge it again."""

    model_config = request_examples(
        {
            "format": "video",
            "cadence_days": 14,
            "channel": "Teams",
            "ground_rules": "We start on time and each bring one question.",
            "confidentiality": "What we discuss stays between us.",
            "starts_on": "2026-12-14",
        }
    )

    format: AgreementFormat
    cadence_days: int = Field(ge=1, le=365, description="Days between meetings the pair chose.")
    channel: str | None = Field(default=None, max_length=200, description="e.g. 'Teams'.")
    ground_rules: str | None = Field(default=None, max_length=5000)
    confidentiality: str | None = Field(default=None, max_length=5000)
    starts_on: CalendarDate | None = None


class AgreementRead(ReadSchema):
    # Read from the pair's row (``Pair.agreement``), whose columns carry an ``agreement_``
    # prefix.
    format: AgreementFormat = Field(validation_alias="agreement_format")
    cadence_days: int = Field(validation_alias="agreement_cadence_days")
    channel: str | None = Field(validation_alias="agreement_channel")
    ground_rules: str | None = Field(validation_alias="agreement_ground_rules")
    confidentiality: str | None = Field(validation_alias="agreement_confidentiality")
    starts_on: date | None = Field(validation_alias="agreement_starts_on")
    updated_at: datetime | None = Field(validation_alias="agreement_updated_at")
    mentor_acknowledged_at: datetime | None
    mentee_acknowledged_at: datetime | None
    acknowledged: bool = Field(
        validation_alias="agreement_acknowledged",
        description="Both sides acknowledged the current text.",
    )


class PairReadFields(ReadSchema):
    program_id: uuid.UUID
    mentor_participant_id: uuid.UUID = Field(validation_alias="mentor_id")
    mentee_participant_id: uuid.UUID = Field(validation_alias="mentee_id")
    mentor_employee_id: uuid.UUID
    mentee_employee_id: uuid.UUID
    status: PairStatus
    origin: PairOrigin
    score: float | None
    explanation: dict[str, Any]
    started_on: date | None
    ended_at: datetime | None
    end_reason: EndReason | None
    end_note: str | None
    agreement: AgreementRead | None
    health: PairHealth | None = Field(
        description="As the periodic check last found it; `progress` computes it live."
    )
    health_checked_at: datetime | None


class PairRead(VersionedSchema, PairReadFields, IdSchema):
    pass


class GoalCreate(InputSchema):
    model_config = request_examples(
        {
            "title": "Write prompts for the weekly report",
            "description": (
                "Draft the weekly sales report with an AI assistant, then review it together."
            ),
            "objective_id": examples.OBJECTIVE_ID,
            "status": "in_progress",
            "progress": 20,
            "target_date": "2027-02-26",
        }
    )

    title: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    objective_id: uuid.UUID | None = Field(
        default=None, description="An objective of the pair's program."
    )
    status: GoalStatus = GoalStatus.NOT_STARTED
    progress: int = Field(default=0, ge=0, le=100)
    target_date: CalendarDate | None = None


class GoalUpdate(InputSchema):
    model_config = request_examples({"status": "achieved", "progress": 100})

    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    objective_id: uuid.UUID | None = None
    status: GoalStatus | None = None
    progress: int | None = Field(default=None, ge=0, le=100)
    target_date: CalendarDate | None = None

    never_null: ClassVar[frozenset[str]] = frozenset({"title", "status", "progress"})


GOAL_REQUIRED_ON_UPDATE = GoalUpdate.never_null


class GoalReadFields(ReadSchema):
    pair_id: uuid.UUID
    objective_id: uuid.UUID | None
    title: str
    description: str | None
    status: GoalStatus
    progress: int
    target_date: date | None


class GoalRead(VersionedSchema, GoalReadFields, IdSchema):
    pass


class FitCheckWrite(InputSchema):
    """Your side's answer to the fit check, once, after the pair's first confirmed session."""

    model_config = InputSchema.model_config | {
        "json_schema_extra": {
            "examples": [
                {
                    "answer": "good_fit",
                    "note": "We clicked; the first session already changed how I use Teams.",
                }
            ]
        }
    }

    answer: FitAnswer = Field(
        description="`good_fit`, `unsure`, or `not_a_fit` (ends the pair as `mismatch`)."
    )
    note: str | None = Field(
        default=None,
        max_length=2000,
        description="For the program's managers only: never shown to the other side.",
    )


class FitCheckSideRead(SQLModel):
    """One side's answer, as the caller may see it."""

    side: str = Field(description="`mentor` or `mentee`.")
    answered: bool | None = Field(
        description="Whether this side answered; null when it would tell who ended the pair."
    )
    answer: FitAnswer | None = Field(description="Your own, or both for managers and readers.")
    note: str | None = Field(description="Your own, or both for the program's managers.")
    answered_at: datetime | None


class FitCheckRead(SQLModel):
    pair_id: uuid.UUID
    due_since: datetime | None = Field(
        description="When the pair's first session was confirmed; null: not due yet."
    )
    open: bool = Field(description="The caller's side can answer now.")
    your_side: str | None = Field(description="`mentor`, `mentee`, or null for others.")
    mentor: FitCheckSideRead
    mentee: FitCheckSideRead
    mismatch_reviewed_at: datetime | None = Field(
        description="For managers and readers: when a manager reviewed the pair's ending as "
        "not a fit (null: not reviewed, or not ended so)."
    )

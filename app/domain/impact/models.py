"""Impact: measurements of success indicators, their bindings to computed figures, and
self-assessment items with each participant's answers.

A success indicator lives inside its objective's document (``success_indicators``) and is
named by its position there (``indicator``, from 0): objectives are fixed once the program
runs, so the position names the same indicator for the whole of the program's life.
"""

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import FiniteFloat
from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db.base import IdMixin, TenantMixin, TimestampMixin, VersionMixin, utcnow
from app.db.types import UTCDateTime
from app.domain import examples
from app.domain.schemas import (
    CalendarDate,
    InputPart,
    InputSchema,
    TopicTag,
    request_examples,
)

MAX_INDICATORS = 20
MAX_ASSESSMENT_ITEMS = 40


class Computation(StrEnum):
    """Figures the service computes from its own data, in percent or on the 1-5 scale."""

    MENTEES_LOGGED_TOPIC = "mentees_logged_topic"
    PAIRS_MET_CADENCE = "pairs_met_cadence"
    MENTOR_CONFIDENCE = "mentor_confidence"


class Side(StrEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"


class Wave(StrEnum):
    BASELINE = "baseline"
    MID = "mid"
    END = "end"


# --- indicator measurements ----------------------------------------------------------------


class IndicatorMeasurement(IdMixin, TenantMixin, TimestampMixin, table=True):
    """One value of a success indicator, as a manager measured or collected it."""

    __tablename__ = "indicator_measurements"
    __table_args__ = (
        Index(
            "ix_indicator_measurements_objective_id_indicator_measured_on",
            "objective_id",
            "indicator",
            "measured_on",
        ),
        Index("ix_indicator_measurements_program_id", "program_id"),
    )

    program_id: uuid.UUID = Field(foreign_key="programs.id", ondelete="CASCADE")
    objective_id: uuid.UUID = Field(foreign_key="program_objectives.id", ondelete="CASCADE")
    indicator: int
    value: float
    measured_on: date
    source: str | None = Field(default=None, max_length=200)
    note: str | None = Field(default=None, sa_type=Text)
    recorded_by: str = Field(sa_type=String(80))


class MeasurementCreate(InputSchema):
    value: FiniteFloat = Field(description="In the indicator's unit.")
    measured_on: CalendarDate = Field(description="The day the value describes; not ahead.")
    source: str | None = Field(
        default=None, min_length=1, max_length=200, description="e.g. 'HR survey Q3'."
    )
    note: str | None = Field(default=None, max_length=2000)

    model_config = request_examples(
        {
            "value": 62.5,
            "measured_on": "2026-09-30",
            "source": "Collaboration tools usage report",
            "note": "Quarterly figure from the IT department.",
        }
    )


class MeasurementRead(SQLModel):
    id: uuid.UUID
    program_id: uuid.UUID
    objective_id: uuid.UUID
    indicator: int
    value: float
    measured_on: date
    source: str | None
    note: str | None
    recorded_by: str
    created_at: datetime


# --- bindings ------------------------------------------------------------------------------


class IndicatorBinding(IdMixin, TenantMixin, TimestampMixin, VersionMixin, table=True):
    """An indicator computed from the service's own data instead of entered by hand."""

    __tablename__ = "indicator_bindings"
    __table_args__ = (
        UniqueConstraint("objective_id", "indicator"),
        Index("ix_indicator_bindings_program_id", "program_id"),
    )

    program_id: uuid.UUID = Field(foreign_key="programs.id", ondelete="CASCADE")
    objective_id: uuid.UUID = Field(foreign_key="program_objectives.id", ondelete="CASCADE")
    indicator: int
    computation: Computation = Field(sa_type=String(40))
    topic: str | None = Field(default=None, sa_type=String(50))
    assessment_item_id: uuid.UUID | None = Field(
        default=None, foreign_key="assessment_items.id", ondelete="CASCADE"
    )


class BindingWrite(InputSchema):
    computation: Computation = Field(
        description="`mentees_logged_topic`: % of approved mentees whose pair logged a session "
        "on `topic`. `pairs_met_cadence`: % of the program's pairs (active or ended) whose "
        "cadence adherence is 1. `mentor_confidence`: mentors' mean latest answer (1-5) to "
        "the assessment item `assessment_item_id`."
    )
    topic: TopicTag | None = Field(default=None, description="For `mentees_logged_topic`.")
    assessment_item_id: uuid.UUID | None = Field(
        default=None, description="For `mentor_confidence`: a mentor-side item of the program."
    )

    model_config = request_examples(
        {"computation": "pairs_met_cadence"},
        {"computation": "mentees_logged_topic", "topic": "generative-ai"},
    )


class BindingRead(SQLModel):
    objective_id: uuid.UUID
    indicator: int
    computation: Computation
    topic: str | None
    assessment_item_id: uuid.UUID | None
    version: int


# --- self-assessments ----------------------------------------------------------------------


class AssessmentItem(IdMixin, TenantMixin, TimestampMixin, table=True):
    """A statement participants of one side rate themselves on, 1 (not at all) to 5."""

    __tablename__ = "assessment_items"
    __table_args__ = (Index("ix_assessment_items_program_id_position", "program_id", "position"),)

    program_id: uuid.UUID = Field(foreign_key="programs.id", ondelete="CASCADE")
    objective_id: uuid.UUID | None = Field(
        default=None, foreign_key="program_objectives.id", ondelete="SET NULL"
    )
    side: Side = Field(sa_type=String(10))
    statement: str = Field(sa_type=Text)
    position: int = Field(default=0)


class AssessmentItemCreate(InputSchema):
    side: Side = Field(description="Who answers it: the program's mentors or its mentees.")
    statement: str = Field(min_length=3, max_length=500)
    objective_id: uuid.UUID | None = Field(
        default=None, description="The objective of the program it measures."
    )

    model_config = request_examples(
        {
            "side": "mentee",
            "statement": "I am confident using collaborative tools with my team.",
            "objective_id": examples.OBJECTIVE_ID,
        }
    )


class AssessmentItemRead(SQLModel):
    id: uuid.UUID
    program_id: uuid.UUID
    objective_id: uuid.UUID | None
    side: Side
    statement: str
    position: int


class AssessmentAnswer(IdMixin, TenantMixin, table=True):
    """One person's rating of one item at one wave: personal, read by that person only."""

    __tablename__ = "assessment_answers"
    __table_args__ = (
        UniqueConstraint("item_id", "employee_id", "wave"),
        Index("ix_assessment_answers_program_id_wave", "program_id", "wave"),
        Index("ix_assessment_answers_employee_id", "employee_id"),
    )

    program_id: uuid.UUID = Field(foreign_key="programs.id", ondelete="CASCADE")
    item_id: uuid.UUID = Field(foreign_key="assessment_items.id", ondelete="CASCADE")
    employee_id: uuid.UUID = Field(foreign_key="employees.id", ondelete="CASCADE")
    wave: Wave = Field(sa_type=String(10))
    score: int
    answered_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AnswerPart(InputPart):
    item_id: uuid.UUID
    score: int = Field(ge=1, le=5, description="1: not at all, 5: fully.")


class AnswersWrite(InputSchema):
    answers: list[AnswerPart] = Field(min_length=1, max_length=MAX_ASSESSMENT_ITEMS)

    model_config = request_examples(
        {"answers": [{"item_id": examples.ASSESSMENT_ITEM_ID, "score": 3}]}
    )


class AnswerRead(SQLModel):
    item_id: uuid.UUID
    wave: Wave
    score: int
    answered_at: datetime

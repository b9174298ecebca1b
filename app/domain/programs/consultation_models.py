"""Stakeholder consultation: the question put to sponsors, HR, IT and future participants,
who was asked, what they answered, and what the managers did with each answer."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import field_validator
from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db.base import IdMixin, TenantMixin, TimestampMixin, VersionMixin, utcnow
from app.db.types import JSONDocument, UTCDateTime
from app.domain import examples
from app.domain.programs.models import ObjectiveCategory, ObjectiveCreate
from app.domain.schemas import (
    EmailAddress,
    IdSchema,
    InputPart,
    InputSchema,
    ReadSchema,
    Timestamp,
    VersionedSchema,
    request_examples,
)


class ConsultationStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class StakeholderRole(StrEnum):
    EXECUTIVE_SPONSOR = "executive_sponsor"
    HR = "hr"
    IT = "it"
    EMPLOYEE_REPRESENTATIVE = "employee_representative"
    FUTURE_MENTOR = "future_mentor"
    FUTURE_MENTEE = "future_mentee"


class ContributionKind(StrEnum):
    COMMENT = "comment"
    PROPOSED_OBJECTIVE = "proposed_objective"
    CONCERN = "concern"
    ENDORSEMENT = "endorsement"


class ContributionStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


# --- consultation --------------------------------------------------------------------------


class Consultation(IdMixin, TenantMixin, TimestampMixin, VersionMixin, table=True):
    """One per program: opened by a manager, closed with a summary."""

    __tablename__ = "consultations"
    __table_args__ = (UniqueConstraint("program_id"),)

    program_id: uuid.UUID = Field(foreign_key="programs.id", ondelete="CASCADE")
    question: str = Field(sa_type=Text)
    deadline: datetime = Field(sa_type=UTCDateTime, nullable=False)
    status: ConsultationStatus = Field(default=ConsultationStatus.OPEN, sa_type=String(20))
    opened_by: str = Field(sa_type=String(80))
    summary: str | None = Field(default=None, sa_type=Text)
    closed_by: str | None = Field(default=None, sa_type=String(80))
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ConsultationOpen(InputSchema):
    model_config = request_examples(
        {
            "question": ("What should senior leaders learn from our younger colleagues this year?"),
            "deadline": "2027-01-15T17:00:00+01:00",
        }
    )

    question: str = Field(min_length=3, max_length=2000)
    deadline: Timestamp = Field(
        description="When contributions stop being accepted; in the future."
    )


class ConsultationUpdate(InputSchema):
    model_config = request_examples({"deadline": "2027-01-22T17:00:00+01:00"})

    question: str | None = Field(default=None, min_length=3, max_length=2000)
    deadline: Timestamp | None = None

    never_null: ClassVar[frozenset[str]] = frozenset({"question", "deadline"})


class ConsultationClose(InputSchema):
    model_config = request_examples(
        {
            "summary": (
                "Stakeholders asked for generative AI and social selling; the works "
                "council asked that mentoring time count as working time."
            )
        }
    )

    summary: str = Field(min_length=3, max_length=10_000, description="What was agreed.")


class ConsultationReadFields(ReadSchema):
    program_id: uuid.UUID
    question: str
    deadline: datetime
    status: ConsultationStatus
    opened_by: str
    summary: str | None
    closed_by: str | None
    closed_at: datetime | None


class ConsultationRead(VersionedSchema, ConsultationReadFields, IdSchema):
    pass


class ConsultationFilter(SQLModel):
    status: ConsultationStatus | None = None


# --- stakeholders --------------------------------------------------------------------------


class Stakeholder(IdMixin, TenantMixin, table=True):
    """Someone asked for their view: an employee, or an outside person known by e-mail."""

    __tablename__ = "stakeholders"
    __table_args__ = (
        UniqueConstraint("consultation_id", "employee_id"),
        UniqueConstraint("consultation_id", "email"),
        Index("ix_stakeholders_employee_id", "employee_id"),
    )

    consultation_id: uuid.UUID = Field(foreign_key="consultations.id", ondelete="CASCADE")
    employee_id: uuid.UUID | None = Field(
        default=None, foreign_key="employees.id", ondelete="CASCADE"
    )
    email: str | None = Field(default=None, max_length=320)
    name: str | None = Field(default=None, max_length=200)
    role: StakeholderRole = Field(sa_type=String(40))
    invited_by: str = Field(sa_type=String(80))
    invited_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    responded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class StakeholderInvite(InputSchema):
    """Name an employee, or an external person by e-mail (and name)."""

    model_config = request_examples(
        {"role": "executive_sponsor", "employee_id": examples.EMPLOYEE_ID}
    )

    employee_id: uuid.UUID | None = None
    email: EmailAddress | None = None
    name: str | None = Field(default=None, min_length=1, max_length=200)
    role: StakeholderRole

    @field_validator("email", mode="after")
    @classmethod
    def _lower_email(cls, value: str | None) -> str | None:
        return value.lower() if value is not None else None


class StakeholderRead(SQLModel):
    id: uuid.UUID
    consultation_id: uuid.UUID
    employee_id: uuid.UUID | None
    email: str | None = Field(description="Set for external stakeholders.")
    name: str | None
    role: StakeholderRole
    invited_by: str
    invited_at: datetime
    responded_at: datetime | None = Field(description="When their first contribution came in.")


# --- contributions -------------------------------------------------------------------------


class ProposedObjective(InputPart):
    """An objective a stakeholder suggests; accepting it can create it as is."""

    title: str = Field(min_length=1, max_length=200)
    category: ObjectiveCategory
    description: str | None = Field(default=None, max_length=5000)

    def as_objective(self) -> ObjectiveCreate:
        return ObjectiveCreate(
            title=self.title, category=self.category, description=self.description
        )


class Contribution(IdMixin, TenantMixin, TimestampMixin, VersionMixin, table=True):
    __tablename__ = "contributions"
    __table_args__ = (
        Index("ix_contributions_consultation_id_status", "consultation_id", "status"),
        Index("ix_contributions_stakeholder_id", "stakeholder_id"),
    )

    consultation_id: uuid.UUID = Field(foreign_key="consultations.id", ondelete="CASCADE")
    stakeholder_id: uuid.UUID = Field(foreign_key="stakeholders.id", ondelete="CASCADE")
    kind: ContributionKind = Field(sa_type=String(30))
    body: str | None = Field(default=None, sa_type=Text)
    objective_id: uuid.UUID | None = Field(
        default=None, foreign_key="program_objectives.id", ondelete="SET NULL"
    )
    proposal: dict[str, Any] | None = Field(default=None, sa_type=JSONDocument)
    submitted_by: str = Field(sa_type=String(80))
    status: ContributionStatus = Field(default=ContributionStatus.PENDING, sa_type=String(20))
    resolution_reason: str | None = Field(default=None, sa_type=Text)
    resulting_objective_id: uuid.UUID | None = Field(
        default=None, foreign_key="program_objectives.id", ondelete="SET NULL"
    )
    resolved_by: str | None = Field(default=None, sa_type=String(80))
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ContributionCreate(InputSchema):
    model_config = request_examples(
        {
            "kind": "comment",
            "body": "Our sales leaders would gain most from social selling on LinkedIn.",
        }
    )

    kind: ContributionKind
    body: str | None = Field(
        default=None, max_length=5000, description="Required for comments and concerns."
    )
    objective_id: uuid.UUID | None = Field(
        default=None, description="The objective endorsed; required for endorsements."
    )
    proposal: ProposedObjective | None = Field(
        default=None, description="Required for proposed objectives."
    )
    stakeholder_id: uuid.UUID | None = Field(
        default=None,
        description=(
            "Managers recording a stakeholder's answer (one sent by e-mail, say) name the "
            "stakeholder; invited employees leave it out."
        ),
    )


class ContributionDecision(StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"


class ContributionResolution(InputSchema):
    model_config = request_examples(
        {
            "decision": "accepted",
            "create_objective": True,
            "reason": "Kept as the program's second objective.",
        }
    )

    decision: ContributionDecision
    reason: str | None = Field(
        default=None, min_length=3, max_length=2000, description="Required to decline."
    )
    objective_id: uuid.UUID | None = Field(
        default=None, description="The objective created or changed because of the contribution."
    )
    create_objective: bool = Field(
        default=False, description="Accept a proposed objective by adding it to the program."
    )


class ContributionReadFields(ReadSchema):
    consultation_id: uuid.UUID
    stakeholder_id: uuid.UUID
    kind: ContributionKind
    body: str | None
    objective_id: uuid.UUID | None
    proposal: ProposedObjective | None
    submitted_by: str
    status: ContributionStatus
    resolution_reason: str | None
    resulting_objective_id: uuid.UUID | None
    resolved_by: str | None
    resolved_at: datetime | None


class ContributionRead(VersionedSchema, ContributionReadFields, IdSchema):
    pass


class ContributionFilter(SQLModel):
    status: ContributionStatus | None = None
    kind: ContributionKind | None = None

"""Agenda items (computed, never stored) and the record of nudges already sent."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field
from sqlalchemy import String, UniqueConstraint
from sqlmodel import Field as SQLField

from app.db.base import IdMixin, TenantMixin
from app.db.types import UTCDateTime


class AgendaKind(StrEnum):
    PROFILE_INCOMPLETE = "profile_incomplete"
    ENROLMENT_REVIEW = "enrolment_review"
    UNMATCHED = "unmatched"
    PROPOSALS_REVIEW = "proposals_review"
    AGREEMENT_ACKNOWLEDGEMENT = "agreement_acknowledgement"
    FIRST_SESSION = "first_session"
    SESSION_OVERDUE = "session_overdue"
    LOG_CONFIRMATION = "log_confirmation"
    MID_FEEDBACK = "mid_feedback"
    END_FEEDBACK = "end_feedback"
    FEEDBACK_RESPONSES = "feedback_responses"
    MEETING_ANSWER = "meeting_answer"
    WORKSHOP_TOMORROW = "workshop_tomorrow"
    PAIR_INACTIVE = "pair_inactive"
    FIT_CHECK = "fit_check"
    MISMATCH_REVIEW = "mismatch_review"


class AgendaStage(StrEnum):
    DUE = "due"
    URGENT = "urgent"


class SubjectType(StrEnum):
    PAIR = "pair"
    LOG = "log"
    PROGRAM = "program"
    MEETING = "meeting"
    WORKSHOP = "workshop"


class AgendaSubject(BaseModel):
    type: SubjectType
    id: uuid.UUID


class AgendaAction(BaseModel):
    """The request that resolves the item (or, for a reminder, shows what it is about)."""

    method: str = Field(description="`GET`, `POST`, `PUT` or `PATCH`.")
    path: str = Field(description="The path of the operation, under the API's base address.")


class AgendaItem(BaseModel):
    """One thing someone has to do, computed from the data as it is: done, it is gone."""

    key: str = Field(description="Stable for this item and person; the nudges' idempotency key.")
    kind: AgendaKind
    subject: AgendaSubject
    program_id: uuid.UUID | None
    reason: str = Field(description="Why it is due, in plain words.")
    due_at: datetime
    stage: AgendaStage = Field(description="`urgent` once it has waited past the program's delay.")
    action: AgendaAction


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who an item is for: an employee or a guest mentor, never both."""

    employee_id: uuid.UUID | None = None
    guest_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class Due:
    """An item as a rule finds it, for one recipient of one organisation."""

    organization_id: uuid.UUID
    recipient: Recipient
    item: AgendaItem


class EngagementNudge(IdMixin, TenantMixin, table=True):
    """A ``nudge.due`` already sent: at most one per item, recipient and stage."""

    __tablename__ = "engagement_nudges"
    __table_args__ = (UniqueConstraint("organization_id", "key"),)

    key: str = SQLField(sa_type=String(200))
    recipient_employee_id: uuid.UUID = SQLField(
        foreign_key="employees.id", ondelete="CASCADE", index=True
    )
    kind: str = SQLField(sa_type=String(40))
    stage: str = SQLField(sa_type=String(8))
    sent_at: datetime = SQLField(sa_type=UTCDateTime)

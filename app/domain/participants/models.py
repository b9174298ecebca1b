"""Enrolment: an employee taking part in a program as a mentor or a mentee, with a profile.

The profile feeds the scorer (app/domain/participants/scoring.py): what each can teach and
wants to learn, their motivation or openness, availability, languages, format, and the
people they prefer or would rather avoid.
"""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlmodel import Field

from app.db.base import IdMixin, TenantMixin, TimestampMixin, VersionMixin, empty_dict, empty_list
from app.db.types import JSONDocument, UTCDateTime


class ParticipantRole(StrEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"


class ParticipantStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class MeetingFormat(StrEnum):
    IN_PERSON = "in_person"
    REMOTE = "remote"
    EITHER = "either"


class Participant(IdMixin, TenantMixin, TimestampMixin, VersionMixin, table=True):
    """One employee's enrolment in one program, in one role."""

    __tablename__ = "participants"
    __table_args__ = (
        UniqueConstraint("program_id", "employee_id"),
        Index("ix_participants_program_id_role_status", "program_id", "role", "status"),
    )

    program_id: uuid.UUID = Field(foreign_key="programs.id", ondelete="CASCADE")
    employee_id: uuid.UUID = Field(foreign_key="employees.id", ondelete="CASCADE", index=True)
    role: ParticipantRole = Field(sa_type=String(10))
    status: ParticipantStatus = Field(default=ParticipantStatus.PENDING, sa_type=String(10))
    # Mentors only: how many mentees at once; None means the program's default.
    capacity: int | None = Field(default=None)
    # {tag: proficiency 1-5} and {tag: priority 1-5}; both roles teach and learn.
    teaches: dict[str, int] = Field(
        default_factory=empty_dict, sa_type=JSONDocument, nullable=False
    )
    learns: dict[str, int] = Field(default_factory=empty_dict, sa_type=JSONDocument, nullable=False)
    # Motivation (mentors) or openness (mentees), 1-5, with the person's own words.
    mindset: int = Field(default=3)
    mindset_statement: str | None = Field(default=None, sa_type=Text)
    # Weekly windows in their time zone: [{"day": 0-6, "start": "HH:MM", "end": "HH:MM"}].
    availability: list[dict[str, Any]] = Field(
        default_factory=empty_list, sa_type=JSONDocument, nullable=False
    )
    timezone: str | None = Field(default=None, sa_type=String(64))
    languages: list[str] = Field(default_factory=empty_list, sa_type=JSONDocument, nullable=False)
    format: MeetingFormat = Field(default=MeetingFormat.EITHER, sa_type=String(10))
    # Employee ids (as strings) of people to avoid, and people preferred.
    avoid: list[str] = Field(default_factory=empty_list, sa_type=JSONDocument, nullable=False)
    prefer: list[str] = Field(default_factory=empty_list, sa_type=JSONDocument, nullable=False)
    decided_by: str | None = Field(default=None, sa_type=String(80))
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decision_reason: str | None = Field(default=None, sa_type=Text)

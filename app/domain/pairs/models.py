"""Pairs and the seats they hold.

A pair that has not ended holds one seat of its mentee (seat 0) and one of its mentor
(seat 0 to capacity - 1). Seats are unique per participant, so the database itself refuses
a second open pair for a mentee or a mentor beyond their capacity, even when two requests
race; ending a pair gives its seats back.
"""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlmodel import Field

from app.db.base import IdMixin, TenantMixin, TimestampMixin, VersionMixin, empty_dict
from app.db.types import JSONDocument, UTCDateTime


class PairStatus(StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"
    ENDED_EARLY = "ended_early"


OPEN_STATUSES = frozenset({PairStatus.PROPOSED, PairStatus.ACTIVE, PairStatus.PAUSED})


class EndReason(StrEnum):
    MISMATCH = "mismatch"
    LEFT_COMPANY = "left_company"
    SCHEDULE = "schedule"
    INACTIVE = "inactive"  # no session for longer than the program allows
    OTHER = "other"


class PairOrigin(StrEnum):
    MATCHING = "matching"  # proposed by an optimal matching run
    MANUAL = "manual"  # created by a manager
    SELF_MATCH = "self_match"  # requested by the mentee, accepted by the mentor


class Pair(IdMixin, TenantMixin, TimestampMixin, VersionMixin, table=True):
    __tablename__ = "pairs"
    __table_args__ = (
        Index("ix_pairs_program_id_status", "program_id", "status"),
        Index("ix_pairs_mentor_employee_id", "mentor_employee_id"),
        Index("ix_pairs_mentee_employee_id", "mentee_employee_id"),
    )

    program_id: uuid.UUID = Field(foreign_key="programs.id", ondelete="CASCADE")
    mentor_id: uuid.UUID = Field(foreign_key="participants.id", ondelete="CASCADE")
    mentee_id: uuid.UUID = Field(foreign_key="participants.id", ondelete="CASCADE")
    # The people behind the participants, kept here for visibility checks without a join.
    mentor_employee_id: uuid.UUID = Field(foreign_key="employees.id", ondelete="CASCADE")
    mentee_employee_id: uuid.UUID = Field(foreign_key="employees.id", ondelete="CASCADE")
    status: PairStatus = Field(default=PairStatus.PROPOSED, sa_type=String(12))
    origin: PairOrigin = Field(default=PairOrigin.MANUAL, sa_type=String(12))
    matching_run_id: uuid.UUID | None = Field(default=None)
    score: float | None = Field(default=None)
    explanation: dict[str, Any] = Field(
        default_factory=empty_dict, sa_type=JSONDocument, nullable=False
    )
    started_on: date | None = Field(default=None)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    end_reason: EndReason | None = Field(default=None, sa_type=String(16))
    end_note: str | None = Field(default=None, sa_type=Text)
    # The agreement the pair writes (app/domain/pairs/agreement.py); editing it resets both
    # acknowledgements.
    agreement_format: str | None = Field(default=None, sa_type=String(12))
    agreement_cadence_days: int | None = Field(default=None)
    agreement_channel: str | None = Field(default=None, sa_type=String(200))
    agreement_ground_rules: str | None = Field(default=None, sa_type=Text)
    agreement_confidentiality: str | None = Field(default=None, sa_type=Text)
    agreement_starts_on: date | None = Field(default=None)
    agreement_updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    mentor_acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    mentee_acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The health the periodic job last computed (app/domain/progress/health.py).
    health: str | None = Field(default=None, sa_type=String(16))
    health_checked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def agreement(self) -> "Pair | None":
        """The row itself, read as the pair's agreement (``AgreementRead``), once written."""
        if self.agreement_format is None or self.agreement_cadence_days is None:
            return None
        return self

    @property
    def agreement_acknowledged(self) -> bool:
        """Both sides acknowledged the agreement's current text."""
        return self.mentor_acknowledged_at is not None and self.mentee_acknowledged_at is not None


class PairSeat(IdMixin, table=True):
    """A place a participant gives to one open pair; see the module docstring."""

    __tablename__ = "pair_seats"
    __table_args__ = (UniqueConstraint("participant_id", "seat"),)

    pair_id: uuid.UUID = Field(foreign_key="pairs.id", ondelete="CASCADE", index=True)
    participant_id: uuid.UUID = Field(foreign_key="participants.id", ondelete="CASCADE")
    seat: int


class GoalStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    ACHIEVED = "achieved"
    DROPPED = "dropped"


class PairGoal(IdMixin, TenantMixin, TimestampMixin, VersionMixin, table=True):
    """What a pair wants to achieve, optionally toward one of its program's objectives."""

    __tablename__ = "pair_goals"
    __table_args__ = (Index("ix_pair_goals_program_id_objective_id", "program_id", "objective_id"),)

    pair_id: uuid.UUID = Field(foreign_key="pairs.id", ondelete="CASCADE", index=True)
    program_id: uuid.UUID = Field(foreign_key="programs.id", ondelete="CASCADE")
    objective_id: uuid.UUID | None = Field(
        default=None, foreign_key="program_objectives.id", ondelete="SET NULL"
    )
    title: str = Field(sa_type=String(200))
    description: str | None = Field(default=None, sa_type=Text)
    status: GoalStatus = Field(default=GoalStatus.NOT_STARTED, sa_type=String(12))
    progress: int = Field(default=0)
    target_date: date | None = Field(default=None)
    created_by: uuid.UUID | None = Field(default=None)


class FitAnswer(StrEnum):
    GOOD_FIT = "good_fit"
    UNSURE = "unsure"
    NOT_A_FIT = "not_a_fit"


class PairFitCheck(IdMixin, TenantMixin, TimestampMixin, table=True):
    """One side's answer to the fit check after the pair's first confirmed session.

    The note is for the program's managers only: never shown to the other side, never put
    in an event (app/domain/pairs/fit.py).
    """

    __tablename__ = "pair_fit_checks"
    __table_args__ = (UniqueConstraint("pair_id", "side"),)

    pair_id: uuid.UUID = Field(foreign_key="pairs.id", ondelete="CASCADE")
    program_id: uuid.UUID = Field(foreign_key="programs.id", ondelete="CASCADE")
    employee_id: uuid.UUID = Field(foreign_key="employees.id", ondelete="CASCADE", index=True)
    side: str = Field(sa_type=String(8))
    answer: FitAnswer = Field(sa_type=String(12))
    note: str | None = Field(default=None, sa_type=Text)


class PairAvoidance(IdMixin, TenantMixin, TimestampMixin, table=True):
    """Two people the organisation no longer pairs, whatever the program or their roles.

    Written by the door when a pair ends as ``mismatch`` (app/domain/pairs/door.py); read as
    a hard exclusion by the door, matching runs and suggestions. ``first_employee_id`` is the
    smaller id, so the two are recorded once. A manager marks the mismatch reviewed.
    """

    __tablename__ = "pair_avoidances"
    __table_args__ = (
        UniqueConstraint("organization_id", "first_employee_id", "second_employee_id"),
        Index("ix_pair_avoidances_organization_id_reviewed_at", "organization_id", "reviewed_at"),
    )

    first_employee_id: uuid.UUID = Field(foreign_key="employees.id", ondelete="CASCADE")
    second_employee_id: uuid.UUID = Field(foreign_key="employees.id", ondelete="CASCADE")
    pair_id: uuid.UUID | None = Field(
        default=None, foreign_key="pairs.id", ondelete="SET NULL", index=True
    )
    program_id: uuid.UUID | None = Field(
        default=None, foreign_key="programs.id", ondelete="SET NULL"
    )
    reason: EndReason = Field(default=EndReason.MISMATCH, sa_type=String(16))
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reviewed_by: str | None = Field(default=None, sa_type=String(80))

"""The mentor support network's tables: circles, discussions, meetings, workshops, guests.

A member, an author, a facilitator or a registrant is either an employee or a guest mentor
from a partner organisation: each such row holds ``employee_id`` or ``guest_id``, one of
the two, never both.
"""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, String, Text, UniqueConstraint
from sqlmodel import Field

from app.db.base import IdMixin, TenantMixin, TimestampMixin, VersionMixin, empty_list, utcnow
from app.db.types import JSONDocument, UTCDateTime

_ONE_PERSON = "(employee_id IS NULL) <> (guest_id IS NULL)"


class GuestMentor(IdMixin, TenantMixin, TimestampMixin, table=True):
    """A person from a partner organisation, invited with recorded consent."""

    __tablename__ = "guest_mentors"

    name: str = Field(max_length=200)
    partner_organization: str = Field(max_length=200)
    email: str = Field(max_length=320)
    expertise: list[str] = Field(default_factory=empty_list, sa_type=JSONDocument, nullable=False)
    consent_recorded_at: datetime = Field(sa_type=UTCDateTime)
    consent_statement: str = Field(sa_type=Text)
    # Only a SHA-256 hash of the invitation token (``mg_...``) is stored.
    token_hash: str | None = Field(default=None, max_length=64, unique=True)
    token_prefix: str | None = Field(default=None, max_length=16)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Circle(IdMixin, TenantMixin, TimestampMixin, VersionMixin, table=True):
    __tablename__ = "circles"
    __table_args__ = (Index("ix_circles_program_id", "program_id"),)

    program_id: uuid.UUID = Field(foreign_key="programs.id", ondelete="CASCADE")
    name: str = Field(max_length=200)
    description: str | None = Field(default=None, sa_type=Text)
    facilitator_employee_id: uuid.UUID | None = Field(
        default=None, foreign_key="employees.id", ondelete="SET NULL"
    )
    facilitator_guest_id: uuid.UUID | None = Field(
        default=None, foreign_key="guest_mentors.id", ondelete="SET NULL"
    )


class CircleMember(IdMixin, TenantMixin, table=True):
    __tablename__ = "circle_members"
    __table_args__ = (
        UniqueConstraint("circle_id", "employee_id"),
        UniqueConstraint("circle_id", "guest_id"),
        CheckConstraint(_ONE_PERSON, name="one_person"),
        Index("ix_circle_members_employee_id", "employee_id"),
        Index("ix_circle_members_guest_id", "guest_id"),
    )

    circle_id: uuid.UUID = Field(foreign_key="circles.id", ondelete="CASCADE")
    program_id: uuid.UUID = Field(foreign_key="programs.id", ondelete="CASCADE")
    employee_id: uuid.UUID | None = Field(
        default=None, foreign_key="employees.id", ondelete="CASCADE"
    )
    guest_id: uuid.UUID | None = Field(
        default=None, foreign_key="guest_mentors.id", ondelete="CASCADE"
    )
    joined_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # How confident the mentor felt when joining, 1-5.
    confidence_at_joining: int | None = Field(default=None)


class ThreadKind(StrEnum):
    QUESTION = "question"
    STRATEGY = "strategy"
    EXPERIENCE = "experience"
    RESOURCE = "resource"


class DiscussionThread(IdMixin, TenantMixin, TimestampMixin, VersionMixin, table=True):
    __tablename__ = "discussion_threads"
    __table_args__ = (Index("ix_discussion_threads_circle_id_id", "circle_id", "id"),)

    circle_id: uuid.UUID = Field(foreign_key="circles.id", ondelete="CASCADE")
    kind: ThreadKind = Field(sa_type=String(12))
    title: str = Field(max_length=200)
    body: str = Field(sa_type=Text)
    tags: list[str] = Field(default_factory=empty_list, sa_type=JSONDocument, nullable=False)
    author_employee_id: uuid.UUID | None = Field(
        default=None, foreign_key="employees.id", ondelete="SET NULL", index=True
    )
    author_guest_id: uuid.UUID | None = Field(
        default=None, foreign_key="guest_mentors.id", ondelete="SET NULL"
    )
    anonymous: bool = Field(default=False)
    edited_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    deleted_by: str | None = Field(default=None, sa_type=String(80))


class DiscussionPost(IdMixin, TenantMixin, TimestampMixin, VersionMixin, table=True):
    __tablename__ = "discussion_posts"
    __table_args__ = (Index("ix_discussion_posts_thread_id_id", "thread_id", "id"),)

    thread_id: uuid.UUID = Field(foreign_key="discussion_threads.id", ondelete="CASCADE")
    reply_to_id: uuid.UUID | None = Field(
        default=None, foreign_key="discussion_posts.id", ondelete="SET NULL"
    )
    body: str = Field(sa_type=Text)
    author_employee_id: uuid.UUID | None = Field(
        default=None, foreign_key="employees.id", ondelete="SET NULL", index=True
    )
    author_guest_id: uuid.UUID | None = Field(
        default=None, foreign_key="guest_mentors.id", ondelete="SET NULL"
    )
    anonymous: bool = Field(default=False)
    helpful: bool = Field(default=False)
    marked_helpful_by: str | None = Field(default=None, sa_type=String(80))
    edited_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    deleted_by: str | None = Field(default=None, sa_type=String(80))


class CircleMeeting(IdMixin, TenantMixin, TimestampMixin, VersionMixin, table=True):
    __tablename__ = "circle_meetings"
    __table_args__ = (Index("ix_circle_meetings_circle_id_starts_at", "circle_id", "starts_at"),)

    circle_id: uuid.UUID = Field(foreign_key="circles.id", ondelete="CASCADE")
    starts_at: datetime = Field(sa_type=UTCDateTime)
    duration_minutes: int
    location: str | None = Field(default=None, max_length=300)
    link: str | None = Field(default=None, max_length=2000)
    agenda: str | None = Field(default=None, sa_type=Text)
    notes: str | None = Field(default=None, sa_type=Text)


class Rsvp(StrEnum):
    YES = "yes"
    NO = "no"
    MAYBE = "maybe"


class MeetingAttendance(IdMixin, TenantMixin, TimestampMixin, table=True):
    """One person's answer to a meeting, their presence and the confidence they reported."""

    __tablename__ = "circle_meeting_attendance"
    __table_args__ = (
        UniqueConstraint("meeting_id", "employee_id"),
        UniqueConstraint("meeting_id", "guest_id"),
        CheckConstraint(_ONE_PERSON, name="one_person"),
        Index("ix_circle_meeting_attendance_employee_id", "employee_id"),
    )

    meeting_id: uuid.UUID = Field(foreign_key="circle_meetings.id", ondelete="CASCADE")
    employee_id: uuid.UUID | None = Field(
        default=None, foreign_key="employees.id", ondelete="CASCADE"
    )
    guest_id: uuid.UUID | None = Field(
        default=None, foreign_key="guest_mentors.id", ondelete="CASCADE"
    )
    rsvp: Rsvp | None = Field(default=None, sa_type=String(8))
    attended: bool | None = Field(default=None)
    confidence: int | None = Field(default=None)


class Workshop(IdMixin, TenantMixin, TimestampMixin, VersionMixin, table=True):
    __tablename__ = "workshops"
    __table_args__ = (Index("ix_workshops_organization_id_starts_at", "organization_id", "id"),)

    program_id: uuid.UUID | None = Field(
        default=None, foreign_key="programs.id", ondelete="CASCADE", index=True
    )
    title: str = Field(max_length=200)
    description: str | None = Field(default=None, sa_type=Text)
    facilitator_employee_id: uuid.UUID | None = Field(
        default=None, foreign_key="employees.id", ondelete="SET NULL"
    )
    facilitator_guest_id: uuid.UUID | None = Field(
        default=None, foreign_key="guest_mentors.id", ondelete="SET NULL"
    )
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    capacity: int
    location: str | None = Field(default=None, max_length=300)


class RegistrationStatus(StrEnum):
    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class WorkshopRegistration(IdMixin, TenantMixin, TimestampMixin, table=True):
    """A place at a workshop or on its waitlist.

    A registered person holds one seat (0 to capacity - 1); seats are unique per workshop,
    so the database refuses more registrations than seats however many requests race.
    """

    __tablename__ = "workshop_registrations"
    __table_args__ = (
        UniqueConstraint("workshop_id", "seat"),
        UniqueConstraint("workshop_id", "employee_id"),
        UniqueConstraint("workshop_id", "guest_id"),
        CheckConstraint(_ONE_PERSON, name="one_person"),
        Index("ix_workshop_registrations_employee_id", "employee_id"),
        Index("ix_workshop_registrations_workshop_id_status", "workshop_id", "status"),
    )

    workshop_id: uuid.UUID = Field(foreign_key="workshops.id", ondelete="CASCADE")
    employee_id: uuid.UUID | None = Field(
        default=None, foreign_key="employees.id", ondelete="CASCADE"
    )
    guest_id: uuid.UUID | None = Field(
        default=None, foreign_key="guest_mentors.id", ondelete="CASCADE"
    )
    status: RegistrationStatus = Field(sa_type=String(12))
    seat: int | None = Field(default=None)
    # The waitlist is served in this order.
    queued_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    attended: bool | None = Field(default=None)
    rating: int | None = Field(default=None)
    feedback: str | None = Field(default=None, sa_type=Text)


class WorkshopGuestInvitation(IdMixin, TenantMixin, table=True):
    __tablename__ = "workshop_guest_invitations"
    __table_args__ = (UniqueConstraint("workshop_id", "guest_id"),)

    workshop_id: uuid.UUID = Field(foreign_key="workshops.id", ondelete="CASCADE")
    guest_id: uuid.UUID = Field(foreign_key="guest_mentors.id", ondelete="CASCADE", index=True)


class CalendarFeed(IdMixin, TenantMixin, table=True):
    """A secret address a calendar application subscribes to: one circle's or one person's."""

    __tablename__ = "calendar_feeds"

    token_hash: str = Field(max_length=64, unique=True)
    circle_id: uuid.UUID | None = Field(default=None, foreign_key="circles.id", ondelete="CASCADE")
    employee_id: uuid.UUID | None = Field(
        default=None, foreign_key="employees.id", ondelete="CASCADE", index=True
    )
    guest_id: uuid.UUID | None = Field(
        default=None, foreign_key="guest_mentors.id", ondelete="CASCADE"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

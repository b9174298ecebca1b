"""GraphQL types and inputs of the mentor support network."""

import datetime as dt
import uuid
from typing import Any, TypeVar

import strawberry

from app.api.graphql.matching_settings import plain
from app.domain.support.models import RegistrationStatus, Rsvp, ThreadKind
from app.domain.support.schemas import (
    CircleRead,
    ConfidenceSummary,
    PersonRef,
    RegistrationRead,
    WorkshopRead,
)

T = TypeVar("T")

ThreadKindEnum = strawberry.enum(ThreadKind, name="ThreadKind")
RsvpEnum = strawberry.enum(Rsvp, name="Rsvp")
RegistrationStatusEnum = strawberry.enum(RegistrationStatus, name="RegistrationStatus")


@strawberry.type(name="PersonRef", description="An employee or a guest mentor.")
class PersonRefType:
    employee_id: uuid.UUID | None
    guest_id: uuid.UUID | None


def _person(ref: PersonRef | None) -> PersonRefType | None:
    return PersonRefType(employee_id=ref.employee_id, guest_id=ref.guest_id) if ref else None


@strawberry.type(name="Circle")
class CircleType:
    id: uuid.UUID
    program_id: uuid.UUID
    name: str
    description: str | None
    facilitator: PersonRefType | None
    member_count: int
    created_at: dt.datetime
    version: int


def circle_type(view: CircleRead) -> CircleType:
    return CircleType(
        **view.model_dump(exclude={"facilitator"}), facilitator=_person(view.facilitator)
    )


@strawberry.type(name="CircleMember")
class CircleMemberType:
    id: uuid.UUID
    circle_id: uuid.UUID
    employee_id: uuid.UUID | None
    guest_id: uuid.UUID | None
    joined_at: dt.datetime
    confidence_at_joining: int | None


@strawberry.type(name="DiscussionThread")
class ThreadType:
    id: uuid.UUID
    circle_id: uuid.UUID
    kind: ThreadKindEnum  # type: ignore[valid-type]
    title: str | None = strawberry.field(description="Null once the thread is deleted.")
    body: str | None = strawberry.field(description="Null once the thread is deleted.")
    tags: list[str]
    anonymous: bool
    author: PersonRefType | None
    mine: bool
    created_at: dt.datetime
    edited_at: dt.datetime | None
    deleted: bool
    version: int


@strawberry.type(name="DiscussionPost")
class PostType:
    id: uuid.UUID
    thread_id: uuid.UUID
    reply_to_id: uuid.UUID | None
    body: str | None = strawberry.field(description="Null once the post is deleted.")
    anonymous: bool
    author: PersonRefType | None
    mine: bool
    helpful: bool
    created_at: dt.datetime
    edited_at: dt.datetime | None
    deleted: bool
    version: int


@strawberry.type(name="CircleMeeting")
class MeetingType:
    id: uuid.UUID
    circle_id: uuid.UUID
    starts_at: dt.datetime
    duration_minutes: int
    location: str | None
    link: str | None
    agenda: str | None
    notes: str | None
    version: int


@strawberry.type(name="MeetingAttendance")
class AttendanceType:
    meeting_id: uuid.UUID
    employee_id: uuid.UUID | None
    guest_id: uuid.UUID | None
    rsvp: RsvpEnum | None  # type: ignore[valid-type]
    attended: bool | None
    confidence: int | None


@strawberry.type(name="ConfidencePoint")
class ConfidencePointType:
    at: dt.datetime
    value: int
    source: str


@strawberry.type(name="MentorConfidence")
class MentorConfidenceType:
    employee_id: uuid.UUID
    first: int
    latest: int
    change: int
    points: list[ConfidencePointType]


@strawberry.type(name="ConfidenceSummary")
class ConfidenceSummaryType:
    program_id: uuid.UUID
    mentors_reporting: int
    average_first: float | None
    average_latest: float | None
    mentors_improved: int
    mentors_declined: int
    mentors: list[MentorConfidenceType]


def summary_type(summary: ConfidenceSummary) -> ConfidenceSummaryType:
    return ConfidenceSummaryType(
        **summary.model_dump(exclude={"mentors"}),
        mentors=[
            MentorConfidenceType(
                **m.model_dump(exclude={"points"}),
                points=[ConfidencePointType(**p.model_dump()) for p in m.points],
            )
            for m in summary.mentors
        ],
    )


@strawberry.type(name="Workshop")
class WorkshopType:
    id: uuid.UUID
    program_id: uuid.UUID | None
    title: str
    description: str | None
    facilitator: PersonRefType | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    location: str | None
    registered: int
    waitlisted: int
    ratings: int
    average_rating: float | None
    version: int


def workshop_type(view: WorkshopRead) -> WorkshopType:
    return WorkshopType(
        **view.model_dump(exclude={"facilitator"}), facilitator=_person(view.facilitator)
    )


@strawberry.type(name="WorkshopRegistration")
class RegistrationType:
    id: uuid.UUID
    workshop_id: uuid.UUID
    employee_id: uuid.UUID | None
    guest_id: uuid.UUID | None
    status: RegistrationStatusEnum  # type: ignore[valid-type]
    waitlist_position: int | None
    attended: bool | None
    rating: int | None
    feedback: str | None
    created_at: dt.datetime


def registration_type(view: RegistrationRead) -> RegistrationType:
    return RegistrationType(**view.model_dump())


def from_read(cls: type[T], view: Any) -> T:
    data = view.model_dump()
    if "author" in data:
        data["author"] = _person(view.author)
    return cls(**data)


# --- inputs --------------------------------------------------------------------------------


@strawberry.input
class CircleCreateInput:
    name: str
    description: str | None = strawberry.UNSET
    facilitator_employee_id: uuid.UUID | None = strawberry.UNSET
    member_employee_ids: list[uuid.UUID] | None = strawberry.UNSET


@strawberry.input
class ThreadCreateInput:
    kind: ThreadKindEnum  # type: ignore[valid-type]
    title: str
    body: str
    tags: list[str] | None = strawberry.UNSET
    anonymous: bool | None = strawberry.UNSET


@strawberry.input(description="Only the fields sent change.")
class ThreadUpdateInput:
    title: str | None = strawberry.UNSET
    body: str | None = strawberry.UNSET
    tags: list[str] | None = strawberry.UNSET


@strawberry.input
class PostCreateInput:
    body: str
    reply_to_id: uuid.UUID | None = strawberry.UNSET
    anonymous: bool | None = strawberry.UNSET


@strawberry.input
class MeetingCreateInput:
    starts_at: dt.datetime
    duration_minutes: int
    location: str | None = strawberry.UNSET
    link: str | None = strawberry.UNSET
    agenda: str | None = strawberry.UNSET


@strawberry.input
class WorkshopCreateInput:
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    program_id: uuid.UUID | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    facilitator_employee_id: uuid.UUID | None = strawberry.UNSET
    facilitator_guest_id: uuid.UUID | None = strawberry.UNSET
    location: str | None = strawberry.UNSET


def given_input(value: Any) -> dict[str, Any]:
    """The input as a dict, without the nulls a client sent for fields that have defaults."""
    return {k: v for k, v in plain(value).items() if v is not None}


@strawberry.type(name="GuestMentor")
class GuestMentorType:
    id: uuid.UUID
    name: str
    partner_organization: str
    email: str
    expertise: list[str]
    consent_recorded_at: dt.datetime
    consent_statement: str
    token_prefix: str | None
    revoked_at: dt.datetime | None
    created_at: dt.datetime


@strawberry.type(name="GuestMentorCreated")
class GuestMentorCreatedType:
    guest: GuestMentorType
    token: str = strawberry.field(description="The invitation token (`mg_...`); shown once.")


@strawberry.input
class GuestMentorCreateInput:
    name: str
    partner_organization: str
    email: str
    consent: bool
    consent_statement: str
    expertise: list[str] | None = strawberry.UNSET

"""GraphQL types and inputs of the mentor support network."""

import datetime as dt
import uuid

import strawberry

from app.api.graphql.derived import derived, plain_type
from app.domain.support.models import RegistrationStatus, Rsvp, ThreadKind
from app.domain.support.schemas import (
    AttendanceRead,
    CircleMemberRead,
    CircleRead,
    ConfidencePoint,
    ConfidenceSummary,
    GuestMentorRead,
    MeetingRead,
    MentorConfidence,
    PersonRef,
    PostRead,
    RegistrationRead,
    ThreadRead,
    WorkshopRead,
)

ThreadKindEnum = strawberry.enum(ThreadKind, name="ThreadKind")
RsvpEnum = strawberry.enum(Rsvp, name="Rsvp")
RegistrationStatusEnum = strawberry.enum(RegistrationStatus, name="RegistrationStatus")


@derived(PersonRef, name="PersonRef", description="An employee or a guest mentor.")
class PersonRefType:
    pass


@derived(CircleRead, name="Circle")
class CircleType:
    pass


@derived(CircleMemberRead, name="CircleMember")
class CircleMemberType:
    pass


@derived(ThreadRead, name="DiscussionThread")
class ThreadType:
    pass


@derived(PostRead, name="DiscussionPost")
class PostType:
    pass


@derived(MeetingRead, name="CircleMeeting")
class MeetingType:
    pass


@derived(AttendanceRead, name="MeetingAttendance")
class AttendanceType:
    pass


@derived(ConfidencePoint, name="ConfidencePoint")
class ConfidencePointType:
    source: str


plain_type(MentorConfidence, "MentorConfidence")


@derived(ConfidenceSummary, name="ConfidenceSummary")
class ConfidenceSummaryType:
    pass


@derived(WorkshopRead, name="Workshop")
class WorkshopType:
    pass


@derived(RegistrationRead, name="WorkshopRegistration")
class RegistrationType:
    pass


@derived(GuestMentorRead, name="GuestMentor")
class GuestMentorType:
    pass


@strawberry.type(name="GuestMentorCreated")
class GuestMentorCreatedType:
    guest: GuestMentorType
    token: str = strawberry.field(description="The invitation token (`mg_...`); shown once.")


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


@strawberry.input
class GuestMentorCreateInput:
    name: str
    partner_organization: str
    email: str
    consent: bool
    consent_statement: str
    expertise: list[str] | None = strawberry.UNSET

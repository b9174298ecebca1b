"""GraphQL types and inputs of the mentor support network."""

import strawberry

from app.api.graphql.derived import derived, plain_type
from app.api.graphql.inputs import input_from
from app.domain.support.models import RegistrationStatus, Rsvp, ThreadKind
from app.domain.support.schemas import (
    AttendanceRead,
    CircleCreate,
    CircleMemberRead,
    CircleRead,
    ConfidencePoint,
    ConfidenceSummary,
    GuestMentorCreate,
    GuestMentorRead,
    MeetingCreate,
    MeetingRead,
    MentorConfidence,
    PersonRef,
    PostCreate,
    PostRead,
    RegistrationRead,
    ThreadCreate,
    ThreadRead,
    ThreadUpdate,
    WorkshopCreate,
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


@input_from(CircleCreate, null_is_default=True)
class CircleCreateInput:
    pass


@input_from(ThreadCreate, null_is_default=True)
class ThreadCreateInput:
    pass


@input_from(ThreadUpdate, description="Only the fields sent change.")
class ThreadUpdateInput:
    pass


@input_from(PostCreate, null_is_default=True)
class PostCreateInput:
    pass


@input_from(MeetingCreate, null_is_default=True)
class MeetingCreateInput:
    pass


@input_from(
    WorkshopCreate,
    null_is_default=True,
    fields="title starts_at ends_at capacity program_id description facilitator_employee_id "
    "facilitator_guest_id location",
)
class WorkshopCreateInput:
    pass


@input_from(
    GuestMentorCreate,
    null_is_default=True,
    fields="name partner_organization email consent consent_statement expertise",
)
class GuestMentorCreateInput:
    pass

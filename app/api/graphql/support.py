"""GraphQL adapter of the mentor support network: circles, discussions, meetings, workshops."""

import datetime as dt
import uuid
from typing import Any, TypeVar

import strawberry

from app.api.graphql.context import Info
from app.api.graphql.matching_settings import plain
from app.api.graphql.relay import Connection, connection_from_page
from app.domain.support import (
    circle_forming,
    circles,
    discussions,
    meetings,
    registrations,
    seats,
    workshops,
)
from app.domain.support.models import RegistrationStatus, Rsvp, ThreadKind
from app.domain.support.schemas import (
    AttendanceMark,
    CircleAutoForm,
    CircleCreate,
    CircleJoin,
    CircleRead,
    ConfidenceSummary,
    MeetingCreate,
    MeetingResponse,
    MeetingUpdate,
    PersonRef,
    PostCreate,
    RegistrationRead,
    ThreadCreate,
    WorkshopCreate,
    WorkshopFeedback,
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


def _circle(view: CircleRead) -> CircleType:
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
    title: str
    body: str
    tags: list[str]
    anonymous: bool
    author: PersonRefType | None
    mine: bool
    created_at: dt.datetime


@strawberry.type(name="DiscussionPost")
class PostType:
    id: uuid.UUID
    thread_id: uuid.UUID
    reply_to_id: uuid.UUID | None
    body: str
    anonymous: bool
    author: PersonRefType | None
    mine: bool
    helpful: bool
    created_at: dt.datetime


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


def _summary(summary: ConfidenceSummary) -> ConfidenceSummaryType:
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
    version: int


def _workshop(view: WorkshopRead) -> WorkshopType:
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


def _registration(view: RegistrationRead) -> RegistrationType:
    return RegistrationType(**view.model_dump())


def _from_read(cls: type[T], view: Any) -> T:
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


def _given(value: Any) -> dict[str, Any]:
    """The input as a dict, without the nulls a client sent for fields that have defaults."""
    return {k: v for k, v in plain(value).items() if v is not None}


@strawberry.type
class SupportQuery:
    @strawberry.field(description="The circles of a program you may see.")
    async def circles(
        self, info: Info, program_id: uuid.UUID, first: int = 50, after: str | None = None
    ) -> Connection[CircleType]:
        ctx = info.context
        page = await circles.list_circles(
            ctx.session, ctx.principal, program_id, limit=first, cursor=after
        )
        counts = await circles.member_counts(ctx.session, [c.id for c in page.items])
        return connection_from_page(
            page, lambda c: _circle(circles.to_read(c, counts.get(c.id, 0)))
        )

    @strawberry.field(description="One circle; members and the program's managers only.")
    async def circle(self, info: Info, program_id: uuid.UUID, id: uuid.UUID) -> CircleType | None:
        ctx = info.context
        found = await circles.get_circle(ctx.session, ctx.principal, program_id, id)
        return _circle(await circles.read(ctx.session, found))

    @strawberry.field
    async def circle_members(
        self,
        info: Info,
        program_id: uuid.UUID,
        circle_id: uuid.UUID,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[CircleMemberType]:
        ctx = info.context
        page = await circles.list_members(
            ctx.session, ctx.principal, program_id, circle_id, limit=first, cursor=after
        )
        return connection_from_page(
            page, lambda m: CircleMemberType(**circles.member_read(m).model_dump())
        )

    @strawberry.field
    async def circle_threads(
        self,
        info: Info,
        program_id: uuid.UUID,
        circle_id: uuid.UUID,
        first: int = 50,
        after: str | None = None,
        kind: ThreadKindEnum | None = None,  # type: ignore[valid-type]
        tag: str | None = None,
    ) -> Connection[ThreadType]:
        ctx = info.context
        page = await discussions.list_threads(
            ctx.session,
            ctx.principal,
            program_id,
            circle_id,
            kind=ThreadKind(kind) if kind else None,
            tag=tag,
            limit=first,
            cursor=after,
        )
        return connection_from_page(
            page, lambda t: _from_read(ThreadType, discussions.thread_read(ctx.principal, t))
        )

    @strawberry.field
    async def thread_posts(
        self,
        info: Info,
        program_id: uuid.UUID,
        circle_id: uuid.UUID,
        thread_id: uuid.UUID,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[PostType]:
        ctx = info.context
        page = await discussions.list_posts(
            ctx.session, ctx.principal, program_id, circle_id, thread_id, limit=first, cursor=after
        )
        return connection_from_page(
            page, lambda p: _from_read(PostType, discussions.post_read(ctx.principal, p))
        )

    @strawberry.field
    async def circle_meetings(
        self,
        info: Info,
        program_id: uuid.UUID,
        circle_id: uuid.UUID,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[MeetingType]:
        ctx = info.context
        page = await meetings.list_meetings(
            ctx.session, ctx.principal, program_id, circle_id, limit=first, cursor=after
        )
        return connection_from_page(page, lambda m: MeetingType(**meetings.to_read(m).model_dump()))

    @strawberry.field(description="Mentors' confidence over time; the program's managers.")
    async def mentor_confidence(self, info: Info, program_id: uuid.UUID) -> ConfidenceSummaryType:
        ctx = info.context
        return _summary(await meetings.confidence_summary(ctx.session, ctx.principal, program_id))

    @strawberry.field
    async def workshops(
        self,
        info: Info,
        first: int = 50,
        after: str | None = None,
        program_id: uuid.UUID | None = None,
    ) -> Connection[WorkshopType]:
        ctx = info.context
        page = await workshops.list_workshops(
            ctx.session, ctx.principal, program_id=program_id, limit=first, cursor=after
        )
        tallies = await workshops.counts(ctx.session, [w.id for w in page.items])
        return connection_from_page(page, lambda w: _workshop(workshops.to_read(w, tallies[w.id])))

    @strawberry.field
    async def workshop(self, info: Info, id: uuid.UUID) -> WorkshopType | None:
        ctx = info.context
        found = await workshops.get_workshop(ctx.session, ctx.principal, id)
        return _workshop(await workshops.read(ctx.session, found))


@strawberry.type
class SupportMutation:
    @strawberry.mutation
    async def create_circle(
        self, info: Info, program_id: uuid.UUID, input: CircleCreateInput
    ) -> CircleType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            data = CircleCreate.model_validate(_given(input))
            made = await circles.create_circle(session, ctx.principal, program_id, data)
            view = await circles.read(session, made)
        return _circle(view)

    @strawberry.mutation(description="Group every unplaced mentor into circles of ~targetSize.")
    async def auto_form_circles(
        self, info: Info, program_id: uuid.UUID, target_size: int
    ) -> list[CircleType] | None:
        ctx = info.context
        async with ctx.mutation() as session:
            data = CircleAutoForm(target_size=target_size)
            formed = await circle_forming.auto_form(session, ctx.principal, program_id, data)
            counts = await circles.member_counts(session, [c.id for c in formed])
        return [_circle(circles.to_read(c, counts.get(c.id, 0))) for c in formed]

    @strawberry.mutation
    async def join_circle(
        self,
        info: Info,
        program_id: uuid.UUID,
        circle_id: uuid.UUID,
        confidence: int | None = None,
        employee_id: uuid.UUID | None = None,
    ) -> CircleMemberType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            data = CircleJoin(confidence=confidence, employee_id=employee_id)
            member = await circles.join_circle(session, ctx.principal, program_id, circle_id, data)
        return CircleMemberType(**circles.member_read(member).model_dump())

    @strawberry.mutation
    async def start_thread(
        self, info: Info, program_id: uuid.UUID, circle_id: uuid.UUID, input: ThreadCreateInput
    ) -> ThreadType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            data = ThreadCreate.model_validate(_given(input))
            thread = await discussions.start_thread(
                session, ctx.principal, program_id, circle_id, data
            )
        return _from_read(ThreadType, discussions.thread_read(ctx.principal, thread))

    @strawberry.mutation
    async def add_post(
        self,
        info: Info,
        program_id: uuid.UUID,
        circle_id: uuid.UUID,
        thread_id: uuid.UUID,
        input: PostCreateInput,
    ) -> PostType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            data = PostCreate.model_validate(_given(input))
            post = await discussions.add_post(
                session, ctx.principal, program_id, circle_id, thread_id, data
            )
        return _from_read(PostType, discussions.post_read(ctx.principal, post))

    @strawberry.mutation
    async def mark_post_helpful(
        self,
        info: Info,
        program_id: uuid.UUID,
        circle_id: uuid.UUID,
        thread_id: uuid.UUID,
        post_id: uuid.UUID,
        helpful: bool = True,
    ) -> PostType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            post = await discussions.mark_helpful(
                session, ctx.principal, program_id, circle_id, thread_id, post_id, helpful
            )
        return _from_read(PostType, discussions.post_read(ctx.principal, post))

    @strawberry.mutation
    async def schedule_circle_meeting(
        self, info: Info, program_id: uuid.UUID, circle_id: uuid.UUID, input: MeetingCreateInput
    ) -> MeetingType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            data = MeetingCreate.model_validate(_given(input))
            meeting = await meetings.schedule_meeting(
                session, ctx.principal, program_id, circle_id, data
            )
        return MeetingType(**meetings.to_read(meeting).model_dump())

    @strawberry.mutation(description="Your RSVP and/or confidence (1-5) for a meeting.")
    async def respond_to_meeting(
        self,
        info: Info,
        program_id: uuid.UUID,
        circle_id: uuid.UUID,
        meeting_id: uuid.UUID,
        rsvp: RsvpEnum | None = None,  # type: ignore[valid-type]
        confidence: int | None = None,
    ) -> AttendanceType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            data = MeetingResponse(rsvp=Rsvp(rsvp) if rsvp else None, confidence=confidence)
            row = await meetings.respond(
                session, ctx.principal, program_id, circle_id, meeting_id, data
            )
        return AttendanceType(**meetings.attendance_read(row).model_dump())

    @strawberry.mutation
    async def create_workshop(self, info: Info, input: WorkshopCreateInput) -> WorkshopType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            data = WorkshopCreate.model_validate(_given(input))
            made = await workshops.create_workshop(session, ctx.principal, data)
            view = await workshops.read(session, made)
        return _workshop(view)

    @strawberry.mutation(description="A seat if one is free, otherwise the waitlist.")
    async def register_for_workshop(
        self, info: Info, workshop_id: uuid.UUID
    ) -> RegistrationType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            registration = await registrations.register(session, ctx.principal, workshop_id)
            view = await seats.registration_read(session, registration)
        return _registration(view)

    @strawberry.mutation(description="Gives the seat to the first person waiting.")
    async def cancel_workshop_registration(
        self, info: Info, workshop_id: uuid.UUID
    ) -> RegistrationType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            registration = await registrations.cancel(session, ctx.principal, workshop_id)
            view = await seats.registration_read(session, registration)
        return _registration(view)

    @strawberry.mutation(description="Leave a circle (yourself), or remove a member (managers).")
    async def leave_circle(
        self, info: Info, program_id: uuid.UUID, circle_id: uuid.UUID, member_id: uuid.UUID
    ) -> uuid.UUID | None:
        ctx = info.context
        async with ctx.mutation() as session:
            await circles.leave_circle(session, ctx.principal, program_id, circle_id, member_id)
        return member_id

    @strawberry.mutation(description="Write a meeting's notes; `version` is the one you read.")
    async def write_meeting_notes(
        self,
        info: Info,
        program_id: uuid.UUID,
        circle_id: uuid.UUID,
        meeting_id: uuid.UUID,
        version: int,
        notes: str | None,
    ) -> MeetingType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            meeting = await meetings.update_meeting(
                session,
                ctx.principal,
                program_id,
                circle_id,
                meeting_id,
                MeetingUpdate(notes=notes),
                version,
            )
        return MeetingType(**meetings.to_read(meeting).model_dump())

    @strawberry.mutation
    async def record_meeting_attendance(
        self,
        info: Info,
        program_id: uuid.UUID,
        circle_id: uuid.UUID,
        meeting_id: uuid.UUID,
        attended: bool,
        employee_id: uuid.UUID | None = None,
        guest_id: uuid.UUID | None = None,
    ) -> AttendanceType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            data = AttendanceMark(employee_id=employee_id, guest_id=guest_id, attended=attended)
            row = await meetings.mark_attendance(
                session, ctx.principal, program_id, circle_id, meeting_id, data
            )
        return AttendanceType(**meetings.attendance_read(row).model_dump())

    @strawberry.mutation(description="Rate a workshop you are registered for (1-5).")
    async def rate_workshop(
        self, info: Info, workshop_id: uuid.UUID, rating: int, feedback: str | None = None
    ) -> RegistrationType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            data = WorkshopFeedback(rating=rating, feedback=feedback)
            registration = await registrations.give_feedback(
                session, ctx.principal, workshop_id, data
            )
            view = await seats.registration_read(session, registration)
        return _registration(view)

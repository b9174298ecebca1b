"""GraphQL adapter of the mentor support network: circles, discussions, meetings, workshops."""

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from app.api.graphql.context import Info, mutate, query
from app.api.graphql.derived import from_read
from app.api.graphql.inputs import parsed
from app.api.graphql.relay import Connection, connection_from_page
from app.api.graphql.support_types import (
    AttendanceType,
    CircleCreateInput,
    CircleMemberType,
    CircleType,
    ConfidenceSummaryType,
    GuestMentorCreatedType,
    GuestMentorCreateInput,
    GuestMentorType,
    MeetingCreateInput,
    MeetingType,
    PostCreateInput,
    PostType,
    RegistrationType,
    RsvpEnum,
    ThreadCreateInput,
    ThreadKindEnum,
    ThreadType,
    ThreadUpdateInput,
    WorkshopCreateInput,
    WorkshopType,
)
from app.domain.support import (
    circle_forming,
    circles,
    discussions,
    guests,
    meetings,
    registrations,
    seats,
    workshops,
)
from app.domain.support.models import (
    DiscussionPost,
    DiscussionThread,
    Rsvp,
    ThreadKind,
    WorkshopRegistration,
)
from app.domain.support.schemas import (
    AttendanceMark,
    CircleAutoForm,
    CircleJoin,
    GuestInvitation,
    MeetingResponse,
    MeetingUpdate,
    PostUpdate,
    WorkshopFeedback,
)


def _thread(info: Info, thread: DiscussionThread) -> ThreadType:
    return from_read(ThreadType, discussions.thread_read(info.context.principal, thread))


def _post(info: Info, post: DiscussionPost) -> PostType:
    return from_read(PostType, discussions.post_read(info.context.principal, post))


async def _registration(
    info: Info, change: Callable[..., Awaitable[WorkshopRegistration]], *args: Any
) -> RegistrationType:
    """A change to a registration, answered with the registration as it reads after it."""
    ctx = info.context
    async with ctx.mutation() as session:
        registration = await change(session, ctx.principal, *args)
        view = await seats.registration_read(session, registration)
    return from_read(RegistrationType, view)


@strawberry.type
class SupportQuery:
    @strawberry.field(description="The circles of a program you may see.")
    async def circles(
        self, info: Info, program_id: uuid.UUID, first: int = 50, after: str | None = None
    ) -> Connection[CircleType]:
        ctx = info.context
        page = await query(info, circles.list_circles, program_id, limit=first, cursor=after)
        counts = await circles.member_counts(ctx.session, [c.id for c in page.items])
        return connection_from_page(
            page, lambda c: from_read(CircleType, circles.to_read(c, counts.get(c.id, 0)))
        )

    @strawberry.field(description="One circle; members and the program's managers only.")
    async def circle(self, info: Info, program_id: uuid.UUID, id: uuid.UUID) -> CircleType | None:
        ctx = info.context
        found = await query(info, circles.get_circle, program_id, id)
        return from_read(CircleType, await circles.read(ctx.session, found))

    @strawberry.field
    async def circle_members(
        self,
        info: Info,
        program_id: uuid.UUID,
        circle_id: uuid.UUID,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[CircleMemberType]:
        page = await query(
            info, circles.list_members, program_id, circle_id, limit=first, cursor=after
        )
        return connection_from_page(
            page, lambda m: from_read(CircleMemberType, circles.member_read(m))
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
        return connection_from_page(page, lambda t: _thread(info, t))

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
        page = await query(
            info,
            discussions.list_posts,
            program_id,
            circle_id,
            thread_id,
            limit=first,
            cursor=after,
        )
        return connection_from_page(page, lambda p: _post(info, p))

    @strawberry.field
    async def circle_meetings(
        self,
        info: Info,
        program_id: uuid.UUID,
        circle_id: uuid.UUID,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[MeetingType]:
        page = await query(
            info, meetings.list_meetings, program_id, circle_id, limit=first, cursor=after
        )
        return connection_from_page(page, lambda m: from_read(MeetingType, meetings.to_read(m)))

    @strawberry.field(description="Mentors' confidence over time; the program's managers.")
    async def mentor_confidence(self, info: Info, program_id: uuid.UUID) -> ConfidenceSummaryType:
        found = await query(info, meetings.confidence_summary, program_id)
        return from_read(ConfidenceSummaryType, found)

    @strawberry.field
    async def workshops(
        self,
        info: Info,
        first: int = 50,
        after: str | None = None,
        program_id: uuid.UUID | None = None,
    ) -> Connection[WorkshopType]:
        ctx = info.context
        page = await query(
            info, workshops.list_workshops, program_id=program_id, limit=first, cursor=after
        )
        tallies = await workshops.counts(ctx.session, [w.id for w in page.items])
        return connection_from_page(
            page, lambda w: from_read(WorkshopType, workshops.to_read(w, tallies[w.id]))
        )

    @strawberry.field(description="Guest mentors; administrators and program managers.")
    async def guest_mentors(
        self, info: Info, first: int = 50, after: str | None = None
    ) -> Connection[GuestMentorType]:
        page = await query(info, guests.list_guests, limit=first, cursor=after)
        return connection_from_page(page, lambda g: from_read(GuestMentorType, guests.to_read(g)))

    @strawberry.field
    async def workshop(self, info: Info, id: uuid.UUID) -> WorkshopType | None:
        ctx = info.context
        found = await query(info, workshops.get_workshop, id)
        return from_read(WorkshopType, await workshops.read(ctx.session, found))


@strawberry.type
class SupportMutation:
    @strawberry.mutation
    async def create_circle(
        self, info: Info, program_id: uuid.UUID, input: CircleCreateInput
    ) -> CircleType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            data = parsed(input)
            made = await circles.create_circle(session, ctx.principal, program_id, data)
            view = await circles.read(session, made)
        return from_read(CircleType, view)

    @strawberry.mutation(description="Group every unplaced mentor into circles of ~targetSize.")
    async def auto_form_circles(
        self, info: Info, program_id: uuid.UUID, target_size: int
    ) -> list[CircleType] | None:
        ctx = info.context
        async with ctx.mutation() as session:
            data = CircleAutoForm(target_size=target_size)
            formed = await circle_forming.auto_form(session, ctx.principal, program_id, data)
            counts = await circles.member_counts(session, [c.id for c in formed])
        return [from_read(CircleType, circles.to_read(c, counts.get(c.id, 0))) for c in formed]

    @strawberry.mutation
    async def join_circle(
        self,
        info: Info,
        program_id: uuid.UUID,
        circle_id: uuid.UUID,
        confidence: int | None = None,
        employee_id: uuid.UUID | None = None,
    ) -> CircleMemberType | None:
        data = CircleJoin(confidence=confidence, employee_id=employee_id)
        return from_read(
            CircleMemberType,
            circles.member_read(
                await mutate(info, circles.join_circle, program_id, circle_id, data)
            ),
        )

    @strawberry.mutation
    async def start_thread(
        self, info: Info, program_id: uuid.UUID, circle_id: uuid.UUID, input: ThreadCreateInput
    ) -> ThreadType | None:
        data = parsed(input)
        thread = await mutate(info, discussions.start_thread, program_id, circle_id, data)
        return _thread(info, thread)

    @strawberry.mutation
    async def add_post(
        self,
        info: Info,
        program_id: uuid.UUID,
        circle_id: uuid.UUID,
        thread_id: uuid.UUID,
        input: PostCreateInput,
    ) -> PostType | None:
        data = parsed(input)
        post = await mutate(info, discussions.add_post, program_id, circle_id, thread_id, data)
        return _post(info, post)

    @strawberry.mutation(description="Edit your thread; `version` is the one you read.")
    async def edit_thread(
        self,
        info: Info,
        program_id: uuid.UUID,
        circle_id: uuid.UUID,
        thread_id: uuid.UUID,
        version: int,
        input: ThreadUpdateInput,
    ) -> ThreadType | None:
        data = parsed(input)
        thread = await mutate(
            info, discussions.edit_thread, program_id, circle_id, thread_id, data, version
        )
        return _thread(info, thread)

    @strawberry.mutation(
        description="Delete a thread (its author, the facilitator, managers); answers its id."
    )
    async def delete_thread(
        self,
        info: Info,
        program_id: uuid.UUID,
        circle_id: uuid.UUID,
        thread_id: uuid.UUID,
        version: int | None = None,
    ) -> uuid.UUID | None:
        await mutate(info, discussions.delete_thread, program_id, circle_id, thread_id, version)
        return thread_id

    @strawberry.mutation(description="Edit your post; `version` is the one you read.")
    async def edit_post(
        self,
        info: Info,
        program_id: uuid.UUID,
        circle_id: uuid.UUID,
        thread_id: uuid.UUID,
        post_id: uuid.UUID,
        version: int,
        body: str,
    ) -> PostType | None:
        data = PostUpdate.model_validate({"body": body})
        post = await mutate(
            info, discussions.edit_post, program_id, circle_id, thread_id, post_id, data, version
        )
        return _post(info, post)

    @strawberry.mutation(
        description="Delete a post (its author, the facilitator, managers); answers its id."
    )
    async def delete_post(
        self,
        info: Info,
        program_id: uuid.UUID,
        circle_id: uuid.UUID,
        thread_id: uuid.UUID,
        post_id: uuid.UUID,
        version: int | None = None,
    ) -> uuid.UUID | None:
        await mutate(
            info, discussions.delete_post, program_id, circle_id, thread_id, post_id, version
        )
        return post_id

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
        post = await mutate(
            info, discussions.mark_helpful, program_id, circle_id, thread_id, post_id, helpful
        )
        return _post(info, post)

    @strawberry.mutation
    async def schedule_circle_meeting(
        self, info: Info, program_id: uuid.UUID, circle_id: uuid.UUID, input: MeetingCreateInput
    ) -> MeetingType | None:
        data = parsed(input)
        return from_read(
            MeetingType,
            meetings.to_read(
                await mutate(info, meetings.schedule_meeting, program_id, circle_id, data)
            ),
        )

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
        data = MeetingResponse(rsvp=Rsvp(rsvp) if rsvp else None, confidence=confidence)
        return from_read(
            AttendanceType,
            meetings.attendance_read(
                await mutate(info, meetings.respond, program_id, circle_id, meeting_id, data)
            ),
        )

    @strawberry.mutation
    async def create_workshop(self, info: Info, input: WorkshopCreateInput) -> WorkshopType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            data = parsed(input)
            made = await workshops.create_workshop(session, ctx.principal, data)
            view = await workshops.read(session, made)
        return from_read(WorkshopType, view)

    @strawberry.mutation(description="A seat if one is free, otherwise the waitlist.")
    async def register_for_workshop(
        self, info: Info, workshop_id: uuid.UUID
    ) -> RegistrationType | None:
        return await _registration(info, registrations.register, workshop_id)

    @strawberry.mutation(description="Gives the seat to the first person waiting.")
    async def cancel_workshop_registration(
        self, info: Info, workshop_id: uuid.UUID
    ) -> RegistrationType | None:
        return await _registration(info, registrations.cancel, workshop_id)

    @strawberry.mutation(description="Leave a circle (yourself), or remove a member (managers).")
    async def leave_circle(
        self, info: Info, program_id: uuid.UUID, circle_id: uuid.UUID, member_id: uuid.UUID
    ) -> uuid.UUID | None:
        await mutate(info, circles.leave_circle, program_id, circle_id, member_id)
        return member_id

    @strawberry.mutation(description="Write a meeting's notes; `version` is the one you read.")
    async def write_meeting_notes(
        self,
        info: Info,
        program_id: uuid.UUID,
        circle_id: uuid.UUID,
        meeting_id: uuid.UUID,
        version: int,
        notes: str | None = None,
    ) -> MeetingType | None:
        meeting = await mutate(
            info,
            meetings.update_meeting,
            program_id,
            circle_id,
            meeting_id,
            MeetingUpdate(notes=notes),
            version,
        )
        return from_read(MeetingType, meetings.to_read(meeting))

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
        data = AttendanceMark(employee_id=employee_id, guest_id=guest_id, attended=attended)
        return from_read(
            AttendanceType,
            meetings.attendance_read(
                await mutate(
                    info, meetings.mark_attendance, program_id, circle_id, meeting_id, data
                )
            ),
        )

    @strawberry.mutation(description="Rate a workshop you are registered for (1-5).")
    async def rate_workshop(
        self, info: Info, workshop_id: uuid.UUID, rating: int, feedback: str | None = None
    ) -> RegistrationType | None:
        data = WorkshopFeedback(rating=rating, feedback=feedback)
        return await _registration(info, registrations.give_feedback, workshop_id, data)

    @strawberry.mutation(description="Record a guest mentor with their consent; a token once.")
    async def create_guest_mentor(
        self, info: Info, input: GuestMentorCreateInput
    ) -> GuestMentorCreatedType | None:
        data = parsed(input)
        guest, token = await mutate(info, guests.create_guest, data)
        return GuestMentorCreatedType(
            guest=from_read(GuestMentorType, guests.to_read(guest)), token=token
        )

    @strawberry.mutation(description="Invite a guest mentor to a circle or a workshop.")
    async def invite_guest_mentor(
        self,
        info: Info,
        guest_id: uuid.UUID,
        circle_id: uuid.UUID | None = None,
        workshop_id: uuid.UUID | None = None,
    ) -> GuestMentorType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            data = GuestInvitation(circle_id=circle_id, workshop_id=workshop_id)
            await guests.invite(session, ctx.principal, guest_id, data)
            guest = await guests.get_guest(session, ctx.principal, guest_id)
        return from_read(GuestMentorType, guests.to_read(guest))

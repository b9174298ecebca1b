"""GraphQL adapter of the mentor support network: circles, discussions, meetings, workshops."""

import uuid

import strawberry

from app.api.graphql.context import Info
from app.api.graphql.matching_settings import plain
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
    circle_type,
    from_read,
    given_input,
    registration_type,
    summary_type,
    workshop_type,
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
from app.domain.support.models import Rsvp, ThreadKind
from app.domain.support.schemas import (
    AttendanceMark,
    CircleAutoForm,
    CircleCreate,
    CircleJoin,
    GuestInvitation,
    GuestMentorCreate,
    MeetingCreate,
    MeetingResponse,
    MeetingUpdate,
    PostCreate,
    PostUpdate,
    ThreadCreate,
    ThreadUpdate,
    WorkshopCreate,
    WorkshopFeedback,
)


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
            page, lambda c: circle_type(circles.to_read(c, counts.get(c.id, 0)))
        )

    @strawberry.field(description="One circle; members and the program's managers only.")
    async def circle(self, info: Info, program_id: uuid.UUID, id: uuid.UUID) -> CircleType | None:
        ctx = info.context
        found = await circles.get_circle(ctx.session, ctx.principal, program_id, id)
        return circle_type(await circles.read(ctx.session, found))

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
            page, lambda t: from_read(ThreadType, discussions.thread_read(ctx.principal, t))
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
            page, lambda p: from_read(PostType, discussions.post_read(ctx.principal, p))
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
        return summary_type(
            await meetings.confidence_summary(ctx.session, ctx.principal, program_id)
        )

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
        return connection_from_page(
            page, lambda w: workshop_type(workshops.to_read(w, tallies[w.id]))
        )

    @strawberry.field(description="Guest mentors; administrators and program managers.")
    async def guest_mentors(
        self, info: Info, first: int = 50, after: str | None = None
    ) -> Connection[GuestMentorType]:
        ctx = info.context
        page = await guests.list_guests(ctx.session, ctx.principal, limit=first, cursor=after)
        return connection_from_page(
            page, lambda g: GuestMentorType(**guests.to_read(g).model_dump())
        )

    @strawberry.field
    async def workshop(self, info: Info, id: uuid.UUID) -> WorkshopType | None:
        ctx = info.context
        found = await workshops.get_workshop(ctx.session, ctx.principal, id)
        return workshop_type(await workshops.read(ctx.session, found))


@strawberry.type
class SupportMutation:
    @strawberry.mutation
    async def create_circle(
        self, info: Info, program_id: uuid.UUID, input: CircleCreateInput
    ) -> CircleType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            data = CircleCreate.model_validate(given_input(input))
            made = await circles.create_circle(session, ctx.principal, program_id, data)
            view = await circles.read(session, made)
        return circle_type(view)

    @strawberry.mutation(description="Group every unplaced mentor into circles of ~targetSize.")
    async def auto_form_circles(
        self, info: Info, program_id: uuid.UUID, target_size: int
    ) -> list[CircleType] | None:
        ctx = info.context
        async with ctx.mutation() as session:
            data = CircleAutoForm(target_size=target_size)
            formed = await circle_forming.auto_form(session, ctx.principal, program_id, data)
            counts = await circles.member_counts(session, [c.id for c in formed])
        return [circle_type(circles.to_read(c, counts.get(c.id, 0))) for c in formed]

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
            data = ThreadCreate.model_validate(given_input(input))
            thread = await discussions.start_thread(
                session, ctx.principal, program_id, circle_id, data
            )
        return from_read(ThreadType, discussions.thread_read(ctx.principal, thread))

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
            data = PostCreate.model_validate(given_input(input))
            post = await discussions.add_post(
                session, ctx.principal, program_id, circle_id, thread_id, data
            )
        return from_read(PostType, discussions.post_read(ctx.principal, post))

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
        ctx = info.context
        async with ctx.mutation() as session:
            data = ThreadUpdate.model_validate(plain(input))
            thread = await discussions.edit_thread(
                session, ctx.principal, program_id, circle_id, thread_id, data, version
            )
        return from_read(ThreadType, discussions.thread_read(ctx.principal, thread))

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
        ctx = info.context
        async with ctx.mutation() as session:
            await discussions.delete_thread(
                session, ctx.principal, program_id, circle_id, thread_id, version
            )
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
        ctx = info.context
        async with ctx.mutation() as session:
            data = PostUpdate.model_validate({"body": body})
            post = await discussions.edit_post(
                session, ctx.principal, program_id, circle_id, thread_id, post_id, data, version
            )
        return from_read(PostType, discussions.post_read(ctx.principal, post))

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
        ctx = info.context
        async with ctx.mutation() as session:
            await discussions.delete_post(
                session, ctx.principal, program_id, circle_id, thread_id, post_id, version
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
        ctx = info.context
        async with ctx.mutation() as session:
            post = await discussions.mark_helpful(
                session, ctx.principal, program_id, circle_id, thread_id, post_id, helpful
            )
        return from_read(PostType, discussions.post_read(ctx.principal, post))

    @strawberry.mutation
    async def schedule_circle_meeting(
        self, info: Info, program_id: uuid.UUID, circle_id: uuid.UUID, input: MeetingCreateInput
    ) -> MeetingType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            data = MeetingCreate.model_validate(given_input(input))
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
            data = WorkshopCreate.model_validate(given_input(input))
            made = await workshops.create_workshop(session, ctx.principal, data)
            view = await workshops.read(session, made)
        return workshop_type(view)

    @strawberry.mutation(description="A seat if one is free, otherwise the waitlist.")
    async def register_for_workshop(
        self, info: Info, workshop_id: uuid.UUID
    ) -> RegistrationType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            registration = await registrations.register(session, ctx.principal, workshop_id)
            view = await seats.registration_read(session, registration)
        return registration_type(view)

    @strawberry.mutation(description="Gives the seat to the first person waiting.")
    async def cancel_workshop_registration(
        self, info: Info, workshop_id: uuid.UUID
    ) -> RegistrationType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            registration = await registrations.cancel(session, ctx.principal, workshop_id)
            view = await seats.registration_read(session, registration)
        return registration_type(view)

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
        notes: str | None = None,
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
        return registration_type(view)

    @strawberry.mutation(description="Record a guest mentor with their consent; a token once.")
    async def create_guest_mentor(
        self, info: Info, input: GuestMentorCreateInput
    ) -> GuestMentorCreatedType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            data = GuestMentorCreate.model_validate(given_input(input))
            guest, token = await guests.create_guest(session, ctx.principal, data)
        return GuestMentorCreatedType(
            guest=GuestMentorType(**guests.to_read(guest).model_dump()), token=token
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
        return GuestMentorType(**guests.to_read(guest).model_dump())

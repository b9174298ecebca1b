"""GraphQL adapter of the mentor support network: circles, discussions, meetings, workshops."""

import uuid

import strawberry
from sqlmodel.ext.asyncio.session import AsyncSession

from app.api.graphql.context import Info, query
from app.api.graphql.derived import from_read
from app.api.graphql.operations import mutation_of, query_of
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
from app.domain.access.principal import Principal
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
from app.domain.support.circles import list_members  # `circles` is a field of SupportQuery
from app.domain.support.models import (
    Circle,
    CircleMeeting,
    CircleMember,
    DiscussionPost,
    DiscussionThread,
    GuestMentor,
    MeetingAttendance,
    ThreadKind,
)
from app.domain.support.schemas import (
    AttendanceMark,
    CircleAutoForm,
    CircleJoin,
    CircleRead,
    ConfidenceSummary,
    GuestInvitation,
    MeetingResponse,
    MeetingUpdate,
    PostUpdate,
    RegistrationRead,
    WorkshopFeedback,
    WorkshopRead,
)


def _thread(principal: Principal, thread: DiscussionThread) -> ThreadType:
    return from_read(ThreadType, discussions.thread_read(principal, thread))


def _post(principal: Principal, post: DiscussionPost) -> PostType:
    return from_read(PostType, discussions.post_read(principal, post))


def _circle(view: CircleRead) -> CircleType:
    return from_read(CircleType, view)


async def _counted(session: AsyncSession, formed: list[Circle]) -> list[CircleRead]:
    """The circles formed as they read, with their member counts."""
    counts = await circles.member_counts(session, [c.id for c in formed])
    return [circles.to_read(c, counts.get(c.id, 0)) for c in formed]


def _member(member: CircleMember) -> CircleMemberType:
    return from_read(CircleMemberType, circles.member_read(member))


def _meeting(meeting: CircleMeeting) -> MeetingType:
    return from_read(MeetingType, meetings.to_read(meeting))


def _attendance(row: MeetingAttendance) -> AttendanceType:
    return from_read(AttendanceType, meetings.attendance_read(row))


def _confidence(summary: ConfidenceSummary) -> ConfidenceSummaryType:
    return from_read(ConfidenceSummaryType, summary)


def _workshop(view: WorkshopRead) -> WorkshopType:
    return from_read(WorkshopType, view)


def _registration(view: RegistrationRead) -> RegistrationType:
    return from_read(RegistrationType, view)


def _guest(guest: GuestMentor) -> GuestMentorType:
    return from_read(GuestMentorType, guests.to_read(guest))


def _guest_created(made: tuple[GuestMentor, str]) -> GuestMentorCreatedType:
    guest, token = made
    return GuestMentorCreatedType(guest=_guest(guest), token=token)


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
            page, lambda c: _circle(circles.to_read(c, counts.get(c.id, 0)))
        )

    @strawberry.field(description="One circle; members and the program's managers only.")
    async def circle(self, info: Info, program_id: uuid.UUID, id: uuid.UUID) -> CircleType | None:
        ctx = info.context
        found = await query(info, circles.get_circle, program_id, id)
        return _circle(await circles.read(ctx.session, found))

    @query_of(list_members, _member)
    def circle_members(
        self, program_id: uuid.UUID, circle_id: uuid.UUID, first: int = 50, after: str | None = None
    ) -> Connection[CircleMemberType]: ...

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
        return connection_from_page(page, lambda t: _thread(ctx.principal, t))

    @query_of(discussions.list_posts, _post, caller=True)
    def thread_posts(
        self,
        program_id: uuid.UUID,
        circle_id: uuid.UUID,
        thread_id: uuid.UUID,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[PostType]: ...

    @query_of(meetings.list_meetings, _meeting)
    def circle_meetings(
        self, program_id: uuid.UUID, circle_id: uuid.UUID, first: int = 50, after: str | None = None
    ) -> Connection[MeetingType]: ...

    @query_of(meetings.confidence_summary, _confidence)
    def mentor_confidence(self, program_id: uuid.UUID) -> ConfidenceSummaryType:
        """Mentors' confidence over time; the program's managers."""

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
        return connection_from_page(page, lambda w: _workshop(workshops.to_read(w, tallies[w.id])))

    @query_of(guests.list_guests, _guest)
    def guest_mentors(
        self, first: int = 50, after: str | None = None
    ) -> Connection[GuestMentorType]:
        """Guest mentors; administrators and program managers."""

    @strawberry.field
    async def workshop(self, info: Info, id: uuid.UUID) -> WorkshopType | None:
        ctx = info.context
        found = await query(info, workshops.get_workshop, id)
        return _workshop(await workshops.read(ctx.session, found))


@strawberry.type
class SupportMutation:
    @mutation_of(circles.create_circle, _circle, then=circles.read)
    def create_circle(
        self, program_id: uuid.UUID, input: CircleCreateInput
    ) -> CircleType | None: ...

    @mutation_of(circle_forming.auto_form, _circle, fields=CircleAutoForm, then=_counted)
    def auto_form_circles(self, program_id: uuid.UUID, target_size: int) -> list[CircleType] | None:
        """Group every unplaced mentor into circles of ~targetSize."""

    @mutation_of(circles.join_circle, _member, fields=CircleJoin)
    def join_circle(
        self,
        program_id: uuid.UUID,
        circle_id: uuid.UUID,
        confidence: int | None = None,
        employee_id: uuid.UUID | None = None,
    ) -> CircleMemberType | None: ...

    @mutation_of(discussions.start_thread, _thread, caller=True)
    def start_thread(
        self, program_id: uuid.UUID, circle_id: uuid.UUID, input: ThreadCreateInput
    ) -> ThreadType | None: ...

    @mutation_of(discussions.add_post, _post, caller=True)
    def add_post(
        self,
        program_id: uuid.UUID,
        circle_id: uuid.UUID,
        thread_id: uuid.UUID,
        input: PostCreateInput,
    ) -> PostType | None: ...

    @mutation_of(discussions.edit_thread, _thread, caller=True)
    def edit_thread(
        self,
        program_id: uuid.UUID,
        circle_id: uuid.UUID,
        thread_id: uuid.UUID,
        version: int,
        input: ThreadUpdateInput,
    ) -> ThreadType | None:
        """Edit your thread; `version` is the one you read."""

    @mutation_of(discussions.delete_thread, echo="thread_id")
    def delete_thread(
        self,
        program_id: uuid.UUID,
        circle_id: uuid.UUID,
        thread_id: uuid.UUID,
        version: int | None = None,
    ) -> uuid.UUID | None:
        """Delete a thread (its author, the facilitator, managers); answers its id."""

    @mutation_of(discussions.edit_post, _post, fields=PostUpdate, caller=True)
    def edit_post(
        self,
        program_id: uuid.UUID,
        circle_id: uuid.UUID,
        thread_id: uuid.UUID,
        post_id: uuid.UUID,
        version: int,
        body: str,
    ) -> PostType | None:
        """Edit your post; `version` is the one you read."""

    @mutation_of(discussions.delete_post, echo="post_id")
    def delete_post(
        self,
        program_id: uuid.UUID,
        circle_id: uuid.UUID,
        thread_id: uuid.UUID,
        post_id: uuid.UUID,
        version: int | None = None,
    ) -> uuid.UUID | None:
        """Delete a post (its author, the facilitator, managers); answers its id."""

    @mutation_of(discussions.mark_helpful, _post, caller=True)
    def mark_post_helpful(
        self,
        program_id: uuid.UUID,
        circle_id: uuid.UUID,
        thread_id: uuid.UUID,
        post_id: uuid.UUID,
        helpful: bool = True,
    ) -> PostType | None: ...

    @mutation_of(meetings.schedule_meeting, _meeting)
    def schedule_circle_meeting(
        self, program_id: uuid.UUID, circle_id: uuid.UUID, input: MeetingCreateInput
    ) -> MeetingType | None: ...

    @mutation_of(meetings.respond, _attendance, fields=MeetingResponse)
    def respond_to_meeting(
        self,
        program_id: uuid.UUID,
        circle_id: uuid.UUID,
        meeting_id: uuid.UUID,
        rsvp: RsvpEnum | None = None,  # type: ignore[valid-type]
        confidence: int | None = None,
    ) -> AttendanceType | None:
        """Your RSVP and/or confidence (1-5) for a meeting."""

    @mutation_of(workshops.create_workshop, _workshop, then=workshops.read)
    def create_workshop(self, input: WorkshopCreateInput) -> WorkshopType | None: ...

    @mutation_of(registrations.register, _registration, then=seats.registration_read)
    def register_for_workshop(self, workshop_id: uuid.UUID) -> RegistrationType | None:
        """A seat if one is free, otherwise the waitlist."""

    @mutation_of(registrations.cancel, _registration, then=seats.registration_read)
    def cancel_workshop_registration(self, workshop_id: uuid.UUID) -> RegistrationType | None:
        """Gives the seat to the first person waiting."""

    @mutation_of(circles.leave_circle, echo="member_id")
    def leave_circle(
        self, program_id: uuid.UUID, circle_id: uuid.UUID, member_id: uuid.UUID
    ) -> uuid.UUID | None:
        """Leave a circle (yourself), or remove a member (managers)."""

    @mutation_of(meetings.update_meeting, _meeting, fields=MeetingUpdate)
    def write_meeting_notes(
        self,
        program_id: uuid.UUID,
        circle_id: uuid.UUID,
        meeting_id: uuid.UUID,
        version: int,
        notes: str | None = None,
    ) -> MeetingType | None:
        """Write a meeting's notes; `version` is the one you read."""

    @mutation_of(meetings.mark_attendance, _attendance, fields=AttendanceMark)
    def record_meeting_attendance(
        self,
        program_id: uuid.UUID,
        circle_id: uuid.UUID,
        meeting_id: uuid.UUID,
        attended: bool,
        employee_id: uuid.UUID | None = None,
        guest_id: uuid.UUID | None = None,
    ) -> AttendanceType | None: ...

    @mutation_of(
        registrations.give_feedback,
        _registration,
        fields=WorkshopFeedback,
        then=seats.registration_read,
    )
    def rate_workshop(
        self, workshop_id: uuid.UUID, rating: int, feedback: str | None = None
    ) -> RegistrationType | None:
        """Rate a workshop you are registered for (1-5)."""

    @mutation_of(guests.create_guest, _guest_created)
    def create_guest_mentor(self, input: GuestMentorCreateInput) -> GuestMentorCreatedType | None:
        """Record a guest mentor with their consent; a token once."""

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
        return _guest(guest)

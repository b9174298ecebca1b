"""REST adapter of mentor circles: circles, members, discussions, meetings, calendar feeds."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from app.api.deps import CurrentPrincipal, DbSession, IfMatch, Paging, set_etag
from app.api.problems import common_responses, responses
from app.api.rest import API_PREFIX
from app.api.schemas import Page
from app.api.support_deps import SupportPrincipal
from app.domain.support import calendar, circle_forming, circles, discussions, meetings
from app.domain.support.models import ThreadKind
from app.domain.support.schemas import (
    AttendanceMark,
    AttendanceRead,
    CalendarFeedCreate,
    CalendarFeedCreated,
    CircleAutoForm,
    CircleCreate,
    CircleJoin,
    CircleMemberRead,
    CircleRead,
    CircleUpdate,
    ConfidenceSummary,
    HelpfulMark,
    MeetingCreate,
    MeetingRead,
    MeetingResponse,
    MeetingUpdate,
    PostCreate,
    PostRead,
    ThreadCreate,
    ThreadRead,
)

CIRCLES = f"{API_PREFIX}/programs/{{program_id}}/circles"
CIRCLE = f"{CIRCLES}/{{circle_id}}"
THREAD = f"{CIRCLE}/threads/{{thread_id}}"
MEETING = f"{CIRCLE}/meetings/{{meeting_id}}"
FEEDS = f"{API_PREFIX}/calendar-feeds"
# Outside /api: calendar applications fetch it with the secret in the path and no header.
FEED_PATH = "/calendar-feeds"
GUEST_NOTE = " Guest mentors use their invitation token (`mg_...`)."

router = APIRouter(tags=["circles"], responses=common_responses())


@router.post(
    CIRCLES,
    status_code=status.HTTP_201_CREATED,
    summary="Create a mentor circle",
    description="The program's managers; members must be approved mentors of the program.",
    responses=responses(404, 409),
)
async def create_circle(
    program_id: uuid.UUID, body: CircleCreate, db: DbSession, principal: SupportPrincipal
) -> CircleRead:
    circle = await circles.create_circle(db, principal, program_id, body)
    return await circles.read(db, circle)


@router.get(
    CIRCLES,
    summary="List circles",
    description="Managers see every circle of the program; members their own." + GUEST_NOTE,
    responses=responses(404),
)
async def list_circles(
    program_id: uuid.UUID, db: DbSession, principal: SupportPrincipal, paging: Paging
) -> Page[CircleRead]:
    page = await circles.list_circles(
        db, principal, program_id, limit=paging.limit, cursor=paging.cursor
    )
    counts = await circles.member_counts(db, [c.id for c in page.items])
    return Page(
        items=[circles.to_read(c, counts.get(c.id, 0)) for c in page.items],
        next_cursor=page.next_cursor,
    )


@router.post(
    f"{CIRCLES}/auto-form",
    status_code=status.HTTP_201_CREATED,
    summary="Form circles automatically",
    description=(
        "Puts every approved mentor who is in no circle yet into new circles of about "
        "`target_size`, mixing experience levels (seniority) and spreading departments. "
        "Deterministic: the same mentors give the same circles. The most experienced member "
        "facilitates."
    ),
    responses=responses(404, 409),
)
async def auto_form(
    program_id: uuid.UUID, body: CircleAutoForm, db: DbSession, principal: SupportPrincipal
) -> list[CircleRead]:
    formed = await circle_forming.auto_form(db, principal, program_id, body)
    counts = await circles.member_counts(db, [c.id for c in formed])
    return [circles.to_read(c, counts.get(c.id, 0)) for c in formed]


@router.get(
    CIRCLE,
    summary="Get a circle",
    description="Members and managers." + GUEST_NOTE,
    responses=responses(404),
)
async def get_circle(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    db: DbSession,
    principal: SupportPrincipal,
    response: Response,
) -> CircleRead:
    circle = await circles.get_circle(db, principal, program_id, circle_id)
    set_etag(response, circle.version)
    return await circles.read(db, circle)


@router.patch(
    CIRCLE,
    summary="Rename a circle or change its facilitator",
    description="The program's managers, with `If-Match`.",
    responses=responses(404, 409, 412, 428),
)
async def update_circle(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    body: CircleUpdate,
    db: DbSession,
    principal: SupportPrincipal,
    if_match: IfMatch,
    response: Response,
) -> CircleRead:
    circle = await circles.update_circle(db, principal, program_id, circle_id, body, if_match)
    set_etag(response, circle.version)
    return await circles.read(db, circle)


@router.get(f"{CIRCLE}/members", summary="List a circle's members", responses=responses(404))
async def list_members(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    db: DbSession,
    principal: SupportPrincipal,
    paging: Paging,
) -> Page[CircleMemberRead]:
    page = await circles.list_members(
        db, principal, program_id, circle_id, limit=paging.limit, cursor=paging.cursor
    )
    return Page(items=[circles.member_read(m) for m in page.items], next_cursor=page.next_cursor)


@router.post(
    f"{CIRCLE}/members",
    status_code=status.HTTP_201_CREATED,
    summary="Join a circle",
    description=(
        "An approved mentor of the program joins (with their confidence, 1-5, if they like); "
        "a manager adds a mentor with `employee_id`. Guests are invited instead."
    ),
    responses=responses(404, 409),
)
async def join_circle(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    body: CircleJoin,
    db: DbSession,
    principal: SupportPrincipal,
) -> CircleMemberRead:
    member = await circles.join_circle(db, principal, program_id, circle_id, body)
    return circles.member_read(member)


@router.delete(
    f"{CIRCLE}/members/{{member_id}}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Leave a circle",
    description="A member leaves; a manager removes anyone.",
    responses=responses(404),
)
async def leave_circle(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    member_id: uuid.UUID,
    db: DbSession,
    principal: SupportPrincipal,
) -> Response:
    await circles.leave_circle(db, principal, program_id, circle_id, member_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- discussions ---------------------------------------------------------------------------


@router.post(
    f"{CIRCLE}/threads",
    status_code=status.HTTP_201_CREATED,
    summary="Start a discussion thread",
    description=(
        "Members and managers. With `anonymous`, members do not see the author; administrators do."
    ),
    responses=responses(404),
)
async def start_thread(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    body: ThreadCreate,
    db: DbSession,
    principal: SupportPrincipal,
) -> ThreadRead:
    thread = await discussions.start_thread(db, principal, program_id, circle_id, body)
    return discussions.thread_read(principal, thread)


@router.get(f"{CIRCLE}/threads", summary="List discussion threads", responses=responses(404))
async def list_threads(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    db: DbSession,
    principal: SupportPrincipal,
    paging: Paging,
    kind: ThreadKind | None = None,
    tag: Annotated[str | None, Query(max_length=50, description="Threads with this tag.")] = None,
) -> Page[ThreadRead]:
    page = await discussions.list_threads(
        db,
        principal,
        program_id,
        circle_id,
        kind=kind,
        tag=tag,
        limit=paging.limit,
        cursor=paging.cursor,
    )
    return Page(
        items=[discussions.thread_read(principal, t) for t in page.items],
        next_cursor=page.next_cursor,
    )


@router.get(THREAD, summary="Get a discussion thread", responses=responses(404))
async def get_thread(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    thread_id: uuid.UUID,
    db: DbSession,
    principal: SupportPrincipal,
) -> ThreadRead:
    thread = await discussions.get_thread(db, principal, program_id, circle_id, thread_id)
    return discussions.thread_read(principal, thread)


@router.post(
    f"{THREAD}/posts",
    status_code=status.HTTP_201_CREATED,
    summary="Post in a thread",
    description="`reply_to_id` answers another post of the thread.",
    responses=responses(404),
)
async def add_post(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    thread_id: uuid.UUID,
    body: PostCreate,
    db: DbSession,
    principal: SupportPrincipal,
) -> PostRead:
    post = await discussions.add_post(db, principal, program_id, circle_id, thread_id, body)
    return discussions.post_read(principal, post)


@router.get(f"{THREAD}/posts", summary="List a thread's posts", responses=responses(404))
async def list_posts(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    thread_id: uuid.UUID,
    db: DbSession,
    principal: SupportPrincipal,
    paging: Paging,
) -> Page[PostRead]:
    page = await discussions.list_posts(
        db, principal, program_id, circle_id, thread_id, limit=paging.limit, cursor=paging.cursor
    )
    return Page(
        items=[discussions.post_read(principal, p) for p in page.items],
        next_cursor=page.next_cursor,
    )


@router.put(
    f"{THREAD}/posts/{{post_id}}/helpful",
    summary="Mark a reply helpful (or not)",
    description="The thread's author, the circle's facilitator or a manager.",
    responses=responses(404),
)
async def mark_helpful(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    thread_id: uuid.UUID,
    post_id: uuid.UUID,
    body: HelpfulMark,
    db: DbSession,
    principal: SupportPrincipal,
) -> PostRead:
    post = await discussions.mark_helpful(
        db, principal, program_id, circle_id, thread_id, post_id, body.helpful
    )
    return discussions.post_read(principal, post)


# --- meetings ------------------------------------------------------------------------------


@router.post(
    f"{CIRCLE}/meetings",
    status_code=status.HTTP_201_CREATED,
    summary="Schedule a circle meeting",
    description="The circle's facilitator or a manager. Emits `circle.meeting_scheduled`.",
    responses=responses(404),
)
async def schedule_meeting(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    body: MeetingCreate,
    db: DbSession,
    principal: SupportPrincipal,
    response: Response,
) -> MeetingRead:
    meeting = await meetings.schedule_meeting(db, principal, program_id, circle_id, body)
    set_etag(response, meeting.version)
    return meetings.to_read(meeting)


@router.get(f"{CIRCLE}/meetings", summary="List a circle's meetings", responses=responses(404))
async def list_meetings(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    db: DbSession,
    principal: SupportPrincipal,
    paging: Paging,
) -> Page[MeetingRead]:
    page = await meetings.list_meetings(
        db, principal, program_id, circle_id, limit=paging.limit, cursor=paging.cursor
    )
    return Page(items=[meetings.to_read(m) for m in page.items], next_cursor=page.next_cursor)


@router.get(MEETING, summary="Get a circle meeting", responses=responses(404))
async def get_meeting(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    meeting_id: uuid.UUID,
    db: DbSession,
    principal: SupportPrincipal,
    response: Response,
) -> MeetingRead:
    meeting = await meetings.get_meeting(db, principal, program_id, circle_id, meeting_id)
    set_etag(response, meeting.version)
    return meetings.to_read(meeting)


@router.patch(
    MEETING,
    summary="Change a meeting or write its notes",
    description="The facilitator or a manager, with `If-Match`.",
    responses=responses(404, 412, 428),
)
async def update_meeting(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    meeting_id: uuid.UUID,
    body: MeetingUpdate,
    db: DbSession,
    principal: SupportPrincipal,
    if_match: IfMatch,
    response: Response,
) -> MeetingRead:
    meeting = await meetings.update_meeting(
        db, principal, program_id, circle_id, meeting_id, body, if_match
    )
    set_etag(response, meeting.version)
    return meetings.to_read(meeting)


@router.put(
    f"{MEETING}/my-response",
    summary="Answer a meeting: RSVP and confidence",
    description="A member's own RSVP and how confident they feel (1-5) at this meeting.",
    responses=responses(404, 409),
)
async def respond(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    meeting_id: uuid.UUID,
    body: MeetingResponse,
    db: DbSession,
    principal: SupportPrincipal,
) -> AttendanceRead:
    row = await meetings.respond(db, principal, program_id, circle_id, meeting_id, body)
    return meetings.attendance_read(row)


@router.post(
    f"{MEETING}/attendance",
    summary="Record who attended",
    description="The facilitator or a manager, one member at a time.",
    responses=responses(404, 409),
)
async def mark_attendance(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    meeting_id: uuid.UUID,
    body: AttendanceMark,
    db: DbSession,
    principal: SupportPrincipal,
) -> AttendanceRead:
    row = await meetings.mark_attendance(db, principal, program_id, circle_id, meeting_id, body)
    return meetings.attendance_read(row)


@router.get(
    f"{MEETING}/attendance", summary="RSVPs and attendance of a meeting", responses=responses(404)
)
async def list_attendance(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    meeting_id: uuid.UUID,
    db: DbSession,
    principal: SupportPrincipal,
) -> list[AttendanceRead]:
    rows = await meetings.list_attendance(db, principal, program_id, circle_id, meeting_id)
    return [meetings.attendance_read(r) for r in rows]


@router.get(
    f"{API_PREFIX}/programs/{{program_id}}/mentor-confidence",
    summary="Mentor confidence over time",
    description=(
        "Each mentor's confidence (1-5) when joining a circle and at each meeting, with the "
        "program's averages: whether the support network helps. Managers and readers."
    ),
    responses=responses(404),
)
async def mentor_confidence(
    program_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal
) -> ConfidenceSummary:
    return await meetings.confidence_summary(db, principal, program_id)


# --- calendar feeds ------------------------------------------------------------------------


@router.post(
    FEEDS,
    status_code=status.HTTP_201_CREATED,
    summary="Get a calendar subscription address",
    description=(
        "A secret address serving an iCalendar feed: a circle's meetings (`circle_id`) or the "
        "caller's own meetings and workshops. The address is the credential (calendar apps "
        "send no Authorization header): keep it private; it is shown once."
    ),
    responses=responses(404),
)
async def create_feed(
    body: CalendarFeedCreate, db: DbSession, principal: SupportPrincipal
) -> CalendarFeedCreated:
    feed, token = await calendar.create_feed(db, principal, body)
    return CalendarFeedCreated(id=feed.id, circle_id=feed.circle_id, url=f"{FEED_PATH}/{token}")


@router.get(
    f"{FEED_PATH}/{{feed_token}}",
    summary="Read a calendar feed",
    description="`text/calendar` (RFC 5545). The secret token in the path authenticates.",
    response_class=Response,
    responses={
        200: {"content": {"text/calendar": {"schema": {"type": "string"}}}},
        **responses(401, 404),
    },
)
async def read_feed(
    db: DbSession, feed_token: str = Path(min_length=1, max_length=200)
) -> Response:
    body = await calendar.render_feed(db, feed_token)
    return Response(content=body, media_type="text/calendar; charset=utf-8")

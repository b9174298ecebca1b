"""REST adapter of circle meetings, mentor confidence and calendar feeds."""

import uuid

from fastapi import APIRouter, Path, Response, status

from app.api.deps import CurrentPrincipal, DbSession, IfMatch, Paging, set_etag
from app.api.problems import common_responses, responses
from app.api.rest import API_PREFIX
from app.api.schemas import Page
from app.api.support_deps import SupportPrincipal
from app.domain.support import calendar, meetings
from app.domain.support.schemas import (
    AttendanceMark,
    AttendanceRead,
    CalendarFeedCreate,
    CalendarFeedCreated,
    ConfidenceSummary,
    MeetingCreate,
    MeetingRead,
    MeetingResponse,
    MeetingUpdate,
)

CIRCLE = f"{API_PREFIX}/programs/{{program_id}}/circles/{{circle_id}}"
MEETING = f"{CIRCLE}/meetings/{{meeting_id}}"
FEEDS = f"{API_PREFIX}/calendar-feeds"
# Outside /api: calendar applications fetch it with the secret in the path and no header.
FEED_PATH = "/calendar-feeds"

router = APIRouter(tags=["circles"], responses=common_responses())


# --- meetings ------------------------------------------------------------------------------


@router.post(
    f"{CIRCLE}/meetings",
    status_code=status.HTTP_201_CREATED,
    summary="Schedule a circle meeting",
    description="The circle's facilitator or a manager. Emits `circle.meeting_scheduled`.",
    responses=responses(
        404, codes={403: ("not_facilitator",), 404: ("circle_not_found", "program_not_found")}
    ),
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


@router.get(
    f"{CIRCLE}/meetings",
    summary="List a circle's meetings",
    responses=responses(404, codes={404: ("circle_not_found", "program_not_found")}),
)
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


@router.get(
    MEETING,
    summary="Get a circle meeting",
    responses=responses(404, codes={404: ("circle_not_found", "program_not_found")}),
)
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
    responses=responses(
        404,
        412,
        428,
        codes={
            403: ("not_facilitator",),
            404: ("circle_not_found", "program_not_found"),
        },
    ),
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
    responses=responses(
        404,
        409,
        codes={
            403: ("not_member",),
            404: ("circle_not_found", "program_not_found"),
            409: ("empty_response",),
        },
    ),
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
    responses=responses(
        404,
        409,
        codes={
            403: ("not_facilitator",),
            404: ("circle_not_found", "program_not_found"),
            409: ("one_person",),
        },
    ),
)
async def mark_meeting_attendance(
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
    f"{MEETING}/attendance",
    summary="RSVPs and attendance of a meeting",
    responses=responses(404, codes={404: ("circle_not_found", "program_not_found")}),
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
    responses=responses(
        404, codes={403: ("not_program_manager",), 404: ("not_found", "program_not_found")}
    ),
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
    responses=responses(404, codes={403: ("not_a_person",), 404: ("circle_not_found",)}),
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
        **responses(codes={401: ("invalid_feed_token",), 404: ("not_found",)}),
    },
)
async def read_feed(
    db: DbSession, feed_token: str = Path(min_length=1, max_length=200)
) -> Response:
    body = await calendar.render_feed(db, feed_token)
    return Response(content=body, media_type="text/calendar; charset=utf-8")

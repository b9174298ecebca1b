"""Circle meetings: scheduling, RSVP, attendance, notes, and mentors' confidence over time."""

import uuid
from collections import defaultdict

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain import pagination
from app.domain.access.principal import Principal
from app.domain.concurrency import check_version, flush_versioned
from app.domain.errors import Conflict, Forbidden, Invalid, NotFound, field_error
from app.domain.events.service import record_event
from app.domain.programs import access as program_access
from app.domain.programs import service as programs
from app.domain.programs.models import Program
from app.domain.support import access
from app.domain.support.models import Circle, CircleMeeting, CircleMember, MeetingAttendance
from app.domain.support.schemas import (
    AttendanceMark,
    AttendanceRead,
    ConfidencePoint,
    ConfidenceSummary,
    MeetingCreate,
    MeetingRead,
    MeetingResponse,
    MeetingUpdate,
    MentorConfidence,
)


def to_read(meeting: CircleMeeting) -> MeetingRead:
    return MeetingRead(
        id=meeting.id,
        circle_id=meeting.circle_id,
        starts_at=meeting.starts_at,
        duration_minutes=meeting.duration_minutes,
        location=meeting.location,
        link=meeting.link,
        agenda=meeting.agenda,
        notes=meeting.notes,
        version=meeting.version,
    )


def attendance_read(row: MeetingAttendance) -> AttendanceRead:
    return AttendanceRead(
        meeting_id=row.meeting_id,
        employee_id=row.employee_id,
        guest_id=row.guest_id,
        rsvp=row.rsvp,
        attended=row.attended,
        confidence=row.confidence,
    )


def _require_lead(principal: Principal, program: Program, circle: Circle) -> None:
    if not access.leads(principal, program, circle):
        raise Forbidden(
            "The circle's facilitator and the program's managers organise meetings.",
            code="not_facilitator",
        )


async def schedule_meeting(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    data: MeetingCreate,
) -> CircleMeeting:
    program, circle, _member = await access.visible_circle(
        session, principal, program_id, circle_id
    )
    _require_lead(principal, program, circle)
    meeting = CircleMeeting(
        organization_id=circle.organization_id, circle_id=circle.id, **data.model_dump()
    )
    session.add(meeting)
    await session.flush()
    await record_event(
        session,
        organization_id=circle.organization_id,
        type="circle.meeting_scheduled",
        subject_type="circle_meeting",
        subject_id=meeting.id,
        data=to_read(meeting).model_dump(mode="json") | {"program_id": str(program.id)},
        actor=principal,
    )
    return meeting


async def list_meetings(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    *,
    limit: int | None,
    cursor: str | None,
) -> pagination.Page[CircleMeeting]:
    _program, circle, _member = await access.visible_circle(
        session, principal, program_id, circle_id
    )
    statement = select(CircleMeeting).where(CircleMeeting.circle_id == circle.id)
    return await pagination.paginate(
        session,
        statement,
        keys=[CircleMeeting.starts_at, CircleMeeting.id],
        limit=limit,
        cursor=cursor,
    )


async def _meeting(session: AsyncSession, circle: Circle, meeting_id: uuid.UUID) -> CircleMeeting:
    meeting = (
        await session.exec(
            select(CircleMeeting).where(
                CircleMeeting.id == meeting_id, CircleMeeting.circle_id == circle.id
            )
        )
    ).first()
    if meeting is None:
        raise NotFound("Meeting not found.", code="meeting_not_found")
    return meeting


async def get_meeting(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    meeting_id: uuid.UUID,
) -> CircleMeeting:
    _program, circle, _member = await access.visible_circle(
        session, principal, program_id, circle_id
    )
    return await _meeting(session, circle, meeting_id)


async def update_meeting(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    meeting_id: uuid.UUID,
    data: MeetingUpdate,
    expected_version: int | None,
) -> CircleMeeting:
    program, circle, _member = await access.visible_circle(
        session, principal, program_id, circle_id
    )
    meeting = await _meeting(session, circle, meeting_id)
    _require_lead(principal, program, circle)
    check_version(meeting.version, expected_version, "meeting")
    changes = data.model_dump(exclude_unset=True)
    for required in ("starts_at", "duration_minutes"):
        if required in changes and changes[required] is None:
            raise Invalid(
                "Some required fields cannot be cleared.",
                errors=[field_error(required, "cannot be null", "required")],
            )
    for name, value in changes.items():
        setattr(meeting, name, value)
    session.add(meeting)
    await flush_versioned(session, "meeting")
    return meeting


async def _attendance(
    session: AsyncSession,
    meeting: CircleMeeting,
    employee_id: uuid.UUID | None,
    guest_id: uuid.UUID | None,
) -> MeetingAttendance:
    statement = select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting.id)
    if guest_id is not None:
        statement = statement.where(MeetingAttendance.guest_id == guest_id)
    else:
        statement = statement.where(MeetingAttendance.employee_id == employee_id)
    row = (await session.exec(statement)).first()
    if row is not None:
        return row
    row = MeetingAttendance(
        organization_id=meeting.organization_id,
        meeting_id=meeting.id,
        employee_id=employee_id,
        guest_id=guest_id,
    )
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError as exc:
        raise Conflict("Answered at the same time by another request.", code="conflict") from exc
    return row


async def respond(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    meeting_id: uuid.UUID,
    data: MeetingResponse,
) -> MeetingAttendance:
    """A member's own RSVP and the confidence they report at the meeting."""
    _program, circle, member = await access.visible_circle(
        session, principal, program_id, circle_id
    )
    meeting = await _meeting(session, circle, meeting_id)
    if member is None:
        raise Forbidden("Only the circle's members answer its meetings.", code="not_member")
    row = await _attendance(session, meeting, member.employee_id, member.guest_id)
    if data.rsvp is not None:
        row.rsvp = data.rsvp
    if data.confidence is not None:
        row.confidence = data.confidence
    session.add(row)
    await session.flush()
    return row


async def mark_attendance(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    meeting_id: uuid.UUID,
    data: AttendanceMark,
) -> MeetingAttendance:
    program, circle, _member = await access.visible_circle(
        session, principal, program_id, circle_id
    )
    meeting = await _meeting(session, circle, meeting_id)
    _require_lead(principal, program, circle)
    statement = select(CircleMember.id).where(CircleMember.circle_id == circle.id)
    if data.guest_id is not None:
        statement = statement.where(CircleMember.guest_id == data.guest_id)
    else:
        statement = statement.where(CircleMember.employee_id == data.employee_id)
    if (await session.exec(statement)).first() is None:
        raise Invalid(
            "Attendance is taken for the circle's members.",
            errors=[field_error("employee_id", "not a member of the circle", "not_member")],
        )
    row = await _attendance(session, meeting, data.employee_id, data.guest_id)
    row.attended = data.attended
    session.add(row)
    await session.flush()
    return row


async def list_attendance(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    meeting_id: uuid.UUID,
) -> list[MeetingAttendance]:
    _program, circle, _member = await access.visible_circle(
        session, principal, program_id, circle_id
    )
    meeting = await _meeting(session, circle, meeting_id)
    rows = await session.exec(
        select(MeetingAttendance)
        .where(MeetingAttendance.meeting_id == meeting.id)
        .order_by(col(MeetingAttendance.id))
    )
    return list(rows.all())


# --- confidence over time ------------------------------------------------------------------


async def confidence_summary(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID
) -> ConfidenceSummary:
    """Each mentor's confidence at joining and at each meeting, and how the program moved.

    For the program's managers and readers: it shows whether the network helps.
    """
    program = await programs.get_program(session, principal, program_id)
    if not program_access.sees_whole_consultation(principal, program):
        raise Forbidden(
            "Only the program's managers and administrators read this.",
            code="not_program_manager",
        )
    points: dict[uuid.UUID, list[ConfidencePoint]] = defaultdict(list)
    joined = await session.exec(
        select(
            CircleMember.employee_id, CircleMember.joined_at, CircleMember.confidence_at_joining
        ).where(
            CircleMember.program_id == program.id,
            col(CircleMember.employee_id).is_not(None),
            col(CircleMember.confidence_at_joining).is_not(None),
        )
    )
    for employee_id, at, value in joined.all():
        if employee_id is None or value is None:  # excluded by the query
            continue
        points[employee_id].append(ConfidencePoint(at=at, value=value, source="joining"))
    rated = await session.exec(
        select(MeetingAttendance.employee_id, CircleMeeting.starts_at, MeetingAttendance.confidence)
        .join(CircleMeeting, col(CircleMeeting.id) == col(MeetingAttendance.meeting_id))
        .join(Circle, col(Circle.id) == col(CircleMeeting.circle_id))
        .where(
            Circle.program_id == program.id,
            col(MeetingAttendance.employee_id).is_not(None),
            col(MeetingAttendance.confidence).is_not(None),
        )
    )
    for employee_id, at, value in rated.all():
        if employee_id is None or value is None:  # excluded by the query
            continue
        points[employee_id].append(ConfidencePoint(at=at, value=value, source="meeting"))
    mentors: list[MentorConfidence] = []
    for employee_id in sorted(points, key=str):
        series = sorted(points[employee_id], key=lambda p: (p.at, p.source != "joining"))
        mentors.append(
            MentorConfidence(
                employee_id=employee_id,
                first=series[0].value,
                latest=series[-1].value,
                change=series[-1].value - series[0].value,
                points=series,
            )
        )
    count = len(mentors)
    return ConfidenceSummary(
        program_id=program.id,
        mentors_reporting=count,
        average_first=round(sum(m.first for m in mentors) / count, 2) if count else None,
        average_latest=round(sum(m.latest for m in mentors) / count, 2) if count else None,
        mentors_improved=sum(1 for m in mentors if m.change > 0),
        mentors_declined=sum(1 for m in mentors if m.change < 0),
        mentors=mentors,
    )

"""Items of the mentor support network: circle meetings to answer, workshops coming up.

These reach guest mentors too (their agenda); nudges go to employees only.
"""

from datetime import timedelta

from sqlalchemy import and_, exists, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.engagement.models import AgendaKind, Due, Recipient, SubjectType
from app.domain.engagement.rules import Scope, at, days, item, setting, stamp
from app.domain.programs.engagement_settings import DEFAULTS
from app.domain.programs.models import Program
from app.domain.support.models import (
    Circle,
    CircleMeeting,
    CircleMember,
    MeetingAttendance,
    RegistrationStatus,
    Workshop,
    WorkshopRegistration,
)


async def meeting_answer(session: AsyncSession, scope: Scope) -> list[Due]:
    """A circle meeting coming up that a member has not answered (yes, no or maybe)."""
    before = setting("meeting_answer_days_before")
    answered = exists().where(
        col(MeetingAttendance.meeting_id) == CircleMeeting.id,
        col(MeetingAttendance.rsvp).is_not(None),
        (col(MeetingAttendance.employee_id) == CircleMember.employee_id)
        | (col(MeetingAttendance.guest_id) == CircleMember.guest_id),
    )
    rows = await session.exec(
        select(  # type: ignore[call-overload]
            CircleMeeting.id,
            CircleMeeting.organization_id,
            Circle.program_id,
            Circle.id,
            CircleMember.employee_id,
            CircleMember.guest_id,
            CircleMeeting.starts_at,
            before,
        )
        .join(Circle, col(Circle.id) == CircleMeeting.circle_id)
        .join(Program, col(Program.id) == Circle.program_id)
        .join(CircleMember, col(CircleMember.circle_id) == Circle.id)
        .where(
            *scope.tenant(CircleMeeting.organization_id),
            *scope.for_person(CircleMember.employee_id, CircleMember.guest_id),
            scope.elapsed(CircleMeeting.starts_at) < 0,
            scope.elapsed(CircleMeeting.starts_at) >= -before,
            ~answered,
        )
    )
    found = []
    for meeting_id, org, program_id, circle_id, employee, guest, starts_at, after in rows.all():
        starts = at(starts_at)
        found.append(
            item(
                scope,
                org,
                Recipient(employee_id=employee, guest_id=guest),
                kind=AgendaKind.MEETING_ANSWER,
                subject=(SubjectType.MEETING, meeting_id),
                program_id=program_id,
                reason=(
                    f"Your circle meets on {starts:%Y-%m-%d at %H:%M} UTC: say whether you "
                    "will come."
                ),
                due_at=starts - days(after),
                # The day before, an answer is urgent.
                urgent_at=starts - days(1),
                action=(
                    "PUT",
                    f"/programs/{program_id}/circles/{circle_id}/meetings/{meeting_id}/my-response",
                ),
                round=stamp(starts),
            )
        )
    return found


async def workshop_tomorrow(session: AsyncSession, scope: Scope) -> list[Due]:
    """A workshop a person is registered for (not waitlisted) that starts within the
    reminder window (24 hours unless the program says otherwise)."""
    hours = func.coalesce(
        Program.__table__.c.engagement_settings["workshop_reminder_hours"].as_integer(),  # type: ignore[attr-defined]
        DEFAULTS.workshop_reminder_hours,
    )
    rows = await session.exec(
        select(  # type: ignore[call-overload]
            Workshop.id,
            Workshop.organization_id,
            Workshop.program_id,
            Workshop.title,
            WorkshopRegistration.employee_id,
            WorkshopRegistration.guest_id,
            Workshop.starts_at,
            hours,
        )
        .join(WorkshopRegistration, col(WorkshopRegistration.workshop_id) == Workshop.id)
        .outerjoin(Program, and_(col(Program.id) == Workshop.program_id))
        .where(
            *scope.tenant(Workshop.organization_id),
            *scope.for_person(WorkshopRegistration.employee_id, WorkshopRegistration.guest_id),
            col(WorkshopRegistration.status) == RegistrationStatus.REGISTERED,
            scope.elapsed(Workshop.starts_at) < 0,
            scope.elapsed(Workshop.starts_at) * 24 >= -hours,
        )
    )
    found = []
    for workshop_id, org, program_id, title, employee, guest, starts_at, window in rows.all():
        starts = at(starts_at)
        found.append(
            item(
                scope,
                org,
                Recipient(employee_id=employee, guest_id=guest),
                kind=AgendaKind.WORKSHOP_TOMORROW,
                subject=(SubjectType.WORKSHOP, workshop_id),
                program_id=program_id,
                reason=f"The workshop {title!r} starts on {starts:%Y-%m-%d at %H:%M} UTC.",
                due_at=starts - timedelta(hours=window),
                urgent_at=None,
                action=("GET", f"/workshops/{workshop_id}"),
                round=stamp(starts),
            )
        )
    return found

"""iCalendar feeds (RFC 5545) of circle meetings and workshops, built with ``icalendar``.

Calendar applications fetch a subscription without sending an Authorization header, so a
feed is reached at a secret address: ``/calendar-feeds/{token}``. The token (256
random bits, only its SHA-256 stored) is the credential and opens that one feed, read
only; asking for a new feed gives a new address. A feed stops answering when the person
who asked for it loses the right to see it (left the circle, left the company, guest token
revoked). A circle's feed shows its meetings; a
person's feed shows the meetings of their circles and the workshops they registered for.
"""

import secrets
from datetime import timedelta

from icalendar import Calendar, Event
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain.access.authentication import hash_token
from app.domain.access.principal import Principal, Role
from app.domain.employees.models import Employee, EmployeeStatus
from app.domain.errors import Forbidden, Unauthorized
from app.domain.programs.models import ProgramManager
from app.domain.support import access
from app.domain.support.models import (
    CalendarFeed,
    Circle,
    CircleMeeting,
    CircleMember,
    GuestMentor,
    RegistrationStatus,
    Workshop,
    WorkshopRegistration,
)
from app.domain.support.schemas import CalendarFeedCreate

FEED_TOKEN_PREFIX = "cal_"  # noqa: S105 - a prefix, not a secret
PRODUCT_ID = "-//Reverse mentoring//Support network//EN"


async def create_feed(
    session: AsyncSession, principal: Principal, data: CalendarFeedCreate
) -> tuple[CalendarFeed, str]:
    """A new secret feed address for a circle the caller sees, or for the caller themself."""
    if data.circle_id is not None:
        circle = (
            await session.exec(
                select(Circle).where(
                    Circle.id == data.circle_id,
                    Circle.organization_id == principal.organization_id,
                )
            )
        ).first()
        if circle is None:
            raise access.circle_not_found()
        await access.visible_circle(session, principal, circle.program_id, circle.id)
    elif principal.employee_id is None and principal.guest_id is None:
        raise Forbidden("A personal calendar belongs to a person.", code="not_a_person")
    token = FEED_TOKEN_PREFIX + secrets.token_urlsafe(32)
    feed = CalendarFeed(
        organization_id=principal.organization_id,
        token_hash=hash_token(token),
        circle_id=data.circle_id,
        employee_id=principal.employee_id,
        guest_id=principal.guest_id,
    )
    session.add(feed)
    await session.flush()
    return feed, token


async def _owner_still_entitled(session: AsyncSession, feed: CalendarFeed) -> bool:
    """A feed lives as long as its owner may see what it shows.

    A guest whose token was revoked, an employee who left, someone who left the circle
    (and does not run its program) stop being served, whoever holds the address.
    """
    if feed.guest_id is not None:
        guest = await session.get(GuestMentor, feed.guest_id)
        if guest is None or guest.revoked_at is not None:
            return False
    elif feed.employee_id is not None:
        employee = await session.get(Employee, feed.employee_id)
        if employee is None or employee.status != EmployeeStatus.ACTIVE:
            return False
    if feed.circle_id is None:
        return feed.employee_id is not None or feed.guest_id is not None
    member = select(CircleMember.id).where(CircleMember.circle_id == feed.circle_id)
    if feed.guest_id is not None:
        member = member.where(CircleMember.guest_id == feed.guest_id)
    elif feed.employee_id is not None:
        member = member.where(CircleMember.employee_id == feed.employee_id)
    else:
        return True  # made by an API key that oversees the program
    if (await session.exec(member)).first() is not None:
        return True
    if feed.employee_id is None:
        return False
    employee = await session.get(Employee, feed.employee_id)
    circle = await session.get(Circle, feed.circle_id)
    if employee is None or circle is None:
        return False
    if employee.role == Role.ADMIN:
        return True
    runs = await session.exec(
        select(ProgramManager.id).where(
            ProgramManager.program_id == circle.program_id,
            ProgramManager.employee_id == employee.id,
        )
    )
    return runs.first() is not None


def _meeting_event(meeting: CircleMeeting, circle_name: str) -> Event:
    event = Event()
    event.add("uid", f"circle-meeting-{meeting.id}")
    event.add("dtstamp", utcnow())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.starts_at + timedelta(minutes=meeting.duration_minutes))
    event.add("summary", f"{circle_name}: circle meeting")
    if meeting.agenda:
        event.add("description", meeting.agenda)
    if meeting.location:
        event.add("location", meeting.location)
    if meeting.link:
        event.add("url", meeting.link)
    event.add("sequence", meeting.version - 1)
    return event


def _workshop_event(workshop: Workshop) -> Event:
    event = Event()
    event.add("uid", f"workshop-{workshop.id}")
    event.add("dtstamp", utcnow())
    event.add("dtstart", workshop.starts_at)
    event.add("dtend", workshop.ends_at)
    event.add("summary", workshop.title)
    if workshop.description:
        event.add("description", workshop.description)
    if workshop.location:
        event.add("location", workshop.location)
    event.add("sequence", workshop.version - 1)
    return event


async def render_feed(session: AsyncSession, token: str) -> bytes:
    """The feed a secret address stands for, as ``text/calendar`` bytes."""
    feed = (
        await session.exec(select(CalendarFeed).where(CalendarFeed.token_hash == hash_token(token)))
    ).first()
    if feed is None or not await _owner_still_entitled(session, feed):
        raise Unauthorized("This calendar address is unknown.", code="invalid_feed_token")
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    meetings = select(CircleMeeting, Circle.name).join(
        Circle, col(Circle.id) == col(CircleMeeting.circle_id)
    )
    if feed.circle_id is not None:
        meetings = meetings.where(CircleMeeting.circle_id == feed.circle_id)
        calendar.add("x-wr-calname", "Circle meetings")
    else:
        mine = select(CircleMember.circle_id)
        if feed.guest_id is not None:
            mine = mine.where(CircleMember.guest_id == feed.guest_id)
        else:
            mine = mine.where(CircleMember.employee_id == feed.employee_id)
        meetings = meetings.where(col(CircleMeeting.circle_id).in_(mine))
        calendar.add("x-wr-calname", "Mentor support network")
    rows = await session.exec(
        meetings.where(CircleMeeting.organization_id == feed.organization_id).order_by(
            col(CircleMeeting.starts_at), col(CircleMeeting.id)
        )
    )
    for meeting, circle_name in rows.all():
        calendar.add_component(_meeting_event(meeting, circle_name))
    if feed.circle_id is None:
        registered = select(WorkshopRegistration.workshop_id).where(
            WorkshopRegistration.status == RegistrationStatus.REGISTERED.value,
            (WorkshopRegistration.guest_id == feed.guest_id)
            if feed.guest_id is not None
            else (WorkshopRegistration.employee_id == feed.employee_id),
        )
        for workshop in (
            await session.exec(
                select(Workshop)
                .where(col(Workshop.id).in_(registered))
                .order_by(col(Workshop.starts_at), col(Workshop.id))
            )
        ).all():
            calendar.add_component(_workshop_event(workshop))
    ical: bytes = calendar.to_ical()
    return ical

"""Registering for workshops: seats, the waitlist, attendance and feedback."""

import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain import pagination
from app.domain.access.principal import Principal
from app.domain.errors import Conflict, Forbidden, NotFound
from app.domain.support import seats, workshops
from app.domain.support.models import RegistrationStatus, Workshop, WorkshopRegistration
from app.domain.support.schemas import WorkshopFeedback

ACTIVE = (RegistrationStatus.REGISTERED.value, RegistrationStatus.WAITLISTED.value)


async def _own(
    session: AsyncSession, principal: Principal, workshop: Workshop
) -> WorkshopRegistration | None:
    statement = select(WorkshopRegistration).where(WorkshopRegistration.workshop_id == workshop.id)
    if principal.guest_id is not None:
        statement = statement.where(WorkshopRegistration.guest_id == principal.guest_id)
    else:
        statement = statement.where(WorkshopRegistration.employee_id == principal.employee_id)
    return (await session.exec(statement)).first()


async def register(
    session: AsyncSession, principal: Principal, workshop_id: uuid.UUID
) -> WorkshopRegistration:
    """Register the caller: a seat if one is free, otherwise a place on the waitlist.

    Registrations to one workshop take its lock in turn, so the place in the queue and the
    position answered are exact when the answer is sent, however many register at once.
    """
    workshop = await workshops.get_workshop(session, principal, workshop_id, lock="update")
    if principal.employee_id is None and principal.guest_id is None:
        raise Forbidden("People register, not API keys.", code="not_a_person")
    if workshop.ends_at <= utcnow():
        raise Conflict("The workshop is over.", code="workshop_over")
    registration = await _own(session, principal, workshop)
    if registration is not None and registration.status != RegistrationStatus.CANCELLED:
        raise Conflict("Already registered or waiting.", code="already_registered")
    if registration is None:
        registration = WorkshopRegistration(
            organization_id=workshop.organization_id,
            workshop_id=workshop.id,
            employee_id=principal.employee_id,
            guest_id=principal.guest_id,
            status=RegistrationStatus.WAITLISTED,
            queued_at=await seats.end_of_queue(session, workshop),
        )
        try:
            async with session.begin_nested():
                session.add(registration)
                await session.flush()
        except IntegrityError as exc:
            raise Conflict("Already registered or waiting.", code="already_registered") from exc
    else:
        registration.status = RegistrationStatus.WAITLISTED
        registration.queued_at = await seats.end_of_queue(session, workshop)
        session.add(registration)
        await session.flush()
    await seats.take_seat(session, workshop, registration)
    await seats.changed(session, principal, registration, "registered")
    return registration


async def cancel(
    session: AsyncSession, principal: Principal, workshop_id: uuid.UUID
) -> WorkshopRegistration:
    workshop = await workshops.get_workshop(session, principal, workshop_id, lock="share")
    registration = await _own(session, principal, workshop)
    if registration is None or registration.status == RegistrationStatus.CANCELLED:
        raise NotFound("You are not registered.", code="registration_not_found")
    await seats.release(session, principal, workshop, registration)
    return registration


async def my_registration(
    session: AsyncSession, principal: Principal, workshop_id: uuid.UUID
) -> WorkshopRegistration:
    workshop = await workshops.get_workshop(session, principal, workshop_id)
    registration = await _own(session, principal, workshop)
    if registration is None:
        raise NotFound("You are not registered.", code="registration_not_found")
    return registration


async def list_registrations(
    session: AsyncSession,
    principal: Principal,
    workshop_id: uuid.UUID,
    *,
    status: RegistrationStatus | None,
    limit: int | None,
    cursor: str | None,
) -> pagination.Page[WorkshopRegistration]:
    workshop = await workshops.get_workshop(session, principal, workshop_id)
    await workshops.require_run(session, principal, workshop)
    statement = select(WorkshopRegistration).where(WorkshopRegistration.workshop_id == workshop.id)
    if status is not None:
        statement = statement.where(WorkshopRegistration.status == status.value)
    return await pagination.paginate(
        session, statement, keys=[WorkshopRegistration.id], limit=limit, cursor=cursor
    )


async def mark_attendance(
    session: AsyncSession,
    principal: Principal,
    workshop_id: uuid.UUID,
    registration_id: uuid.UUID,
    attended: bool,
) -> WorkshopRegistration:
    workshop = await workshops.get_workshop(session, principal, workshop_id)
    await workshops.require_run(session, principal, workshop)
    registration = (
        await session.exec(
            select(WorkshopRegistration).where(
                WorkshopRegistration.id == registration_id,
                WorkshopRegistration.workshop_id == workshop.id,
            )
        )
    ).first()
    if registration is None:
        raise NotFound("Registration not found.", code="registration_not_found")
    if registration.status != RegistrationStatus.REGISTERED:
        raise Conflict("Only registered people attend.", code="not_registered")
    registration.attended = attended
    session.add(registration)
    await session.flush()
    return registration


async def give_feedback(
    session: AsyncSession, principal: Principal, workshop_id: uuid.UUID, data: WorkshopFeedback
) -> WorkshopRegistration:
    # Shared lock: a workshop's change answers its rating count while no rating is half-made.
    workshop = await workshops.get_workshop(session, principal, workshop_id, lock="share")
    registration = await _own(session, principal, workshop)
    if registration is None:
        raise NotFound("You are not registered.", code="registration_not_found")
    if registration.status != RegistrationStatus.REGISTERED:
        raise Conflict("Only registered people rate a workshop.", code="not_registered")
    registration.rating = data.rating
    registration.feedback = data.feedback
    session.add(registration)
    await session.flush()
    return registration


async def release_employee(
    session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID
) -> int:
    """Give back a leaving employee's places, promoting those waiting."""
    return await _release(session, organization_id, WorkshopRegistration.employee_id == employee_id)


async def release_guest(
    session: AsyncSession, organization_id: uuid.UUID, guest_id: uuid.UUID
) -> int:
    return await _release(session, organization_id, WorkshopRegistration.guest_id == guest_id)


async def _release(session: AsyncSession, organization_id: uuid.UUID, whose: Any) -> int:
    # The workshops are held like a cancellation holds them, so a registration made at the
    # same time waits and answers the queue as it is after this leaver.
    rows = await session.exec(
        select(WorkshopRegistration, Workshop)
        .join(Workshop, col(Workshop.id) == col(WorkshopRegistration.workshop_id))
        .where(
            WorkshopRegistration.organization_id == organization_id,
            whose,
            col(WorkshopRegistration.status).in_(ACTIVE),
        )
        .order_by(col(Workshop.id), col(WorkshopRegistration.id))
        .with_for_update(read=True, of=Workshop)
    )
    released = 0
    for registration, workshop in rows.all():
        await seats.release(session, None, workshop, registration)
        released += 1
    return released

"""The seats of a workshop: the only code that takes or gives them back.

A registration takes a seat (0 to capacity - 1) and seats are unique per workshop, so the
database refuses an extra registration however many requests race; the losers of a race
retry the next free seat and, when none is left, join the waitlist. Registrations hold the
workshop's lock, so the waitlist is ordered one at a time and each person is told the
position they really have. Giving a seat back hands it to the first person waiting.
"""

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.db.locking import skip_locked
from app.domain.access.principal import Principal
from app.domain.errors import Conflict
from app.domain.events.service import record_event
from app.domain.support.models import RegistrationStatus, Workshop, WorkshopRegistration
from app.domain.support.schemas import RegistrationRead


async def registration_reads(
    session: AsyncSession, registrations: Sequence[WorkshopRegistration]
) -> list[RegistrationRead]:
    """A page of registrations, with every waitlist position found in one query."""
    workshop_ids = {
        r.workshop_id for r in registrations if r.status == RegistrationStatus.WAITLISTED
    }
    positions: dict[uuid.UUID, int] = {}
    if workshop_ids:
        queue = await session.exec(
            select(WorkshopRegistration.id, WorkshopRegistration.workshop_id)
            .where(
                col(WorkshopRegistration.workshop_id).in_(workshop_ids),
                WorkshopRegistration.status == RegistrationStatus.WAITLISTED.value,
            )
            .order_by(
                col(WorkshopRegistration.workshop_id),
                col(WorkshopRegistration.queued_at),
                col(WorkshopRegistration.id),
            )
        )
        ahead: dict[uuid.UUID, int] = {}
        for registration_id, workshop_id in queue.all():
            ahead[workshop_id] = ahead.get(workshop_id, 0) + 1
            positions[registration_id] = ahead[workshop_id]
    return [_registration_view(r, positions.get(r.id)) for r in registrations]


def _registration_view(
    registration: WorkshopRegistration, position: int | None
) -> RegistrationRead:
    return RegistrationRead(
        id=registration.id,
        workshop_id=registration.workshop_id,
        employee_id=registration.employee_id,
        guest_id=registration.guest_id,
        status=registration.status,
        waitlist_position=position,
        attended=registration.attended,
        rating=registration.rating,
        feedback=registration.feedback,
        created_at=registration.created_at,
    )


async def registration_read(
    session: AsyncSession, registration: WorkshopRegistration
) -> RegistrationRead:
    position = None
    if registration.status == RegistrationStatus.WAITLISTED:
        ahead = await session.exec(
            select(func.count())
            .select_from(WorkshopRegistration)
            .where(
                WorkshopRegistration.workshop_id == registration.workshop_id,
                WorkshopRegistration.status == RegistrationStatus.WAITLISTED.value,
                or_(
                    col(WorkshopRegistration.queued_at) < registration.queued_at,
                    (col(WorkshopRegistration.queued_at) == registration.queued_at)
                    & (col(WorkshopRegistration.id) < registration.id),
                ),
            )
        )
        position = int(ahead.one()) + 1
    return _registration_view(registration, position)


async def end_of_queue(session: AsyncSession, workshop: Workshop) -> datetime:
    """A queue time after everyone already queued, for a caller holding the workshop's lock.

    Clocks of several replicas may disagree; the queue's order must not.
    """
    last = (
        await session.exec(
            select(func.max(WorkshopRegistration.queued_at)).where(
                WorkshopRegistration.workshop_id == workshop.id
            )
        )
    ).one()
    now = utcnow()
    return now if last is None or now > last else last + timedelta(microseconds=1)


async def seats_taken(session: AsyncSession, workshop: Workshop) -> set[int]:
    rows = await session.exec(
        select(WorkshopRegistration.seat).where(
            WorkshopRegistration.workshop_id == workshop.id,
            col(WorkshopRegistration.seat).is_not(None),
        )
    )
    return {seat for seat in rows.all() if seat is not None}


async def compact_seats(session: AsyncSession, workshop: Workshop, capacity: int) -> None:
    """Move people off the seats a smaller capacity removes, or refuse if they do not fit."""
    taken = await seats_taken(session, workshop)
    if len(taken) > capacity:
        raise Conflict(
            f"{len(taken)} people are registered; the capacity cannot go below that.",
            code="capacity_below_registered",
        )
    free = iter(sorted(set(range(capacity)) - taken))
    for seat in sorted(s for s in taken if s >= capacity):
        await session.exec(
            update(WorkshopRegistration)
            .where(
                col(WorkshopRegistration.workshop_id) == workshop.id,
                col(WorkshopRegistration.seat) == seat,
            )
            .values(seat=next(free))
        )


async def take_seat(
    session: AsyncSession, workshop: Workshop, registration: WorkshopRegistration
) -> bool:
    """Give ``registration`` a free seat; False when every seat is taken."""
    for _attempt in range(workshop.capacity + 2):
        taken = set(
            (
                await session.exec(
                    select(WorkshopRegistration.seat).where(
                        WorkshopRegistration.workshop_id == workshop.id,
                        col(WorkshopRegistration.seat).is_not(None),
                    )
                )
            ).all()
        )
        free = next((s for s in range(workshop.capacity) if s not in taken), None)
        if free is None:
            return False
        try:
            async with session.begin_nested():
                await session.exec(
                    update(WorkshopRegistration)
                    .where(col(WorkshopRegistration.id) == registration.id)
                    .values(seat=free, status=RegistrationStatus.REGISTERED.value)
                )
        except IntegrityError:
            continue  # another request took this seat first: look again
        await session.refresh(registration)
        return True
    raise Conflict(
        "Too many people registered at the same time; try again.", code="registration_busy"
    )


async def changed(
    session: AsyncSession,
    principal: Principal | None,
    registration: WorkshopRegistration,
    reason: str,
) -> None:
    snapshot = (await registration_read(session, registration)).model_dump(mode="json")
    await record_event(
        session,
        organization_id=registration.organization_id,
        type="workshop.registration_changed",
        subject_type="workshop_registration",
        subject_id=registration.id,
        data=snapshot | {"reason": reason},
        actor=principal,
    )


async def promote(session: AsyncSession, workshop: Workshop) -> None:
    """Hand free seats to the people waiting longest."""
    while True:
        statement = (
            select(WorkshopRegistration)
            .where(
                WorkshopRegistration.workshop_id == workshop.id,
                WorkshopRegistration.status == RegistrationStatus.WAITLISTED.value,
            )
            .order_by(col(WorkshopRegistration.queued_at), col(WorkshopRegistration.id))
            .limit(1)
        )
        waiting = (await session.exec(skip_locked(session, statement))).first()
        if waiting is None or not await take_seat(session, workshop, waiting):
            return
        await changed(session, None, waiting, "promoted_from_waitlist")


async def release(
    session: AsyncSession,
    principal: Principal | None,
    workshop: Workshop,
    registration: WorkshopRegistration,
) -> None:
    had_seat = registration.status == RegistrationStatus.REGISTERED
    await session.exec(
        update(WorkshopRegistration)
        .where(col(WorkshopRegistration.id) == registration.id)
        .values(seat=None, status=RegistrationStatus.CANCELLED.value)
    )
    await session.refresh(registration)
    await changed(session, principal, registration, "cancelled")
    if had_seat:
        await promote(session, workshop)

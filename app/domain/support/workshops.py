"""Workshops for one program or the whole organisation: registration, waitlist, feedback.

A registration takes a seat (0 to capacity - 1) and seats are unique per workshop, so the
database refuses an extra registration however many requests race; the losers of a race
retry the next free seat and, when none is left, join the waitlist. Giving a seat back
hands it to the first person waiting.
"""

import uuid
from collections.abc import Sequence
from typing import Any, Literal

from sqlalchemy import func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.db.locking import skip_locked
from app.domain import pagination
from app.domain.access.principal import Principal
from app.domain.concurrency import check_version, flush_versioned
from app.domain.employees.models import Employee, EmployeeStatus
from app.domain.errors import Conflict, Forbidden, Invalid, NotFound, field_error
from app.domain.events.service import record_event
from app.domain.programs import access as program_access
from app.domain.programs import service as programs
from app.domain.programs.models import Program
from app.domain.support.models import (
    GuestMentor,
    RegistrationStatus,
    Workshop,
    WorkshopGuestInvitation,
    WorkshopRegistration,
)
from app.domain.support.schemas import (
    PersonRef,
    RegistrationRead,
    WorkshopCreate,
    WorkshopFeedback,
    WorkshopRead,
    WorkshopUpdate,
)

WORKSHOP_REQUIRED = ("title", "starts_at", "ends_at", "capacity")

ACTIVE = (RegistrationStatus.REGISTERED.value, RegistrationStatus.WAITLISTED.value)


def _not_found() -> NotFound:
    return NotFound("Workshop not found.", code="workshop_not_found")


async def counts(
    session: AsyncSession, workshop_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, dict[str, int]]:
    result: dict[uuid.UUID, dict[str, int]] = {w: {} for w in workshop_ids}
    if not workshop_ids:
        return result
    rows = await session.exec(
        select(WorkshopRegistration.workshop_id, WorkshopRegistration.status, func.count())
        .where(col(WorkshopRegistration.workshop_id).in_(workshop_ids))
        .group_by(col(WorkshopRegistration.workshop_id), col(WorkshopRegistration.status))
    )
    for workshop_id, status, count in rows.all():
        result[workshop_id][str(status)] = int(count)
    return result


def to_read(workshop: Workshop, tally: dict[str, int]) -> WorkshopRead:
    facilitator = None
    if workshop.facilitator_employee_id or workshop.facilitator_guest_id:
        facilitator = PersonRef(
            employee_id=workshop.facilitator_employee_id, guest_id=workshop.facilitator_guest_id
        )
    return WorkshopRead(
        id=workshop.id,
        program_id=workshop.program_id,
        title=workshop.title,
        description=workshop.description,
        facilitator=facilitator,
        starts_at=workshop.starts_at,
        ends_at=workshop.ends_at,
        capacity=workshop.capacity,
        location=workshop.location,
        registered=tally.get(RegistrationStatus.REGISTERED.value, 0),
        waitlisted=tally.get(RegistrationStatus.WAITLISTED.value, 0),
        version=workshop.version,
    )


async def read(session: AsyncSession, workshop: Workshop) -> WorkshopRead:
    return to_read(workshop, (await counts(session, [workshop.id]))[workshop.id])


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


# --- visibility ----------------------------------------------------------------------------


def _visible(principal: Principal) -> object | None:
    if principal.is_guest:
        invited = select(WorkshopGuestInvitation.workshop_id).where(
            WorkshopGuestInvitation.guest_id == principal.guest_id
        )
        return or_(
            col(Workshop.id).in_(invited), col(Workshop.facilitator_guest_id) == principal.guest_id
        )
    condition = program_access.visible_programs(principal)
    if condition is None:
        return None
    programs_seen = select(Program.id).where(
        Program.organization_id == principal.organization_id, condition
    )
    return or_(col(Workshop.program_id).is_(None), col(Workshop.program_id).in_(programs_seen))


async def get_workshop(
    session: AsyncSession,
    principal: Principal,
    workshop_id: uuid.UUID,
    *,
    lock: Literal["share", "update"] | None = None,
) -> Workshop:
    """A workshop the caller sees.

    Registrations hold it ``share``-locked, so they still race each other (the seats decide)
    while a change of capacity (``update``) waits for them and they wait for it.
    """
    if not principal.is_guest:
        program_access.require_read(principal)
    statement = select(Workshop).where(
        Workshop.id == workshop_id, Workshop.organization_id == principal.organization_id
    )
    visible = _visible(principal)
    if visible is not None:
        statement = statement.where(visible)  # type: ignore[arg-type]
    if lock is not None:
        statement = statement.with_for_update(read=lock == "share", of=Workshop)
        statement = statement.execution_options(populate_existing=True)
    workshop = (await session.exec(statement)).first()
    if workshop is None:
        raise _not_found()
    return workshop


async def list_workshops(
    session: AsyncSession,
    principal: Principal,
    *,
    program_id: uuid.UUID | None,
    limit: int | None,
    cursor: str | None,
) -> pagination.Page[Workshop]:
    if not principal.is_guest:
        program_access.require_read(principal)
    statement = select(Workshop).where(Workshop.organization_id == principal.organization_id)
    if program_id is not None:
        statement = statement.where(Workshop.program_id == program_id)
    visible = _visible(principal)
    if visible is not None:
        statement = statement.where(visible)  # type: ignore[arg-type]
    return await pagination.paginate(
        session, statement, keys=[Workshop.id], limit=limit, cursor=cursor
    )


async def _runs(session: AsyncSession, principal: Principal, workshop: Workshop) -> bool:
    if principal.is_guest:
        return False
    if workshop.program_id is None:
        return program_access.oversees_all(principal)
    program = await programs.get_program(session, principal, workshop.program_id)
    return program_access.manages(principal, program)


async def _require_run(session: AsyncSession, principal: Principal, workshop: Workshop) -> None:
    facilitates = (
        principal.employee_id is not None
        and principal.employee_id == workshop.facilitator_employee_id
    ) or (principal.guest_id is not None and principal.guest_id == workshop.facilitator_guest_id)
    if not (facilitates or await _runs(session, principal, workshop)):
        raise Forbidden(
            "The workshop's facilitator and organisers do this.", code="not_workshop_organiser"
        )


# --- workshops -----------------------------------------------------------------------------


async def create_workshop(
    session: AsyncSession, principal: Principal, data: WorkshopCreate
) -> Workshop:
    if data.program_id is not None:
        program = await programs.get_program(session, principal, data.program_id)
        program_access.require_manage(principal, program)
    elif not program_access.oversees_all(principal):
        raise Forbidden(
            "Administrators organise workshops for the whole organisation.", code="forbidden"
        )
    errors = []
    if data.facilitator_employee_id is not None:
        found = await session.exec(
            select(Employee.id).where(
                Employee.id == data.facilitator_employee_id,
                Employee.organization_id == principal.organization_id,
                Employee.status == EmployeeStatus.ACTIVE.value,
            )
        )
        if found.first() is None:
            errors.append(
                field_error("facilitator_employee_id", "not an active employee", "not_found")
            )
    if data.facilitator_guest_id is not None:
        found_guest = await session.exec(
            select(GuestMentor.id).where(
                GuestMentor.id == data.facilitator_guest_id,
                GuestMentor.organization_id == principal.organization_id,
            )
        )
        if found_guest.first() is None:
            errors.append(field_error("facilitator_guest_id", "no such guest mentor", "not_found"))
    if errors:
        raise Invalid("The facilitator is unknown.", errors=errors)
    workshop = Workshop(organization_id=principal.organization_id, **data.model_dump())
    session.add(workshop)
    await session.flush()
    return workshop


async def update_workshop(
    session: AsyncSession,
    principal: Principal,
    workshop_id: uuid.UUID,
    data: WorkshopUpdate,
    expected_version: int | None,
) -> Workshop:
    """Change a workshop. More seats go to those waiting; fewer must still seat everyone."""
    workshop = await get_workshop(session, principal, workshop_id, lock="update")
    await _require_run(session, principal, workshop)
    check_version(workshop.version, expected_version, "workshop")
    changes = data.model_dump(exclude_unset=True)
    cleared = sorted(n for n in WORKSHOP_REQUIRED if n in changes and changes[n] is None)
    if cleared:
        raise Invalid(
            "Some required fields cannot be cleared.",
            errors=[field_error(name, "cannot be null", "required") for name in cleared],
        )
    if changes.get("starts_at", workshop.starts_at) >= changes.get("ends_at", workshop.ends_at):
        raise Invalid(
            "A workshop ends after it starts.",
            errors=[field_error("ends_at", "must be after starts_at", "date_order")],
        )
    capacity = changes.get("capacity", workshop.capacity)
    if capacity < workshop.capacity:
        await _compact_seats(session, workshop, capacity)
    for name, value in changes.items():
        setattr(workshop, name, value)
    session.add(workshop)
    await flush_versioned(session, "workshop")
    if capacity > len(await _seats(session, workshop)):
        await _promote(session, workshop)
    return workshop


async def _seats(session: AsyncSession, workshop: Workshop) -> set[int]:
    rows = await session.exec(
        select(WorkshopRegistration.seat).where(
            WorkshopRegistration.workshop_id == workshop.id,
            col(WorkshopRegistration.seat).is_not(None),
        )
    )
    return {seat for seat in rows.all() if seat is not None}


async def _compact_seats(session: AsyncSession, workshop: Workshop, capacity: int) -> None:
    """Move people off the seats a smaller capacity removes, or refuse if they do not fit."""
    taken = await _seats(session, workshop)
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


# --- registrations -------------------------------------------------------------------------


async def _take_seat(
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


async def _changed(
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
    """Register the caller: a seat if one is free, otherwise a place on the waitlist."""
    workshop = await get_workshop(session, principal, workshop_id, lock="share")
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
        )
        try:
            async with session.begin_nested():
                session.add(registration)
                await session.flush()
        except IntegrityError as exc:
            raise Conflict("Already registered or waiting.", code="already_registered") from exc
    else:
        registration.status = RegistrationStatus.WAITLISTED
        registration.queued_at = utcnow()
        session.add(registration)
        await session.flush()
    await _take_seat(session, workshop, registration)
    await _changed(session, principal, registration, "registered")
    return registration


async def _promote(session: AsyncSession, workshop: Workshop) -> None:
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
        if waiting is None or not await _take_seat(session, workshop, waiting):
            return
        await _changed(session, None, waiting, "promoted_from_waitlist")


async def _cancel(
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
    await _changed(session, principal, registration, "cancelled")
    if had_seat:
        await _promote(session, workshop)


async def cancel(
    session: AsyncSession, principal: Principal, workshop_id: uuid.UUID
) -> WorkshopRegistration:
    workshop = await get_workshop(session, principal, workshop_id, lock="share")
    registration = await _own(session, principal, workshop)
    if registration is None or registration.status == RegistrationStatus.CANCELLED:
        raise NotFound("You are not registered.", code="registration_not_found")
    await _cancel(session, principal, workshop, registration)
    return registration


async def my_registration(
    session: AsyncSession, principal: Principal, workshop_id: uuid.UUID
) -> WorkshopRegistration:
    workshop = await get_workshop(session, principal, workshop_id)
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
    workshop = await get_workshop(session, principal, workshop_id)
    await _require_run(session, principal, workshop)
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
    workshop = await get_workshop(session, principal, workshop_id)
    await _require_run(session, principal, workshop)
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
    registration = await my_registration(session, principal, workshop_id)
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
    rows = await session.exec(
        select(WorkshopRegistration, Workshop)
        .join(Workshop, col(Workshop.id) == col(WorkshopRegistration.workshop_id))
        .where(
            WorkshopRegistration.organization_id == organization_id,
            whose,
            col(WorkshopRegistration.status).in_(ACTIVE),
        )
        .order_by(col(WorkshopRegistration.id))
    )
    released = 0
    for registration, workshop in rows.all():
        await _cancel(session, None, workshop, registration)
        released += 1
    return released

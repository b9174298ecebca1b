"""Workshops for one program or the whole organisation: creating, seeing, changing them.

Registrations and the waitlist are in registrations.py; the seats they hold in seats.py.
"""

import uuid
from collections.abc import Sequence
from typing import Literal

from sqlalchemy import func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain import pagination
from app.domain.access.principal import Principal
from app.domain.concurrency import check_version, flush_versioned
from app.domain.employees.models import Employee, EmployeeStatus
from app.domain.errors import Forbidden, Invalid, NotFound, field_error
from app.domain.programs import access as program_access
from app.domain.programs import service as programs
from app.domain.programs.models import Program
from app.domain.support import seats
from app.domain.support.models import (
    GuestMentor,
    RegistrationStatus,
    Workshop,
    WorkshopGuestInvitation,
    WorkshopRegistration,
)
from app.domain.support.schemas import (
    PersonRef,
    WorkshopCreate,
    WorkshopRead,
    WorkshopUpdate,
)

WORKSHOP_REQUIRED = ("title", "starts_at", "ends_at", "capacity")


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
    rated = await session.exec(
        select(
            WorkshopRegistration.workshop_id,
            func.count(col(WorkshopRegistration.rating)),
            func.sum(col(WorkshopRegistration.rating)),
        )
        .where(
            col(WorkshopRegistration.workshop_id).in_(workshop_ids),
            col(WorkshopRegistration.rating).is_not(None),
        )
        .group_by(col(WorkshopRegistration.workshop_id))
    )
    for workshop_id, ratings, rating_sum in rated.all():
        result[workshop_id]["ratings"] = int(ratings)
        result[workshop_id]["rating_sum"] = int(rating_sum or 0)
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
        ratings=tally.get("ratings", 0),
        average_rating=(
            round(tally["rating_sum"] / tally["ratings"], 2) if tally.get("ratings") else None
        ),
        version=workshop.version,
    )


async def read(session: AsyncSession, workshop: Workshop) -> WorkshopRead:
    return to_read(workshop, (await counts(session, [workshop.id]))[workshop.id])


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

    Registrations hold it ``update``-locked, one at a time, so each is told its exact place
    in the queue; cancellations and ratings hold it ``share``-locked, so a change of the
    workshop (``update``) and a registration wait for them and they wait for it.
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


async def require_run(session: AsyncSession, principal: Principal, workshop: Workshop) -> None:
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
    await require_run(session, principal, workshop)
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
        await seats.compact_seats(session, workshop, capacity)
    for name, value in changes.items():
        setattr(workshop, name, value)
    session.add(workshop)
    await flush_versioned(session, "workshop")
    if capacity > len(await seats.seats_taken(session, workshop)):
        await seats.promote(session, workshop)
    return workshop

"""Who sees and runs what in the support network.

A circle is seen by its members (mentors and invited guests) and by those who run or read
its program (its managers, administrators, ``read``/``programs:write`` keys); anyone else,
and any other organisation, finds nothing (404). A guest mentor sees only the circles and
workshops they were invited to.
"""

import uuid
from typing import Any, Literal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.access.principal import Principal
from app.domain.errors import Forbidden, NotFound
from app.domain.participants.models import Participant, ParticipantRole, ParticipantStatus
from app.domain.programs import access as program_access
from app.domain.programs.models import Program
from app.domain.support.models import Circle, CircleMember
from app.domain.support.schemas import PersonRef


def person(principal: Principal) -> PersonRef:
    return PersonRef(employee_id=principal.employee_id, guest_id=principal.guest_id)


def circle_not_found() -> NotFound:
    return NotFound("Circle not found.", code="circle_not_found")


def program_not_found() -> NotFound:
    return NotFound("Program not found.", code="program_not_found")


def runs(principal: Principal, program: Program) -> bool:
    """Managers of the program and administrators: they run its circles."""
    return not principal.is_guest and program_access.manages(principal, program)


def oversees(principal: Principal, program: Program) -> bool:
    """Those who see every circle of the program without being members."""
    return runs(principal, program) or (
        not principal.is_guest and program_access.reads_all(principal)
    )


def require_run(principal: Principal, program: Program) -> None:
    if not runs(principal, program):
        raise Forbidden(
            "Only the program's managers and administrators can do this.",
            code="not_program_manager",
        )


async def load_program(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID
) -> Program:
    """The program, when the caller may look for circles in it at all."""
    if not principal.is_guest:
        program_access.require_read(principal)
    program = (
        await session.exec(
            select(Program).where(
                Program.id == program_id, Program.organization_id == principal.organization_id
            )
        )
    ).first()
    if program is None:
        raise program_not_found()
    if principal.is_guest:
        member = await session.exec(
            select(CircleMember.id).where(
                CircleMember.program_id == program.id, CircleMember.guest_id == principal.guest_id
            )
        )
        if member.first() is None:
            raise program_not_found()
    elif not program_access.sees(principal, program):
        raise program_not_found()
    return program


async def membership(
    session: AsyncSession, principal: Principal, circle_id: uuid.UUID
) -> CircleMember | None:
    if principal.employee_id is None and principal.guest_id is None:
        return None
    statement = select(CircleMember).where(CircleMember.circle_id == circle_id)
    if principal.guest_id is not None:
        statement = statement.where(CircleMember.guest_id == principal.guest_id)
    else:
        statement = statement.where(CircleMember.employee_id == principal.employee_id)
    return (await session.exec(statement)).first()


async def is_program_mentor(
    session: AsyncSession, program: Program, employee_id: uuid.UUID | None
) -> bool:
    if employee_id is None:
        return False
    row = await session.exec(
        select(Participant.id).where(
            Participant.program_id == program.id,
            Participant.employee_id == employee_id,
            Participant.role == ParticipantRole.MENTOR.value,
            Participant.status == ParticipantStatus.APPROVED.value,
        )
    )
    return row.first() is not None


async def circle_in(
    session: AsyncSession,
    principal: Principal,
    program: Program,
    circle_id: uuid.UUID,
    *,
    lock: Literal["share", "update"] | None = None,
) -> tuple[Circle, CircleMember | None]:
    """The circle, if the caller is a member or oversees the program; otherwise 404.

    Whoever changes a circle's members holds it ``share``-locked and a change of the circle
    itself ``update``-locked, so the member count a change answers is the one it leaves.
    """
    statement = select(Circle).where(
        Circle.id == circle_id,
        Circle.program_id == program.id,
        Circle.organization_id == principal.organization_id,
    )
    if lock is not None:
        statement = statement.with_for_update(read=lock == "share").execution_options(
            populate_existing=True
        )
    circle = (await session.exec(statement)).first()
    if circle is None:
        raise circle_not_found()
    member = await membership(session, principal, circle.id)
    if member is None and not oversees(principal, program):
        raise circle_not_found()
    return circle, member


async def visible_circle(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    *,
    lock: Literal["share", "update"] | None = None,
) -> tuple[Program, Circle, CircleMember | None]:
    program = await load_program(session, principal, program_id)
    circle, member = await circle_in(session, principal, program, circle_id, lock=lock)
    return program, circle, member


async def hold_circles(session: AsyncSession, circle_ids: Any) -> None:
    """Share-lock circles (ids or a subquery of them) whose members are about to change."""
    await session.exec(
        select(Circle.id)
        .where(col(Circle.id).in_(circle_ids))
        .order_by(col(Circle.id))
        .with_for_update(read=True)
    )


def leads(principal: Principal, program: Program, circle: Circle) -> bool:
    """Managers and the circle's facilitator organise its meetings."""
    if runs(principal, program):
        return True
    if principal.guest_id is not None:
        return circle.facilitator_guest_id == principal.guest_id
    return principal.employee_id is not None and circle.facilitator_employee_id == (
        principal.employee_id
    )

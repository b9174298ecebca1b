"""Mentor circles: peer groups of a program's mentors (and invited guests) with a facilitator."""

import uuid
from collections.abc import Sequence

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain import pagination
from app.domain.access.principal import Principal
from app.domain.concurrency import check_version, flush_versioned
from app.domain.errors import Conflict, Forbidden, Invalid, field_error
from app.domain.participants.models import Participant, ParticipantRole, ParticipantStatus
from app.domain.programs.models import Program, ProgramStatus
from app.domain.support import access
from app.domain.support.models import Circle, CircleMember
from app.domain.support.schemas import (
    CircleCreate,
    CircleJoin,
    CircleMemberRead,
    CircleRead,
    CircleUpdate,
    PersonRef,
)


async def member_counts(
    session: AsyncSession, circle_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    if not circle_ids:
        return {}
    rows = await session.exec(
        select(CircleMember.circle_id, func.count())
        .where(col(CircleMember.circle_id).in_(circle_ids))
        .group_by(col(CircleMember.circle_id))
    )
    return {circle_id: int(count) for circle_id, count in rows.all()}


def to_read(circle: Circle, member_count: int) -> CircleRead:
    facilitator = None
    if circle.facilitator_employee_id or circle.facilitator_guest_id:
        facilitator = PersonRef(
            employee_id=circle.facilitator_employee_id, guest_id=circle.facilitator_guest_id
        )
    return CircleRead(
        id=circle.id,
        program_id=circle.program_id,
        name=circle.name,
        description=circle.description,
        facilitator=facilitator,
        member_count=member_count,
        created_at=circle.created_at,
        version=circle.version,
    )


async def read(session: AsyncSession, circle: Circle) -> CircleRead:
    counts = await member_counts(session, [circle.id])
    return to_read(circle, counts.get(circle.id, 0))


def member_read(member: CircleMember) -> CircleMemberRead:
    return CircleMemberRead(
        id=member.id,
        circle_id=member.circle_id,
        employee_id=member.employee_id,
        guest_id=member.guest_id,
        joined_at=member.joined_at,
        confidence_at_joining=member.confidence_at_joining,
    )


def require_open(program: Program) -> None:
    if program.status == ProgramStatus.ARCHIVED:
        raise Conflict("An archived program cannot be changed.", code="program_archived")


async def _approved_mentors(
    session: AsyncSession, program: Program, employee_ids: Sequence[uuid.UUID] | None = None
) -> list[uuid.UUID]:
    statement = select(Participant.employee_id).where(
        Participant.program_id == program.id,
        Participant.role == ParticipantRole.MENTOR.value,
        Participant.status == ParticipantStatus.APPROVED.value,
    )
    if employee_ids is not None:
        statement = statement.where(col(Participant.employee_id).in_(employee_ids))
    return list((await session.exec(statement.order_by(col(Participant.employee_id)))).all())


async def create_circle(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID, data: CircleCreate
) -> Circle:
    program = await access.load_program(session, principal, program_id)
    access.require_run(principal, program)
    require_open(program)
    mentors = set(await _approved_mentors(session, program, data.member_employee_ids))
    errors = [
        field_error(
            f"member_employee_ids.{i}", "not an approved mentor of the program", "not_found"
        )
        for i, employee_id in enumerate(data.member_employee_ids)
        if employee_id not in mentors
    ]
    facilitator = data.facilitator_employee_id
    if facilitator is not None and not (
        facilitator in program.manager_ids
        or await access.is_program_mentor(session, program, facilitator)
    ):
        errors.append(
            field_error(
                "facilitator_employee_id", "not a mentor or manager of the program", "not_found"
            )
        )
    if errors:
        raise Invalid("Circle members must be the program's approved mentors.", errors=errors)
    circle = Circle(
        organization_id=program.organization_id,
        program_id=program.id,
        name=data.name,
        description=data.description,
        facilitator_employee_id=facilitator,
    )
    session.add(circle)
    await session.flush()
    session.add_all(
        [
            CircleMember(
                organization_id=program.organization_id,
                circle_id=circle.id,
                program_id=program.id,
                employee_id=employee_id,
            )
            for employee_id in dict.fromkeys(data.member_employee_ids)
        ]
    )
    await session.flush()
    return circle


async def update_circle(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    data: CircleUpdate,
    expected_version: int | None,
) -> Circle:
    """Rename a circle or change its facilitator (a member, or a manager of the program)."""
    program, circle, _member = await access.visible_circle(
        session, principal, program_id, circle_id, lock="update"
    )
    access.require_run(principal, program)
    require_open(program)
    check_version(circle.version, expected_version, "circle")
    changes = data.model_dump(exclude_unset=True)
    if "name" in changes and changes["name"] is None:
        raise Invalid(
            "The name cannot be cleared.",
            errors=[field_error("name", "cannot be null", "required")],
        )
    employee = changes.get("facilitator_employee_id")
    guest = changes.get("facilitator_guest_id")
    if employee is not None and guest is not None:
        raise Invalid(
            "A circle has one facilitator.",
            errors=[field_error("facilitator_guest_id", "name one facilitator", "conflict")],
        )
    members = select(CircleMember.id).where(CircleMember.circle_id == circle.id)
    if employee is not None and employee not in program.manager_ids:
        found = await session.exec(members.where(CircleMember.employee_id == employee))
        if found.first() is None:
            raise Invalid(
                "The facilitator must be a member or a manager.",
                errors=[field_error("facilitator_employee_id", "not a member", "not_member")],
            )
        changes["facilitator_guest_id"] = None
    if guest is not None:
        found = await session.exec(members.where(CircleMember.guest_id == guest))
        if found.first() is None:
            raise Invalid(
                "The facilitator must be a member.",
                errors=[field_error("facilitator_guest_id", "not a member", "not_member")],
            )
        changes["facilitator_employee_id"] = None
    for name, value in changes.items():
        setattr(circle, name, value)
    session.add(circle)
    await flush_versioned(session, "circle")
    return circle


async def get_circle(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID, circle_id: uuid.UUID
) -> Circle:
    _program, circle, _member = await access.visible_circle(
        session, principal, program_id, circle_id
    )
    return circle


async def list_circles(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    *,
    limit: int | None,
    cursor: str | None,
) -> pagination.Page[Circle]:
    program = await access.load_program(session, principal, program_id)
    statement = select(Circle).where(
        Circle.program_id == program.id, Circle.organization_id == principal.organization_id
    )
    if not access.oversees(principal, program):
        mine = select(CircleMember.circle_id)
        if principal.guest_id is not None:
            mine = mine.where(CircleMember.guest_id == principal.guest_id)
        else:
            mine = mine.where(CircleMember.employee_id == principal.employee_id)
        statement = statement.where(col(Circle.id).in_(mine))
    return await pagination.paginate(
        session, statement, keys=[Circle.id], limit=limit, cursor=cursor
    )


async def add_member(
    session: AsyncSession,
    program: Program,
    circle: Circle,
    *,
    employee_id: uuid.UUID | None = None,
    guest_id: uuid.UUID | None = None,
    confidence: int | None = None,
) -> CircleMember:
    await access.hold_circles(session, [circle.id])
    member = CircleMember(
        organization_id=circle.organization_id,
        circle_id=circle.id,
        program_id=program.id,
        employee_id=employee_id,
        guest_id=guest_id,
        confidence_at_joining=confidence,
    )
    try:
        async with session.begin_nested():
            session.add(member)
            await session.flush()
    except IntegrityError as exc:
        raise Conflict("Already a member of this circle.", code="already_member") from exc
    return member


async def join_circle(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    data: CircleJoin,
) -> CircleMember:
    """A mentor of the program joins; a manager adds a mentor. Guests are invited instead."""
    program = await access.load_program(session, principal, program_id)
    circle = (
        await session.exec(
            select(Circle).where(
                Circle.id == circle_id,
                Circle.program_id == program.id,
                Circle.organization_id == principal.organization_id,
            )
        )
    ).first()
    mentor = await access.is_program_mentor(session, program, principal.employee_id)
    runs = access.runs(principal, program)
    if circle is None or not (
        runs or mentor or await access.membership(session, principal, circle_id)
    ):
        raise access.circle_not_found()
    require_open(program)
    employee_id = data.employee_id or principal.employee_id
    if employee_id is None:
        raise Invalid(
            "Name the mentor to add.",
            errors=[field_error("employee_id", "required for this caller", "required")],
        )
    if employee_id != principal.employee_id and not runs:
        raise Forbidden("Only managers add other people to a circle.", code="not_program_manager")
    if not await access.is_program_mentor(session, program, employee_id):
        raise Invalid(
            "Circles gather the program's approved mentors.",
            errors=[
                field_error("employee_id", "not an approved mentor of the program", "not_mentor")
            ],
        )
    return await add_member(
        session, program, circle, employee_id=employee_id, confidence=data.confidence
    )


async def leave_circle(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    member_id: uuid.UUID,
) -> None:
    program, circle, mine = await access.visible_circle(
        session, principal, program_id, circle_id, lock="share"
    )
    member = (
        await session.exec(
            select(CircleMember).where(
                CircleMember.id == member_id, CircleMember.circle_id == circle.id
            )
        )
    ).first()
    if member is None:
        raise access.circle_not_found()
    if (mine is None or mine.id != member.id) and not access.runs(principal, program):
        raise Forbidden("Members leave by themselves; managers remove.", code="not_program_manager")
    await session.delete(member)
    await session.flush()


async def record_joining_confidence(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    member_id: uuid.UUID,
    confidence: int,
) -> CircleMember:
    """A member added by a manager says, once, how confident they felt on joining."""
    _program, circle, mine = await access.visible_circle(session, principal, program_id, circle_id)
    if mine is None or mine.id != member_id:
        other = await session.exec(
            select(CircleMember.id).where(
                CircleMember.id == member_id, CircleMember.circle_id == circle.id
            )
        )
        if other.first() is None:
            raise access.circle_not_found()
        raise Forbidden("Members record their own confidence.", code="not_member")
    if mine.confidence_at_joining is not None:
        raise Conflict("Your confidence on joining is already recorded.", code="already_recorded")
    mine.confidence_at_joining = confidence
    session.add(mine)
    await session.flush()
    return mine


async def list_members(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    *,
    limit: int | None,
    cursor: str | None,
) -> pagination.Page[CircleMember]:
    _program, circle, _mine = await access.visible_circle(session, principal, program_id, circle_id)
    statement = select(CircleMember).where(CircleMember.circle_id == circle.id)
    return await pagination.paginate(
        session, statement, keys=[CircleMember.id], limit=limit, cursor=cursor
    )


async def leave_program_circles(
    session: AsyncSession, program_id: uuid.UUID, employee_id: uuid.UUID
) -> int:
    """Take a mentor who stopped taking part in a program out of its circles."""
    await access.hold_circles(
        session,
        select(CircleMember.circle_id).where(
            CircleMember.program_id == program_id, CircleMember.employee_id == employee_id
        ),
    )
    result = await session.exec(
        delete(CircleMember).where(
            col(CircleMember.program_id) == program_id,
            col(CircleMember.employee_id) == employee_id,
        )
    )
    await session.flush()
    return int(result.rowcount or 0)


async def release_employee(
    session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID
) -> int:
    """Take a leaving employee out of every circle; facilitated circles lose their facilitator."""
    await access.hold_circles(
        session,
        select(CircleMember.circle_id).where(
            CircleMember.organization_id == organization_id,
            CircleMember.employee_id == employee_id,
        ),
    )
    result = await session.exec(
        delete(CircleMember).where(
            col(CircleMember.organization_id) == organization_id,
            col(CircleMember.employee_id) == employee_id,
        )
    )
    facilitated = await session.exec(
        select(Circle).where(
            Circle.organization_id == organization_id, Circle.facilitator_employee_id == employee_id
        )
    )
    for circle in facilitated.all():
        circle.facilitator_employee_id = None
    await session.flush()
    return int(result.rowcount or 0)

"""Use cases of a program's objectives: what every pair works toward.

Objectives are fixed once the program runs: they can be added, changed, reordered and removed
until the program is active.
"""

import uuid
from collections.abc import Sequence

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain import pagination
from app.domain.access.principal import Principal
from app.domain.concurrency import check_version, flush_versioned
from app.domain.errors import Conflict, Invalid, NotFound, field_error
from app.domain.programs.models import (
    MAX_OBJECTIVES,
    OBJECTIVE_REQUIRED_ON_UPDATE,
    Objective,
    ObjectiveCreate,
    ObjectiveOrder,
    ObjectiveRead,
    ObjectiveUpdate,
    Program,
    ProgramStatus,
)
from app.domain.programs.service import get_program, program_for_change

_LOCKED = frozenset({ProgramStatus.ACTIVE, ProgramStatus.COMPLETED, ProgramStatus.ARCHIVED})


def to_read(objective: Objective) -> ObjectiveRead:
    return ObjectiveRead.model_validate(objective)


def require_editable(program: Program) -> None:
    if program.status in _LOCKED:
        raise Conflict(
            f"The objectives of a {program.status} program can no longer change.",
            code="objectives_locked",
            current_status=str(program.status),
        )


def _not_found() -> NotFound:
    return NotFound("Objective not found.", code="objective_not_found")


async def _in_program(
    session: AsyncSession, program: Program, objective_id: uuid.UUID
) -> Objective:
    objective = await session.get(Objective, objective_id)
    if objective is None or objective.program_id != program.id:
        raise _not_found()
    return objective


async def list_objectives(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    *,
    limit: int | None,
    cursor: str | None,
) -> pagination.Page[Objective]:
    program = await get_program(session, principal, program_id)
    statement = select(Objective).where(Objective.program_id == program.id)
    return await pagination.paginate(
        session,
        statement,
        keys=[Objective.position, Objective.id],
        limit=limit,
        cursor=cursor,
    )


async def get_objective(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID, objective_id: uuid.UUID
) -> Objective:
    program = await get_program(session, principal, program_id)
    return await _in_program(session, program, objective_id)


async def add_objective(
    session: AsyncSession, program: Program, data: ObjectiveCreate
) -> Objective:
    """Add an objective to a program the caller already locked and may manage."""
    require_editable(program)
    count, last = (
        await session.exec(
            select(func.count(), func.max(Objective.position)).where(
                Objective.program_id == program.id
            )
        )
    ).one()
    if count >= MAX_OBJECTIVES:
        raise Conflict(
            f"A program has at most {MAX_OBJECTIVES} objectives.", code="objective_limit_reached"
        )
    objective = Objective(
        organization_id=program.organization_id,
        program_id=program.id,
        position=(last or 0) + 1,
        **data.model_dump(),
    )
    session.add(objective)
    await session.flush()
    return objective


async def create_objective(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID, data: ObjectiveCreate
) -> Objective:
    program = await program_for_change(session, principal, program_id)
    return await add_objective(session, program, data)


async def update_objective(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    objective_id: uuid.UUID,
    data: ObjectiveUpdate,
    expected_version: int | None,
) -> Objective:
    program = await program_for_change(session, principal, program_id)
    objective = await _in_program(session, program, objective_id)
    require_editable(program)
    check_version(objective.version, expected_version, "objective")
    changes = data.model_dump(exclude_unset=True)
    cleared = sorted(
        name for name in OBJECTIVE_REQUIRED_ON_UPDATE if name in changes and changes[name] is None
    )
    if cleared:
        raise Invalid(
            "Some required fields cannot be cleared.",
            errors=[field_error(name, "cannot be null", "required") for name in cleared],
        )
    changed = {name: value for name, value in changes.items() if getattr(objective, name) != value}
    if not changed:
        return objective
    for name, value in changed.items():
        setattr(objective, name, value)
    await flush_versioned(session, "objective")
    return objective


async def delete_objective(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    objective_id: uuid.UUID,
    expected_version: int | None = None,
) -> None:
    program = await program_for_change(session, principal, program_id)
    objective = await _in_program(session, program, objective_id)
    require_editable(program)
    if expected_version is not None:
        check_version(objective.version, expected_version, "objective")
    await session.delete(objective)
    await flush_versioned(session, "objective")


async def reorder_objectives(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID, order: ObjectiveOrder
) -> list[Objective]:
    program = await program_for_change(session, principal, program_id)
    require_editable(program)
    objectives = list(
        (
            await session.exec(
                select(Objective)
                .where(Objective.program_id == program.id)
                .order_by(col(Objective.position), col(Objective.id))
            )
        ).all()
    )
    by_id = {objective.id: objective for objective in objectives}
    wanted = order.objective_ids
    if len(wanted) != len(by_id) or set(wanted) != set(by_id):
        raise Invalid(
            "List every objective of the program exactly once.",
            errors=[
                field_error(
                    "objective_ids",
                    f"must name each of the program's {len(by_id)} objectives once",
                    "not_a_permutation",
                )
            ],
        )
    for position, objective_id in enumerate(wanted, start=1):
        if by_id[objective_id].position != position:
            by_id[objective_id].position = position
    await flush_versioned(session, "objective")
    return [by_id[objective_id] for objective_id in wanted]


async def objectives_by_program_ids(
    session: AsyncSession, organization_id: uuid.UUID, program_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Objective]]:
    """The objectives of several programs in one query, each list in the program's order."""
    grouped: dict[uuid.UUID, list[Objective]] = {p: [] for p in program_ids}
    if not program_ids:
        return grouped
    rows = await session.exec(
        select(Objective)
        .where(
            Objective.organization_id == organization_id,
            col(Objective.program_id).in_(program_ids),
        )
        .order_by(col(Objective.position), col(Objective.id))
    )
    for objective in rows:
        grouped[objective.program_id].append(objective)
    return grouped

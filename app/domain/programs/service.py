"""Use cases of programs: create, read, list and change a program and its managers."""

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain import pagination
from app.domain.access.principal import Principal
from app.domain.concurrency import check_version, flush_versioned
from app.domain.employees.models import Employee, EmployeeStatus
from app.domain.errors import Conflict, Invalid, NotFound, field_error
from app.domain.programs import access, eligibility
from app.domain.programs.engagement_settings import EngagementSettings
from app.domain.programs.matching_settings import MatchingSettings
from app.domain.programs.models import (
    PROGRAM_REQUIRED_ON_UPDATE,
    Program,
    ProgramCreate,
    ProgramFilter,
    ProgramManager,
    ProgramRead,
    ProgramStatus,
    ProgramUpdate,
)


def to_read(program: Program) -> ProgramRead:
    return ProgramRead.model_validate(program)


def _not_found() -> NotFound:
    return NotFound("Program not found.", code="program_not_found")


async def _load(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID, *, lock: bool
) -> Program:
    statement = select(Program).where(
        Program.id == program_id, Program.organization_id == principal.organization_id
    )
    if lock:
        # Changes under one program (objectives, consultation, status) queue behind each
        # other, so a rule checked here still holds when the transaction commits.
        statement = statement.with_for_update().execution_options(populate_existing=True)
    program = (await session.exec(statement)).first()
    if program is None or not access.sees(principal, program):
        raise _not_found()
    return program


async def get_program(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID, *, lock: bool = False
) -> Program:
    """A program the caller may see; ``lock`` holds it until the transaction ends."""
    access.require_read(principal)
    return await _load(session, principal, program_id, lock=lock)


async def program_for_change(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    *,
    allow_archived: bool = False,
) -> Program:
    """The program, locked, once the caller is known to manage it and it is not archived."""
    access.require_read(principal)
    program = await _load(session, principal, program_id, lock=True)
    access.require_manage(principal, program)
    if program.status == ProgramStatus.ARCHIVED and not allow_archived:
        raise Conflict("An archived program cannot be changed.", code="program_archived")
    return program


async def list_programs(
    session: AsyncSession,
    principal: Principal,
    filters: ProgramFilter,
    *,
    limit: int | None,
    cursor: str | None,
) -> pagination.Page[Program]:
    access.require_read(principal)
    statement = select(Program).where(Program.organization_id == principal.organization_id)
    if filters.status is not None:
        statement = statement.where(Program.status == filters.status.value)
    if filters.kind is not None:
        statement = statement.where(Program.kind == filters.kind.value)
    visible = access.visible_programs(principal)
    if visible is not None:
        statement = statement.where(visible)
    return await pagination.paginate(
        session, statement, keys=[Program.id], limit=limit, cursor=cursor
    )


def _check_dates(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        raise Invalid(
            "The program cannot end before it starts.",
            errors=[field_error("ends_on", "must be on or after starts_on", "date_order")],
        )


async def _check_managers(
    session: AsyncSession, organization_id: uuid.UUID, employee_ids: Sequence[uuid.UUID]
) -> None:
    if not employee_ids:
        return
    rows = await session.exec(
        select(Employee.id).where(
            Employee.organization_id == organization_id,
            col(Employee.id).in_(employee_ids),
            Employee.status == EmployeeStatus.ACTIVE.value,
        )
    )
    active = set(rows.all())
    errors = [
        field_error(f"manager_ids.{i}", "not an active employee of this organisation", "not_found")
        for i, employee_id in enumerate(employee_ids)
        if employee_id not in active
    ]
    if errors:
        raise Invalid("Program managers must be active employees.", errors=errors)


async def create_program(
    session: AsyncSession, principal: Principal, data: ProgramCreate
) -> Program:
    access.require_create(principal)
    _check_dates(data.starts_on, data.ends_on)
    manager_ids = list(data.manager_ids or [])
    creator = principal.employee_id
    # A person creating a program runs it unless they name others; a program manager always
    # runs the programs they create, or they could not change them afterwards.
    must_run = data.manager_ids is None or not access.oversees_all(principal)
    if creator is not None and must_run and creator not in manager_ids:
        manager_ids.insert(0, creator)
    await _check_managers(session, principal.organization_id, manager_ids)
    await eligibility.check_groups(
        session, principal.organization_id, data.eligible_group_ids or []
    )
    settings = data.matching_settings or MatchingSettings.defaults_for(data.kind)
    engagement = data.engagement_settings or EngagementSettings()
    fields = data.model_dump(
        exclude={"manager_ids", "matching_settings", "engagement_settings", "eligible_group_ids"}
    )
    program = Program(
        organization_id=principal.organization_id,
        matching_settings=settings.to_document(),
        engagement_settings=engagement.to_document(),
        **fields,
    )
    program.manager_links = [
        ProgramManager(
            organization_id=principal.organization_id,
            program_id=program.id,
            employee_id=employee_id,
        )
        for employee_id in manager_ids
    ]
    eligibility.replace_eligible_groups(program, data.eligible_group_ids or [])
    session.add(program)
    await session.flush()
    return program


def _required_cleared(changes: dict[str, Any]) -> None:
    cleared = sorted(
        name for name in PROGRAM_REQUIRED_ON_UPDATE if name in changes and changes[name] is None
    )
    if cleared:
        raise Invalid(
            "Some required fields cannot be cleared.",
            errors=[field_error(name, "cannot be null", "required") for name in cleared],
        )


async def update_program(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    data: ProgramUpdate,
    expected_version: int | None,
) -> Program:
    program = await program_for_change(session, principal, program_id)
    check_version(program.version, expected_version, "program")
    changes = data.model_dump(exclude_unset=True)
    _required_cleared(changes)
    _check_dates(
        changes.get("starts_on", program.starts_on), changes.get("ends_on", program.ends_on)
    )
    touched = False
    manager_ids = changes.pop("manager_ids", None)
    if manager_ids is not None and set(manager_ids) != set(program.manager_ids):
        await _check_managers(session, principal.organization_id, manager_ids)
        _replace_managers(program, manager_ids)
        touched = True
    if "eligible_group_ids" in changes:
        group_ids = changes.pop("eligible_group_ids") or []
        if group_ids != program.eligible_group_ids:
            await eligibility.check_groups(session, principal.organization_id, group_ids)
            eligibility.replace_eligible_groups(program, group_ids)
            touched = True
    if "matching_settings" in changes:
        assert data.matching_settings is not None
        changes["matching_settings"] = data.matching_settings.to_document()
    if "engagement_settings" in changes:
        assert data.engagement_settings is not None
        changes["engagement_settings"] = data.engagement_settings.to_document()
    for name, value in changes.items():
        if getattr(program, name) != value:
            setattr(program, name, value)
            touched = True
    if not touched:
        return program
    # Changing only the managers leaves the row alone; touching it bumps the version anyway.
    program.updated_at = utcnow()
    await flush_versioned(session, "program")
    return program


def _replace_managers(program: Program, manager_ids: list[uuid.UUID]) -> None:
    kept = {link.employee_id: link for link in program.manager_links}
    program.manager_links = [
        kept.get(employee_id)
        or ProgramManager(
            organization_id=program.organization_id,
            program_id=program.id,
            employee_id=employee_id,
        )
        for employee_id in manager_ids
    ]

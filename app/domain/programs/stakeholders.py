"""Use cases of the stakeholders of a consultation: who is asked for their view."""

import uuid

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain import pagination
from app.domain.access.principal import Principal
from app.domain.employees.models import Employee, EmployeeStatus
from app.domain.errors import Conflict, Forbidden, Invalid, field_error
from app.domain.programs.consultation import (
    ConsultationAccess,
    consultation_access,
    managed_consultation,
)
from app.domain.programs.consultation_models import Stakeholder, StakeholderInvite, StakeholderRead


def stakeholder_to_read(stakeholder: Stakeholder) -> StakeholderRead:
    return StakeholderRead.model_validate(stakeholder, from_attributes=True)


async def invite_stakeholder(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID, data: StakeholderInvite
) -> Stakeholder:
    _program, consultation = await managed_consultation(session, principal, program_id)
    employee_id, email = await _resolve_invitee(session, principal.organization_id, data)
    duplicate = select(Stakeholder.id).where(Stakeholder.consultation_id == consultation.id)
    if employee_id is not None:
        duplicate = duplicate.where(Stakeholder.employee_id == employee_id)
    else:
        duplicate = duplicate.where(Stakeholder.email == email)
    if (await session.exec(duplicate)).first() is not None:
        raise Conflict("This person is invited already.", code="stakeholder_exists")
    stakeholder = Stakeholder(
        organization_id=consultation.organization_id,
        consultation_id=consultation.id,
        employee_id=employee_id,
        email=email,
        name=data.name,
        role=data.role,
        invited_by=principal.actor,
    )
    session.add(stakeholder)
    await session.flush()
    return stakeholder


async def _resolve_invitee(
    session: AsyncSession, organization_id: uuid.UUID, data: StakeholderInvite
) -> tuple[uuid.UUID | None, str | None]:
    """(employee id, e-mail of an outside person): an e-mail of the directory is an employee."""
    if (data.employee_id is None) == (data.email is None):
        raise Invalid(
            "Name either an employee or an external person's e-mail.",
            errors=[field_error("employee_id", "give employee_id or email, not both", "one_of")],
        )
    statement = select(Employee).where(
        Employee.organization_id == organization_id,
        Employee.status == EmployeeStatus.ACTIVE.value,
    )
    if data.employee_id is not None:
        employee = (await session.exec(statement.where(Employee.id == data.employee_id))).first()
        if employee is None:
            raise Invalid(
                "Stakeholders from the organisation must be active employees.",
                errors=[field_error("employee_id", "no active employee of this id", "not_found")],
            )
        return employee.id, None
    employee = (await session.exec(statement.where(Employee.email == data.email))).first()
    if employee is not None:
        return employee.id, None
    return None, data.email


async def list_stakeholders(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    *,
    limit: int | None,
    cursor: str | None,
) -> pagination.Page[Stakeholder]:
    seen = await consultation_access(session, principal, program_id)
    require_whole(seen)
    statement = select(Stakeholder).where(Stakeholder.consultation_id == seen.consultation.id)
    return await pagination.paginate(
        session, statement, keys=[Stakeholder.id], limit=limit, cursor=cursor
    )


def require_whole(seen: ConsultationAccess) -> None:
    """Who else is consulted is for those who see the consultation whole."""
    if not seen.whole:
        raise Forbidden(
            "Only the program's managers see who else is consulted.", code="not_program_manager"
        )

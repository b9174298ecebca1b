"""The history of employees' departments and job titles, for internal mobility figures.

Every path that changes an employee (administrators, the HRIS sync, SCIM) records here
what moved; a first value (from nothing) is not a move, so it is not recorded.
"""

import uuid
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain.employees.models import MOVE_FIELDS, Employee, EmployeeMove


def before(employee: Employee) -> dict[str, Any]:
    return {name: getattr(employee, name) for name in MOVE_FIELDS}


def record_moves(session: AsyncSession, employee: Employee, previous: dict[str, Any]) -> None:
    now = utcnow()
    for name in MOVE_FIELDS:
        old, new = previous[name], getattr(employee, name)
        if old is None or old == new:
            continue
        session.add(
            EmployeeMove(
                organization_id=employee.organization_id,
                employee_id=employee.id,
                field=name,
                from_value=old,
                to_value=new,
                changed_at=now,
            )
        )


async def export(
    session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID
) -> dict[str, Any]:
    rows = await session.exec(
        select(EmployeeMove)
        .where(
            EmployeeMove.organization_id == organization_id,
            EmployeeMove.employee_id == employee_id,
        )
        .order_by(col(EmployeeMove.changed_at), col(EmployeeMove.id))
    )
    return {"department_and_title_history": [m.model_dump(mode="json") for m in rows.all()]}


async def erase(session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID) -> None:
    """Blank the departments and titles; the moves stay counted."""
    rows = await session.exec(
        select(EmployeeMove).where(
            EmployeeMove.organization_id == organization_id,
            EmployeeMove.employee_id == employee_id,
        )
    )
    for move in rows.all():
        move.from_value = move.to_value = None
    await session.flush()

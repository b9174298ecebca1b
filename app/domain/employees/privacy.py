"""What the directory holds about a person, and how it is anonymised."""

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain.access.authentication import credentials
from app.domain.employees.models import Employee, EmployeeRead, EmployeeStatus


def export(employee: Employee) -> dict[str, Any]:
    record = EmployeeRead.model_validate(employee, from_attributes=True).model_dump(mode="json")
    record["source_updated_at"] = (
        employee.source_updated_at.isoformat() if employee.source_updated_at else None
    )
    return record


async def anonymise(session: AsyncSession, employee: Employee) -> None:
    """Replace everything that identifies the person; keep what aggregates need.

    The row stays (pairs, logs and counts refer to it) with its department, seniority and
    status, which dashboards aggregate; names, contact, identifiers, birth year, dates,
    languages and place are gone. The person can no longer sign in.
    """
    employee.given_name = "Erased"
    employee.family_name = "Person"
    employee.email = f"erased-{employee.id}@erased.invalid"
    employee.external_id = None
    employee.user_name = None
    employee.job_title = None
    employee.location = None
    employee.birth_year = None
    employee.hire_date = None
    employee.languages = []
    employee.pending_manager_external_id = None
    if employee.status == EmployeeStatus.ACTIVE:
        employee.status = EmployeeStatus.INACTIVE
    employee.erased_at = utcnow()
    credentials.forget_employee(employee.id)
    await session.flush()

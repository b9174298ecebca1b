"""Applying one unified HRIS employee to the directory, whichever channel brought it."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.access.principal import Principal
from app.domain.employees import service as employees
from app.domain.employees.models import Employee, EmployeeRead, EmployeeStatus, EmployeeSyncRecord
from app.domain.employees.sync import SyncOutcome, sync_employee
from app.domain.errors import NotFound
from app.domain.events.service import record_event
from app.domain.integrations.hris.mapping import HrisEmployee
from app.domain.integrations.offboarding import offboard

TERMINATING_EVENTS = frozenset({"employee.terminated", "employee.deleted"})
TERMINATED = "terminated"


@dataclass(frozen=True, slots=True)
class AppliedChange:
    employee: Employee | None
    outcome: str  # created, updated, unchanged, stale or terminated


async def apply_employee(
    session: AsyncSession,
    principal: Principal,
    source: HrisEmployee,
    *,
    occurred_at: datetime,
    event_type: str = "employee.updated",
    channel: str,
) -> AppliedChange:
    """Create, update or terminate the employee ``source`` describes.

    The source's ``updated_at`` (or else when the event occurred) orders descriptions:
    an older one than what is stored is ``stale`` and changes nothing. A termination (by
    event type or employment status) goes through the offboarding cascade; an HRIS
    ``employee.deleted`` is a termination too, since nothing is ever deleted here.
    """
    record = source.record
    source_time = source.updated_at or occurred_at
    terminating = event_type in TERMINATING_EVENTS or record.status == EmployeeStatus.TERMINATED
    if terminating:
        record = EmployeeSyncRecord.model_validate(
            record.model_dump(exclude_unset=True, exclude={"status"})
        )
        known = await employees.find_by_external_id(session, principal, record.external_id)
        if known is None and record.email is None:
            raise NotFound(
                f"No employee with the external id {record.external_id!r} to terminate.",
                code="employee_not_found",
            )
    result = await sync_employee(session, principal, record, source_updated_at=source_time)
    if result.outcome == SyncOutcome.STALE or result.employee is None:
        return AppliedChange(result.employee, SyncOutcome.STALE.value)
    employee = result.employee
    outcome = result.outcome.value
    if terminating and employee.status != EmployeeStatus.TERMINATED:
        employee = await offboard(
            session,
            principal,
            employee.id,
            terminated_on=record.termination_date or occurred_at.date(),
            source_updated_at=source_time,
        )
        outcome = TERMINATED
    if outcome != SyncOutcome.UNCHANGED:
        await record_event(
            session,
            organization_id=employee.organization_id,
            type="employee.synced",
            subject_type="employee",
            subject_id=employee.id,
            data={
                "employee": EmployeeRead.model_validate(employee, from_attributes=True).model_dump(
                    mode="json"
                ),
                "source": channel,
                "outcome": outcome,
            },
            actor=principal,
        )
    return AppliedChange(employee, outcome)

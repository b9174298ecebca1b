"""Keeping the directory in step with a source of truth (an HRIS, a CSV export).

A source names people by their external id and sends what it knows; the directory
creates or updates them, never lets an older description overwrite a newer one, and links
a manager as soon as that manager exists.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.access.authentication import credentials
from app.domain.access.principal import Principal
from app.domain.concurrency import flush_versioned
from app.domain.employees import history
from app.domain.employees.models import Employee, EmployeeStatus, EmployeeSyncRecord
from app.domain.employees.service import (
    _check_manager,
    _ensure_unique,
    _require_write,
    announce,
    find_by_external_id,
    guard_identity,
)
from app.domain.errors import DomainError, Invalid, field_error

_REQUIRED_TO_CREATE = ("email", "given_name", "family_name")
# Fields of the record that are not columns of the same name.
_NOT_COLUMNS = {"external_id", "manager_external_id", "termination_date", "status"}


class SyncOutcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    STALE = "stale"


@dataclass(frozen=True, slots=True)
class SyncResult:
    employee: Employee | None
    outcome: SyncOutcome
    changed: tuple[str, ...] = ()


async def sync_employee(
    session: AsyncSession,
    principal: Principal,
    record: EmployeeSyncRecord,
    *,
    source_updated_at: datetime,
) -> SyncResult:
    """Create or update the employee with ``record.external_id`` as the source describes them.

    A description older than the one last applied is ``stale`` and changes nothing; one as
    old applies (two changes in the same instant both count, the later received wins). A
    terminated status is refused here: termination has consequences across modules and goes
    through ``integrations.offboarding``.
    """
    _require_write(principal)
    if record.status == EmployeeStatus.TERMINATED:
        raise Invalid(
            "Termination is not a plain update.",
            errors=[field_error("status", "terminate through offboarding", "invalid")],
        )
    employee = await find_by_external_id(session, principal, record.external_id)
    if (
        employee is not None
        and employee.source_updated_at is not None
        and source_updated_at < employee.source_updated_at
    ):
        return SyncResult(employee, SyncOutcome.STALE)
    values = record.model_dump(exclude_unset=True)
    changes = {k: v for k, v in values.items() if k not in _NOT_COLUMNS}
    if "status" in values and values["status"] is not None:
        changes["status"] = values["status"]
    if employee is None:
        changes["source_updated_at"] = source_updated_at
        employee = await _create(session, principal, record, changes)
        outcome = SyncOutcome.CREATED
        changed: tuple[str, ...] = ()
    else:
        employee.source_updated_at = source_updated_at
        changed = await _update(session, principal, employee, record, changes)
        outcome = SyncOutcome.UPDATED if changed else SyncOutcome.UNCHANGED
        await flush_versioned(session, "employee")
    await link_waiting_reports(session, principal, employee)
    return SyncResult(employee, outcome, changed)


async def _create(
    session: AsyncSession,
    principal: Principal,
    record: EmployeeSyncRecord,
    changes: dict[str, Any],
) -> Employee:
    missing = [name for name in _REQUIRED_TO_CREATE if changes.get(name) is None]
    if missing:
        raise Invalid(
            "A new employee needs an e-mail, a given name and a family name.",
            code="incomplete_employee",
            errors=[
                field_error(name, "required to create an employee", "missing") for name in missing
            ],
        )
    await _ensure_unique(
        session,
        principal.organization_id,
        email=changes["email"],
        external_id=record.external_id,
        own_id=None,
        user_name=changes.get("user_name"),
    )
    employee = Employee(
        organization_id=principal.organization_id, external_id=record.external_id, **changes
    )
    session.add(employee)
    await session.flush()
    if "manager_external_id" in record.model_fields_set:
        await _set_manager(session, principal, employee, record.manager_external_id)
        await session.flush()
    await announce(session, principal, "employee.created", employee)
    return employee


async def _update(
    session: AsyncSession,
    principal: Principal,
    employee: Employee,
    record: EmployeeSyncRecord,
    changes: dict[str, Any],
) -> tuple[str, ...]:
    for required in _REQUIRED_TO_CREATE:
        if required in changes and changes[required] is None:
            raise Invalid(
                f"{required} cannot be cleared.",
                errors=[field_error(required, "cannot be null", "required")],
            )
    await _ensure_unique(
        session,
        principal.organization_id,
        email=changes.get("email"),
        external_id=None,
        own_id=employee.id,
        user_name=changes.get("user_name"),
    )
    if changes.get("status") == EmployeeStatus.ACTIVE and employee.terminated_on is not None:
        # Rehired: the source says they work here again.
        changes["terminated_on"] = None
    changed = [name for name, value in changes.items() if getattr(employee, name) != value]
    guard_identity(principal, employee, changed)
    previous = history.before(employee)
    for name in changed:
        setattr(employee, name, changes[name])
    history.record_moves(session, employee, previous)
    if "manager_external_id" in record.model_fields_set:
        before = (employee.manager_id, employee.pending_manager_external_id)
        await _set_manager(session, principal, employee, record.manager_external_id)
        if (employee.manager_id, employee.pending_manager_external_id) != before:
            changed.append("manager_id")
    if changed:
        await flush_versioned(session, "employee")
        if {"status", "email", "external_id", "user_name"}.intersection(changed):
            credentials.forget_employee(employee.id)
        await announce(session, principal, "employee.updated", employee, changed=sorted(changed))
    return tuple(sorted(changed))


async def _set_manager(
    session: AsyncSession, principal: Principal, employee: Employee, manager_external_id: str | None
) -> None:
    if manager_external_id is None:
        employee.manager_id = None
        employee.pending_manager_external_id = None
        return
    manager = await find_by_external_id(session, principal, manager_external_id)
    if manager is None:
        # Linked by link_waiting_reports when the manager arrives.
        employee.manager_id = None
        employee.pending_manager_external_id = manager_external_id
        return
    await _check_manager(session, principal.organization_id, employee.id, manager.id)
    employee.manager_id = manager.id
    employee.pending_manager_external_id = None


async def name_manager_by_external_id(
    session: AsyncSession, principal: Principal, employee: Employee, manager_external_id: str
) -> None:
    """Name ``employee``'s manager by the manager's external id, as a source knows them.

    Linked now if the manager is in the directory, else left waiting and linked by
    ``link_waiting_reports`` when they arrive (sources deliver people in any order).
    """
    _require_write(principal)
    before = (employee.manager_id, employee.pending_manager_external_id)
    await _set_manager(session, principal, employee, manager_external_id)
    if (employee.manager_id, employee.pending_manager_external_id) != before:
        await flush_versioned(session, "employee")
        await announce(session, principal, "employee.updated", employee, changed=["manager_id"])


async def link_waiting_reports(
    session: AsyncSession, principal: Principal, manager: Employee
) -> list[Employee]:
    """Link the employees that named ``manager`` before the manager was in the directory."""
    if manager.external_id is None:
        return []
    waiting = (
        await session.exec(
            select(Employee).where(
                Employee.organization_id == principal.organization_id,
                Employee.pending_manager_external_id == manager.external_id,
            )
        )
    ).all()
    linked: list[Employee] = []
    for report in waiting:
        try:
            await _check_manager(session, principal.organization_id, report.id, manager.id)
        except DomainError:
            # A reporting cycle in the source's data: leave the link waiting for a fix.
            continue
        report.manager_id = manager.id
        report.pending_manager_external_id = None
        await flush_versioned(session, "employee")
        await announce(session, principal, "employee.updated", report, changed=["manager_id"])
        linked.append(report)
    return linked

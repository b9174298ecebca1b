"""Use cases of the employee directory."""

import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlmodel import col, func, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from app.domain import pagination
from app.domain.access.authentication import credentials
from app.domain.access.policy import require
from app.domain.access.principal import Principal, Role, Scope
from app.domain.audit import service as audit
from app.domain.concurrency import check_version, flush_versioned
from app.domain.employees import history
from app.domain.employees.models import (
    PROVIDER_MAY_CLEAR,
    REQUIRED_ON_UPDATE,
    Employee,
    EmployeeCreate,
    EmployeeFilter,
    EmployeeRead,
    EmployeeStatus,
    EmployeeUpdate,
)
from app.domain.errors import Conflict, Forbidden, Invalid, NotFound, field_error
from app.domain.events.service import record_event

_WRITE_SCOPES = (Scope.EMPLOYEES_WRITE, Scope.HRIS_SYNC, Scope.SCIM)
_READ_SCOPES = (Scope.READ, Scope.PROGRAMS_WRITE, *_WRITE_SCOPES)


def _require_read(principal: Principal) -> None:
    # Every employee may look people up in the directory (to name a preferred mentor, say);
    # a machine client needs a scope that implies reading it.
    require(principal, "read the employee directory", scopes=_READ_SCOPES, roles=list(Role))


def _require_write(principal: Principal) -> None:
    require(principal, "change the employee directory", scopes=_WRITE_SCOPES)


def sees_private_fields(principal: Principal, employee: Employee) -> bool:
    """Birth year is used for matching only: administrators, managers, machines and the person."""
    if principal.employee_id == employee.id:
        return True
    if principal.is_machine:
        return True
    return principal.role in (Role.ADMIN, Role.PROGRAM_MANAGER)


def to_read(principal: Principal, employee: Employee) -> EmployeeRead:
    view = EmployeeRead.model_validate(employee, from_attributes=True)
    if not sees_private_fields(principal, employee):
        view.birth_year = None
    return view


async def get_employee(
    session: AsyncSession, principal: Principal, employee_id: uuid.UUID
) -> Employee:
    _require_read(principal)
    return await _get_scoped(session, principal.organization_id, employee_id)


async def _get_scoped(
    session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID
) -> Employee:
    employee = await session.get(Employee, employee_id)
    if employee is None or employee.organization_id != organization_id:
        raise NotFound("Employee not found.", code="employee_not_found")
    return employee


def _filtered(organization_id: uuid.UUID, filters: EmployeeFilter) -> SelectOfScalar[Employee]:
    statement = select(Employee).where(Employee.organization_id == organization_id)
    if filters.department is not None:
        statement = statement.where(Employee.department == filters.department)
    if filters.status is not None:
        statement = statement.where(Employee.status == filters.status.value)
    if filters.manager_id is not None:
        statement = statement.where(Employee.manager_id == filters.manager_id)
    if filters.q:
        needle = f"%{_escape_like(filters.q.strip().lower())}%"
        statement = statement.where(
            or_(
                func.lower(Employee.given_name).like(needle, escape="\\"),
                func.lower(Employee.family_name).like(needle, escape="\\"),
                func.lower(
                    func.coalesce(Employee.given_name, "")
                    + " "
                    + func.coalesce(Employee.family_name, "")
                ).like(needle, escape="\\"),
                col(Employee.email).like(needle, escape="\\"),
            )
        )
    return statement


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def list_employees(
    session: AsyncSession,
    principal: Principal,
    filters: EmployeeFilter,
    *,
    limit: int | None,
    cursor: str | None,
) -> pagination.Page[Employee]:
    _require_read(principal)
    return await pagination.paginate(
        session,
        _filtered(principal.organization_id, filters),
        keys=[Employee.id],
        limit=limit,
        cursor=cursor,
    )


async def employees_by_ids(
    session: AsyncSession, organization_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Employee]:
    """Batch read for DataLoaders: one query whatever the number of ids."""
    if not ids:
        return {}
    rows = await session.exec(
        select(Employee).where(Employee.organization_id == organization_id, Employee.id.in_(ids))  # type: ignore[attr-defined]
    )
    return {e.id: e for e in rows}


async def _ensure_unique(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    email: str | None,
    external_id: str | None,
    own_id: uuid.UUID | None,
    user_name: str | None = None,
) -> None:
    for field, column, value in (
        ("email", Employee.email, email),
        ("external_id", Employee.external_id, external_id),
        ("user_name", Employee.user_name, user_name),
    ):
        if value is None:
            continue
        statement = select(Employee.id).where(
            Employee.organization_id == organization_id, column == value
        )
        if own_id is not None:
            statement = statement.where(Employee.id != own_id)
        if (await session.exec(statement)).first():
            raise duplicate(field)


def duplicate(field: str) -> Conflict:
    """Another employee of the organisation holds this e-mail, external id or user name."""
    return Conflict(
        f"Another employee has this {field.replace('_', ' ')}.",
        code="employee_exists",
        errors=[field_error(field, "already used by another employee", "duplicate")],
    )


def own_manager() -> Invalid:
    return Invalid(
        "An employee cannot be their own manager.",
        errors=[field_error("manager_id", "cannot be the employee themself", "cycle")],
    )


def reporting_cycle() -> Invalid:
    return Invalid(
        "This manager reports to the employee, directly or indirectly.",
        errors=[field_error("manager_id", "would create a reporting cycle", "cycle")],
    )


async def _check_manager(
    session: AsyncSession,
    organization_id: uuid.UUID,
    employee_id: uuid.UUID | None,
    manager_id: uuid.UUID,
) -> None:
    manager = await session.get(Employee, manager_id)
    if manager is None or manager.organization_id != organization_id:
        raise NotFound(
            "The manager is not an employee of this organisation.",
            code="manager_not_found",
            errors=[field_error("manager_id", "no such employee", "not_found")],
        )
    if employee_id is None:
        return
    if manager_id == employee_id:
        raise own_manager()
    # Walk up from the new manager; meeting the employee means a reporting cycle.
    # UNION (not UNION ALL) stops even on cyclic data.
    chain = (
        select(Employee.id, Employee.manager_id)
        .where(Employee.id == manager_id)
        .cte("chain", recursive=True)
    )
    chain = chain.union(
        select(Employee.id, Employee.manager_id).join(chain, col(Employee.id) == chain.c.manager_id)
    )
    if (await session.exec(select(chain.c.id).where(chain.c.id == employee_id))).first():
        raise reporting_cycle()


async def create_employee(
    session: AsyncSession, principal: Principal, data: EmployeeCreate
) -> Employee:
    _require_write(principal)
    if data.role is not Role.EMPLOYEE and not principal.is_admin:
        raise Forbidden("Only an administrator can grant a role.", code="role_change_forbidden")
    await _ensure_unique(
        session,
        principal.organization_id,
        email=data.email,
        external_id=data.external_id,
        own_id=None,
        user_name=data.user_name,
    )
    if data.manager_id is not None:
        await _check_manager(session, principal.organization_id, None, data.manager_id)
    employee = Employee(organization_id=principal.organization_id, **data.model_dump())
    session.add(employee)
    await session.flush()
    await announce(session, principal, "employee.created", employee)
    return employee


async def update_employee(
    session: AsyncSession,
    principal: Principal,
    employee_id: uuid.UUID,
    data: EmployeeUpdate,
    expected_version: int | None,
    *,
    from_identity_provider: bool = False,
) -> Employee:
    """Change what ``data`` sets. An identity provider (SCIM) may clear the e-mail and the
    names, since it may create people without them; other callers may not."""
    _require_write(principal)
    employee = await _get_scoped(session, principal.organization_id, employee_id)
    check_version(employee.version, expected_version, "employee")
    changes = data.model_dump(exclude_unset=True)
    required = (
        REQUIRED_ON_UPDATE - PROVIDER_MAY_CLEAR if from_identity_provider else REQUIRED_ON_UPDATE
    )
    cleared = sorted(name for name in required if name in changes and changes[name] is None)
    if cleared:
        raise Invalid(
            "Some required fields cannot be cleared.",
            errors=[field_error(name, "cannot be null", "required") for name in cleared],
        )
    if changes.get("status") == EmployeeStatus.TERMINATED != employee.status:
        raise Invalid(
            "Termination is not a plain update: terminate the employee, which also ends their "
            "pairs and releases their places.",
            errors=[field_error("status", "use the terminate operation", "invalid")],
        )
    if "role" in changes and changes["role"] != employee.role and not principal.is_admin:
        raise Forbidden("Only an administrator can change a role.", code="role_change_forbidden")
    await _ensure_unique(
        session,
        principal.organization_id,
        email=changes.get("email"),
        external_id=changes.get("external_id"),
        own_id=employee.id,
        user_name=changes.get("user_name"),
    )
    if changes.get("manager_id") is not None:
        await _check_manager(session, principal.organization_id, employee.id, changes["manager_id"])
    changed = {name: value for name, value in changes.items() if getattr(employee, name) != value}
    if "manager_id" in changes and employee.pending_manager_external_id is not None:
        # A manager named here supersedes one a source left waiting for.
        employee.pending_manager_external_id = None
        changed.setdefault("manager_id", changes["manager_id"])
    if not changed:
        return employee
    guard_identity(principal, employee, changed)
    previous = history.before(employee)
    for name, value in changed.items():
        setattr(employee, name, value)
    history.record_moves(session, employee, previous)
    await flush_versioned(session, "employee")
    if {"role", "status", "email", "external_id"} & changed.keys():
        credentials.forget_employee(employee.id)
    if "role" in changed:
        await audit.record(
            session,
            principal,
            "employee.role_changed",
            "employee",
            employee.id,
            role=changed["role"],
        )
    await announce(session, principal, "employee.updated", employee, changed=sorted(changed))
    return employee


IDENTITY_FIELDS = frozenset({"email", "external_id", "user_name"})


def guard_identity(principal: Principal, employee: Employee, changed: Iterable[str]) -> None:
    """Only an administrator changes how an administrator signs in.

    The e-mail, external id and user name map tokens to a person: a sync client or a
    directory writer rewriting them on an administrator's record could hand that account to
    someone else. Such a change is refused unless an administrator makes it.
    """
    guard_identity_of_role(principal, employee.role, changed)


def guard_identity_of_role(principal: Principal, role: str, changed: Iterable[str]) -> None:
    """``guard_identity`` for an employee whose role is ``role``."""
    fields = sorted(IDENTITY_FIELDS.intersection(changed))
    if fields and role == Role.ADMIN and not principal.is_admin:
        raise Forbidden(
            "Only an administrator can change the sign-in identity of an administrator.",
            code="admin_identity_protected",
            errors=[
                field_error(name, "only an administrator can change it", "forbidden")
                for name in fields
            ],
        )


async def deactivate_employee(
    session: AsyncSession,
    principal: Principal,
    employee_id: uuid.UUID,
    expected_version: int | None = None,
) -> Employee:
    """Mark an employee inactive: they keep their history but cannot sign in or be matched."""
    _require_write(principal)
    employee = await _get_scoped(session, principal.organization_id, employee_id)
    if expected_version is not None:
        check_version(employee.version, expected_version, "employee")
    if employee.status == EmployeeStatus.TERMINATED:
        raise Conflict("A terminated employee cannot be deactivated.", code="employee_terminated")
    if employee.status == EmployeeStatus.INACTIVE:
        return employee
    employee.status = EmployeeStatus.INACTIVE
    await flush_versioned(session, "employee")
    credentials.forget_employee(employee.id)
    await announce(session, principal, "employee.deactivated", employee)
    return employee


async def announce(
    session: AsyncSession,
    principal: Principal,
    event_type: str,
    employee: Employee,
    **extra: object,
) -> None:
    snapshot = EmployeeRead.model_validate(employee, from_attributes=True).model_dump(mode="json")
    await record_event(
        session,
        organization_id=employee.organization_id,
        type=event_type,
        subject_type="employee",
        subject_id=employee.id,
        data={"employee": snapshot, **extra},
        actor=principal,
    )


async def terminate_employee(
    session: AsyncSession,
    principal: Principal,
    employee_id: uuid.UUID,
    *,
    terminated_on: date,
    source_updated_at: datetime | None = None,
) -> Employee:
    """Record that an employee left the company. Nothing is deleted: their history stays.

    Terminating twice changes nothing. Callers that act on the whole organisation (ending
    pairs, releasing places) go through ``integrations.offboarding``, which calls this.
    """
    _require_write(principal)
    employee = await _get_scoped(session, principal.organization_id, employee_id)
    if employee.status == EmployeeStatus.TERMINATED:
        return employee
    employee.status = EmployeeStatus.TERMINATED
    employee.terminated_on = terminated_on
    if source_updated_at is not None and (
        employee.source_updated_at is None or source_updated_at > employee.source_updated_at
    ):
        employee.source_updated_at = source_updated_at
    await flush_versioned(session, "employee")
    credentials.forget_employee(employee.id)
    await announce(session, principal, "employee.terminated", employee)
    return employee


async def find_by_external_id(
    session: AsyncSession, principal: Principal, external_id: str
) -> Employee | None:
    _require_read(principal)
    statement = select(Employee).where(
        Employee.organization_id == principal.organization_id,
        Employee.external_id == external_id,
    )
    return (await session.exec(statement)).first()

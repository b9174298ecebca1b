"""SCIM Users over the employee directory: every change goes through the employee service."""

import uuid
from typing import Any

from pydantic import ValidationError
from scim2_models import Meta, PatchOp
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.access.policy import require
from app.domain.access.principal import Principal, Scope
from app.domain.employees import service as employees
from app.domain.employees import sync
from app.domain.employees.models import (
    Employee,
    EmployeeStatus,
    EmployeeUpdate,
    ProviderEmployeeUpdate,
    ProvisionedEmployee,
)
from app.domain.errors import Invalid, NotFound, field_error
from app.domain.integrations.offboarding import offboard
from app.domain.integrations.scim.filters import user_where
from app.domain.integrations.scim.paging import ScimPage, offset_page
from app.domain.integrations.scim.schema import (
    POLICY,
    Email,
    EnterpriseUser,
    Manager,
    Name,
    ScimUser,
)


def require_scim(principal: Principal) -> None:
    require(principal, "provision users through SCIM", scopes=[Scope.SCIM])


def user_location(base_url: str, employee_id: uuid.UUID) -> str:
    return f"{base_url}/Users/{employee_id}"


def to_scim(employee: Employee, base_url: str) -> ScimUser:
    """The User that ``employee`` is: only the attributes ``/Schemas`` publishes."""
    user = ScimUser(
        id=str(employee.id),
        external_id=employee.external_id,
        user_name=employee.user_name or employee.email,
        name=Name(given_name=employee.given_name, family_name=employee.family_name)
        if employee.given_name or employee.family_name
        else None,
        title=employee.job_title,
        active=employee.status == EmployeeStatus.ACTIVE,
        emails=[Email(value=employee.email, type="work")] if employee.email else None,
        meta=Meta(
            resource_type="User",
            created=employee.created_at,
            last_modified=employee.updated_at,
            version=f'W/"{employee.version}"',
            location=user_location(base_url, employee.id),
        ),
    )
    manager = None
    if employee.manager_id is not None:
        manager = Manager(
            value=str(employee.manager_id), ref=user_location(base_url, employee.manager_id)
        )
    elif employee.pending_manager_external_id is not None:
        # Named by the client, not provisioned yet: shown as the client named them.
        manager = Manager(value=employee.pending_manager_external_id)
    if employee.department is not None or manager is not None:
        user[EnterpriseUser] = EnterpriseUser(department=employee.department, manager=manager)
    return user


def _email(user: ScimUser) -> str | None:
    emails = [e for e in user.emails or [] if e.value]
    chosen = next((e for e in emails if str(e.type).lower() == "work"), None) or (
        emails[0] if emails else None
    )
    return str(chosen.value) if chosen is not None else None


def _employee_fields(user: ScimUser) -> dict[str, Any]:
    """Every directory field a User carries; an attribute left out is a field cleared."""
    enterprise = user[EnterpriseUser]
    return {
        "external_id": user.external_id or None,
        "user_name": user.user_name,
        "email": _email(user),
        "given_name": (user.name.given_name if user.name else None) or None,
        "family_name": (user.name.family_name if user.name else None) or None,
        "job_title": user.title or None,
        "department": (enterprise.department if enterprise else None) or None,
    }


def _manager_value(user: ScimUser) -> str | None:
    enterprise = user[EnterpriseUser]
    manager = enterprise.manager if enterprise else None
    return (manager.value or None) if manager else None


async def _manager_by_id(
    session: AsyncSession, principal: Principal, value: str | None
) -> uuid.UUID | None:
    """The employee ``value`` names by their User id, if it is one of this organisation."""
    if value is None:
        return None
    try:
        manager_id = uuid.UUID(value)
    except ValueError:
        return None
    found = await session.exec(
        select(Employee.id).where(
            Employee.organization_id == principal.organization_id, col(Employee.id) == manager_id
        )
    )
    return found.first()


def _validated(
    model: type[ProvisionedEmployee] | type[EmployeeUpdate], fields: dict[str, Any]
) -> Any:
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        raise Invalid(
            "The user has invalid attributes; see errors.",
            errors=[
                field_error(".".join(str(p) for p in e["loc"]), e["msg"], e["type"])
                for e in exc.errors()
            ],
        ) from exc


async def get_user(session: AsyncSession, principal: Principal, user_id: str) -> Employee:
    """A user; terminated employees are gone as far as SCIM is concerned."""
    require_scim(principal)
    try:
        employee_id = uuid.UUID(user_id)
    except ValueError as exc:
        raise NotFound("User not found.", code="user_not_found") from exc
    employee = await employees.get_employee(session, principal, employee_id)
    if employee.status == EmployeeStatus.TERMINATED:
        raise NotFound("User not found.", code="user_not_found")
    return employee


async def create_user(session: AsyncSession, principal: Principal, user: ScimUser) -> Employee:
    require_scim(principal)
    fields = {name: value for name, value in _employee_fields(user).items() if value is not None}
    manager = _manager_value(user)
    fields["manager_id"] = await _manager_by_id(session, principal, manager)
    employee = await employees.create_employee(
        session, principal, _validated(ProvisionedEmployee, fields)
    )
    if manager is not None and employee.manager_id is None:
        await sync.name_manager_by_external_id(session, principal, employee, manager)
    if user.active is False:
        employee = await employees.deactivate_employee(session, principal, employee.id)
    await sync.link_waiting_reports(session, principal, employee)
    return employee


async def replace_user(
    session: AsyncSession,
    principal: Principal,
    user_id: str,
    user: ScimUser,
    expected_version: int | None,
) -> Employee:
    employee = await get_user(session, principal, user_id)
    return await _apply(session, principal, employee, user, expected_version)


async def patch_user(
    session: AsyncSession,
    principal: Principal,
    user_id: str,
    patch: PatchOp[ScimUser],
    expected_version: int | None,
    base_url: str,
) -> Employee:
    employee = await get_user(session, principal, user_id)
    user = to_scim(employee, base_url)
    with POLICY:
        patch.patch(user)
    return await _apply(session, principal, employee, user, expected_version)


async def _apply(
    session: AsyncSession,
    principal: Principal,
    employee: Employee,
    user: ScimUser,
    expected_version: int | None,
) -> Employee:
    """Make ``employee`` what ``user`` describes (a whole User: PUT, or PATCH applied)."""
    fields = _employee_fields(user)
    manager = _manager_value(user)
    manager_id = await _manager_by_id(session, principal, manager)
    if manager is None or manager_id is not None:
        fields["manager_id"] = manager_id
    # SCIM clients rarely send If-Match; without one, the version just read is the one changed.
    version = expected_version if expected_version is not None else employee.version
    if user.active is True and employee.status != EmployeeStatus.ACTIVE:
        fields["status"] = EmployeeStatus.ACTIVE
    external_id = employee.external_id
    employee = await employees.update_employee(
        session,
        principal,
        employee.id,
        _validated(ProviderEmployeeUpdate, fields),
        version,
        from_identity_provider=True,
    )
    if manager is not None and manager_id is None:
        await sync.name_manager_by_external_id(session, principal, employee, manager)
    if user.active is False and employee.status == EmployeeStatus.ACTIVE:
        employee = await employees.deactivate_employee(session, principal, employee.id)
    if employee.external_id != external_id:
        await sync.link_waiting_reports(session, principal, employee)
    return employee


async def delete_user(session: AsyncSession, principal: Principal, user_id: str) -> None:
    """SCIM DELETE: the employee leaves (offboarding), but nothing is deleted."""
    employee = await get_user(session, principal, user_id)
    await offboard(session, principal, employee.id)


async def list_users(
    session: AsyncSession,
    principal: Principal,
    *,
    filter: str | None,
    start_index: int,
    count: int,
) -> ScimPage[Employee]:
    require_scim(principal)
    statement = select(Employee).where(
        Employee.organization_id == principal.organization_id,
        Employee.status != EmployeeStatus.TERMINATED.value,
    )
    if filter:
        statement = statement.where(user_where(filter))
    return await offset_page(
        session, statement, col(Employee.id), start_index=start_index, count=count
    )

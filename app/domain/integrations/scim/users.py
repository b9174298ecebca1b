"""SCIM Users over the employee directory: every change goes through the employee service."""

import uuid
from dataclasses import dataclass
from typing import Any
from zoneinfo import available_timezones

from pydantic import ValidationError
from scim2_models import Email, Meta, Name, PatchOp
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.access.policy import require
from app.domain.access.principal import Principal, Scope
from app.domain.employees import service as employees
from app.domain.employees.models import Employee, EmployeeCreate, EmployeeStatus, EmployeeUpdate
from app.domain.errors import Invalid, NotFound, field_error
from app.domain.integrations.offboarding import offboard
from app.domain.integrations.scim.filters import where_clause
from app.domain.integrations.scim.schema import (
    MAX_RESULTS,
    POLICY,
    EnterpriseUser,
    ManagerReference,
    ScimUser,
)

_TIMEZONES = frozenset(available_timezones())
# Optional fields a full replacement (PUT) clears when the client leaves them out.
_CLEARED_BY_REPLACE = ("job_title", "department", "manager_id")


def _require_scim(principal: Principal) -> None:
    require(principal, "provision users through SCIM", scopes=[Scope.SCIM])


def to_scim(employee: Employee, base_url: str) -> ScimUser:
    user = ScimUser(
        id=str(employee.id),
        external_id=employee.external_id,
        user_name=employee.user_name or employee.email,
        name=Name(
            given_name=employee.given_name,
            family_name=employee.family_name,
            formatted=employee.display_name,
        ),
        display_name=employee.display_name,
        title=employee.job_title,
        timezone=employee.timezone,
        active=employee.status == EmployeeStatus.ACTIVE,
        emails=[Email(value=employee.email, type=Email.Type.work, primary=True)],
        meta=Meta(
            resource_type="User",
            created=employee.created_at,
            last_modified=employee.updated_at,
            version=f'W/"{employee.version}"',
            location=f"{base_url}/Users/{employee.id}",
        ),
    )
    manager = None
    if employee.manager_id is not None:
        manager = ManagerReference(
            value=str(employee.manager_id), ref=f"{base_url}/Users/{employee.manager_id}"
        )
    user[EnterpriseUser] = EnterpriseUser(
        employee_number=employee.external_id, department=employee.department, manager=manager
    )
    return user


def _email(user: ScimUser) -> str | None:
    emails = [e for e in user.emails or [] if e.value]
    chosen = (
        next((e for e in emails if e.primary), None)
        or next((e for e in emails if str(e.type) == "work"), None)
        or (emails[0] if emails else None)
    )
    if chosen is not None:
        return str(chosen.value)
    if user.user_name and "@" in user.user_name:
        return user.user_name
    return None


def employee_fields(user: ScimUser) -> dict[str, Any]:
    """The employee a SCIM User describes (status aside: ``active`` is a transition)."""
    enterprise = user[EnterpriseUser]
    display = (user.display_name or "").split()
    given = (user.name.given_name if user.name else None) or (display[0] if display else None)
    family = (user.name.family_name if user.name else None) or (
        " ".join(display[1:]) if len(display) > 1 else None
    )
    fields: dict[str, Any] = {
        "email": _email(user),
        "user_name": user.user_name,
        "given_name": given,
        "family_name": family,
        "job_title": user.title,
        "department": enterprise.department if enterprise else None,
        "manager_id": None,
    }
    external_id = user.external_id or (enterprise.employee_number if enterprise else None)
    if external_id:
        fields["external_id"] = external_id
    if user.timezone in _TIMEZONES:
        fields["timezone"] = user.timezone
    manager = enterprise.manager.value if enterprise and enterprise.manager else None
    if manager:
        try:
            fields["manager_id"] = uuid.UUID(manager)
        except ValueError as exc:
            raise Invalid(
                "The manager is not a User of this service.",
                errors=[field_error("manager", "expected the manager's SCIM id")],
            ) from exc
    return fields


def _validated(model: type[EmployeeCreate] | type[EmployeeUpdate], fields: dict[str, Any]) -> Any:
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
    _require_scim(principal)
    try:
        employee_id = uuid.UUID(user_id)
    except ValueError as exc:
        raise NotFound("User not found.", code="user_not_found") from exc
    employee = await employees.get_employee(session, principal, employee_id)
    if employee.status == EmployeeStatus.TERMINATED:
        raise NotFound("User not found.", code="user_not_found")
    return employee


async def create_user(session: AsyncSession, principal: Principal, user: ScimUser) -> Employee:
    _require_scim(principal)
    data = _validated(EmployeeCreate, employee_fields(user))
    employee = await employees.create_employee(session, principal, data)
    if user.active is False:
        employee = await employees.deactivate_employee(session, principal, employee.id)
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
    fields = employee_fields(user)
    for name in _CLEARED_BY_REPLACE:
        fields.setdefault(name, None)
    # SCIM clients rarely send If-Match; without one, the version just read is the one changed.
    version = expected_version if expected_version is not None else employee.version
    if user.active is True and employee.status != EmployeeStatus.ACTIVE:
        fields["status"] = EmployeeStatus.ACTIVE
    data = _validated(EmployeeUpdate, fields)
    employee = await employees.update_employee(session, principal, employee.id, data, version)
    if user.active is False and employee.status == EmployeeStatus.ACTIVE:
        employee = await employees.deactivate_employee(session, principal, employee.id)
    return employee


async def delete_user(session: AsyncSession, principal: Principal, user_id: str) -> None:
    """SCIM DELETE: the employee leaves (offboarding), but nothing is deleted."""
    employee = await get_user(session, principal, user_id)
    await offboard(session, principal, employee.id)


@dataclass(frozen=True, slots=True)
class UserPage:
    total: int
    start_index: int
    items: list[Employee]


async def list_users(
    session: AsyncSession,
    principal: Principal,
    *,
    filter: str | None,
    start_index: int,
    count: int,
) -> UserPage:
    """SCIM lists page by ``startIndex``/``count`` (RFC 7644 §3.4.2.4), an offset by design."""
    _require_scim(principal)
    statement = select(Employee).where(
        Employee.organization_id == principal.organization_id,
        Employee.status != EmployeeStatus.TERMINATED.value,
    )
    if filter:
        statement = statement.where(where_clause(filter))
    total = (await session.exec(select(func.count()).select_from(statement.subquery()))).one()
    start = max(start_index, 1)
    size = min(max(count, 0), MAX_RESULTS)
    items: list[Employee] = []
    if size and start <= total:  # past the end: an empty page, whatever the offset
        page = statement.order_by(col(Employee.id)).offset(start - 1).limit(size)
        items = list((await session.exec(page)).all())
    return UserPage(total=total, start_index=start, items=items)

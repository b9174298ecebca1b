"""REST adapter of the employee directory."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from sqlmodel import Field

from app.api.deps import CurrentPrincipal, DbSession, IfMatch, Paging, set_etag
from app.api.problems import common_responses, responses
from app.api.rest import API_PREFIX
from app.api.schemas import Page
from app.domain.employees import service
from app.domain.employees.models import (
    EmployeeCreate,
    EmployeeFilter,
    EmployeeRead,
    EmployeeStatus,
    EmployeeUpdate,
)
from app.domain.integrations import offboarding
from app.domain.schemas import NO_NUL_PATTERN, CalendarDate, InputSchema, request_examples

router = APIRouter(
    prefix=f"{API_PREFIX}/employees", tags=["employees"], responses=common_responses()
)


def _filters(
    department: Annotated[str | None, Query(max_length=200, pattern=NO_NUL_PATTERN)] = None,
    status: EmployeeStatus | None = None,
    manager_id: uuid.UUID | None = None,
    q: Annotated[
        str | None,
        Query(max_length=200, pattern=NO_NUL_PATTERN, description="Part of the name or e-mail."),
    ] = None,
) -> EmployeeFilter:
    return EmployeeFilter(department=department, status=status, manager_id=manager_id, q=q)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create an employee",
    responses=responses(
        404,
        409,
        codes={
            403: ("role_change_forbidden",),
            404: ("manager_not_found", "not_found"),
            409: ("employee_exists", "implausible_birth_year"),
        },
    ),
)
async def create_employee(
    body: EmployeeCreate, db: DbSession, principal: CurrentPrincipal, response: Response
) -> EmployeeRead:
    employee = await service.create_employee(db, principal, body)
    response.headers["Location"] = f"/api/v1/employees/{employee.id}"
    set_etag(response, employee.version)
    return service.to_read(principal, employee)


@router.get(
    "",
    summary="List employees",
    responses=responses(codes={404: ("not_found",)}),
)
async def list_employees(
    db: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    filters: Annotated[EmployeeFilter, Depends(_filters)],
) -> Page[EmployeeRead]:
    page = await service.list_employees(
        db, principal, filters, limit=paging.limit, cursor=paging.cursor
    )
    return Page(
        items=[service.to_read(principal, e) for e in page.items], next_cursor=page.next_cursor
    )


@router.get(
    "/{employee_id}",
    summary="Get an employee",
    responses=responses(404, codes={404: ("employee_not_found", "not_found")}),
)
async def get_employee(
    employee_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal, response: Response
) -> EmployeeRead:
    employee = await service.get_employee(db, principal, employee_id)
    set_etag(response, employee.version)
    return service.to_read(principal, employee)


@router.patch(
    "/{employee_id}",
    summary="Update an employee",
    description="Partial update. Send the ETag you read in `If-Match`.",
    responses=responses(
        404,
        409,
        412,
        428,
        codes={
            403: ("admin_identity_protected",),
            404: ("employee_not_found", "not_found"),
            409: ("implausible_birth_year", "invalid"),
        },
    ),
)
async def update_employee(
    employee_id: uuid.UUID,
    body: EmployeeUpdate,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> EmployeeRead:
    employee = await service.update_employee(db, principal, employee_id, body, if_match)
    set_etag(response, employee.version)
    return service.to_read(principal, employee)


@router.post(
    "/{employee_id}/deactivate",
    summary="Deactivate an employee",
    description="The employee keeps their history but can no longer sign in or be matched.",
    responses=responses(404, 409, 412, codes={404: ("employee_not_found", "not_found")}),
)
async def deactivate_employee(
    employee_id: uuid.UUID,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> EmployeeRead:
    employee = await service.deactivate_employee(db, principal, employee_id, if_match)
    set_etag(response, employee.version)
    return service.to_read(principal, employee)


class Termination(InputSchema):
    model_config = request_examples({"terminated_on": "2026-12-31"})

    terminated_on: CalendarDate | None = Field(
        default=None, description="The last day of employment; today when omitted."
    )


@router.post(
    "/{employee_id}/terminate",
    summary="Terminate an employee",
    description=(
        "The employee left the company: they become terminated, their open pairs end with "
        "reason `left_company`, their open enrolments are withdrawn and their circle and "
        "workshop places are released. Nothing is deleted. Terminating twice changes nothing."
    ),
    responses=responses(404, codes={404: ("employee_not_found", "not_found")}),
)
async def terminate_employee(
    employee_id: uuid.UUID,
    db: DbSession,
    principal: CurrentPrincipal,
    response: Response,
    body: Termination | None = None,
) -> EmployeeRead:
    employee = await offboarding.offboard(
        db, principal, employee_id, terminated_on=body.terminated_on if body else None
    )
    set_etag(response, employee.version)
    return service.to_read(principal, employee)

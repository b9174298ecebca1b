"""GraphQL adapter of the employee directory."""

import datetime as dt
import uuid

import strawberry

from app.api.graphql.context import Info, mutate
from app.api.graphql.derived import derived, from_read, source
from app.api.graphql.inputs import input_from
from app.api.graphql.operations import mutation_of, query_of
from app.api.graphql.relay import Connection, connection_from_page
from app.domain.access.principal import Principal, Role
from app.domain.employees import service
from app.domain.employees.models import (
    Employee,
    EmployeeCreate,
    EmployeeFilter,
    EmployeeRead,
    EmployeeStatus,
    EmployeeUpdate,
    display_name,
)
from app.domain.integrations import offboarding
from app.domain.pagination import DEFAULT_LIMIT, MAX_LIMIT

EmployeeStatusEnum = strawberry.enum(EmployeeStatus, name="EmployeeStatus")
RoleEnum = strawberry.enum(Role, name="Role")


@derived(EmployeeRead, name="Employee")
class EmployeeType:
    erased_at: strawberry.auto = strawberry.field(
        description="When the person's personal data was erased, if it was."
    )

    @strawberry.field
    def display_name(self) -> str:
        view: EmployeeRead = source(self)
        return display_name(view.given_name, view.family_name, view.user_name or view.email)

    @strawberry.field(description="The employee's manager, batched with a DataLoader.")
    async def manager(self, info: Info) -> "EmployeeType | None":
        manager_id = source(self).manager_id
        return None if manager_id is None else await employee_of(info, manager_id)

    @strawberry.field(description=f"Direct reports, by id, `first` at most {MAX_LIMIT}, batched.")
    async def reports(
        self, info: Info, first: int = DEFAULT_LIMIT, after: str | None = None
    ) -> Connection["EmployeeType"]:
        page = await info.context.loader.reports.load((source(self).id, first, after))
        principal = info.context.principal
        return connection_from_page(page, lambda e: from_model(principal, e))


async def employee_of(info: Info, employee_id: uuid.UUID) -> EmployeeType | None:
    """The employee, batched, as the caller may see them."""
    found = await info.context.loader.employee.load(employee_id)
    return from_model(info.context.principal, found) if found else None


def from_model(principal: Principal, employee: Employee) -> EmployeeType:
    view = service.to_read(principal, employee)
    return from_read(EmployeeType, view)


@input_from(EmployeeFilter, defaults=True)
class EmployeeFilterInput:
    pass


@input_from(
    EmployeeCreate,
    fields="email given_name family_name external_id job_title department location manager_id "
    "seniority_level birth_year hire_date languages timezone role",
    defaults=True,
)
class EmployeeCreateInput:
    pass


@input_from(
    EmployeeUpdate,
    fields="external_id email given_name family_name job_title department location "
    "manager_id seniority_level birth_year hire_date languages timezone status role",
    description="Only the fields given are changed; null clears optional ones.",
)
class EmployeeUpdateInput:
    pass


@strawberry.type
class EmployeeQuery:
    @query_of(service.get_employee, from_model, caller=True)
    def employee(self, id: uuid.UUID) -> EmployeeType | None:
        """One employee of your organisation."""

    @query_of(service.list_employees, from_model, caller=True)
    def employees(
        self, first: int = 50, after: str | None = None, filter: EmployeeFilterInput | None = None
    ) -> Connection[EmployeeType]:
        """The directory, as a Relay connection ordered by creation."""


@strawberry.type
class EmployeeMutation:
    @mutation_of(service.create_employee, from_model, caller=True)
    def create_employee(self, input: EmployeeCreateInput) -> EmployeeType | None: ...

    @mutation_of(service.update_employee, from_model, caller=True)
    def update_employee(
        self, id: uuid.UUID, version: int, input: EmployeeUpdateInput
    ) -> EmployeeType | None:
        """Partial update; `version` is the version you read."""

    @strawberry.mutation(
        description="The employee left: their pairs end, their places are released."
    )
    async def terminate_employee(
        self, info: Info, id: uuid.UUID, terminated_on: dt.date | None = None
    ) -> EmployeeType | None:
        employee = await mutate(info, offboarding.offboard, id, terminated_on=terminated_on)
        return from_model(info.context.principal, employee)

    @mutation_of(service.deactivate_employee, from_model, caller=True)
    def deactivate_employee(
        self, id: uuid.UUID, version: int | None = None
    ) -> EmployeeType | None: ...

"""GraphQL adapter of access: who is calling."""

import uuid

import strawberry

from app.api.graphql.context import Info
from app.api.graphql.employees import EmployeeType, RoleEnum, from_model
from app.api.graphql.notifications import NotificationPreferencesType, preferences_of_viewer
from app.domain.access import service
from app.domain.employees import service as employees


@strawberry.type(name="Organization")
class OrganizationType:
    id: uuid.UUID
    name: str
    slug: str


@strawberry.type(name="Viewer")
class ViewerType:
    organization: OrganizationType
    kind: str
    role: RoleEnum  # type: ignore[valid-type]
    scopes: list[str]
    employee: EmployeeType | None

    @strawberry.field(description="The viewer's notification preferences (people only).")
    async def notification_preferences(self, info: Info) -> NotificationPreferencesType | None:
        return await preferences_of_viewer(info)


@strawberry.type
class AccessQuery:
    @strawberry.field(description="The caller: their organisation, role and employee record.")
    async def viewer(self, info: Info) -> ViewerType:
        ctx = info.context
        principal = ctx.principal
        organization = await service.get_organization(ctx.session, principal)
        employee = None
        if principal.employee_id is not None:
            person = await employees.get_employee(ctx.session, principal, principal.employee_id)
            employee = from_model(principal, person)
        return ViewerType(
            organization=OrganizationType(
                id=organization.id, name=organization.name, slug=organization.slug
            ),
            kind=principal.kind,
            role=principal.role,
            scopes=sorted(principal.scopes),
            employee=employee,
        )

"""GraphQL adapter of access: who is calling."""

import strawberry

from app.api.graphql.context import Info, query
from app.api.graphql.derived import derived, from_read
from app.api.graphql.employees import EmployeeType, RoleEnum, from_model
from app.api.graphql.engagement import AgendaItemType, agenda_types
from app.api.graphql.notifications import NotificationPreferencesType, preferences_of_viewer
from app.domain.access import service
from app.domain.access.models import OrganizationRead
from app.domain.employees import service as employees
from app.domain.engagement import service as engagement


@derived(OrganizationRead, name="Organization", exclude={"created_at"})
class OrganizationType:
    pass


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

    @strawberry.field(
        description=(
            "Your open items, soonest first, each with the operation that resolves it; "
            "gone as soon as it is done. The same as REST `GET /api/v1/me/agenda`."
        )
    )
    async def agenda(self, info: Info) -> list[AgendaItemType]:
        return agenda_types(await query(info, engagement.agenda_for))


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
            organization=from_read(OrganizationType, organization),
            kind=principal.kind,
            role=principal.role,
            scopes=sorted(principal.scopes),
            employee=employee,
        )

"""GraphQL adapter of groups (read-only: the identity provider writes them through SCIM)."""

import datetime as dt
import uuid

import strawberry

from app.api.graphql.context import Info
from app.api.graphql.employees import EmployeeType, from_model
from app.api.graphql.relay import Connection, connection_from_page
from app.domain.groups import service
from app.domain.groups.models import Group, GroupFilter
from app.domain.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page


@strawberry.type(name="Group", description="A group the identity provider pushed (SCIM).")
class GroupType:
    id: uuid.UUID
    display_name: str
    external_id: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int

    @strawberry.field(description="How many people are in the group, batched.")
    async def member_count(self, info: Info) -> int:
        count: int = await info.context.loader.member_count.load(self.id)
        return count

    @strawberry.field(
        description=(
            f"Who is in the group, in the order they joined, `first` at most {MAX_LIMIT}: "
            "administrators and keys with `read` or `scim` only. Batched."
        )
    )
    async def members(
        self, info: Info, first: int = DEFAULT_LIMIT, after: str | None = None
    ) -> Connection[EmployeeType]:
        ctx = info.context
        service.require_read_members(ctx.principal)
        page = await ctx.loader.group_members.load((self.id, first, after))
        people = await ctx.loader.employee.load_many([m.employee_id for m in page.items])
        # Memberships go with their employee (a foreign key cascade): none is missing.
        found = Page(
            items=[p for p in people if p is not None],
            next_cursor=page.next_cursor,
            cursors=page.cursors,
        )
        return connection_from_page(found, lambda e: from_model(ctx.principal, e))


def group_from_model(group: Group) -> GroupType:
    return GroupType(
        id=group.id,
        display_name=group.display_name,
        external_id=group.external_id,
        created_at=group.created_at,
        updated_at=group.updated_at,
        version=group.version,
    )


@strawberry.type
class GroupQuery:
    @strawberry.field(description="One group of your organisation.")
    async def group(self, info: Info, id: uuid.UUID) -> GroupType | None:
        ctx = info.context
        return group_from_model(await service.get_group(ctx.session, ctx.principal, id))

    @strawberry.field(description="The groups the identity provider pushed, as a Relay connection.")
    async def groups(
        self,
        info: Info,
        first: int = DEFAULT_LIMIT,
        after: str | None = None,
        display_name: str | None = None,
    ) -> Connection[GroupType]:
        ctx = info.context
        page = await service.list_groups(
            ctx.session,
            ctx.principal,
            GroupFilter(display_name=display_name),
            limit=first,
            cursor=after,
        )
        return connection_from_page(page, group_from_model)

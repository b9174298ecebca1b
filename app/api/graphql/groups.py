"""GraphQL adapter of groups (read-only: the identity provider writes them through SCIM)."""

import uuid

import strawberry

from app.api.graphql.context import Info
from app.api.graphql.derived import derived, from_read
from app.api.graphql.employees import EmployeeType, from_model
from app.api.graphql.operations import query_of
from app.api.graphql.relay import Connection, connection_from_page
from app.domain.groups import service
from app.domain.groups.models import Group, GroupFilter, GroupRead
from app.domain.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page


@derived(GroupRead, name="Group", description="A group the identity provider pushed (SCIM).")
class GroupType:
    model: strawberry.Private[Group]

    @strawberry.field(description="How many people are in the group, batched.")
    async def member_count(self, info: Info) -> int:
        count: int = await info.context.loader.member_count.load(self.model.id)
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
        page = await ctx.loader.group_members.load((self.model.id, first, after))
        people = await ctx.loader.employee.load_many([m.employee_id for m in page.items])
        # Memberships go with their employee (a foreign key cascade): none is missing.
        found = Page(
            items=[p for p in people if p is not None],
            next_cursor=page.next_cursor,
            cursors=page.cursors,
        )
        return connection_from_page(found, lambda e: from_model(ctx.principal, e))


def group_from_model(group: Group) -> GroupType:
    # The count is a batched field of its own: the row stands for the read schema.
    return from_read(GroupType, group, model=group)


@strawberry.type
class GroupQuery:
    @query_of(service.get_group, group_from_model)
    def group(self, id: uuid.UUID) -> GroupType | None:
        """One group of your organisation."""

    @query_of(service.list_groups, group_from_model, fields=GroupFilter)
    def groups(
        self, first: int = DEFAULT_LIMIT, after: str | None = None, display_name: str | None = None
    ) -> Connection[GroupType]:
        """The groups the identity provider pushed, as a Relay connection."""

"""REST adapter of groups: read-only, since the identity provider writes them (SCIM)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from app.api.deps import CurrentPrincipal, DbSession, Paging, set_etag
from app.api.problems import common_responses, responses
from app.api.rest import API_PREFIX
from app.api.schemas import Page
from app.domain.groups import service
from app.domain.groups.models import GroupFilter, GroupMemberRead, GroupRead

router = APIRouter(prefix=f"{API_PREFIX}/groups", tags=["groups"], responses=common_responses())


def _filters(
    display_name: Annotated[
        str | None, Query(max_length=200, description="The exact name, case-insensitive.")
    ] = None,
) -> GroupFilter:
    return GroupFilter(display_name=display_name)


@router.get(
    "",
    summary="List groups",
    description=(
        "The groups the identity provider pushed through SCIM (`/scim/v2/Groups`), to restrict "
        "a program's enrolment to their members. Administrators, program managers and keys "
        "with `read`, `programs:write` or `scim`."
    ),
    responses=responses(codes={404: ("not_found",)}),
)
async def list_groups(
    db: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    filters: Annotated[GroupFilter, Depends(_filters)],
) -> Page[GroupRead]:
    page = await service.list_groups(
        db, principal, filters, limit=paging.limit, cursor=paging.cursor
    )
    return Page(items=await service.to_read(db, page.items), next_cursor=page.next_cursor)


@router.get(
    "/{group_id}",
    summary="Get a group",
    responses=responses(404, codes={404: ("group_not_found", "not_found")}),
)
async def get_group(
    group_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal, response: Response
) -> GroupRead:
    group = await service.get_group(db, principal, group_id)
    set_etag(response, group.version)
    [read] = await service.to_read(db, [group])
    return read


@router.get(
    "/{group_id}/members",
    summary="List a group's members",
    description="Who is in the group: administrators and keys with `read` or `scim` only.",
    responses=responses(404, codes={404: ("group_not_found", "not_found")}),
)
async def list_group_members(
    group_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal, paging: Paging
) -> Page[GroupMemberRead]:
    page = await service.list_members(
        db, principal, group_id, limit=paging.limit, cursor=paging.cursor
    )
    return Page(
        items=[GroupMemberRead.model_validate(m, from_attributes=True) for m in page.items],
        next_cursor=page.next_cursor,
    )

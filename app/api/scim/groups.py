"""``/Groups``: the groups an identity provider pushes; rules in ``integrations.scim.groups``."""

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request, Response, status
from scim2_models import Context, PatchOp, ResponseParameters
from sqlmodel.ext.asyncio.session import AsyncSession

from app.api.deps import DbSession, parse_if_match
from app.api.scim.common import (
    Listing,
    ScimPrincipal,
    Selection,
    base_url,
    json_object,
    list_response,
    resource_response,
    response_parameters,
    returns,
    search_request,
)
from app.api.scim.errors import ScimResponse
from app.domain.access.principal import Principal
from app.domain.groups.models import Group as GroupRow
from app.domain.integrations.scim import groups
from app.domain.integrations.scim.schema import POLICY, Group


def _read_group(payload: dict[str, Any], context: Context) -> Group:
    group: Group = Group.model_validate(payload, scim_ctx=context, scim_policy=POLICY)
    return group


async def _answer(
    request: Request,
    db: AsyncSession,
    principal: Principal,
    group: GroupRow,
    context: Context,
    selection: Selection,
    status_code: int = 200,
) -> ScimResponse:
    params = response_parameters(Group, selection.attributes, selection.excluded_attributes)
    members = None
    if returns(params, "members"):
        members = (await groups.members_of(db, principal, [group]))[group.id]
    return resource_response(
        groups.to_scim(group, members, base_url(request)),
        context,
        group.version,
        params,
        status_code=status_code,
    )


async def _search(
    request: Request,
    db: AsyncSession,
    principal: Principal,
    *,
    filter: str | None,
    start_index: int,
    count: int,
    params: ResponseParameters[Any],
) -> ScimResponse:
    page = await groups.list_groups(
        db, principal, filter=filter, start_index=start_index, count=count
    )
    # Okta and Entra list groups with excludedAttributes=members: then none are read.
    members = (
        await groups.members_of(db, principal, page.items) if returns(params, "members") else {}
    )
    base = base_url(request)
    found = [groups.to_scim(g, members.get(g.id), base) for g in page.items]
    return list_response(Group, page, found, params)


def group_routes(app: FastAPI) -> None:
    @app.get("/Groups")
    async def list_groups(
        request: Request,
        db: DbSession,
        principal: ScimPrincipal,
        listing: Annotated[Listing, Depends()],
    ) -> ScimResponse:
        return await _search(
            request,
            db,
            principal,
            filter=listing.filter,
            start_index=listing.start_index,
            count=listing.count,
            params=response_parameters(Group, listing.attributes, listing.excluded_attributes),
        )

    @app.post("/Groups/.search")
    async def search_groups(
        request: Request, db: DbSession, principal: ScimPrincipal
    ) -> ScimResponse:
        search = search_request(Group, await json_object(request))
        return await _search(
            request,
            db,
            principal,
            filter=str(search.filter) if search.filter is not None else None,
            start_index=search.start_index or 1,
            count=search.count if search.count is not None else 100,
            params=search,
        )

    @app.post("/Groups", status_code=status.HTTP_201_CREATED)
    async def create_group(
        request: Request,
        db: DbSession,
        principal: ScimPrincipal,
        selection: Annotated[Selection, Depends()],
    ) -> Response:
        scim_group = _read_group(await json_object(request), Context.RESOURCE_CREATION_REQUEST)
        group = await groups.create_group(db, principal, scim_group)
        return await _answer(
            request, db, principal, group, Context.RESOURCE_CREATION_RESPONSE, selection, 201
        )

    @app.get("/Groups/{group_id}")
    async def get_group(
        group_id: str,
        request: Request,
        db: DbSession,
        principal: ScimPrincipal,
        selection: Annotated[Selection, Depends()],
    ) -> Response:
        group = await groups.get_group(db, principal, group_id)
        return await _answer(
            request, db, principal, group, Context.RESOURCE_QUERY_RESPONSE, selection
        )

    @app.put("/Groups/{group_id}")
    async def replace_group(
        group_id: str,
        request: Request,
        db: DbSession,
        principal: ScimPrincipal,
        selection: Annotated[Selection, Depends()],
    ) -> Response:
        version = parse_if_match(request.headers.get("if-match"))
        scim_group = _read_group(await json_object(request), Context.RESOURCE_REPLACEMENT_REQUEST)
        group = await groups.replace_group(db, principal, group_id, scim_group, version)
        return await _answer(
            request, db, principal, group, Context.RESOURCE_REPLACEMENT_RESPONSE, selection
        )

    @app.patch("/Groups/{group_id}")
    async def patch_group(
        group_id: str,
        request: Request,
        db: DbSession,
        principal: ScimPrincipal,
        selection: Annotated[Selection, Depends()],
    ) -> Response:
        version = parse_if_match(request.headers.get("if-match"))
        patch = PatchOp[Group].model_validate(
            await json_object(request),
            scim_ctx=Context.RESOURCE_PATCH_REQUEST,
            scim_policy=POLICY,
        )
        group = await groups.patch_group(db, principal, group_id, patch, version, base_url(request))
        return await _answer(
            request, db, principal, group, Context.RESOURCE_PATCH_RESPONSE, selection
        )

    @app.delete("/Groups/{group_id}", status_code=status.HTTP_204_NO_CONTENT)
    async def delete_group(group_id: str, db: DbSession, principal: ScimPrincipal) -> Response:
        await groups.delete_group(db, principal, group_id)
        return Response(status_code=status.HTTP_204_NO_CONTENT)

"""``/Users``: employees as SCIM Users; the rules live in ``integrations.scim.users``."""

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request, Response, status
from scim2_models import Context, PatchOp
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
    search_request,
)
from app.api.scim.errors import ScimResponse
from app.domain.access.principal import Principal
from app.domain.employees.models import Employee
from app.domain.integrations.scim import users
from app.domain.integrations.scim.schema import POLICY, ScimUser


def _read_user(payload: dict[str, Any], context: Context) -> ScimUser:
    user: ScimUser = ScimUser.model_validate(payload, scim_ctx=context, scim_policy=POLICY)
    return user


def _answer(
    request: Request,
    employee: Employee,
    context: Context,
    selection: Selection,
    status_code: int = 200,
) -> ScimResponse:
    params = response_parameters(ScimUser, selection.attributes, selection.excluded_attributes)
    return resource_response(
        users.to_scim(employee, base_url(request)),
        context,
        employee.version,
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
    attributes: Any,
    excluded: Any,
) -> ScimResponse:
    params = response_parameters(ScimUser, attributes, excluded)
    page = await users.list_users(
        db, principal, filter=filter, start_index=start_index, count=count
    )
    base = base_url(request)
    return list_response(ScimUser, page, [users.to_scim(e, base) for e in page.items], params)


def user_routes(app: FastAPI) -> None:
    @app.get("/Users")
    async def list_users(
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
            attributes=listing.attributes,
            excluded=listing.excluded_attributes,
        )

    @app.post("/Users/.search")
    async def search_users(
        request: Request, db: DbSession, principal: ScimPrincipal
    ) -> ScimResponse:
        search = search_request(ScimUser, await json_object(request))
        return await _search(
            request,
            db,
            principal,
            filter=str(search.filter) if search.filter is not None else None,
            start_index=search.start_index or 1,
            count=search.count if search.count is not None else 100,
            attributes=[str(a) for a in search.attributes or []] or None,
            excluded=[str(a) for a in search.excluded_attributes or []] or None,
        )

    @app.post("/Users", status_code=status.HTTP_201_CREATED)
    async def create_user(
        request: Request,
        db: DbSession,
        principal: ScimPrincipal,
        selection: Annotated[Selection, Depends()],
    ) -> Response:
        user = _read_user(await json_object(request), Context.RESOURCE_CREATION_REQUEST)
        employee = await users.create_user(db, principal, user)
        return _answer(request, employee, Context.RESOURCE_CREATION_RESPONSE, selection, 201)

    @app.get("/Users/{user_id}")
    async def get_user(
        user_id: str,
        request: Request,
        db: DbSession,
        principal: ScimPrincipal,
        selection: Annotated[Selection, Depends()],
    ) -> Response:
        employee = await users.get_user(db, principal, user_id)
        return _answer(request, employee, Context.RESOURCE_QUERY_RESPONSE, selection)

    @app.put("/Users/{user_id}")
    async def replace_user(
        user_id: str,
        request: Request,
        db: DbSession,
        principal: ScimPrincipal,
        selection: Annotated[Selection, Depends()],
    ) -> Response:
        version = parse_if_match(request.headers.get("if-match"))
        user = _read_user(await json_object(request), Context.RESOURCE_REPLACEMENT_REQUEST)
        employee = await users.replace_user(db, principal, user_id, user, version)
        return _answer(request, employee, Context.RESOURCE_REPLACEMENT_RESPONSE, selection)

    @app.patch("/Users/{user_id}")
    async def patch_user(
        user_id: str,
        request: Request,
        db: DbSession,
        principal: ScimPrincipal,
        selection: Annotated[Selection, Depends()],
    ) -> Response:
        version = parse_if_match(request.headers.get("if-match"))
        patch = PatchOp[ScimUser].model_validate(
            await json_object(request),
            scim_ctx=Context.RESOURCE_PATCH_REQUEST,
            scim_policy=POLICY,
        )
        employee = await users.patch_user(db, principal, user_id, patch, version, base_url(request))
        return _answer(request, employee, Context.RESOURCE_PATCH_RESPONSE, selection)

    @app.delete("/Users/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
    async def delete_user(user_id: str, db: DbSession, principal: ScimPrincipal) -> Response:
        await users.delete_user(db, principal, user_id)
        return Response(status_code=status.HTTP_204_NO_CONTENT)

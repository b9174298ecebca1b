"""The seven routes of a SCIM resource type (RFC 7644 §3), declared once for Users and Groups.

Each resource type says what differs: its model, its address and the domain functions that
keep its rules. The routes read the body in the request's SCIM context, honour ``If-Match``
and answer the attributes the client selected.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, Protocol, TypeVar

from fastapi import Depends, FastAPI, Request, Response, status
from scim2_models import Context, PatchOp, Resource, ResponseParameters
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
from app.db.base import VersionMixin
from app.domain.access.principal import Principal
from app.domain.integrations.scim.paging import ScimPage
from app.domain.integrations.scim.schema import POLICY

RowT = TypeVar("RowT", bound=VersionMixin)
ModelT = TypeVar("ModelT", bound=Resource[Any])


class ListPage(Protocol[RowT]):
    """The domain's listing: one page of the rows a SCIM filter selects."""

    def __call__(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        filter: str | None,
        start_index: int,
        count: int,
    ) -> Awaitable[ScimPage[RowT]]: ...


@dataclass(frozen=True)
class ScimResourceType(Generic[RowT, ModelT]):
    """A resource type served at ``path``, kept by the domain's functions below."""

    model: type[ModelT]
    path: str
    # Names the routes (``list_users``, ``get_user``) and the id in the path (``{user_id}``).
    name: str
    create: Callable[[AsyncSession, Principal, ModelT], Awaitable[RowT]]
    get: Callable[[AsyncSession, Principal, str], Awaitable[RowT]]
    replace: Callable[[AsyncSession, Principal, str, ModelT, int | None], Awaitable[RowT]]
    patch: Callable[
        [AsyncSession, Principal, str, PatchOp[ModelT], int | None, str], Awaitable[RowT]
    ]
    delete: Callable[[AsyncSession, Principal, str], Awaitable[None]]
    list_page: ListPage[RowT]
    # The rows as SCIM resources at a base address, reading only what the answer returns.
    to_scim: Callable[
        [AsyncSession, Principal, Sequence[RowT], ResponseParameters[Any], str],
        Awaitable[list[ModelT]],
    ]

    def read(self, payload: dict[str, Any], context: Context) -> ModelT:
        resource: ModelT = self.model.model_validate(payload, scim_ctx=context, scim_policy=POLICY)
        return resource

    def read_patch(self, payload: dict[str, Any]) -> PatchOp[ModelT]:
        patch: PatchOp[ModelT] = PatchOp[self.model].model_validate(  # type: ignore[name-defined]
            payload, scim_ctx=Context.RESOURCE_PATCH_REQUEST, scim_policy=POLICY
        )
        return patch


def resource_routes(app: FastAPI, resource: ScimResourceType[Any, Any]) -> None:
    """List, ``.search``, create, get, replace, patch and delete at ``resource.path``."""
    name, model = resource.name, resource.model
    id_param = f"{name}_id"
    one = f"{resource.path}/{{{id_param}}}"

    async def answer(
        request: Request,
        db: AsyncSession,
        principal: Principal,
        row: VersionMixin,
        context: Context,
        selection: Selection,
        status_code: int = 200,
    ) -> ScimResponse:
        params = response_parameters(model, selection.attributes, selection.excluded_attributes)
        [found] = await resource.to_scim(db, principal, [row], params, base_url(request))
        return resource_response(found, context, row.version, params, status_code=status_code)

    async def search(
        request: Request,
        db: AsyncSession,
        principal: Principal,
        *,
        filter: str | None,
        start_index: int,
        count: int,
        params: ResponseParameters[Any],
    ) -> ScimResponse:
        page = await resource.list_page(
            db, principal, filter=filter, start_index=start_index, count=count
        )
        found = await resource.to_scim(db, principal, page.items, params, base_url(request))
        return list_response(model, page, found, params)

    @app.get(resource.path, name=f"list_{name}s")
    async def list_resources(
        request: Request,
        db: DbSession,
        principal: ScimPrincipal,
        listing: Annotated[Listing, Depends()],
    ) -> ScimResponse:
        return await search(
            request,
            db,
            principal,
            filter=listing.filter,
            start_index=listing.start_index,
            count=listing.count,
            params=response_parameters(model, listing.attributes, listing.excluded_attributes),
        )

    @app.post(f"{resource.path}/.search", name=f"search_{name}s")
    async def search_resources(
        request: Request, db: DbSession, principal: ScimPrincipal
    ) -> ScimResponse:
        # A SearchRequest carries its own attributes and excludedAttributes.
        query = search_request(model, await json_object(request))
        return await search(
            request,
            db,
            principal,
            filter=str(query.filter) if query.filter is not None else None,
            start_index=query.start_index or 1,
            count=query.count if query.count is not None else 100,
            params=query,
        )

    @app.post(resource.path, status_code=status.HTTP_201_CREATED, name=f"create_{name}")
    async def create_resource(
        request: Request,
        db: DbSession,
        principal: ScimPrincipal,
        selection: Annotated[Selection, Depends()],
    ) -> Response:
        created = resource.read(await json_object(request), Context.RESOURCE_CREATION_REQUEST)
        row = await resource.create(db, principal, created)
        return await answer(
            request, db, principal, row, Context.RESOURCE_CREATION_RESPONSE, selection, 201
        )

    @app.get(one, name=f"get_{name}")
    async def get_resource(
        request: Request,
        db: DbSession,
        principal: ScimPrincipal,
        selection: Annotated[Selection, Depends()],
    ) -> Response:
        row = await resource.get(db, principal, request.path_params[id_param])
        return await answer(request, db, principal, row, Context.RESOURCE_QUERY_RESPONSE, selection)

    @app.put(one, name=f"replace_{name}")
    async def replace_resource(
        request: Request,
        db: DbSession,
        principal: ScimPrincipal,
        selection: Annotated[Selection, Depends()],
    ) -> Response:
        version = parse_if_match(request.headers.get("if-match"))
        replacement = resource.read(
            await json_object(request), Context.RESOURCE_REPLACEMENT_REQUEST
        )
        row = await resource.replace(
            db, principal, request.path_params[id_param], replacement, version
        )
        return await answer(
            request, db, principal, row, Context.RESOURCE_REPLACEMENT_RESPONSE, selection
        )

    @app.patch(one, name=f"patch_{name}")
    async def patch_resource(
        request: Request,
        db: DbSession,
        principal: ScimPrincipal,
        selection: Annotated[Selection, Depends()],
    ) -> Response:
        version = parse_if_match(request.headers.get("if-match"))
        patch = resource.read_patch(await json_object(request))
        row = await resource.patch(
            db, principal, request.path_params[id_param], patch, version, base_url(request)
        )
        return await answer(request, db, principal, row, Context.RESOURCE_PATCH_RESPONSE, selection)

    @app.delete(one, status_code=status.HTTP_204_NO_CONTENT, name=f"delete_{name}")
    async def delete_resource(
        request: Request, db: DbSession, principal: ScimPrincipal
    ) -> Response:
        await resource.delete(db, principal, request.path_params[id_param])
        return Response(status_code=status.HTTP_204_NO_CONTENT)

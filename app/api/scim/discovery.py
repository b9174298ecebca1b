"""Discovery (RFC 7644 §4): what the service provides, generated from its resource models."""

from typing import Any

from fastapi import FastAPI, Request
from scim2_models import (
    Context,
    ListResponse,
    NotFoundException,
    NotImplementedException,
    ResourceType,
    Schema,
)

from app.api.scim.common import ScimPrincipal, base_url
from app.api.scim.errors import ScimResponse
from app.domain.integrations.scim import schema


def _listing(kind: type[ResourceType] | type[Schema], resources: list[Any]) -> ScimResponse:
    listed = ListResponse[kind](  # type: ignore[valid-type]
        total_results=len(resources),
        start_index=1,
        items_per_page=len(resources),
        resources=resources,
    )
    return ScimResponse(listed.model_dump(scim_ctx=Context.SEARCH_RESPONSE))


def discovery_routes(app: FastAPI) -> None:
    @app.get("/ServiceProviderConfig")
    async def service_provider_config(request: Request, _p: ScimPrincipal) -> ScimResponse:
        config = schema.service_provider_config(base_url(request))
        return ScimResponse(config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))

    @app.get("/ResourceTypes")
    async def resource_types(request: Request, _p: ScimPrincipal) -> ScimResponse:
        return _listing(ResourceType, schema.resource_types(base_url(request)))

    @app.get("/ResourceTypes/{name}")
    async def resource_type(name: str, request: Request, _p: ScimPrincipal) -> ScimResponse:
        found = [r for r in schema.resource_types(base_url(request)) if r.id == name]
        if not found:
            raise NotFoundException(detail=f"No resource type {name!r}.")
        return ScimResponse(found[0].model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))

    @app.get("/Schemas")
    async def schemas(request: Request, _p: ScimPrincipal) -> ScimResponse:
        return _listing(Schema, schema.schemas(base_url(request)))

    @app.get("/Schemas/{schema_id}")
    async def one_schema(schema_id: str, request: Request, _p: ScimPrincipal) -> ScimResponse:
        found = [s for s in schema.schemas(base_url(request)) if s.id == schema_id]
        if not found:
            raise NotFoundException(detail=f"No schema {schema_id!r}.")
        return ScimResponse(found[0].model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))

    @app.post("/.search")
    async def search_everything(_p: ScimPrincipal) -> ScimResponse:
        # RFC 7644 §3.4.3 lets a provider search one resource type at a time only.
        raise NotImplementedException(
            detail="Search one resource type at a time: POST /Users/.search or /Groups/.search."
        )

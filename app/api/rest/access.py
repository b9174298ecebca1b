"""REST adapter of access: the caller, the organisation, API keys and identity providers."""

import uuid
from typing import Literal

from fastapi import APIRouter, Response, status
from pydantic import BaseModel

from app.api.deps import CurrentPrincipal, DbSession, IfMatch, Paging, set_etag
from app.api.problems import common_responses, responses
from app.api.rest import API_PREFIX
from app.api.schemas import Page
from app.domain.access import service
from app.domain.access.models import (
    ApiKey,
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    IdentityProvider,
    IdentityProviderCreate,
    IdentityProviderRead,
    IdentityProviderUpdate,
    OrganizationRead,
)
from app.domain.access.principal import Role, Scope
from app.domain.employees import service as employees
from app.domain.employees.models import EmployeeRead

router = APIRouter(prefix=API_PREFIX, responses=common_responses())


class Me(BaseModel):
    organization: OrganizationRead
    kind: Literal["api_key", "user"]
    role: Role
    scopes: list[Scope]
    employee: EmployeeRead | None


@router.get(
    "/me",
    tags=["access"],
    summary="Who is calling",
    responses=responses(codes={404: ("not_found",)}),
)
async def me(db: DbSession, principal: CurrentPrincipal) -> Me:
    organization = await service.get_organization(db, principal)
    employee = None
    if principal.employee_id is not None:
        person = await employees.get_employee(db, principal, principal.employee_id)
        employee = employees.to_read(principal, person)
    return Me(
        organization=OrganizationRead.model_validate(organization, from_attributes=True),
        kind=principal.kind,
        role=principal.role,
        scopes=sorted(principal.scopes),
        employee=employee,
    )


@router.get(
    "/organization",
    tags=["access"],
    summary="Get the caller's organisation",
    responses=responses(codes={404: ("not_found",)}),
)
async def get_organization(db: DbSession, principal: CurrentPrincipal) -> OrganizationRead:
    organization = await service.get_organization(db, principal)
    return OrganizationRead.model_validate(organization, from_attributes=True)


# --- API keys ------------------------------------------------------------------------------


def _key_read(key: ApiKey) -> ApiKeyRead:
    return ApiKeyRead.model_validate(key, from_attributes=True)


@router.post(
    "/api-keys",
    tags=["api-keys"],
    status_code=status.HTTP_201_CREATED,
    summary="Create an API key",
    description="The token is in the answer once; only its hash is kept.",
    responses=responses(codes={404: ("not_found",), 409: ("invalid",)}),
)
async def create_api_key(
    body: ApiKeyCreate, db: DbSession, principal: CurrentPrincipal, response: Response
) -> ApiKeyCreated:
    key, token = await service.create_api_key(db, principal, body)
    response.headers["Location"] = f"/api/v1/api-keys/{key.id}"
    return ApiKeyCreated(**_key_read(key).model_dump(), token=token)


@router.get(
    "/api-keys",
    tags=["api-keys"],
    summary="List API keys",
    responses=responses(codes={404: ("not_found",)}),
)
async def list_api_keys(
    db: DbSession, principal: CurrentPrincipal, paging: Paging
) -> Page[ApiKeyRead]:
    page = await service.list_api_keys(db, principal, limit=paging.limit, cursor=paging.cursor)
    return Page(items=[_key_read(k) for k in page.items], next_cursor=page.next_cursor)


@router.get(
    "/api-keys/{key_id}",
    tags=["api-keys"],
    summary="Get an API key",
    responses=responses(404, codes={404: ("not_found",)}),
)
async def get_api_key(key_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal) -> ApiKeyRead:
    return _key_read(await service.get_api_key(db, principal, key_id))


@router.delete(
    "/api-keys/{key_id}",
    tags=["api-keys"],
    summary="Revoke an API key",
    description="The key stops working at once; its record stays for the audit trail.",
    responses=responses(404, codes={404: ("not_found",)}),
)
async def revoke_api_key(
    key_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal
) -> ApiKeyRead:
    return _key_read(await service.revoke_api_key(db, principal, key_id))


# --- identity providers --------------------------------------------------------------------


def _provider_read(provider: IdentityProvider) -> IdentityProviderRead:
    return service.identity_provider_view(provider)


@router.post(
    "/identity-providers",
    tags=["identity-providers"],
    status_code=status.HTTP_201_CREATED,
    summary="Register an identity provider",
    description=(
        "Employees then call the API with JWTs this provider signs. Give exactly one key "
        "source: a JWKS document, a JWKS address, a PEM public key, or (development only) "
        "an HS256 shared secret."
    ),
    responses=responses(
        409,
        codes={404: ("not_found",), 409: ("identity_provider_exists", "invalid", "one_key_source")},
    ),
)
async def create_identity_provider(
    body: IdentityProviderCreate, db: DbSession, principal: CurrentPrincipal, response: Response
) -> IdentityProviderRead:
    provider = await service.create_identity_provider(db, principal, body)
    response.headers["Location"] = f"/api/v1/identity-providers/{provider.id}"
    set_etag(response, provider.version)
    return _provider_read(provider)


@router.get(
    "/identity-providers",
    tags=["identity-providers"],
    summary="List identity providers",
    responses=responses(codes={404: ("not_found",)}),
)
async def list_identity_providers(
    db: DbSession, principal: CurrentPrincipal, paging: Paging
) -> Page[IdentityProviderRead]:
    page = await service.list_identity_providers(
        db, principal, limit=paging.limit, cursor=paging.cursor
    )
    return Page(items=[_provider_read(p) for p in page.items], next_cursor=page.next_cursor)


@router.get(
    "/identity-providers/{provider_id}",
    tags=["identity-providers"],
    summary="Get an identity provider",
    responses=responses(404, codes={404: ("not_found",)}),
)
async def get_identity_provider(
    provider_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal, response: Response
) -> IdentityProviderRead:
    provider = await service.get_identity_provider(db, principal, provider_id)
    set_etag(response, provider.version)
    return _provider_read(provider)


@router.patch(
    "/identity-providers/{provider_id}",
    tags=["identity-providers"],
    summary="Update an identity provider",
    description="A new key source replaces the previous one. Send the ETag in `If-Match`.",
    responses=responses(404, 409, 412, 428, codes={404: ("not_found",), 409: ("one_key_source",)}),
)
async def update_identity_provider(
    provider_id: uuid.UUID,
    body: IdentityProviderUpdate,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> IdentityProviderRead:
    provider = await service.update_identity_provider(db, principal, provider_id, body, if_match)
    set_etag(response, provider.version)
    return _provider_read(provider)


@router.delete(
    "/identity-providers/{provider_id}",
    tags=["identity-providers"],
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove an identity provider",
    responses=responses(404, codes={404: ("not_found",)}),
)
async def delete_identity_provider(
    provider_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal
) -> None:
    await service.delete_identity_provider(db, principal, provider_id)

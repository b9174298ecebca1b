"""What every SCIM route shares: the client's key, the base address, bodies and answers."""

from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials
from scim2_models import (
    Context,
    InvalidSyntaxException,
    ListResponse,
    Resource,
    ResponseParameters,
    SearchRequest,
)

from app.api.deps import DbSession, bearer_scheme
from app.api.scim.errors import ScimResponse
from app.domain.access.authentication import authenticate
from app.domain.access.policy import require
from app.domain.access.principal import Principal, Scope
from app.domain.errors import Forbidden, Unauthorized
from app.domain.integrations.scim.paging import ScimPage
from app.domain.integrations.scim.schema import POLICY

SCIM_PREFIX = "/scim/v2"


async def scim_principal(
    request: Request,
    session: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal:
    if credentials is None or not credentials.credentials:
        raise Unauthorized("Send 'Authorization: Bearer <API key with the scim scope>'.")
    principal = await authenticate(session, credentials.credentials, request.app.state.auth)
    require(principal, "provision users through SCIM", scopes=[Scope.SCIM])
    if not principal.is_machine:
        # Provisioning is a client's job (Okta, Entra), with an API key; not a person's.
        raise Forbidden("SCIM takes an API key with the scim scope, not a person's token.")
    request.state.principal = principal
    return principal


ScimPrincipal = Annotated[Principal, Depends(scim_principal)]


def base_url(request: Request) -> str:
    """The SCIM base address as the client reached it (behind the mount point)."""
    url = str(request.url.replace(query=None))
    return url[: url.index(SCIM_PREFIX) + len(SCIM_PREFIX)]


async def json_object(request: Request) -> dict[str, Any]:
    try:
        payload = await request.json()
    except ValueError as exc:
        raise InvalidSyntaxException(detail="The body is not JSON.") from exc
    if not isinstance(payload, dict):
        raise InvalidSyntaxException(detail="The body is not a JSON object.")
    return payload


class Listing:
    """The query of a list: filter, page and the attributes to return (RFC 7644 §3.4.2)."""

    def __init__(
        self,
        filter: Annotated[str | None, Query(max_length=1000)] = None,
        start_index: Annotated[int, Query(alias="startIndex")] = 1,
        count: Annotated[int, Query()] = 100,
        attributes: Annotated[str | None, Query(max_length=1000)] = None,
        excluded_attributes: Annotated[
            str | None, Query(alias="excludedAttributes", max_length=1000)
        ] = None,
    ) -> None:
        self.filter = filter
        self.start_index = start_index
        self.count = count
        self.attributes = attributes
        self.excluded_attributes = excluded_attributes


class Selection:
    """``attributes`` and ``excludedAttributes`` of a request returning a resource."""

    def __init__(
        self,
        attributes: Annotated[str | None, Query(max_length=1000)] = None,
        excluded_attributes: Annotated[
            str | None, Query(alias="excludedAttributes", max_length=1000)
        ] = None,
    ) -> None:
        self.attributes = attributes
        self.excluded_attributes = excluded_attributes


def response_parameters(
    model: type[Resource[Any]], attributes: str | None, excluded: str | None
) -> ResponseParameters[Any]:
    """The attributes a client asked for, checked against the resource's schema."""
    params: ResponseParameters[Any] = ResponseParameters[model].model_validate(  # type: ignore[valid-type]
        {"attributes": attributes, "excludedAttributes": excluded},
        scim_ctx=Context.SEARCH_REQUEST,
        scim_policy=POLICY,
    )
    return params


def returns(params: ResponseParameters[Any], attribute: str) -> bool:
    """Whether the answer carries ``attribute`` (to skip reading what is not returned)."""
    named = {str(p).lower() for p in params.attributes or []}
    excluded = {str(p).lower() for p in params.excluded_attributes or []}
    attribute = attribute.lower()
    if named:
        return any(n == attribute or n.startswith(f"{attribute}.") for n in named)
    return attribute not in excluded


def search_request(model: type[Resource[Any]], payload: dict[str, Any]) -> SearchRequest[Any]:
    search: SearchRequest[Any] = SearchRequest[model].model_validate(  # type: ignore[valid-type]
        payload, scim_ctx=Context.SEARCH_REQUEST, scim_policy=POLICY
    )
    return search


def list_response(
    model: type[Resource[Any]],
    page: ScimPage[Any],
    resources: list[Any],
    params: ResponseParameters[Any] | None = None,
) -> ScimResponse:
    listed = ListResponse[model](  # type: ignore[valid-type]
        total_results=page.total,
        start_index=page.start_index,
        items_per_page=len(resources),
        resources=resources,
    )
    return ScimResponse(
        listed.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=params)
    )


def resource_response(
    resource: Resource[Any],
    context: Context,
    version: int,
    params: ResponseParameters[Any] | None = None,
    *,
    status_code: int = 200,
) -> ScimResponse:
    headers = {"ETag": f'W/"{version}"'}
    if status_code == 201 and resource.meta is not None and resource.meta.location:
        headers["Location"] = str(resource.meta.location)
    body = resource.model_dump(scim_ctx=context, response_parameters=params)
    return ScimResponse(body, status_code=status_code, headers=headers)

"""SCIM 2.0 adapter, mounted at ``/scim/v2`` as its own small application.

SCIM clients (Okta, Microsoft Entra) expect SCIM's error document
(``urn:ietf:params:scim:api:messages:2.0:Error``) and ``application/scim+json``, not the
problem+json of the rest of the API, so this application has its own error handlers.
Its contract is RFC 7644 and its discovery endpoints, so it is left out of the OpenAPI
document.
"""

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import ValidationError
from scim2_models import (
    Context,
    Error,
    ListResponse,
    PatchOp,
    ResourceType,
    Schema,
    SCIMException,
)
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.api.deps import DbSession, bearer_scheme, parse_if_match
from app.domain.access.authentication import authenticate
from app.domain.access.policy import require
from app.domain.access.principal import Principal, Scope
from app.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotFound,
    Unauthorized,
)
from app.domain.integrations.scim import schema, users

SCIM_MEDIA_TYPE = "application/scim+json"
_SCIM_TYPES = {Conflict: "uniqueness", Invalid: "invalidValue"}


class ScimResponse(JSONResponse):
    media_type = SCIM_MEDIA_TYPE


def _error(status_code: int, detail: str, scim_type: str | None = None) -> ScimResponse:
    body = Error(status=status_code, scim_type=scim_type, detail=detail).model_dump()
    headers = {"WWW-Authenticate": 'Bearer realm="scim"'} if status_code == 401 else None
    return ScimResponse(body, status_code=status_code, headers=headers)


def _domain_error(exc: DomainError) -> ScimResponse:
    scim_type = next((t for cls, t in _SCIM_TYPES.items() if isinstance(exc, cls)), None)
    details = "; ".join(f"{e.get('field')}: {e.get('message')}" for e in exc.errors)
    return _error(exc.status, f"{exc.detail} {details}".strip(), scim_type)


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


SCIM_PREFIX = "/scim/v2"


def _base_url(request: Request) -> str:
    """The SCIM base address as the client reached it (behind the mount point)."""
    url = str(request.url.replace(query=None))
    return url[: url.index(SCIM_PREFIX) + len(SCIM_PREFIX)]


async def _json(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError as exc:
        raise SCIMException(detail="The body is not JSON.") from exc


def _user_response(
    request: Request, employee: Any, context: Context, status_code: int = 200
) -> ScimResponse:
    user = users.to_scim(employee, _base_url(request))
    headers = {"ETag": f'W/"{employee.version}"'}
    if status_code == 201:
        headers["Location"] = f"{_base_url(request)}/Users/{employee.id}"
    return ScimResponse(user.model_dump(scim_ctx=context), status_code=status_code, headers=headers)


def _read_user(payload: Any, context: Context) -> schema.ScimUser:
    if not isinstance(payload, dict):
        raise SCIMException(detail="The body is not a JSON object.")
    user: schema.ScimUser = schema.ScimUser.model_validate(
        payload, scim_ctx=context, scim_policy=schema.POLICY
    )
    return user


def create_scim_app(parent: FastAPI) -> FastAPI:
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    # One state for both: the session factory and authentication settings of the service.
    app.state = parent.state
    _install_errors(app)
    _discovery_routes(app)
    _user_routes(app)
    return app


def _install_errors(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_request: Request, exc: DomainError) -> ScimResponse:
        return _domain_error(exc)

    @app.exception_handler(SCIMException)
    async def _scim(_request: Request, exc: SCIMException) -> ScimResponse:
        error = exc.to_error()
        return ScimResponse(error.model_dump(), status_code=error.status or 400)

    @app.exception_handler(ValidationError)
    async def _invalid(_request: Request, exc: ValidationError) -> ScimResponse:
        error = Error.from_validation_errors(exc)[0]
        return ScimResponse(error.model_dump(), status_code=error.status or 400)

    @app.exception_handler(RequestValidationError)
    async def _request(_request: Request, exc: RequestValidationError) -> ScimResponse:
        where = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors()
        )
        return _error(400, f"Invalid request: {where}", "invalidValue")

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> ScimResponse:
        return _error(exc.status_code, str(exc.detail))

    @app.exception_handler(IntegrityError)
    async def _integrity(_request: Request, _exc: IntegrityError) -> ScimResponse:
        return _error(409, "A concurrent change conflicts with this one; retry.", "uniqueness")


def _discovery_routes(app: FastAPI) -> None:
    @app.get("/ServiceProviderConfig")
    async def service_provider_config(request: Request, _p: ScimPrincipal) -> ScimResponse:
        config = schema.service_provider_config(_base_url(request))
        return ScimResponse(config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))

    def listing(kind: type[ResourceType] | type[Schema], resources: list[Any]) -> ScimResponse:
        listed = ListResponse[kind](  # type: ignore[valid-type]
            total_results=len(resources),
            start_index=1,
            items_per_page=len(resources),
            resources=resources,
        )
        return ScimResponse(listed.model_dump(scim_ctx=Context.SEARCH_RESPONSE))

    @app.get("/ResourceTypes")
    async def resource_types(request: Request, _p: ScimPrincipal) -> ScimResponse:
        return listing(ResourceType, schema.resource_types(_base_url(request)))

    @app.get("/ResourceTypes/{name}")
    async def resource_type(name: str, request: Request, _p: ScimPrincipal) -> ScimResponse:
        found = [r for r in schema.resource_types(_base_url(request)) if r.id == name]
        if not found:
            raise NotFound(f"No resource type {name!r}.")
        return ScimResponse(found[0].model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))

    @app.get("/Schemas")
    async def schemas(request: Request, _p: ScimPrincipal) -> ScimResponse:
        return listing(Schema, schema.schemas(_base_url(request)))

    @app.get("/Schemas/{schema_id}")
    async def one_schema(schema_id: str, request: Request, _p: ScimPrincipal) -> ScimResponse:
        found = [s for s in schema.schemas(_base_url(request)) if s.id == schema_id]
        if not found:
            raise NotFound(f"No schema {schema_id!r}.")
        return ScimResponse(found[0].model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


def _user_routes(app: FastAPI) -> None:
    @app.get("/Users")
    async def list_users(
        request: Request,
        db: DbSession,
        principal: ScimPrincipal,
        filter: Annotated[str | None, Query(max_length=1000)] = None,
        start_index: Annotated[int, Query(alias="startIndex")] = 1,
        count: Annotated[int, Query()] = 100,
    ) -> ScimResponse:
        page = await users.list_users(
            db, principal, filter=filter, start_index=start_index, count=count
        )
        base = _base_url(request)
        listed = ListResponse[schema.ScimUser](
            total_results=page.total,
            start_index=page.start_index,
            items_per_page=len(page.items),
            resources=[users.to_scim(e, base) for e in page.items],
        )
        return ScimResponse(listed.model_dump(scim_ctx=Context.SEARCH_RESPONSE))

    @app.post("/Users", status_code=status.HTTP_201_CREATED)
    async def create_user(request: Request, db: DbSession, principal: ScimPrincipal) -> Response:
        user = _read_user(await _json(request), Context.RESOURCE_CREATION_REQUEST)
        employee = await users.create_user(db, principal, user)
        return _user_response(request, employee, Context.RESOURCE_CREATION_RESPONSE, 201)

    @app.get("/Users/{user_id}")
    async def get_user(
        user_id: str, request: Request, db: DbSession, principal: ScimPrincipal
    ) -> Response:
        employee = await users.get_user(db, principal, user_id)
        return _user_response(request, employee, Context.RESOURCE_QUERY_RESPONSE)

    @app.put("/Users/{user_id}")
    async def replace_user(
        user_id: str, request: Request, db: DbSession, principal: ScimPrincipal
    ) -> Response:
        version = parse_if_match(request.headers.get("if-match"))
        user = _read_user(await _json(request), Context.RESOURCE_REPLACEMENT_REQUEST)
        employee = await users.replace_user(db, principal, user_id, user, version)
        return _user_response(request, employee, Context.RESOURCE_REPLACEMENT_RESPONSE)

    @app.patch("/Users/{user_id}")
    async def patch_user(
        user_id: str, request: Request, db: DbSession, principal: ScimPrincipal
    ) -> Response:
        version = parse_if_match(request.headers.get("if-match"))
        payload = await _json(request)
        patch = PatchOp[schema.ScimUser].model_validate(
            payload, scim_ctx=Context.RESOURCE_PATCH_REQUEST, scim_policy=schema.POLICY
        )
        employee = await users.patch_user(
            db, principal, user_id, patch, version, _base_url(request)
        )
        return _user_response(request, employee, Context.RESOURCE_PATCH_RESPONSE)

    @app.delete("/Users/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
    async def delete_user(user_id: str, db: DbSession, principal: ScimPrincipal) -> Response:
        await users.delete_user(db, principal, user_id)
        return Response(status_code=status.HTTP_204_NO_CONTENT)

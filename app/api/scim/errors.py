"""SCIM's own error document and statuses (RFC 7644 §3.12), whatever went wrong.

A domain error keeps its status, except that a value the service refuses is SCIM's
``400 invalidValue``, never a 422, and a duplicate is ``409 uniqueness``.
"""

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from scim2_models import Error, SCIMException
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.domain.errors import Conflict, DomainError, Invalid

SCIM_MEDIA_TYPE = "application/scim+json"
_DUPLICATES = frozenset({"employee_exists"})


class ScimResponse(JSONResponse):
    media_type = SCIM_MEDIA_TYPE


def scim_error(status_code: int, detail: str, scim_type: str | None = None) -> ScimResponse:
    body = Error(status=status_code, scim_type=scim_type, detail=detail).model_dump()
    headers = {"WWW-Authenticate": 'Bearer realm="scim"'} if status_code == 401 else None
    return ScimResponse(body, status_code=status_code, headers=headers)


def _domain_error(exc: DomainError) -> ScimResponse:
    details = "; ".join(f"{e.get('field')}: {e.get('message')}" for e in exc.errors)
    detail = f"{exc.detail} {details}".strip()
    if isinstance(exc, Invalid):
        return scim_error(400, detail, "invalidValue")
    if isinstance(exc, Conflict) and exc.code in _DUPLICATES:
        return scim_error(409, detail, "uniqueness")
    return scim_error(exc.status, detail)


def install_errors(app: FastAPI) -> None:
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
        return scim_error(400, f"Invalid request: {where}", "invalidValue")

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> ScimResponse:
        return scim_error(exc.status_code, str(exc.detail))

    @app.exception_handler(IntegrityError)
    async def _integrity(_request: Request, _exc: IntegrityError) -> ScimResponse:
        return scim_error(409, "A concurrent change conflicts with this one; retry.", "uniqueness")

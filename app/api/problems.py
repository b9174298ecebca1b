"""RFC 9457 problem details for every error the API answers."""

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from asgi_correlation_id import correlation_id
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.domain.errors import DomainError

log = logging.getLogger("app.errors")

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:mentorship:problem:"


class FieldError(BaseModel):
    field: str = Field(description="Dotted path of the offending field, e.g. `languages.0`.")
    message: str
    type: str = Field(description="Machine-readable kind of error.")
    location: str | None = Field(default=None, description="body, query, path or header.")


class Problem(BaseModel):
    """An RFC 9457 problem document. Extra members carry problem-specific details."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="A URN naming the kind of problem; stable.")
    title: str
    status: int
    detail: str
    code: str = Field(description="The same kind of problem as a short code; stable.")
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldError] = Field(default_factory=list)


_STATUS_TITLES = {
    400: ("bad_request", "Bad request"),
    401: ("unauthorized", "Unauthorized"),
    403: ("forbidden", "Forbidden"),
    404: ("not_found", "Not found"),
    405: ("method_not_allowed", "Method not allowed"),
    406: ("not_acceptable", "Not acceptable"),
    409: ("conflict", "Conflict"),
    412: ("precondition_failed", "Precondition failed"),
    413: ("payload_too_large", "Payload too large"),
    415: ("unsupported_media_type", "Unsupported media type"),
    422: ("validation_failed", "Invalid input"),
    428: ("precondition_required", "Precondition required"),
    429: ("rate_limited", "Too many requests"),
    500: ("internal_error", "Internal server error"),
    503: ("service_unavailable", "Service unavailable"),
}

_DESCRIPTIONS = {
    400: "Malformed request (e.g. a body that is not JSON).",
    401: "Missing, invalid or expired credentials.",
    403: "Authenticated, but not allowed to do this.",
    404: "No such resource in your organisation.",
    409: (
        "The request conflicts with the resource's current state, or breaks a business rule "
        "about its values (such as an end before a start); `code` says which."
    ),
    412: "If-Match names a version that is no longer current.",
    422: "The request does not fit the published schema; `errors` lists each field.",
    429: "Too many requests for this key; see Retry-After.",
    428: "The If-Match header is required for this change.",
    503: "The database is unreachable; retry later.",
}


ProblemObserver = Callable[[Request | None, int, str], None]
# Called with each problem answered (tests use it to check that every code is documented).
problem_observers: list[ProblemObserver] = []


def problem_response(
    request: Request | None,
    status: int,
    detail: str,
    *,
    code: str | None = None,
    title: str | None = None,
    errors: Sequence[dict[str, Any]] = (),
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    default_code, default_title = _STATUS_TITLES.get(status, ("error", "Error"))
    code = code or default_code
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + code,
        "title": title or default_title,
        "status": status,
        "detail": detail,
        "code": code,
        "instance": request.url.path if request is not None else None,
        "request_id": correlation_id.get(),
        "errors": list(errors),
        **extra,
    }
    for observe in problem_observers:
        observe(request, status, code)
    headers = dict(headers or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="mentorship"')
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


# SQLSTATEs that mean "the database cannot serve now", not "this request is wrong": connection
# exceptions (08), shutdown or startup in progress (57P01-57P03), too many connections (53300),
# and a statement cancelled by statement_timeout (57014).
_UNAVAILABLE_SQLSTATES = {"57P01", "57P02", "57P03", "53300", "57014"}


def database_unavailable(exc: DBAPIError) -> bool:
    if exc.connection_invalidated:
        return True
    sqlstate = getattr(exc.orig, "pgcode", None) or getattr(exc.orig, "sqlstate", None)
    if isinstance(sqlstate, str) and (
        sqlstate.startswith("08") or sqlstate in _UNAVAILABLE_SQLSTATES
    ):
        return True
    cause = exc.orig.__cause__ if exc.orig is not None else None
    return isinstance(exc.orig, OSError) or isinstance(cause, OSError)


def data_exception(exc: DBAPIError) -> bool:
    """SQLSTATE class 22, data exception: the value sent, not the database, is at fault."""
    sqlstate = getattr(exc.orig, "pgcode", None) or getattr(exc.orig, "sqlstate", None)
    return isinstance(sqlstate, str) and sqlstate.startswith("22")


def _validation_errors(exc: RequestValidationError) -> tuple[int, str, list[dict[str, Any]]]:
    errors: list[dict[str, Any]] = []
    status, code = 422, "validation_failed"
    for error in exc.errors():
        loc = [str(part) for part in error.get("loc", ())]
        location = (
            loc[0] if loc and loc[0] in {"body", "query", "path", "header", "cookie"} else None
        )
        field = ".".join(loc[1:] if location else loc) or (location or "request")
        kind = str(error.get("type", "invalid"))
        if kind == "json_invalid":
            status, code = 400, "malformed_json"
        message = str(error.get("msg", "invalid value"))
        errors.append({"field": field, "message": message, "type": kind, "location": location})
    return status, code, errors


def install(app: FastAPI) -> None:
    """Register the handlers that turn every failure into a problem document."""

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        extra = dict(exc.extra)
        headers: dict[str, str] = extra.pop("headers", None) or {}
        if exc.status in (429, 503):
            headers["Retry-After"] = str(extra.get("retry_after", 2))
        return problem_response(
            request,
            exc.status,
            exc.detail,
            code=exc.code,
            title=exc.title,
            errors=exc.errors,
            headers=headers,
            **extra,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        status, code, errors = _validation_errors(exc)
        detail = (
            "The request body is not valid JSON."
            if code == "malformed_json"
            else "The request has invalid fields; see errors."
        )
        return problem_response(request, status, detail, code=code, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else "Request failed."
        return problem_response(request, exc.status_code, detail, headers=dict(exc.headers or {}))

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> JSONResponse:
        # A concurrent request won a uniqueness or capacity race that the service had checked.
        log.info("integrity conflict: %s", exc.orig)
        return problem_response(
            request,
            409,
            "The change conflicts with another one made at the same time; read and retry.",
            code="concurrent_conflict",
        )

    async def _unavailable(request: Request, exc: Exception) -> JSONResponse:
        log.warning("database unavailable: %s", exc)
        return problem_response(
            request,
            503,
            "The database is unreachable; retry shortly.",
            code="database_unavailable",
            headers={"Retry-After": "2"},
        )

    for exc_type in (OperationalError, InterfaceError, PoolTimeoutError, ConnectionError, OSError):
        app.add_exception_handler(exc_type, _unavailable)

    @app.exception_handler(DBAPIError)
    async def _dbapi(request: Request, exc: DBAPIError) -> JSONResponse:
        if database_unavailable(exc):
            return await _unavailable(request, exc)
        if data_exception(exc):
            # A value the database cannot hold (a NUL character in a text, say): the request
            # is wrong, not the service; the transaction rolled back, so nothing was written.
            return problem_response(
                request,
                422,
                "A value cannot be stored as sent (for example, text with a NUL character).",
                code="unstorable_value",
            )
        log.exception("database error", exc_info=exc)
        return problem_response(request, 500, "An unexpected error occurred.")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return problem_response(request, 500, "An unexpected error occurred.")


# The codes an operation may answer with a status it declares, whatever it does: they come
# from the adapters (app/api/) and from the one check of versions (app/domain/concurrency.py),
# not from a route's own business rules.
GENERIC_CODES: dict[int, tuple[str, ...]] = {
    400: ("bad_request", "malformed_json"),
    403: ("forbidden",),
    409: ("concurrent_conflict",),
    412: ("precondition_failed", "version_mismatch"),
    413: ("payload_too_large",),
    422: ("validation_failed", "unknown_parameter", "unstorable_value"),
    428: ("precondition_required", "version_required"),
    429: ("rate_limited",),
    503: ("database_unavailable", "service_unavailable"),
}
# Refusals of a bearer credential (app/domain/access/authentication.py).
BEARER_CODES = (
    "unauthenticated",
    "unauthorized",
    "invalid_api_key",
    "invalid_token",
    "inactive_employee",
    "unknown_employee",
)
# A guest mentor's token opens the guest routes only; elsewhere it names nothing.
GUEST_CREDENTIAL_CODE = "not_found"
PAGED_CODES = ("invalid_cursor",)
CODES_EXTENSION = "x-problem-codes"


def responses(
    *statuses: int, codes: Mapping[int, Iterable[str]] | None = None
) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries documenting the problems an operation may answer.

    ``codes`` names, by status, the ``code`` values the operation's own rules answer with
    (its service's refusals); the status need not be repeated in ``statuses``. The codes every
    operation shares are added when the document is rendered (:func:`name_codes`).
    """
    codes = codes or {}
    return {
        status: {
            "model": Problem,
            "description": _DESCRIPTIONS.get(status, _STATUS_TITLES[status][1]),
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
            **({CODES_EXTENSION: sorted(set(codes[status]))} if status in codes else {}),
        }
        for status in sorted({*statuses, *codes})
    }


COMMON = (400, 401, 403, 422, 429, 503)


def common_responses(
    extra: Iterable[int] = (), codes: Mapping[int, Iterable[str]] | None = None
) -> dict[int | str, dict[str, Any]]:
    return responses(*sorted({*COMMON, *extra}), codes=codes)


def name_codes(operation: dict[str, Any]) -> None:
    """Complete each error response of an OpenAPI ``operation`` with every ``code`` it may
    carry: in ``x-problem-codes`` for tools, and in its description for people."""
    bearer = any("HTTPBearer" in requirement for requirement in operation.get("security", []))
    paged = any(
        parameter.get("in") == "query" and parameter.get("name") == "cursor"
        for parameter in operation.get("parameters", [])
    )
    for key, response in operation.get("responses", {}).items():
        status = int(key) if key.isdigit() else 0
        if not (400 <= status < 500 or status == 503):
            continue
        codes = {*response.get(CODES_EXTENSION, ()), *GENERIC_CODES.get(status, ())}
        if status == 401 and bearer:
            codes.update(BEARER_CODES)
        if status == 404 and bearer:
            codes.add(GUEST_CREDENTIAL_CODE)
        if status == 400 and paged:
            codes.update(PAGED_CODES)
        if not codes:
            continue
        response[CODES_EXTENSION] = sorted(codes)
        listed = ", ".join(f"`{code}`" for code in sorted(codes))
        response["description"] = f"{response.get('description', '')} Codes: {listed}.".strip()

"""Request-scoped dependencies: the unit of work, the acting principal, list and version params."""

import re
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Header, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BeforeValidator
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.engine import unit_of_work
from app.domain.access.authentication import authenticate
from app.domain.access.principal import Principal
from app.domain.concurrency import UNMATCHABLE_VERSION
from app.domain.errors import Unauthorized, ValidationFailed, field_error
from app.domain.pagination import DEFAULT_LIMIT, MAX_LIMIT


async def _unit_of_work(request: Request) -> AsyncIterator[AsyncSession]:
    """One request, one transaction, committed once before the response is sent."""
    async with unit_of_work(request.app.state.session_factory) as session:
        yield session


# scope="function": commit before the response leaves, so a failed commit is never a 2xx.
DbSession = Annotated[AsyncSession, Depends(_unit_of_work, scope="function")]

bearer_scheme = HTTPBearer(
    auto_error=False,
    description="An API key (`mk_...`) or a JWT from the organisation's identity provider.",
)


async def get_principal(
    request: Request,
    response: Response,
    session: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal:
    if credentials is None or not credentials.credentials:
        raise Unauthorized("Send 'Authorization: Bearer <API key or JWT>'.", code="unauthenticated")
    principal = await authenticate(session, credentials.credentials, request.app.state.auth)
    request.state.principal = principal
    await request.app.state.rate_limiter.check(principal, response)
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


_DIGITS = re.compile(r"-?[0-9]+")


def _written_in_digits(value: object) -> object:
    # A query string is text: an integer is written in decimal digits, as the schema says,
    # not "1_000", " 5 " or "5.0", which a lax parser would read as numbers too.
    if isinstance(value, str) and not _DIGITS.fullmatch(value):
        raise ValueError("must be a whole number written in digits, e.g. 20")
    return value


IN_DIGITS = BeforeValidator(_written_in_digits)
"""Metadata of an integer query parameter: ``Annotated[int, Query(...), IN_DIGITS]``."""


class PageParams:
    def __init__(
        self,
        limit: Annotated[
            int, Query(ge=1, le=MAX_LIMIT, description="Items per page."), IN_DIGITS
        ] = DEFAULT_LIMIT,
        cursor: Annotated[
            str | None,
            Query(max_length=512, description="`next_cursor` of the previous page."),
        ] = None,
    ) -> None:
        self.limit = limit
        self.cursor = cursor


Paging = Annotated[PageParams, Depends()]

_ETAG = re.compile(r'^(?:W/)?"(\d{1,18})"$')


def parse_if_match(
    if_match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description="The ETag of the version you read; required to change the resource.",
        ),
    ] = None,
) -> int | None:
    if if_match is None:
        return None
    match = _ETAG.match(if_match.strip())
    # Not an ETag of ours: it can match no version, which the service answers with 412
    # (after the body is validated and the resource is found).
    return int(match.group(1)) if match else UNMATCHABLE_VERSION


IfMatch = Annotated[int | None, Depends(parse_if_match)]


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def _documented_query_parameters(app: Any) -> dict[tuple[str, str], frozenset[str]]:
    table: dict[tuple[str, str], frozenset[str]] | None
    table = getattr(app.state, "query_parameters", None)
    if table is None:
        table = {
            (method, path): frozenset(
                p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"
            )
            for path, item in app.openapi()["paths"].items()
            for method, operation in item.items()
        }
        app.state.query_parameters = table
    return table


async def reject_unknown_query_parameters(request: Request) -> None:
    """A misspelt filter must fail loudly rather than return an unfiltered list, and a
    parameter given twice (the schema's are all single values) rather than lose one."""
    if not request.query_params:
        return
    path = str(getattr(request.scope.get("route"), "path", ""))
    allowed = _documented_query_parameters(request.app).get((request.method.lower(), path))
    if allowed is None:
        return  # not a documented operation (the docs pages)
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        raise ValidationFailed(
            f"Unknown query parameters: {', '.join(unknown)}.",
            code="unknown_parameter",
            errors=[
                field_error(name, "unknown query parameter", "unknown_parameter", "query")
                for name in unknown
            ],
        )
    repeated = sorted(
        name for name in set(request.query_params) if len(request.query_params.getlist(name)) > 1
    )
    if repeated:
        raise ValidationFailed(
            f"Query parameters given more than once: {', '.join(repeated)}.",
            errors=[
                field_error(name, "give it once", "repeated_parameter", "query")
                for name in repeated
            ],
        )

"""The caller of the support network's routes: an employee or key, or an invited guest mentor."""

from typing import Annotated

from fastapi import Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials

from app.api.deps import DbSession, bearer_scheme, get_principal
from app.domain.access.authentication import GUEST_TOKEN_PREFIX
from app.domain.access.principal import Principal
from app.domain.support.guests import authenticate_guest


async def get_support_principal(
    request: Request,
    response: Response,
    session: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal:
    if credentials is not None and credentials.credentials.startswith(GUEST_TOKEN_PREFIX):
        principal = await authenticate_guest(session, credentials.credentials)
        request.state.principal = principal
        await request.app.state.rate_limiter.check(principal, response)
        return principal
    return await get_principal(request, response, session, credentials)


SupportPrincipal = Annotated[Principal, Depends(get_support_principal)]

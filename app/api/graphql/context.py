"""Per-request GraphQL context: the unit of work, the principal and the DataLoaders."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials
from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.fastapi import BaseContext
from strawberry.types import Info as StrawberryInfo

from app.api.deps import DbSession, bearer_scheme, get_principal
from app.api.graphql.loaders import Loaders
from app.domain.access.principal import Principal


class Context(BaseContext):
    def __init__(self, session: AsyncSession, principal: Principal | None) -> None:
        super().__init__()
        self.session = session
        self._principal = principal
        self.loaders = Loaders(session, principal) if principal is not None else None

    @property
    def principal(self) -> Principal:
        # The HTTP layer refuses unauthenticated operations; only the IDE page gets here without.
        assert self._principal is not None
        return self._principal

    @property
    def loader(self) -> Loaders:
        assert self.loaders is not None
        return self.loaders

    @asynccontextmanager
    async def mutation(self) -> AsyncIterator[AsyncSession]:
        """Run one mutation in a savepoint: if it fails, its writes go, the others stay."""
        async with self.session.begin_nested():
            yield self.session
        # What the loaders cached before the change may be stale now.
        self.loaders = Loaders(self.session, self.principal)


Info = StrawberryInfo[Context, Any]
T = TypeVar("T")


def _wants_ide(request: Request) -> bool:
    return request.method == "GET" and "text/html" in request.headers.get("accept", "")


async def get_context(
    request: Request,
    response: Response,
    session: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Context:
    if credentials is None and _wants_ide(request):
        return Context(session, None)  # the GraphiQL page itself is documentation
    principal = await get_principal(request, response, session, credentials)
    return Context(session, principal)


async def mutate(info: Info, change: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
    """``change(session, principal, ...)`` as one mutation, in a savepoint of its own."""
    ctx = info.context
    async with ctx.mutation() as session:
        return await change(session, ctx.principal, *args, **kwargs)


async def query(info: Info, read: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
    """``read(session, principal, *args, **kwargs)`` for the caller."""
    ctx = info.context
    return await read(ctx.session, ctx.principal, *args, **kwargs)

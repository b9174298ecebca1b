"""The request's session, safe to share between the tasks of one request.

GraphQL resolves the fields of a selection set concurrently, and DataLoaders dispatch their
batches in tasks of their own; all of them use the request's one session. SQLAlchemy forbids
concurrent operations on a session (its connection can run one statement at a time), so every
operation that reaches the database takes the session's turn first. Turns are short (one
statement, flush or commit each), so serialising only orders what would otherwise collide.
"""

import asyncio
import contextlib
import functools
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSessionTransaction
from sqlmodel.ext.asyncio.session import AsyncSession

_F = TypeVar("_F", bound=Callable[..., Any])


_in_a_turn: ContextVar[bool] = ContextVar("_in_a_turn", default=False)
_T = TypeVar("_T")


class _Turn:
    """One database operation at a time, each run to its end.

    GraphQL cancels the sibling fields of a field that failed. A statement cancelled half-way
    leaves its connection unusable (SQLAlchemy invalidates it, and the request's commit would
    fail), so an operation that has started runs in a task of its own, shielded: a cancelled
    caller waits for it to finish, then gives up the turn and is cancelled.
    """

    __slots__ = ("_lock",)

    def __init__(self) -> None:
        self._lock = asyncio.Lock()

    async def run(self, operation: Callable[[], Awaitable[_T]]) -> _T:
        if _in_a_turn.get():
            return await operation()  # called from inside an operation that has the turn
        async with self._lock:
            task = asyncio.ensure_future(self._inside(operation))
            try:
                return await asyncio.shield(task)
            except asyncio.CancelledError:
                while not task.done():
                    with contextlib.suppress(asyncio.CancelledError):
                        await asyncio.wait([task])
                if not task.cancelled():
                    task.exception()  # seen: its error goes with the cancelled caller
                raise

    @staticmethod
    async def _inside(operation: Callable[[], Awaitable[_T]]) -> _T:
        _in_a_turn.set(True)  # in this task's own copy of the context
        return await operation()


def _in_turn(method: _F) -> _F:
    @functools.wraps(method)
    async def serialised(self: Any, *args: Any, **kwargs: Any) -> Any:
        return await self._turn.run(lambda: method(self, *args, **kwargs))

    return cast(_F, serialised)


class _SerialTransaction(AsyncSessionTransaction):
    """``begin()`` / ``begin_nested()`` whose database work also waits for its turn."""

    session: "SerialSession"

    async def start(self, is_ctxmanager: bool = False) -> "_SerialTransaction":
        await self.session._turn.run(lambda: super(_SerialTransaction, self).start(is_ctxmanager))
        return self

    async def commit(self) -> None:
        await self.session._turn.run(super().commit)

    async def rollback(self) -> None:
        await self.session._turn.run(super().rollback)

    async def __aexit__(self, type_: Any, value: Any, traceback: Any) -> None:
        await self.session._turn.run(
            lambda: super(_SerialTransaction, self).__aexit__(type_, value, traceback)
        )


class SerialSession(AsyncSession):
    """An ``AsyncSession`` whose database operations never overlap."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._turn = _Turn()

    def begin(self) -> _SerialTransaction:
        return _SerialTransaction(self)

    def begin_nested(self) -> _SerialTransaction:
        return _SerialTransaction(self, nested=True)

    # Every coroutine method of AsyncSession that runs the sync session (``greenlet_spawn``);
    # ``scalars`` and ``stream_scalars`` call ``execute`` and ``stream``.
    exec = _in_turn(AsyncSession.exec)
    execute = _in_turn(AsyncSession.execute)
    scalar = _in_turn(AsyncSession.scalar)  # type: ignore[arg-type,assignment]
    get = _in_turn(AsyncSession.get)
    get_one = _in_turn(AsyncSession.get_one)
    stream = _in_turn(AsyncSession.stream)
    refresh = _in_turn(AsyncSession.refresh)
    run_sync = _in_turn(AsyncSession.run_sync)
    delete = _in_turn(AsyncSession.delete)
    delete_all = _in_turn(AsyncSession.delete_all)
    merge = _in_turn(AsyncSession.merge)
    merge_all = _in_turn(AsyncSession.merge_all)
    flush = _in_turn(AsyncSession.flush)
    connection = _in_turn(AsyncSession.connection)
    commit = _in_turn(AsyncSession.commit)
    rollback = _in_turn(AsyncSession.rollback)
    close = _in_turn(AsyncSession.close)
    reset = _in_turn(AsyncSession.reset)
    invalidate = _in_turn(AsyncSession.invalidate)

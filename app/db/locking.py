"""Row claiming that several workers can share, whatever the database.

PostgreSQL lets each worker skip the rows another one has locked (``FOR UPDATE SKIP
LOCKED``), so workers never wait for each other nor take the same row. SQLite has no row
locks: every write transaction here starts with ``BEGIN IMMEDIATE`` (see engine.py), which
already lets one claimer at a time in, so the plain statement is the right fallback.
"""

from typing import TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

T = TypeVar("T")


def skip_locked(session: AsyncSession, statement: SelectOfScalar[T]) -> SelectOfScalar[T]:
    """``statement`` locking the rows it returns and skipping those locked by others."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        return statement.with_for_update(skip_locked=True)
    return statement

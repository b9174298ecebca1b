"""Row claiming that several workers can share, whatever the database.

PostgreSQL lets each worker skip the rows another one has locked (``FOR UPDATE SKIP
LOCKED``), so workers never wait for each other nor take the same row. SQLite has no row
locks: every write transaction here starts with ``BEGIN IMMEDIATE`` (see engine.py), which
already lets one claimer at a time in, so the plain statement is the right fallback.
"""

from typing import Any, TypeVar

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

T = TypeVar("T")


def skip_locked(session: AsyncSession, statement: SelectOfScalar[T]) -> SelectOfScalar[T]:
    """``statement`` locking the rows it returns and skipping those locked by others."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        return statement.with_for_update(skip_locked=True)
    return statement


async def insert_missing(
    session: AsyncSession, table: Table, rows: list[dict[str, Any]], key: list[str]
) -> int:
    """Insert ``rows``, leaving out those whose ``key`` is already taken (by another worker
    too): the unique row is the claim. Returns how many were inserted."""
    if not rows:
        return 0
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        statement: Any = postgresql.insert(table).on_conflict_do_nothing(index_elements=key)
    else:
        statement = sqlite.insert(table).on_conflict_do_nothing(index_elements=key)
    result = await session.exec(statement, params=rows)
    return int(getattr(result, "rowcount", 0) or 0)

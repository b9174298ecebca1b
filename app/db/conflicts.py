"""``INSERT ... ON CONFLICT DO NOTHING``, on SQLite and PostgreSQL."""

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession


def insert_new(session: AsyncSession, table: Any, *unique: str) -> Any:
    """An insert into ``table`` that skips rows whose ``unique`` columns already exist."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    module: Any = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table).on_conflict_do_nothing(index_elements=list(unique))

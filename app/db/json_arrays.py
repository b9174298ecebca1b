"""Membership in a JSON array column, on SQLite and PostgreSQL."""

from typing import Any

from sqlalchemy import ColumnElement, cast, exists, func, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel.ext.asyncio.session import AsyncSession


def array_contains(session: AsyncSession, column: Any, value: str) -> ColumnElement[bool]:
    """Rows whose JSON array ``column`` holds ``value`` (JSONB ``@>`` or SQLite ``json_each``)."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        # The list goes through JSONB's own serialisation: no hand-made JSON text.
        return column.op("@>")(cast([value], JSONB))  # type: ignore[no-any-return]
    items = func.json_each(column).table_valued("value")
    return exists(select(1).select_from(items).where(items.c.value == value))

"""Partial indexes, declared once for both databases."""

from typing import Any

from sqlalchemy import Index, text


def partial_index(name: str, *columns: Any, where: str, unique: bool = False) -> Index:
    """An index over the rows matching ``where`` only (SQL text), on SQLite and PostgreSQL.

    Queues (rows still to process) stay small while their tables grow: indexing only the
    waiting rows keeps the worker's polling cheap.
    """
    condition = text(where)
    return Index(name, *columns, unique=unique, sqlite_where=condition, postgresql_where=condition)

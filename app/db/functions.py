"""SQL functions whose spelling differs between SQLite and PostgreSQL."""

from typing import Any

from sqlalchemy import Boolean, Float, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


class year_month(FunctionElement[str]):
    """``'YYYY-MM'`` of a UTC timestamp column."""

    type = String()
    inherit_cache = True
    name = "year_month"


@compiles(year_month, "sqlite")
def _year_month_sqlite(element: year_month, compiler: Any, **kw: Any) -> str:
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)})"


@compiles(year_month, "postgresql")
def _year_month_postgresql(element: year_month, compiler: Any, **kw: Any) -> str:
    argument = compiler.process(element.clauses, **kw)
    return f"to_char({argument} AT TIME ZONE 'UTC', 'YYYY-MM')"


class days_between(FunctionElement[float]):
    """Days (fractional) from the first timestamp or date to the second: ``later - earlier``.

    The engagement rules compare it with per-program and per-pair thresholds, so one
    statement covers every program whatever its settings.
    """

    type = Float()
    inherit_cache = True
    name = "days_between"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    earlier, later = (compiler.process(c, **kw) for c in element.clauses)
    return f"(julianday({later}) - julianday({earlier}))"


@compiles(days_between, "postgresql")
def _days_between_postgresql(element: days_between, compiler: Any, **kw: Any) -> str:
    earlier, later = (compiler.process(c, **kw) for c in element.clauses)
    return f"((extract(epoch from {later}) - extract(epoch from {earlier})) / 86400.0)"


class json_empty(FunctionElement[bool]):
    """Whether a JSON document column holds an empty array or object."""

    type = Boolean()
    inherit_cache = True
    name = "json_empty"


@compiles(json_empty, "sqlite")
def _json_empty_sqlite(element: json_empty, compiler: Any, **kw: Any) -> str:
    return f"(json({compiler.process(element.clauses, **kw)}) IN ('[]', '{{}}'))"


@compiles(json_empty, "postgresql")
def _json_empty_postgresql(element: json_empty, compiler: Any, **kw: Any) -> str:
    argument = compiler.process(element.clauses, **kw)
    return f"({argument} IN ('[]'::jsonb, '{{}}'::jsonb))"

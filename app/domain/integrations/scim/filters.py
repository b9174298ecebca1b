"""SCIM filters (parsed by scim2-models) turned into SQL over the employee directory."""

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from scim2_models import InvalidFilterException, ScimFilter
from scim2_models.path import (
    AttrPath,
    CompareOperator,
    Comparison,
    FilterVisitor,
    LogicalExpr,
    LogicalOperator,
    Not,
    Present,
    ValuePath,
)
from sqlalchemy import (
    ColumnElement,
    DateTime,
    String,
    TypeDecorator,
    Uuid,
    and_,
    false,
    func,
    literal,
    not_,
    or_,
    true,
)
from sqlmodel import col

from app.domain.employees.models import Employee, EmployeeStatus
from app.domain.integrations.scim.schema import ENTERPRISE_USER, ScimUser

CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User"

# (schema, attribute, sub-attribute) → (column, case-insensitive?)
_COLUMNS: dict[tuple[str, str, str | None], tuple[Any, bool]] = {
    (CORE_USER, "id", None): (col(Employee.id), False),
    (CORE_USER, "externalid", None): (col(Employee.external_id), False),
    (CORE_USER, "username", None): (func.coalesce(Employee.user_name, Employee.email), True),
    (CORE_USER, "emails", None): (col(Employee.email), True),
    (CORE_USER, "emails", "value"): (col(Employee.email), True),
    (CORE_USER, "displayname", None): (Employee.given_name + " " + Employee.family_name, True),
    (CORE_USER, "name", "givenname"): (col(Employee.given_name), True),
    (CORE_USER, "name", "familyname"): (col(Employee.family_name), True),
    (CORE_USER, "title", None): (col(Employee.job_title), True),
    (CORE_USER, "meta", "created"): (col(Employee.created_at), False),
    (CORE_USER, "meta", "lastmodified"): (col(Employee.updated_at), False),
    (ENTERPRISE_USER, "employeenumber", None): (col(Employee.external_id), False),
    (ENTERPRISE_USER, "department", None): (col(Employee.department), True),
    (ENTERPRISE_USER, "manager", None): (col(Employee.manager_id), False),
    (ENTERPRISE_USER, "manager", "value"): (col(Employee.manager_id), False),
}
_EMAIL_ENTRY = {"value": (col(Employee.email), True)}


def _key(path: AttrPath) -> tuple[str, str, str | None]:
    schema = ENTERPRISE_USER if (path.uri or "").lower() == ENTERPRISE_USER.lower() else CORE_USER
    attr = path.attr.lower()
    sub = path.sub_attr.lower() if path.sub_attr else None
    return schema, attr, sub


def _unsupported(path: AttrPath) -> InvalidFilterException:
    return InvalidFilterException(detail=f"Filtering on {path} is not supported.")


def _column_type(column: Any) -> Any:
    """The column's SQL type, seen through type decorators (UTCDateTime, AutoString)."""
    sql_type = getattr(column, "type", None)
    while isinstance(sql_type, TypeDecorator):
        sql_type = sql_type.impl_instance
    return sql_type


def _operand(column: Any, value: Any) -> Any:
    sql_type = _column_type(column)
    if isinstance(sql_type, Uuid):
        return uuid.UUID(str(value))
    if isinstance(sql_type, DateTime):
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            raise ValueError("a time needs a zone")
        return parsed
    return value


def _is_text(column: Any) -> bool:
    return isinstance(_column_type(column), String)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


_ORDERING: dict[CompareOperator, Callable[[Any, Any], ColumnElement[bool]]] = {
    CompareOperator.gt: lambda c, v: c > v,
    CompareOperator.ge: lambda c, v: c >= v,
    CompareOperator.lt: lambda c, v: c < v,
    CompareOperator.le: lambda c, v: c <= v,
}


def _compare(
    column: Any, insensitive: bool, op: CompareOperator, value: Any
) -> ColumnElement[bool]:
    if value is None:
        if op == CompareOperator.eq:
            return column.is_(None)  # type: ignore[no-any-return]
        if op == CompareOperator.ne:
            return column.is_not(None)  # type: ignore[no-any-return]
        return false()
    if op in (CompareOperator.co, CompareOperator.sw, CompareOperator.ew) and not _is_text(column):
        # co/sw/ew compare strings (RFC 7644 §3.4.2.2); a time or an id is not one.
        raise InvalidFilterException(detail=f"'{op.value}' applies to strings only.")
    try:
        operand = _operand(column, value)
    except (ValueError, TypeError):
        # A value that can never be stored there (a malformed id): nothing matches.
        return true() if op == CompareOperator.ne else false()
    if isinstance(operand, str) and insensitive:
        column, operand = func.lower(column), operand.lower()
    if op == CompareOperator.eq:
        return column == operand  # type: ignore[no-any-return]
    if op == CompareOperator.ne:
        return or_(column != operand, column.is_(None))
    if op in (CompareOperator.co, CompareOperator.sw, CompareOperator.ew):
        text = _escape_like(str(operand))
        pattern = {"co": f"%{text}%", "sw": f"{text}%", "ew": f"%{text}"}[op.value]
        return column.like(pattern, escape="\\")  # type: ignore[no-any-return]
    return _ORDERING[op](column, operand)


class EmployeeFilter(FilterVisitor[ColumnElement[bool]]):
    """A WHERE clause over ``employees`` equivalent to a SCIM filter on Users."""

    def visit_comparison(self, node: Comparison) -> ColumnElement[bool]:
        key = _key(node.attr_path)
        if key == (CORE_USER, "active", None):
            is_active = col(Employee.status) == EmployeeStatus.ACTIVE.value
            wanted = str(node.value).lower() == "true"
            if node.op not in (CompareOperator.eq, CompareOperator.ne):
                raise _unsupported(node.attr_path)
            positive = is_active if wanted else not_(is_active)
            return positive if node.op == CompareOperator.eq else not_(positive)
        if key[1] == "emails" and key[2] in ("type", "primary"):
            # Employees have one, primary, work address.
            matches = str(node.value).lower() in ("work", "true")
            return true() if matches == (node.op == CompareOperator.eq) else false()
        if key not in _COLUMNS:
            raise _unsupported(node.attr_path)
        column, insensitive = _COLUMNS[key]
        return _compare(column, insensitive, node.op, node.value)

    def visit_present(self, node: Present) -> ColumnElement[bool]:
        key = _key(node.attr_path)
        if key == (CORE_USER, "active", None):
            return true()
        if key not in _COLUMNS:
            raise _unsupported(node.attr_path)
        column, _ = _COLUMNS[key]
        return column.is_not(None)  # type: ignore[no-any-return]

    def visit_not(self, node: Not) -> ColumnElement[bool]:
        return not_(self.visit(node.expr))

    def visit_logical_expr(self, node: LogicalExpr) -> ColumnElement[bool]:
        terms = [self.visit(term) for term in node.terms]
        return and_(*terms) if node.op == LogicalOperator.and_ else or_(*terms)

    def visit_value_path(self, node: ValuePath) -> ColumnElement[bool]:
        if _key(node.attr_path)[1] != "emails":
            raise _unsupported(node.attr_path)
        return _EmailEntryFilter().visit(node.val_filter)


class _EmailEntryFilter(EmployeeFilter):
    """Inside ``emails[...]``: ``value``, ``type`` and ``primary`` of the one address."""

    def visit_comparison(self, node: Comparison) -> ColumnElement[bool]:
        attr = node.attr_path.attr.lower()
        if attr in ("type", "primary"):
            matches = str(node.value).lower() in ("work", "true")
            return true() if matches == (node.op == CompareOperator.eq) else false()
        if attr not in _EMAIL_ENTRY:
            raise _unsupported(node.attr_path)
        column, insensitive = _EMAIL_ENTRY[attr]
        return _compare(column, insensitive, node.op, node.value)


def where_clause(expression: str) -> ColumnElement[bool]:
    """Parse and translate ``expression``; ``InvalidFilterException`` when it cannot be."""
    try:
        parsed = ScimFilter[ScimUser](expression)
    except InvalidFilterException:
        raise
    except ValueError as exc:
        raise InvalidFilterException(detail=str(exc)) from exc
    return EmployeeFilter().visit(parsed.ast) if parsed.ast is not None else literal(True)

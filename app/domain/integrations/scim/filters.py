"""SCIM filters (parsed by scim2-models) turned into SQL over employees and groups.

A filter is parsed against the resource as ``/Schemas`` publishes it, so an attribute the
service does not keep is an ``invalidFilter``; the translation then maps each attribute to
a column.
"""

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from scim2_models import InvalidFilterException, ScimFilter
from scim2_models.path import (
    AttrPath,
    CompareOperator,
    Comparison,
    FilterNode,
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
    exists,
    false,
    func,
    literal,
    not_,
    or_,
    true,
)
from sqlmodel import col, select

from app.domain.employees.models import Employee, EmployeeStatus
from app.domain.groups.models import Group, GroupMember
from app.domain.integrations.scim import schema

# (attribute, sub-attribute), lowercase → (column, case-insensitive?)
Columns = dict[tuple[str, str | None], tuple[Any, bool]]

_USER_COLUMNS: Columns = {
    ("id", None): (col(Employee.id), False),
    ("externalid", None): (col(Employee.external_id), False),
    ("username", None): (func.coalesce(Employee.user_name, Employee.email), True),
    ("emails", None): (col(Employee.email), True),
    ("emails", "value"): (col(Employee.email), True),
    ("name", "givenname"): (col(Employee.given_name), True),
    ("name", "familyname"): (col(Employee.family_name), True),
    ("title", None): (col(Employee.job_title), True),
    ("meta", "created"): (col(Employee.created_at), False),
    ("meta", "lastmodified"): (col(Employee.updated_at), False),
    ("department", None): (col(Employee.department), True),
    ("manager", None): (col(Employee.manager_id), False),
    ("manager", "value"): (col(Employee.manager_id), False),
}
_GROUP_COLUMNS: Columns = {
    ("id", None): (col(Group.id), False),
    ("externalid", None): (col(Group.external_id), False),
    ("displayname", None): (col(Group.display_name), True),
    ("meta", "created"): (col(Group.created_at), False),
    ("meta", "lastmodified"): (col(Group.updated_at), False),
}


def _key(path: AttrPath) -> tuple[str, str | None]:
    return path.attr.lower(), path.sub_attr.lower() if path.sub_attr else None


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


class ColumnFilter(FilterVisitor[ColumnElement[bool]]):
    """A WHERE clause equivalent to a SCIM filter, attribute by attribute."""

    columns: Columns = {}

    def special(self, node: Comparison) -> ColumnElement[bool] | None:
        """A comparison that is no plain column, or None."""
        return None

    def visit_comparison(self, node: Comparison) -> ColumnElement[bool]:
        found = self.special(node)
        if found is not None:
            return found
        key = _key(node.attr_path)
        if key not in self.columns:
            raise _unsupported(node.attr_path)
        column, insensitive = self.columns[key]
        return _compare(column, insensitive, node.op, node.value)

    def visit_present(self, node: Present) -> ColumnElement[bool]:
        key = _key(node.attr_path)
        if key not in self.columns:
            raise _unsupported(node.attr_path)
        column, _ = self.columns[key]
        return column.is_not(None)  # type: ignore[no-any-return]

    def visit_not(self, node: Not) -> ColumnElement[bool]:
        return not_(self.visit(node.expr))

    def visit_logical_expr(self, node: LogicalExpr) -> ColumnElement[bool]:
        terms = [self.visit(term) for term in node.terms]
        return and_(*terms) if node.op == LogicalOperator.and_ else or_(*terms)

    def visit_value_path(self, node: ValuePath) -> ColumnElement[bool]:
        raise _unsupported(node.attr_path)


class UserFilter(ColumnFilter):
    columns = _USER_COLUMNS

    def special(self, node: Comparison) -> ColumnElement[bool] | None:
        attr, sub = _key(node.attr_path)
        if (attr, sub) == ("active", None):
            if node.op not in (CompareOperator.eq, CompareOperator.ne):
                raise _unsupported(node.attr_path)
            is_active = col(Employee.status) == EmployeeStatus.ACTIVE.value
            wanted = str(node.value).lower() == "true"
            positive = is_active if wanted else not_(is_active)
            return positive if node.op == CompareOperator.eq else not_(positive)
        if (attr, sub) == ("emails", "type"):
            # An employee has one address, of type work.
            return _email_type(node)
        return None

    def visit_present(self, node: Present) -> ColumnElement[bool]:
        if _key(node.attr_path) == ("active", None):
            return true()
        return super().visit_present(node)

    def visit_value_path(self, node: ValuePath) -> ColumnElement[bool]:
        if _key(node.attr_path)[0] != "emails":
            raise _unsupported(node.attr_path)
        return _EmailEntryFilter().visit(node.val_filter)


def _email_type(node: Comparison) -> ColumnElement[bool]:
    is_work = str(node.value).lower() == "work"
    if is_work == (node.op == CompareOperator.eq):
        return col(Employee.email).is_not(None)
    return false()


class _EmailEntryFilter(ColumnFilter):
    """Inside ``emails[...]``: ``value`` and ``type`` of the one address."""

    columns = {("value", None): (col(Employee.email), True)}

    def special(self, node: Comparison) -> ColumnElement[bool] | None:
        return _email_type(node) if _key(node.attr_path)[0] == "type" else None


class GroupFilter(ColumnFilter):
    columns = _GROUP_COLUMNS

    def special(self, node: Comparison) -> ColumnElement[bool] | None:
        if _key(node.attr_path) in (("members", None), ("members", "value")):
            return _has_member(node)
        return None

    def visit_present(self, node: Present) -> ColumnElement[bool]:
        if _key(node.attr_path)[0] == "members":
            return exists(select(col(GroupMember.id)).where(GroupMember.group_id == Group.id))
        return super().visit_present(node)

    def visit_value_path(self, node: ValuePath) -> ColumnElement[bool]:
        # Entra asks "is this user in the group?" as members[value eq "<id>"].
        if _key(node.attr_path)[0] != "members":
            raise _unsupported(node.attr_path)
        return _MemberEntryFilter().visit(node.val_filter)


def _has_member(node: Comparison) -> ColumnElement[bool]:
    if node.op not in (CompareOperator.eq, CompareOperator.ne):
        raise _unsupported(node.attr_path)
    try:
        employee_id = uuid.UUID(str(node.value))
    except ValueError:
        found: ColumnElement[bool] = false()
    else:
        found = exists(
            select(col(GroupMember.id)).where(
                GroupMember.group_id == Group.id, GroupMember.employee_id == employee_id
            )
        )
    return found if node.op == CompareOperator.eq else not_(found)


class _MemberEntryFilter(ColumnFilter):
    def special(self, node: Comparison) -> ColumnElement[bool] | None:
        if _key(node.attr_path)[0] == "value":
            return _has_member(node)
        if _key(node.attr_path)[0] == "type":
            return true() if (str(node.value) == "User") == (node.op == "eq") else false()
        return None

    def visit_logical_expr(self, node: LogicalExpr) -> ColumnElement[bool]:
        if node.op == LogicalOperator.and_ and len(node.terms) > 1:
            # One member would have to satisfy every term: only "value eq" is supported.
            raise InvalidFilterException(detail="Filter group members by value only.")
        return super().visit_logical_expr(node)


def _parse(expression: str, resource: Any) -> FilterNode | None:
    try:
        parsed = ScimFilter[resource](expression)
    except InvalidFilterException:
        raise
    except ValueError as exc:
        raise InvalidFilterException(detail=str(exc)) from exc
    return parsed.ast


def user_where(expression: str) -> ColumnElement[bool]:
    """Parse and translate a filter on Users; ``InvalidFilterException`` when it cannot be."""
    ast = _parse(expression, schema.ScimUser)
    return UserFilter().visit(ast) if ast is not None else literal(True)


def group_where(expression: str) -> ColumnElement[bool]:
    """Parse and translate a filter on Groups; ``InvalidFilterException`` when it cannot be."""
    ast = _parse(expression, schema.Group)
    return GroupFilter().visit(ast) if ast is not None else literal(True)

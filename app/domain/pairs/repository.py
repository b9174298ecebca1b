"""The statements every read of pairs starts from.

``of_organization`` applies tenancy (the one place pairs are filtered by organisation),
``visible_to`` narrows it to the pairs the caller may see (``access.visible_pairs``), and
``PROGRAM_LOADS`` is the one list of eager loads of a pair's program. Reads, locks, lists,
exports and loaders add their own ``.where``, ``.order_by`` and ``.options`` on top.

Set-based jobs that run over every organisation at once (the engagement rules, the health
check) select pairs of many tenants in one statement and carry their own scope.
"""

import uuid
from typing import Any, TypeVar

from sqlalchemy import BindParameter
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.base import ExecutableOption
from sqlmodel import col, select
from sqlmodel.sql._expression_select_cls import SelectBase
from sqlmodel.sql.expression import Select, SelectOfScalar

from app.domain.access.principal import Principal
from app.domain.pairs import access
from app.domain.pairs.models import Pair
from app.domain.programs.models import Program

# Any statement over pairs: of whole rows, or of some of their columns.
S = TypeVar("S", bound=SelectBase[*tuple[Any, ...]])

# A pair's program with its managers, who decide who else sees the pair.
PROGRAM_LOADS: tuple[ExecutableOption, ...] = (
    joinedload(Program.manager_links),  # type: ignore[arg-type]
)


def in_organization(statement: S, organization_id: uuid.UUID | BindParameter[Any]) -> S:
    """``statement`` (of pairs or their columns) kept to one organisation's pairs."""
    return statement.where(col(Pair.organization_id) == organization_id)


def of_organization(organization_id: uuid.UUID) -> SelectOfScalar[Pair]:
    """The pairs of one organisation."""
    return in_organization(select(Pair), organization_id)


def visible_in(statement: S, principal: Principal) -> S:
    """``statement`` kept to the pairs of the caller's organisation that the caller may see."""
    statement = in_organization(statement, principal.organization_id)
    visible = access.visible_pairs(principal)
    return statement if visible is None else statement.where(visible)


def visible_to(principal: Principal) -> SelectOfScalar[Pair]:
    """The pairs the caller may see: their own, those of programs they run, or all of their
    organisation (administrators and ``read`` keys)."""
    return visible_in(select(Pair), principal)


def with_programs(organization_id: uuid.UUID | BindParameter[Any]) -> Select[Pair, Program]:
    """The pairs of one organisation, each with its program and the program's managers (call
    ``unique()`` on the result: the managers are joined in)."""
    return (
        in_organization(select(Pair, Program), organization_id)
        .join(Program, col(Program.id) == col(Pair.program_id))
        .options(*PROGRAM_LOADS)
    )


def locked(statement: S) -> S:
    """``statement`` holding its rows until the commit, read afresh from the database."""
    return statement.with_for_update().execution_options(populate_existing=True)

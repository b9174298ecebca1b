"""Who sees a pair: its two people, the managers of its program, administrators and ``read``
keys (reporting clients, which change nothing).

Anyone else is told the pair does not exist (404). Every other module that shows something
of a pair (session logs, progress) asks here; reads by anyone but the pair's people are
audited.
"""

import uuid
from enum import StrEnum

from sqlalchemy import ColumnElement
from sqlmodel import col, or_, select

from app.domain.access.principal import Principal
from app.domain.errors import Forbidden
from app.domain.pairs.models import Pair
from app.domain.programs import access as program_access
from app.domain.programs.models import Program, ProgramManager


class Side(StrEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"


def side_of(principal: Principal, pair: Pair) -> Side | None:
    """The caller's side of the pair, or None when they are not one of its people."""
    if principal.employee_id is None or principal.is_machine:
        return None
    if principal.employee_id == pair.mentor_employee_id:
        return Side.MENTOR
    if principal.employee_id == pair.mentee_employee_id:
        return Side.MENTEE
    return None


def owners(pair: Pair) -> set[uuid.UUID]:
    return {pair.mentor_employee_id, pair.mentee_employee_id}


def sees(principal: Principal, pair: Pair, program: Program) -> bool:
    return side_of(principal, pair) is not None or program_access.reads_mentoring(
        principal, program
    )


def require_side(principal: Principal, pair: Pair, action: str) -> Side:
    side = side_of(principal, pair)
    if side is None:
        raise Forbidden(f"Only the pair's mentor and mentee can {action}.", code="not_in_pair")
    return side


def visible_pairs(principal: Principal) -> ColumnElement[bool] | None:
    """The condition restricting a query of pairs to those ``principal`` may see."""
    if program_access.reads_all(principal):
        return None
    if principal.employee_id is None:
        return col(Pair.id).is_(None)  # a key that neither reads nor manages sees no pair
    managed = select(ProgramManager.program_id).where(
        ProgramManager.employee_id == principal.employee_id
    )
    return or_(
        col(Pair.mentor_employee_id) == principal.employee_id,
        col(Pair.mentee_employee_id) == principal.employee_id,
        col(Pair.program_id).in_(managed),
    )

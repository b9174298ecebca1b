"""Who may see and who may run a program.

Administrators and API keys with ``programs:write`` act as managers of every program; ``read``
keys read everything (programs, and their mentoring as their managers read it) and change
nothing. People see programs past the draft stage (an archived draft stays a
draft) and the drafts they manage; the employees listed as a program's managers run it,
whatever their role. Creating a program takes the ``program_manager`` role.
"""

from sqlalchemy import ColumnElement
from sqlmodel import and_, col, or_, select

from app.domain.access.policy import require
from app.domain.access.principal import Principal, Role, Scope
from app.domain.errors import Forbidden
from app.domain.programs.models import Program, ProgramManager, ProgramStatus

_READ_SCOPES = (Scope.READ, Scope.PROGRAMS_WRITE)


def oversees_all(principal: Principal) -> bool:
    """Administrators and ``programs:write`` keys manage every program of the organisation."""
    return principal.is_admin or principal.has_scope(Scope.PROGRAMS_WRITE)


def reads_all(principal: Principal) -> bool:
    return oversees_all(principal) or principal.has_scope(Scope.READ)


def require_read(principal: Principal) -> None:
    require(principal, "read programs", scopes=_READ_SCOPES, roles=list(Role))


def require_create(principal: Principal) -> None:
    require(
        principal, "create programs", scopes=(Scope.PROGRAMS_WRITE,), roles=(Role.PROGRAM_MANAGER,)
    )


def manages(principal: Principal, program: Program) -> bool:
    if oversees_all(principal):
        return True
    return principal.employee_id is not None and principal.employee_id in program.manager_ids


def reads_mentoring(principal: Principal, program: Program) -> bool:
    """Who reads a program's mentoring without being in it (its pairs, the shared fields of
    their logs, progress, dashboards): its managers, administrators, and ``read`` keys, for
    reporting clients such as a BI tool. Private notes stay their author's whoever asks; the
    callers audit these reads."""
    return reads_all(principal) or manages(principal, program)


def require_reads_mentoring(principal: Principal, program: Program) -> None:
    if not reads_mentoring(principal, program):
        raise Forbidden(
            "Only the program's managers, administrators and read keys can see this.",
            code="not_program_manager",
        )


def require_manage(principal: Principal, program: Program) -> None:
    if not manages(principal, program):
        raise Forbidden(
            "Only the program's managers and administrators can do this.",
            code="not_program_manager",
        )


def _published(program: Program) -> bool:
    """Past the draft stage: an archived draft was never published and stays hidden."""
    if program.status == ProgramStatus.ARCHIVED:
        return program.archived_from != ProgramStatus.DRAFT
    return program.status != ProgramStatus.DRAFT


def sees(principal: Principal, program: Program) -> bool:
    return reads_all(principal) or _published(program) or manages(principal, program)


def visible_programs(principal: Principal) -> ColumnElement[bool] | None:
    """The condition restricting a query of programs to those ``principal`` may see."""
    if reads_all(principal):
        return None
    managed = select(ProgramManager.program_id).where(
        ProgramManager.employee_id == principal.employee_id
    )
    published = and_(
        col(Program.status) != ProgramStatus.DRAFT,
        or_(
            col(Program.status) != ProgramStatus.ARCHIVED,
            col(Program.archived_from).is_(None),
            col(Program.archived_from) != ProgramStatus.DRAFT,
        ),
    )
    return or_(published, col(Program.id).in_(managed))


def sees_whole_consultation(principal: Principal, program: Program) -> bool:
    """Managers and readers see every stakeholder and contribution; invitees only their own."""
    return reads_all(principal) or manages(principal, program)

"""Use cases of enrolment: employees join a program as mentor or mentee, managers decide.

Managers and administrators of a program see all of its participants; an employee sees
their own enrolment only, and anyone else's does not exist for them.
"""

import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain import pagination
from app.domain.access.principal import Principal
from app.domain.audit import service as audit
from app.domain.concurrency import check_version, flush_versioned
from app.domain.employees.models import Employee, EmployeeStatus
from app.domain.errors import Conflict, Forbidden, Invalid, NotFound, field_error
from app.domain.events.service import record_event
from app.domain.participants.models import Participant, ParticipantRole, ParticipantStatus
from app.domain.participants.schemas import (
    ParticipantCreate,
    ParticipantFilter,
    ParticipantRead,
    ParticipantUpdate,
)
from app.domain.programs import access
from app.domain.programs.eligibility import check_enrolment_eligibility
from app.domain.programs.models import Program, ProgramStatus
from app.domain.programs.service import get_program

# Profiles may still change while people are being paired, not once the program runs.
_PROFILE_OPEN = frozenset({ProgramStatus.ENROLLING, ProgramStatus.MATCHING})


def to_read(participant: Participant) -> ParticipantRead:
    return ParticipantRead.model_validate(participant)


def _not_found() -> NotFound:
    return NotFound("Participant not found.", code="participant_not_found")


def sees_all_participants(principal: Principal, program: Program) -> bool:
    return access.reads_all(principal) or access.manages(principal, program)


async def _active_employee(
    session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID
) -> Employee:
    employee = await session.get(Employee, employee_id)
    if employee is None or employee.organization_id != organization_id:
        raise Invalid(
            "No such employee in this organisation.",
            errors=[
                field_error("employee_id", "not an employee of this organisation", "not_found")
            ],
        )
    if employee.status != EmployeeStatus.ACTIVE:
        raise Conflict("Only active employees can enrol.", code="employee_not_active")
    return employee


async def _check_people(
    session: AsyncSession, organization_id: uuid.UUID, name: str, ids: list[uuid.UUID] | None
) -> None:
    if not ids:
        return
    known = set(
        (
            await session.exec(
                select(Employee.id).where(
                    Employee.organization_id == organization_id, col(Employee.id).in_(ids)
                )
            )
        ).all()
    )
    errors = [
        field_error(f"{name}.{i}", "not an employee of this organisation", "not_found")
        for i, employee_id in enumerate(ids)
        if employee_id not in known
    ]
    if errors:
        raise Invalid("Unknown employees in the profile.", errors=errors)


def _profile_changes(data: ParticipantCreate | ParticipantUpdate) -> dict[str, Any]:
    changes = data.model_dump(exclude_unset=True, exclude={"role", "employee_id"}, mode="json")
    for name in ("teaches", "learns", "availability", "languages", "avoid", "prefer"):
        if name in changes and changes[name] is None:
            changes[name] = [] if name not in ("teaches", "learns") else {}
    for name in ("mindset", "format"):
        if name in changes and changes[name] is None:
            raise Invalid(
                "Some required fields cannot be cleared.",
                errors=[field_error(name, "cannot be null", "required")],
            )
    return changes


async def _validate_profile(
    session: AsyncSession, participant: Participant, changes: dict[str, Any]
) -> None:
    if participant.role == ParticipantRole.MENTEE and changes.get("capacity") is not None:
        raise Invalid(
            "Only mentors have a capacity.",
            errors=[field_error("capacity", "mentors only", "not_allowed")],
        )
    for name in ("avoid", "prefer"):
        ids = [uuid.UUID(v) for v in changes.get(name) or []]
        if participant.employee_id in ids:
            raise Invalid(
                "A person cannot name themself.",
                errors=[field_error(name, "must not include the participant", "invalid")],
            )
        await _check_people(session, participant.organization_id, name, ids)


def _reset(participant: Participant, role: ParticipantRole) -> Participant:
    blank = Participant(
        organization_id=participant.organization_id,
        program_id=participant.program_id,
        employee_id=participant.employee_id,
        role=role,
    )
    for name in (
        "role",
        "status",
        "capacity",
        "teaches",
        "learns",
        "mindset",
        "mindset_statement",
        "availability",
        "timezone",
        "languages",
        "format",
        "avoid",
        "prefer",
        "decided_by",
        "decided_at",
        "decision_reason",
    ):
        setattr(participant, name, getattr(blank, name))
    return participant


async def enrol(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID, data: ParticipantCreate
) -> Participant:
    program = await get_program(session, principal, program_id, lock=True)
    manager = access.manages(principal, program)
    employee_id = data.employee_id or principal.employee_id
    if (employee_id is None or employee_id != principal.employee_id) and not manager:
        raise Forbidden(
            "Only the program's managers enrol other people.", code="not_program_manager"
        )
    if employee_id is None:
        raise Invalid(
            "Name the employee who enrols.",
            errors=[field_error("employee_id", "required for API keys", "required")],
        )
    if program.status != ProgramStatus.ENROLLING:
        raise Conflict(
            f"The program is {program.status}; people enrol while it is enrolling.",
            code="program_not_enrolling",
            current_status=str(program.status),
        )
    employee = await _active_employee(session, principal.organization_id, employee_id)
    existing = (
        await session.exec(
            select(Participant).where(
                Participant.program_id == program.id, Participant.employee_id == employee.id
            )
        )
    ).first()
    if existing is not None and existing.status != ParticipantStatus.WITHDRAWN:
        raise Conflict(
            "This employee is already enrolled in the program.",
            code="already_enrolled",
            participant_id=str(existing.id),
        )
    await check_enrolment_eligibility(session, program, employee.id)
    changes = _profile_changes(data)
    if existing is not None:
        # Someone who withdrew may come back: a fresh enrolment on the same record.
        participant = _reset(existing, data.role)
    else:
        participant = Participant(
            organization_id=program.organization_id,
            program_id=program.id,
            employee_id=employee.id,
            role=data.role,
        )
    await _validate_profile(session, participant, changes)
    for name, value in changes.items():
        setattr(participant, name, value)
    if not participant.languages:
        participant.languages = list(employee.languages)
    try:
        async with session.begin_nested():
            session.add(participant)
            await session.flush()
    except (IntegrityError, StaleDataError) as exc:
        raise Conflict(
            "This employee is already enrolled in the program.", code="already_enrolled"
        ) from exc
    await record_event(
        session,
        organization_id=participant.organization_id,
        type="participant.enrolled",
        subject_type="participant",
        subject_id=participant.id,
        data=to_read(participant),
        actor=principal,
    )
    return participant


async def _participant(
    session: AsyncSession, program: Program, participant_id: uuid.UUID, *, lock: bool = False
) -> Participant:
    statement = select(Participant).where(
        Participant.id == participant_id, Participant.program_id == program.id
    )
    if lock:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    participant = (await session.exec(statement)).first()
    if participant is None:
        raise _not_found()
    return participant


async def participant_access(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    participant_id: uuid.UUID,
    *,
    lock: bool = False,
) -> tuple[Program, Participant, bool]:
    """The program, the participant and whether the caller manages the program."""
    program = await get_program(session, principal, program_id, lock=lock)
    participant = await _participant(session, program, participant_id, lock=lock)
    whole = sees_all_participants(principal, program)
    if not whole and participant.employee_id != principal.employee_id:
        raise _not_found()
    return program, participant, access.manages(principal, program)


async def get_participant(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID, participant_id: uuid.UUID
) -> Participant:
    participant = (await participant_access(session, principal, program_id, participant_id))[1]
    # A profile holds what the person said about themself: a manager's read is audited.
    await audit.record_read_of_others(
        session, principal, "participant", participant.id, {participant.employee_id}
    )
    return participant


async def list_participants(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    filters: ParticipantFilter,
    *,
    limit: int | None,
    cursor: str | None,
) -> pagination.Page[Participant]:
    program = await get_program(session, principal, program_id)
    statement = select(Participant).where(Participant.program_id == program.id)
    if not sees_all_participants(principal, program):
        statement = statement.where(Participant.employee_id == principal.employee_id)
    if filters.role is not None:
        statement = statement.where(Participant.role == filters.role.value)
    if filters.status is not None:
        statement = statement.where(Participant.status == filters.status.value)
    return await pagination.paginate(
        session, statement, keys=[Participant.id], limit=limit, cursor=cursor
    )


async def update_participant(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    participant_id: uuid.UUID,
    data: ParticipantUpdate,
    expected_version: int | None,
) -> Participant:
    program, participant, manager = await participant_access(
        session, principal, program_id, participant_id, lock=True
    )
    if not manager and participant.employee_id != principal.employee_id:
        raise _not_found()
    changes = _profile_changes(data)
    check_version(participant.version, expected_version, "participant")
    if program.status not in _PROFILE_OPEN:
        raise Conflict(
            f"Profiles cannot change while the program is {program.status}.",
            code="profile_locked",
            current_status=str(program.status),
        )
    if participant.status == ParticipantStatus.WITHDRAWN:
        raise Conflict("A withdrawn enrolment cannot change.", code="participant_withdrawn")
    await _validate_profile(session, participant, changes)
    for name, value in changes.items():
        setattr(participant, name, value)
    await flush_versioned(session, "participant")
    await record_event(
        session,
        organization_id=participant.organization_id,
        type="participant.updated",
        subject_type="participant",
        subject_id=participant.id,
        data=to_read(participant),
        actor=principal,
    )
    return participant

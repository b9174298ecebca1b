"""The program lifecycle: draft → consultation → enrolling → matching → active → completed,
and archived from any state. Every change of status goes through :func:`change_status`."""

import uuid

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain.access.principal import Principal
from app.domain.concurrency import check_version, flush_versioned
from app.domain.errors import Conflict, Forbidden, Invalid, field_error
from app.domain.events.service import record_event
from app.domain.programs.consultation_models import Consultation, ConsultationStatus
from app.domain.programs.models import Objective, Program, ProgramStatus, ProgramTransition
from app.domain.programs.service import program_for_change, to_read

_NEXT: dict[ProgramStatus, tuple[ProgramStatus, ...]] = {
    ProgramStatus.DRAFT: (ProgramStatus.CONSULTATION,),
    ProgramStatus.CONSULTATION: (ProgramStatus.ENROLLING,),
    ProgramStatus.ENROLLING: (ProgramStatus.MATCHING,),
    ProgramStatus.MATCHING: (ProgramStatus.ACTIVE,),
    ProgramStatus.ACTIVE: (ProgramStatus.COMPLETED,),
    ProgramStatus.COMPLETED: (),
    ProgramStatus.ARCHIVED: (),
}


def allowed_transitions(status: ProgramStatus) -> list[ProgramStatus]:
    if status == ProgramStatus.ARCHIVED:
        return []
    return [*_NEXT[status], ProgramStatus.ARCHIVED]


async def unmet_enrolling_conditions(session: AsyncSession, program: Program) -> list[str]:
    """What keeps the program from enrolling: no objective yet, or a consultation not closed."""
    unmet: list[str] = []
    objectives = await session.exec(
        select(func.count()).select_from(Objective).where(Objective.program_id == program.id)
    )
    if objectives.one() == 0:
        unmet.append("objective_missing")
    closed = await session.exec(
        select(col(Consultation.id)).where(
            Consultation.program_id == program.id,
            Consultation.status == ConsultationStatus.CLOSED.value,
        )
    )
    if closed.first() is None:
        unmet.append("consultation_not_closed")
    return unmet


async def change_status(
    session: AsyncSession,
    principal: Principal,
    program: Program,
    target: ProgramStatus,
    *,
    waiver_reason: str | None = None,
) -> Program:
    """Move a locked ``program`` to ``target`` if the lifecycle allows it, and announce it."""
    allowed = allowed_transitions(program.status)
    if target not in allowed:
        raise Conflict(
            f"A {program.status} program cannot become {target}.",
            code="illegal_transition",
            current_status=str(program.status),
            allowed_transitions=[status.value for status in allowed],
        )
    waived = False
    if target == ProgramStatus.ENROLLING:
        unmet = await unmet_enrolling_conditions(session, program)
        if unmet and waiver_reason is None:
            raise Conflict(
                "Enrolling needs at least one objective and a closed consultation, "
                "or an administrator's waiver.",
                code="enrolling_conditions_unmet",
                unmet_conditions=unmet,
            )
        if unmet:
            assert waiver_reason is not None
            program.enrolling_waiver_reason = waiver_reason
            program.enrolling_waived_by = principal.actor
            program.enrolling_waived_at = utcnow()
            waived = True
    previous = program.status
    if target == ProgramStatus.ARCHIVED:
        program.archived_from = previous
    program.status = target
    program.status_changed_at = utcnow()
    await flush_versioned(session, "program")
    await record_event(
        session,
        organization_id=program.organization_id,
        type="program.status_changed",
        subject_type="program",
        subject_id=program.id,
        data={
            "from": str(previous),
            "to": target.value,
            "waived": waived,
            "program": to_read(program).model_dump(mode="json"),
        },
        actor=principal,
    )
    return program


async def transition_program(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    data: ProgramTransition,
    expected_version: int | None = None,
) -> Program:
    if data.waiver_reason is not None:
        if not principal.is_admin:
            raise Forbidden(
                "Only an administrator can waive the conditions to enroll.",
                code="waiver_forbidden",
            )
        if data.to != ProgramStatus.ENROLLING:
            raise Invalid(
                "A waiver only applies to entering enrolling.",
                errors=[
                    field_error("waiver_reason", "only allowed when moving to enrolling", "waiver")
                ],
            )
    program = await program_for_change(session, principal, program_id, allow_archived=True)
    if expected_version is not None:
        check_version(program.version, expected_version, "program")
    return await change_status(
        session, principal, program, data.to, waiver_reason=data.waiver_reason
    )


async def archive_program(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    expected_version: int | None = None,
) -> Program:
    return await transition_program(
        session,
        principal,
        program_id,
        ProgramTransition(to=ProgramStatus.ARCHIVED),
        expected_version,
    )

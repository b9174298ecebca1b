"""Decisions on enrolments: managers approve or reject, people or managers withdraw.

A participant in an open pair stays until the pair ends; requests waiting on someone who
leaves the pool are closed with them.
"""

import uuid

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain.access.principal import Principal
from app.domain.concurrency import check_version, flush_versioned
from app.domain.errors import Conflict, Forbidden, Invalid, field_error
from app.domain.events.service import record_event
from app.domain.matching.run_models import MatchRequest, RequestStatus
from app.domain.pairs.models import PairSeat
from app.domain.participants.enrolment import participant_access, to_read
from app.domain.participants.models import Participant, ParticipantRole, ParticipantStatus
from app.domain.participants.schemas import ParticipantDecision
from app.domain.programs.models import ProgramStatus
from app.domain.support import circles

_DECIDABLE = frozenset({ProgramStatus.ENROLLING, ProgramStatus.MATCHING, ProgramStatus.ACTIVE})

_ALLOWED: dict[ParticipantStatus, frozenset[ParticipantStatus]] = {
    ParticipantStatus.APPROVED: frozenset({ParticipantStatus.PENDING, ParticipantStatus.REJECTED}),
    ParticipantStatus.REJECTED: frozenset({ParticipantStatus.PENDING, ParticipantStatus.APPROVED}),
    ParticipantStatus.WITHDRAWN: frozenset(
        {ParticipantStatus.PENDING, ParticipantStatus.APPROVED, ParticipantStatus.REJECTED}
    ),
}


async def holds_open_pair(session: AsyncSession, participant: Participant) -> bool:
    seat = await session.exec(select(PairSeat.id).where(PairSeat.participant_id == participant.id))
    return seat.first() is not None


async def _close_requests(session: AsyncSession, participant: Participant) -> None:
    """Requests waiting on someone who leaves the pool: withdrawn if theirs, else declined."""
    mentee = participant.role == ParticipantRole.MENTEE
    column = MatchRequest.mentee_id if mentee else MatchRequest.mentor_id
    rows = await session.exec(
        select(MatchRequest).where(
            column == participant.id, MatchRequest.status == RequestStatus.PENDING.value
        )
    )
    for request in rows:
        request.status = RequestStatus.WITHDRAWN if mentee else RequestStatus.DECLINED
        request.decided_at = utcnow()
        request.decision_reason = "the enrolment ended"


async def set_status(
    session: AsyncSession,
    principal: Principal | None,
    participant: Participant,
    target: ParticipantStatus,
    reason: str | None,
    *,
    actor: str,
) -> Participant:
    """Move an enrolment to ``target``, with the decision recorded, and announce it."""
    if participant.status not in _ALLOWED[target]:
        raise Conflict(
            f"A {participant.status} enrolment cannot become {target}.",
            code="invalid_participant_transition",
            current_status=str(participant.status),
        )
    previous = participant.status
    if target in (ParticipantStatus.WITHDRAWN, ParticipantStatus.REJECTED):
        await _close_requests(session, participant)
        if participant.role == ParticipantRole.MENTOR:
            # A mentor who no longer takes part leaves the program's mentor circles.
            await circles.leave_program_circles(
                session, participant.program_id, participant.employee_id
            )
    participant.status = target
    participant.decided_by = actor
    participant.decided_at = utcnow()
    participant.decision_reason = reason
    await flush_versioned(session, "participant")
    await record_event(
        session,
        organization_id=participant.organization_id,
        type="participant.status_changed",
        subject_type="participant",
        subject_id=participant.id,
        data=to_read(participant).model_dump(mode="json") | {"previous_status": str(previous)},
        actor=principal,
    )
    return participant


async def decide(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    participant_id: uuid.UUID,
    target: ParticipantStatus,
    data: ParticipantDecision,
    expected_version: int | None = None,
) -> Participant:
    """Approve, reject (managers) or withdraw (the person or a manager) an enrolment."""
    program, participant, manager = await participant_access(
        session, principal, program_id, participant_id, lock=True
    )
    if expected_version is not None:
        check_version(participant.version, expected_version, "participant")
    if target != ParticipantStatus.WITHDRAWN and not manager:
        raise Forbidden(
            "Only the program's managers approve or reject enrolments.",
            code="not_program_manager",
        )
    if not manager and participant.employee_id != principal.employee_id:
        # Seeing every enrolment (a `read` key) is not running the program.
        raise Forbidden(
            "Only the person or the program's managers withdraw an enrolment.",
            code="not_program_manager",
        )
    if target == ParticipantStatus.REJECTED and not (data.reason and data.reason.strip()):
        raise Invalid(
            "Say why the enrolment is rejected.",
            errors=[field_error("reason", "required to reject", "required")],
        )
    if target != ParticipantStatus.WITHDRAWN and program.status not in _DECIDABLE:
        raise Conflict(
            f"Enrolments cannot be decided while the program is {program.status}.",
            code="program_not_enrolling",
            current_status=str(program.status),
        )
    if target != ParticipantStatus.APPROVED and await holds_open_pair(session, participant):
        raise Conflict(
            "The participant is in an open pair; end the pair first.", code="participant_paired"
        )
    return await set_status(
        session, principal, participant, target, data.reason, actor=principal.actor
    )


async def withdraw_employee(
    session: AsyncSession, principal: Principal, employee_id: uuid.UUID
) -> list[Participant]:
    """Withdraw every enrolment of a leaving employee that is still live (offboarding)."""
    rows = await session.exec(
        select(Participant)
        .where(
            Participant.organization_id == principal.organization_id,
            Participant.employee_id == employee_id,
            col(Participant.status).in_(
                [ParticipantStatus.PENDING.value, ParticipantStatus.APPROVED.value]
            ),
        )
        .order_by(col(Participant.id))
    )
    withdrawn = []
    for participant in rows.all():
        withdrawn.append(
            await set_status(
                session,
                principal,
                participant,
                ParticipantStatus.WITHDRAWN,
                "left the company",
                actor=principal.actor,
            )
        )
    return withdrawn

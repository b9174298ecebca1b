"""Self-matching: a mentee browses the eligible mentors ranked by score and asks one.

Open to mentees when the program's match modes include ``mentee_choice``; managers may
always look at a mentee's suggestions (people the mentee or a mentor prefer score higher,
so those wishes show there). The mentor accepts (a pair opens) or declines.
"""

import uuid

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain import pagination
from app.domain.access.principal import Principal
from app.domain.concurrency import check_version, flush_versioned
from app.domain.errors import Conflict, Forbidden, Invalid, NotFound, field_error
from app.domain.events.service import record_event
from app.domain.matching import decisions
from app.domain.matching.candidates import explanation_document, load_pool
from app.domain.matching.review import announce_pair, approved_participant
from app.domain.matching.run_models import (
    ExplanationRead,
    MatchRequest,
    MatchRequestCreate,
    MatchRequestDecision,
    MatchRequestRead,
    MentorSuggestion,
    RequestStatus,
)
from app.domain.matching.runs import require_matchable
from app.domain.matching.solver import usable
from app.domain.pairs.door import open_pair
from app.domain.pairs.models import PairOrigin
from app.domain.participants import enrolment
from app.domain.participants.explanations import explain
from app.domain.participants.models import Participant, ParticipantRole, ParticipantStatus
from app.domain.programs import access
from app.domain.programs.matching_settings import MatchingSettings, MatchMode
from app.domain.programs.models import Program
from app.domain.programs.service import get_program

MAX_SUGGESTIONS = 50


def request_to_read(request: MatchRequest) -> MatchRequestRead:
    return MatchRequestRead(
        id=request.id,
        program_id=request.program_id,
        mentee_id=request.mentee_id,
        mentor_id=request.mentor_id,
        mentee_employee_id=request.mentee_employee_id,
        mentor_employee_id=request.mentor_employee_id,
        status=request.status,
        message=request.message,
        score=request.score,
        explanation=ExplanationRead.model_validate(request.explanation),
        pair_id=request.pair_id,
        decided_at=request.decided_at,
        decision_reason=request.decision_reason,
        created_at=request.created_at,
        version=request.version,
    )


def _require_mode(program: Program) -> None:
    settings = MatchingSettings.model_validate(program.matching_settings)
    if MatchMode.MENTEE_CHOICE not in settings.modes:
        raise Conflict(
            "Mentees do not choose their mentor in this program.",
            code="mentee_choice_disabled",
        )


async def _own_mentee(session: AsyncSession, principal: Principal, program: Program) -> Participant:
    statement = select(Participant).where(
        Participant.program_id == program.id,
        Participant.employee_id == principal.employee_id,
        Participant.role == ParticipantRole.MENTEE.value,
    )
    participant = (await session.exec(statement)).first()
    if participant is None or principal.employee_id is None:
        raise NotFound("You are not a mentee of this program.", code="participant_not_found")
    return participant


async def _mentee_for(
    session: AsyncSession, principal: Principal, program: Program, mentee_id: uuid.UUID | None
) -> Participant:
    if mentee_id is None:
        mentee = await _own_mentee(session, principal, program)
    else:
        _, mentee, _ = await enrolment.participant_access(session, principal, program.id, mentee_id)
        if mentee.role != ParticipantRole.MENTEE:
            raise NotFound("No such mentee in this program.", code="participant_not_found")
    if not access.manages(principal, program):
        _require_mode(program)
    if mentee.status != ParticipantStatus.APPROVED:
        raise Conflict(
            f"The enrolment is {mentee.status}; suggestions need an approved mentee.",
            code="participant_not_approved",
        )
    return mentee


async def suggest_mentors(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    mentee_id: uuid.UUID | None = None,
    limit: int = 20,
) -> list[MentorSuggestion]:
    """Mentors with a free seat the mentee may be paired with, best score first."""
    limit = pagination.check_limit(limit, MAX_SUGGESTIONS)
    program = await get_program(session, principal, program_id)
    mentee = await _mentee_for(session, principal, program, mentee_id)
    pool = await load_pool(session, program)
    candidate = pool.candidates.get(mentee.id)
    mentors = sorted(
        (
            c
            for pid, c in pool.candidates.items()
            if pool.participants[pid].role == ParticipantRole.MENTOR
            and pool.free_seats(pool.participants[pid]) > 0
        ),
        key=lambda c: c.id,
    )
    if candidate is None or not mentors:
        return []
    matrix = pool.score([candidate], mentors)
    allowed = usable(matrix, pool.config.min_score)[0]
    order = sorted(
        (j for j in range(len(mentors)) if allowed[j]),
        key=lambda j: (-float(matrix.total[0, j]), mentors[j].id),
    )[:limit]
    return [
        MentorSuggestion(
            mentor_id=mentors[j].id,
            employee_id=mentors[j].employee_id,
            name=mentors[j].name,
            score=float(matrix.total[0, j]),
            explanation=ExplanationRead.model_validate(
                explanation_document(explain(matrix, 0, j, pool.config))
            ),
            preferred=mentors[j].employee_id in candidate.prefer
            or candidate.employee_id in mentors[j].prefer,
            free_seats=pool.free_seats(pool.participants[mentors[j].id]),
        )
        for j in order
    ]


async def _announce(
    session: AsyncSession, principal: Principal, request: MatchRequest, what: str
) -> None:
    await record_event(
        session,
        organization_id=request.organization_id,
        type=f"match_request.{what}",
        subject_type="match_request",
        subject_id=request.id,
        data=request_to_read(request),
        actor=principal,
    )


async def request_mentor(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID, data: MatchRequestCreate
) -> MatchRequest:
    """The calling mentee asks a mentor; one request waits at a time."""
    program = await get_program(session, principal, program_id, lock=True)
    _require_mode(program)
    require_matchable(program)
    mentee = await _own_mentee(session, principal, program)
    if mentee.status != ParticipantStatus.APPROVED:
        raise Conflict("Your enrolment is not approved yet.", code="participant_not_approved")
    if await decisions.holds_open_pair(session, mentee):
        raise Conflict("You already have a pair in this program.", code="mentee_paired")
    waiting = await session.exec(
        select(MatchRequest.id).where(
            MatchRequest.mentee_id == mentee.id,
            MatchRequest.status == RequestStatus.PENDING.value,
        )
    )
    if waiting.first() is not None:
        raise Conflict(
            "You already asked a mentor; withdraw that request first.", code="request_pending"
        )
    mentor = await approved_participant(session, program, data.mentor_id, ParticipantRole.MENTOR)
    suggestions = await suggest_mentors(session, principal, program.id, mentee.id, MAX_SUGGESTIONS)
    chosen = next((s for s in suggestions if s.mentor_id == mentor.id), None)
    if chosen is None:
        raise Conflict(
            "This mentor is not among your eligible mentors with a free seat.",
            code="mentor_not_eligible",
        )
    request = MatchRequest(
        organization_id=program.organization_id,
        program_id=program.id,
        mentee_id=mentee.id,
        mentor_id=mentor.id,
        mentee_employee_id=mentee.employee_id,
        mentor_employee_id=mentor.employee_id,
        message=data.message,
        score=chosen.score,
        explanation=chosen.explanation.model_dump(mode="json"),
    )
    session.add(request)
    await session.flush()
    await _announce(session, principal, request, "created")
    return request


def _not_found() -> NotFound:
    return NotFound("Match request not found.", code="match_request_not_found")


def _visible(principal: Principal, program: Program, request: MatchRequest) -> bool:
    return (
        access.reads_all(principal)
        or access.manages(principal, program)
        or principal.employee_id in (request.mentee_employee_id, request.mentor_employee_id)
    )


async def _request(
    session: AsyncSession,
    principal: Principal,
    program: Program,
    request_id: uuid.UUID,
    *,
    lock: bool = False,
) -> MatchRequest:
    statement = select(MatchRequest).where(
        MatchRequest.id == request_id, MatchRequest.program_id == program.id
    )
    if lock:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    request = (await session.exec(statement)).first()
    if request is None or not _visible(principal, program, request):
        raise _not_found()
    return request


async def get_request(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID, request_id: uuid.UUID
) -> MatchRequest:
    program = await get_program(session, principal, program_id)
    return await _request(session, principal, program, request_id)


async def list_requests(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    status: RequestStatus | None,
    *,
    limit: int | None,
    cursor: str | None,
) -> pagination.Page[MatchRequest]:
    """Managers see every request; people see the ones they sent or received."""
    program = await get_program(session, principal, program_id)
    statement = select(MatchRequest).where(MatchRequest.program_id == program.id)
    if not (access.reads_all(principal) or access.manages(principal, program)):
        statement = statement.where(
            or_(
                col(MatchRequest.mentee_employee_id) == principal.employee_id,
                col(MatchRequest.mentor_employee_id) == principal.employee_id,
            )
        )
    if status is not None:
        statement = statement.where(MatchRequest.status == status.value)
    return await pagination.paginate(
        session, statement, keys=[MatchRequest.id], limit=limit, cursor=cursor
    )


async def decide_request(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    request_id: uuid.UUID,
    target: RequestStatus,
    data: MatchRequestDecision,
    expected_version: int | None = None,
) -> MatchRequest:
    """The mentor accepts or declines; the mentee withdraws. Managers may do either."""
    program = await get_program(session, principal, program_id, lock=True)
    request = await _request(session, principal, program, request_id, lock=True)
    if expected_version is not None:
        check_version(request.version, expected_version, "match request")
    manager = access.manages(principal, program)
    allowed = (
        request.mentee_employee_id
        if target == RequestStatus.WITHDRAWN
        else request.mentor_employee_id
    )
    if not manager and principal.employee_id != allowed:
        raise Forbidden(
            "Only the mentor asked accepts or declines; only the mentee withdraws.",
            code="not_request_party",
        )
    if request.status != RequestStatus.PENDING:
        raise Conflict(
            f"The request was already {request.status}.",
            code="request_decided",
            current_status=str(request.status),
        )
    if target == RequestStatus.ACCEPTED:
        require_matchable(program)
        mentor = await approved_participant(
            session, program, request.mentor_id, ParticipantRole.MENTOR
        )
        mentee = await approved_participant(
            session, program, request.mentee_id, ParticipantRole.MENTEE
        )
        pair = await open_pair(
            session,
            program,
            mentor,
            mentee,
            origin=PairOrigin.SELF_MATCH,
            score=request.score,
            explanation=request.explanation,
        )
        request.pair_id = pair.id
        await announce_pair(session, principal, pair)
    elif target not in (RequestStatus.DECLINED, RequestStatus.WITHDRAWN):
        raise Invalid("Unknown decision.", errors=[field_error("status", "unknown")])
    request.status = target
    request.decided_at = utcnow()
    request.decision_reason = data.reason
    await flush_versioned(session, "match request")
    await _announce(session, principal, request, str(target))
    return request

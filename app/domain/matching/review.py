"""A manager's review of a run: accept, reject or swap its proposals.

Accepted proposals open their pairs through the door (``pairs.door.open_pairs``), which
checks the hard exclusions again with today's directory, and the seats.
"""

import uuid
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain.access.principal import Principal
from app.domain.errors import Conflict, Invalid, field_error
from app.domain.events.service import record_event
from app.domain.matching.candidates import Pool, explain_pair, explanation_document, load_pool
from app.domain.matching.run_models import (
    ExplanationRead,
    MatchingProposal,
    PairSummary,
    ProposalSelection,
    ProposalStatus,
    ProposalSwap,
    ReviewResult,
)
from app.domain.matching.runs import (
    proposal_to_read,
    require_completed,
    require_matchable,
    run_of,
)
from app.domain.pairs.door import PairOpening, excluded, open_pairs
from app.domain.pairs.models import Pair, PairOrigin
from app.domain.participants.models import Participant, ParticipantRole, ParticipantStatus
from app.domain.programs.models import Program
from app.domain.programs.service import program_for_change


def pair_summary(pair: Pair) -> PairSummary:
    return PairSummary(
        id=pair.id,
        program_id=pair.program_id,
        mentee_id=pair.mentee_id,
        mentor_id=pair.mentor_id,
        mentee_employee_id=pair.mentee_employee_id,
        mentor_employee_id=pair.mentor_employee_id,
        status=str(pair.status),
        origin=str(pair.origin),
        score=pair.score,
        matching_run_id=pair.matching_run_id,
        explanation=ExplanationRead.model_validate(pair.explanation) if pair.explanation else None,
    )


async def announce_pair(session: AsyncSession, principal: Principal, pair: Pair) -> None:
    await record_event(
        session,
        organization_id=pair.organization_id,
        type="pair.created",
        subject_type="pair",
        subject_id=pair.id,
        data=pair_summary(pair),
        actor=principal,
    )


async def approved_participant(
    session: AsyncSession, program: Program, participant_id: uuid.UUID, role: ParticipantRole
) -> Participant:
    participant = await session.get(Participant, participant_id)
    if participant is None or participant.program_id != program.id or participant.role != role:
        raise Invalid(
            f"No such {role} in this program.",
            errors=[field_error(f"{role}_id", f"not a {role} of this program", "not_found")],
        )
    if participant.status != ParticipantStatus.APPROVED:
        raise Conflict(
            f"The {role} is {participant.status}; only approved participants are paired.",
            code="participant_not_approved",
            participant_id=str(participant.id),
        )
    return participant


async def _selected(
    session: AsyncSession, run_id: uuid.UUID, selection: ProposalSelection
) -> list[MatchingProposal]:
    statement = select(MatchingProposal).where(MatchingProposal.run_id == run_id)
    if selection.proposal_ids is None:
        statement = statement.where(MatchingProposal.status == ProposalStatus.PROPOSED.value)
    else:
        statement = statement.where(col(MatchingProposal.id).in_(selection.proposal_ids))
    proposals = list((await session.exec(statement.order_by(col(MatchingProposal.id)))).all())
    if selection.proposal_ids is not None:
        found = {p.id for p in proposals}
        errors = [
            field_error(f"proposal_ids.{i}", "not a proposal of this run", "not_found")
            for i, pid in enumerate(selection.proposal_ids)
            if pid not in found
        ]
        if errors:
            raise Invalid("Some proposals are not part of this run.", errors=errors)
    decided = [p for p in proposals if p.status != ProposalStatus.PROPOSED]
    if decided:
        raise Conflict(
            "Some proposals were already accepted or rejected.",
            code="proposal_decided",
            proposal_ids=[str(p.id) for p in decided],
        )
    return proposals


async def accept_proposals(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    run_id: uuid.UUID,
    selection: ProposalSelection,
) -> ReviewResult:
    """Open a pair for each selected proposal, all or none."""
    program = await program_for_change(session, principal, program_id)
    require_matchable(program)
    run = await run_of(session, program, run_id, lock=True)
    require_completed(run)
    if run.dry_run:
        raise Conflict("A dry run's proposals cannot be accepted.", code="dry_run")
    proposals = await _selected(session, run.id, selection)
    openings = [
        PairOpening(
            mentor=await approved_participant(
                session, program, proposal.mentor_id, ParticipantRole.MENTOR
            ),
            mentee=await approved_participant(
                session, program, proposal.mentee_id, ParticipantRole.MENTEE
            ),
            origin=PairOrigin.MATCHING,
            score=proposal.score,
            explanation=proposal.explanation,
            matching_run_id=run.id,
        )
        for proposal in proposals
    ]
    pairs = await open_pairs(session, program, openings)
    now = utcnow()
    for proposal, pair in zip(proposals, pairs, strict=True):
        proposal.status = ProposalStatus.ACCEPTED
        proposal.pair_id = pair.id
        proposal.decided_by = principal.actor
        proposal.decided_at = now
    await session.flush()
    for pair in pairs:
        await announce_pair(session, principal, pair)
    return ReviewResult(
        proposals=[proposal_to_read(p) for p in proposals],
        pairs=[pair_summary(p) for p in pairs],
    )


async def reject_proposals(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    run_id: uuid.UUID,
    selection: ProposalSelection,
) -> ReviewResult:
    program = await program_for_change(session, principal, program_id)
    run = await run_of(session, program, run_id, lock=True)
    require_completed(run)
    proposals = await _selected(session, run.id, selection)
    now = utcnow()
    for proposal in proposals:
        proposal.status = ProposalStatus.REJECTED
        proposal.decided_by = principal.actor
        proposal.decided_at = now
        proposal.decision_reason = selection.reason
    await session.flush()
    return ReviewResult(proposals=[proposal_to_read(p) for p in proposals], pairs=[])


def _checked(pool: Pool, mentee: Participant, mentor: Participant) -> tuple[float, dict[str, Any]]:
    try:
        explanation = explain_pair(pool, mentee, mentor)
    except LookupError as exc:
        raise Conflict(
            "Both people must be approved and active employees.", code="employee_not_active"
        ) from exc
    if not explanation.eligible:
        raise excluded(explanation, mentee, mentor)
    return explanation.score, explanation_document(explanation)


async def swap_proposals(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    run_id: uuid.UUID,
    data: ProposalSwap,
) -> ReviewResult:
    """Two proposals' mentors trade places: both are rejected, two new ones take their
    place, scored and explained like the rest. A swap making an excluded pair is refused."""
    program = await program_for_change(session, principal, program_id)
    require_matchable(program)
    run = await run_of(session, program, run_id, lock=True)
    require_completed(run)
    if run.dry_run:
        raise Conflict("A dry run's proposals cannot be changed.", code="dry_run")
    if len(set(data.proposal_ids)) != 2:
        raise Invalid(
            "Name two different proposals.",
            errors=[field_error("proposal_ids", "two different proposals", "duplicate")],
        )
    first, second = await _selected(
        session, run.id, ProposalSelection(proposal_ids=data.proposal_ids)
    )
    if first.mentor_id == second.mentor_id:
        raise Conflict("Both proposals have the same mentor.", code="same_mentor")
    pool = await load_pool(session, program)
    swapped: list[MatchingProposal] = []
    for mentee_of, mentor_of in ((first, second), (second, first)):
        mentee = pool.participants.get(mentee_of.mentee_id)
        mentor = pool.participants.get(mentor_of.mentor_id)
        if mentee is None or mentor is None:
            raise Conflict(
                "Only approved participants are paired.", code="participant_not_approved"
            )
        score, explanation = _checked(pool, mentee, mentor)
        swapped.append(
            MatchingProposal(
                organization_id=run.organization_id,
                run_id=run.id,
                program_id=program.id,
                mentee_id=mentee.id,
                mentor_id=mentor.id,
                mentee_employee_id=mentee.employee_id,
                mentor_employee_id=mentor.employee_id,
                score=score,
                explanation=explanation,
            )
        )
    now = utcnow()
    for old in (first, second):
        old.status = ProposalStatus.REJECTED
        old.decided_by = principal.actor
        old.decided_at = now
        old.decision_reason = "swapped"
    session.add_all(swapped)
    await session.flush()
    return ReviewResult(proposals=[proposal_to_read(p) for p in swapped], pairs=[])

"""Matching runs: the optimal assignment of a program's approved participants, explained.

A run takes the program's lock, so two runs (or a run and an acceptance) of one program
queue behind each other; the seats' unique constraint is the last word on who is paired.
People in an open pair are left alone: mentees with a pair are not matched again, mentors
only offer the seats they have left. The numeric part runs in a worker thread so the event
loop keeps serving other requests.
"""

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain import pagination
from app.domain.access.principal import Principal
from app.domain.errors import Conflict, Invalid, NotFound, field_error
from app.domain.events.service import record_event
from app.domain.matching.candidates import Pool, explanation_document, forbid, load_pool
from app.domain.matching.run_models import (
    ExplanationRead,
    MatchingProposal,
    MatchingRun,
    MatchingRunCreate,
    MatchingRunRead,
    PairRef,
    ProposalRead,
    RefusedPair,
    RunStatus,
    RunSummary,
    UnmatchedRead,
)
from app.domain.matching.solver import UNMATCHED_TEXT, assign
from app.domain.participants.explanations import explain
from app.domain.participants.models import ParticipantRole
from app.domain.participants.scoring import Candidate, ScoringConfig
from app.domain.programs import access
from app.domain.programs.models import Program, ProgramStatus
from app.domain.programs.service import get_program, program_for_change

MATCHABLE = frozenset({ProgramStatus.ENROLLING, ProgramStatus.MATCHING, ProgramStatus.ACTIVE})


def run_to_read(run: MatchingRun) -> MatchingRunRead:
    return MatchingRunRead(
        id=run.id,
        program_id=run.program_id,
        status=run.status,
        dry_run=run.dry_run,
        keep=[PairRef.model_validate(p) for p in run.options.get("keep", [])],
        forbid=[PairRef.model_validate(p) for p in run.options.get("forbid", [])],
        requested_by=run.requested_by,
        created_at=run.created_at,
        finished_at=run.finished_at,
        summary=RunSummary.model_validate(run.summary),
        unmatched=[UnmatchedRead.model_validate(u) for u in run.unmatched],
        refused=[RefusedPair.model_validate(r) for r in run.refused],
        error=run.error,
    )


def proposal_to_read(proposal: MatchingProposal) -> ProposalRead:
    return ProposalRead(
        id=proposal.id,
        run_id=proposal.run_id,
        mentee_id=proposal.mentee_id,
        mentor_id=proposal.mentor_id,
        mentee_employee_id=proposal.mentee_employee_id,
        mentor_employee_id=proposal.mentor_employee_id,
        score=proposal.score,
        explanation=ExplanationRead.model_validate(proposal.explanation),
        kept=proposal.kept,
        status=proposal.status,
        pair_id=proposal.pair_id,
        decided_by=proposal.decided_by,
        decided_at=proposal.decided_at,
        decision_reason=proposal.decision_reason,
    )


def require_matchable(program: Program) -> None:
    if program.status not in MATCHABLE:
        raise Conflict(
            f"People are paired while the program is enrolling, matching or active, "
            f"not {program.status}.",
            code="program_not_matching",
            current_status=str(program.status),
        )


@dataclass
class _Problem:
    mentees: list[Candidate]
    mentors: list[Candidate]
    capacities: list[int]
    forbidden: list[tuple[int, int]]
    kept: list[tuple[Candidate, Candidate]]
    refused: list[dict[str, str]]  # pairs to keep that a hard exclusion refuses


@dataclass
class _Outcome:
    pairs: list[tuple[Candidate, Candidate, float, dict[str, Any]]]
    unmatched: list[tuple[Candidate, str, str]]  # candidate, role, reason code


def _pair_refs(
    pool: Pool, refs: list[PairRef], name: str, *, must_be_free: bool
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    errors = []
    for index, ref in enumerate(refs):
        mentee = pool.participants.get(ref.mentee_id)
        mentor = pool.participants.get(ref.mentor_id)
        if mentee is None or mentee.role != ParticipantRole.MENTEE:
            errors.append(field_error(f"{name}.{index}.mentee_id", "not an approved mentee"))
        if mentor is None or mentor.role != ParticipantRole.MENTOR:
            errors.append(field_error(f"{name}.{index}.mentor_id", "not an approved mentor"))
    if errors:
        raise Invalid("Some pairs do not name approved participants.", errors=errors)
    if must_be_free:
        mentees = [ref.mentee_id for ref in refs]
        if len(set(mentees)) != len(mentees):
            raise Invalid(
                "A mentee can be kept in one pair only.",
                errors=[field_error(name, "a mentee appears twice", "duplicate")],
            )
    return [(ref.mentee_id, ref.mentor_id) for ref in refs]


def _problem(pool: Pool, data: MatchingRunCreate) -> _Problem:
    keep = _pair_refs(pool, data.keep, "keep", must_be_free=True)
    banned = set(_pair_refs(pool, data.forbid, "forbid", must_be_free=False))
    free = {pid: pool.free_seats(pool.participants[pid]) for pid in pool.candidates}
    kept: list[tuple[Candidate, Candidate]] = []
    refused: list[dict[str, str]] = []
    for mentee_id, mentor_id in keep:
        mentee, mentor = pool.candidates.get(mentee_id), pool.candidates.get(mentor_id)
        if mentee is None or mentor is None or free[mentee_id] < 1 or free[mentor_id] < 1:
            raise Conflict(
                "A pair to keep names someone inactive, already paired or without a free seat.",
                code="keep_unavailable",
                mentee_id=str(mentee_id),
                mentor_id=str(mentor_id),
            )
        why = _exclusion(pool, mentee, mentor, (mentee_id, mentor_id) in banned)
        if why is not None:
            # Never proposed: the two are matched like everyone else, and the run says why.
            refused.append({"mentee_id": str(mentee_id), "mentor_id": str(mentor_id), **why})
            continue
        free[mentee_id] -= 1
        free[mentor_id] -= 1
        kept.append((mentee, mentor))
    mentees = [c for pid, c in pool.candidates.items() if _role(pool, pid, "mentee")]
    mentors = [c for pid, c in pool.candidates.items() if _role(pool, pid, "mentor")]
    mentees = sorted((c for c in mentees if free[c.id] > 0), key=lambda c: c.id)
    # Full mentors stay in (with no seat to give) so a waiting mentee learns that every
    # eligible mentor is full rather than that none is eligible.
    mentors = sorted(mentors, key=lambda c: c.id)
    row = {c.id: i for i, c in enumerate(mentees)}
    column = {c.id: j for j, c in enumerate(mentors)}
    forbidden = [(row[a], column[b]) for a, b in sorted(banned) if a in row and b in column]
    return _Problem(mentees, mentors, [free[c.id] for c in mentors], forbidden, kept, refused)


def _exclusion(
    pool: Pool, mentee: Candidate, mentor: Candidate, forbidden: bool
) -> dict[str, str] | None:
    """Why a pair to keep may not be kept (the door would refuse it), or None."""
    matrix = pool.score([mentee], [mentor])
    if forbidden:
        forbid(matrix, [(0, 0)])
    verdict = explain(matrix, 0, 0, pool.config)
    if verdict.eligible:
        return None
    return {"reason": str(verdict.ineligible_code), "detail": str(verdict.ineligible_reason)}


def _role(pool: Pool, participant_id: uuid.UUID, role: str) -> bool:
    return str(pool.participants[participant_id].role) == role


def _solve(problem: _Problem, pool: Pool, config: ScoringConfig) -> _Outcome:
    """The numeric part, run in a worker thread: scores, the assignment, explanations."""
    pairs: list[tuple[Candidate, Candidate, float, dict[str, Any]]] = []
    for mentee, mentor in problem.kept:
        one = pool.score([mentee], [mentor])
        pairs.append(
            (
                mentee,
                mentor,
                float(one.total[0, 0]),
                explanation_document(explain(one, 0, 0, config)),
            )
        )
    unmatched: list[tuple[Candidate, str, str]] = []
    if problem.mentees and problem.mentors:
        matrix = pool.score(problem.mentees, problem.mentors)
        forbid(matrix, problem.forbidden)
        assignment = assign(matrix, problem.capacities, config.min_score)
        for i, j, score in assignment.pairs:
            document = explanation_document(explain(matrix, i, j, config))
            pairs.append((problem.mentees[i], problem.mentors[j], score, document))
        unmatched += [
            (problem.mentees[i], "mentee", str(reason))
            for i, reason in sorted(assignment.unmatched_mentees.items())
        ]
        unmatched += [
            (problem.mentors[j], "mentor", str(reason))
            for j, reason in sorted(assignment.unmatched_mentors.items())
        ]
    else:
        unmatched += [(c, "mentee", "no_eligible_partner") for c in problem.mentees]
        unmatched += [(c, "mentor", "no_eligible_partner") for c in problem.mentors]
    return _Outcome(pairs, unmatched)


def _summary(pool: Pool, outcome: _Outcome, unmatched: int) -> RunSummary:
    scores = [score for _, _, score, _ in outcome.pairs]
    covered = sorted(
        {
            tag
            for mentee, mentor, _, _ in outcome.pairs
            for tag in pool.objective_tags
            if (tag in mentee.learns and tag in mentor.teaches)
            or (tag in mentor.learns and tag in mentee.teaches)
        }
    )
    return RunSummary(
        participants=len(pool.participants),
        pairs=len(scores),
        unmatched=unmatched,
        mean_score=round(sum(scores) / len(scores), 2) if scores else None,
        min_score=min(scores) if scores else None,
        total_score=round(sum(scores), 2),
        objective_topics=pool.objective_tags,
        objective_topics_covered=covered,
    )


def _unmatched_text(role: str, reason: str) -> str:
    for (side, code), text in UNMATCHED_TEXT.items():
        if side == role and str(code) == reason:
            return text
    return reason.replace("_", " ")


async def create_run(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID, data: MatchingRunCreate
) -> MatchingRun:
    program = await program_for_change(session, principal, program_id)
    require_matchable(program)
    pool = await load_pool(session, program)
    problem = _problem(pool, data)
    run = MatchingRun(
        organization_id=program.organization_id,
        program_id=program.id,
        dry_run=data.dry_run,
        options={
            "keep": [ref.model_dump(mode="json") for ref in data.keep],
            "forbid": [ref.model_dump(mode="json") for ref in data.forbid],
        },
        requested_by=principal.actor,
    )
    outcome = await asyncio.to_thread(_solve, problem, pool, pool.config)
    unmatched = [
        {
            "participant_id": str(c.id),
            "employee_id": str(c.employee_id),
            "role": role,
            "reason": reason,
            "detail": _unmatched_text(role, reason),
        }
        for c, role, reason in outcome.unmatched
    ] + [
        {
            "participant_id": str(p.id),
            "employee_id": str(p.employee_id),
            "role": str(p.role),
            "reason": "employee_not_active",
            "detail": "the employee is no longer active",
        }
        for p in pool.inactive
    ]
    run.unmatched = unmatched
    run.refused = problem.refused
    run.summary = _summary(pool, outcome, len(unmatched)).model_dump(mode="json")
    run.status = RunStatus.COMPLETED
    run.finished_at = utcnow()
    session.add(run)
    await session.flush()
    kept_ids = {(m.id, t.id) for m, t in problem.kept}
    session.add_all(
        [
            MatchingProposal(
                organization_id=program.organization_id,
                run_id=run.id,
                program_id=program.id,
                mentee_id=mentee.id,
                mentor_id=mentor.id,
                mentee_employee_id=mentee.employee_id,
                mentor_employee_id=mentor.employee_id,
                score=score,
                explanation=document,
                kept=(mentee.id, mentor.id) in kept_ids,
            )
            for mentee, mentor, score, document in sorted(
                outcome.pairs, key=lambda p: (p[0].id, p[1].id)
            )
        ]
    )
    await session.flush()
    await record_event(
        session,
        organization_id=run.organization_id,
        type="matching_run.completed",
        subject_type="matching_run",
        subject_id=run.id,
        data={
            "id": str(run.id),
            "program_id": str(program.id),
            "dry_run": run.dry_run,
            "summary": run.summary,
        },
        actor=principal,
    )
    return run


def _run_not_found() -> NotFound:
    return NotFound("Matching run not found.", code="matching_run_not_found")


async def managed_program(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID
) -> Program:
    """A program whose runs the caller may read: its managers and readers; 404 otherwise."""
    program = await get_program(session, principal, program_id)
    if not (access.reads_all(principal) or access.manages(principal, program)):
        raise _run_not_found()
    return program


async def run_of(
    session: AsyncSession, program: Program, run_id: uuid.UUID, *, lock: bool = False
) -> MatchingRun:
    statement = select(MatchingRun).where(
        MatchingRun.id == run_id, MatchingRun.program_id == program.id
    )
    if lock:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    run = (await session.exec(statement)).first()
    if run is None:
        raise _run_not_found()
    return run


async def get_run(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID, run_id: uuid.UUID
) -> MatchingRun:
    program = await managed_program(session, principal, program_id)
    return await run_of(session, program, run_id)


async def list_runs(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    *,
    limit: int | None,
    cursor: str | None,
) -> pagination.Page[MatchingRun]:
    program = await managed_program(session, principal, program_id)
    statement = select(MatchingRun).where(MatchingRun.program_id == program.id)
    return await pagination.paginate(
        session, statement, keys=[MatchingRun.id], limit=limit, cursor=cursor
    )


async def list_proposals(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    run_id: uuid.UUID,
    *,
    limit: int | None,
    cursor: str | None,
) -> pagination.Page[MatchingProposal]:
    run = await get_run(session, principal, program_id, run_id)
    statement = select(MatchingProposal).where(MatchingProposal.run_id == run.id)
    return await pagination.paginate(
        session, statement, keys=[MatchingProposal.id], limit=limit, cursor=cursor
    )

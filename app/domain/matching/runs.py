"""Matching runs: a manager asks for one, a worker computes it (job.py), managers read it.

A run is queued (``create_run`` checks the request and answers at once), then a worker runs
it: the optimal assignment of the program's approved participants who are not in an open
pair (mentors offer the seats they have left), explained. A manager may cancel a run that
is queued or running. Runs never open pairs: accepting a run's proposals does, through the
door (app/domain/pairs/door.py), which is why two runs of one program cannot pair anyone
twice.
"""

import uuid

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain import pagination
from app.domain.access.principal import Principal
from app.domain.errors import Conflict, NotFound
from app.domain.events.service import record_event
from app.domain.matching import computation
from app.domain.matching.candidates import load_pool
from app.domain.matching.run_models import (
    OPEN_RUN_STATUSES,
    ExplanationRead,
    MatchingProposal,
    MatchingRun,
    MatchingRunCreate,
    MatchingRunRead,
    PairRef,
    ProposalRead,
    RefusedPair,
    RunProgress,
    RunStatus,
    RunSummary,
    UnmatchedRead,
)
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
        started_at=run.started_at,
        finished_at=run.finished_at,
        progress=RunProgress.model_validate(run.progress),
        summary=RunSummary.model_validate(run.summary),
        unmatched=[UnmatchedRead.model_validate(u) for u in run.unmatched],
        refused=[RefusedPair.model_validate(r) for r in run.refused],
        cancelled_by=run.cancelled_by,
        error_code=run.error_code,
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


def require_completed(run: MatchingRun) -> None:
    if run.status != RunStatus.COMPLETED:
        raise Conflict(
            f"The run is {run.status}; proposals are decided once it has completed.",
            code="matching_run_not_completed",
            current_status=str(run.status),
        )


async def create_run(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID, data: MatchingRunCreate
) -> MatchingRun:
    """Queue a run. Pairs to keep or forbid that name no approved participant (422), or a
    pair to keep whose people are no longer free (409), are refused now; a worker runs the
    rest (and checks the pairs again with the data as they are then)."""
    program = await program_for_change(session, principal, program_id)
    require_matchable(program)
    named = {ref.mentee_id for ref in [*data.keep, *data.forbid]}
    named |= {ref.mentor_id for ref in [*data.keep, *data.forbid]}
    if named:
        computation.problem(await load_pool(session, program, only=named), data)
    run = MatchingRun(
        organization_id=program.organization_id,
        program_id=program.id,
        dry_run=data.dry_run,
        options={
            "keep": [ref.model_dump(mode="json") for ref in data.keep],
            "forbid": [ref.model_dump(mode="json") for ref in data.forbid],
        },
        requested_by=principal.actor,
        progress=RunProgress().model_dump(mode="json"),
    )
    session.add(run)
    await session.flush()
    return run


def run_event(run: MatchingRun) -> dict[str, object]:
    """What subscribers learn of a run that ended."""
    return {
        "id": str(run.id),
        "program_id": str(run.program_id),
        "status": str(run.status),
        "dry_run": run.dry_run,
        "summary": run.summary,
        "error_code": run.error_code,
        "error": run.error,
    }


async def drop_proposals(session: AsyncSession, run_id: uuid.UUID) -> None:
    """A run's proposals, saved in part before it stopped."""
    await session.exec(delete(MatchingProposal).where(col(MatchingProposal.run_id) == run_id))


async def cancel_run(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID, run_id: uuid.UUID
) -> MatchingRun:
    """Cancel a queued or running run (managers). A worker running it stops at its next
    step and saves nothing."""
    program = await program_for_change(session, principal, program_id, allow_archived=True)
    run = await run_of(session, program, run_id, lock=True)
    if run.status not in OPEN_RUN_STATUSES:
        raise Conflict(
            f"The run is {run.status} already.",
            code="matching_run_ended",
            current_status=str(run.status),
        )
    run.status = RunStatus.CANCELLED
    run.cancelled_by = principal.actor
    run.finished_at = utcnow()
    run.lease_token = None
    run.lease_expires_at = None
    await drop_proposals(session, run.id)
    await session.flush()
    await record_event(
        session,
        organization_id=run.organization_id,
        type="matching_run.cancelled",
        subject_type="matching_run",
        subject_id=run.id,
        data=run_event(run),
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
    if run.status != RunStatus.COMPLETED:
        return pagination.Page(items=[], next_cursor=None)  # proposals show once it completes
    statement = select(MatchingProposal).where(MatchingProposal.run_id == run.id)
    return await pagination.paginate(
        session, statement, keys=[MatchingProposal.id], limit=limit, cursor=cursor
    )

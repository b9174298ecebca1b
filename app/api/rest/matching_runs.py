"""REST adapter of matching runs, their review, and pairs made by hand."""

import uuid

from fastapi import APIRouter, Response, status

from app.api.deps import CurrentPrincipal, DbSession, Paging
from app.api.problems import common_responses, responses
from app.api.rest import API_PREFIX
from app.api.schemas import Page
from app.domain.matching import review, runs
from app.domain.matching.run_models import (
    MatchingRunCreate,
    MatchingRunRead,
    ProposalRead,
    ProposalSelection,
    ProposalSwap,
    ReviewResult,
)

RUNS = f"{API_PREFIX}/programs/{{program_id}}/matching-runs"
RUN = f"{RUNS}/{{run_id}}"

router = APIRouter(tags=["matching"], responses=common_responses())


@router.post(
    RUNS,
    status_code=status.HTTP_201_CREATED,
    summary="Run the matching",
    description=(
        "Managers. Computes the optimal assignment of the approved participants who are not "
        "in an open pair (mentors offer their remaining seats), keeping and forbidding the "
        "pairs named. The result holds proposals with scores and explanations, unmatched "
        "participants with reasons, and a summary. A pair to keep that a hard exclusion "
        "refuses is never proposed: `refused` lists it with its reason. The same input gives "
        "the same result."
    ),
    responses=responses(404, 409),
)
async def create_run(
    program_id: uuid.UUID,
    body: MatchingRunCreate,
    db: DbSession,
    principal: CurrentPrincipal,
    response: Response,
) -> MatchingRunRead:
    run = await runs.create_run(db, principal, program_id, body)
    response.headers["Location"] = RUN.format(program_id=program_id, run_id=run.id)
    return runs.run_to_read(run)


@router.get(RUNS, summary="List matching runs", description="Managers.", responses=responses(404))
async def list_runs(
    program_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal, paging: Paging
) -> Page[MatchingRunRead]:
    page = await runs.list_runs(db, principal, program_id, limit=paging.limit, cursor=paging.cursor)
    return Page(items=[runs.run_to_read(r) for r in page.items], next_cursor=page.next_cursor)


@router.get(RUN, summary="Get a matching run", responses=responses(404))
async def get_run(
    program_id: uuid.UUID, run_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal
) -> MatchingRunRead:
    return runs.run_to_read(await runs.get_run(db, principal, program_id, run_id))


@router.get(
    f"{RUN}/proposals",
    summary="List a run's proposed pairs",
    description="Each with its score and explanation.",
    responses=responses(404),
)
async def list_proposals(
    program_id: uuid.UUID,
    run_id: uuid.UUID,
    db: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
) -> Page[ProposalRead]:
    page = await runs.list_proposals(
        db, principal, program_id, run_id, limit=paging.limit, cursor=paging.cursor
    )
    return Page(items=[runs.proposal_to_read(p) for p in page.items], next_cursor=page.next_cursor)


@router.post(
    f"{RUN}/accept",
    summary="Accept proposals",
    description=(
        "Opens a pair for each proposal named (or every open one), all or none: a proposal "
        "whose people were paired meanwhile, or that a hard exclusion refuses with today's "
        "directory (409 `pair_ineligible`, say a new manager since the run), answers 409 and "
        "nothing is created."
    ),
    responses=responses(404, 409),
)
async def accept_proposals(
    program_id: uuid.UUID,
    run_id: uuid.UUID,
    body: ProposalSelection,
    db: DbSession,
    principal: CurrentPrincipal,
) -> ReviewResult:
    return await review.accept_proposals(db, principal, program_id, run_id, body)


@router.post(
    f"{RUN}/reject",
    summary="Reject proposals",
    description="The proposals named (or every open one), with an optional reason.",
    responses=responses(404, 409),
)
async def reject_proposals(
    program_id: uuid.UUID,
    run_id: uuid.UUID,
    body: ProposalSelection,
    db: DbSession,
    principal: CurrentPrincipal,
) -> ReviewResult:
    return await review.reject_proposals(db, principal, program_id, run_id, body)


@router.post(
    f"{RUN}/swap",
    summary="Swap the mentors of two proposals",
    description=(
        "Both proposals are rejected and two new ones, with the mentors traded, take their "
        "place, scored and explained. A swap that makes an excluded pair answers 409."
    ),
    responses=responses(404, 409),
)
async def swap_proposals(
    program_id: uuid.UUID,
    run_id: uuid.UUID,
    body: ProposalSwap,
    db: DbSession,
    principal: CurrentPrincipal,
) -> ReviewResult:
    return await review.swap_proposals(db, principal, program_id, run_id, body)

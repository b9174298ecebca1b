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
    status_code=status.HTTP_202_ACCEPTED,
    summary="Run the matching",
    description=(
        "Managers. Queues a run and answers at once with it (`queued`, `Location` names it); "
        "a worker computes the optimal assignment of the approved participants who are not "
        "in an open pair (mentors offer their remaining seats), keeping and forbidding the "
        "pairs named. Read the run for its `status` and `progress` (`running`: the stage and "
        "the pairs scored), then `completed` with its proposals (scores and explanations), "
        "unmatched participants with reasons and a summary, or `failed` with `error_code` "
        "and `error`. A pair to keep that a hard exclusion refuses is never proposed: "
        "`refused` lists it with its reason. Pairs to keep or forbid that name no approved "
        "participant answer 422, a pair to keep whose people are not free 409. The same "
        "input gives the same result. Dry runs are queued the same way."
    ),
    responses=responses(
        404,
        409,
        codes={
            403: ("not_program_manager",),
            404: ("not_found", "program_not_found"),
            409: ("invalid", "keep_unavailable", "program_not_matching"),
        },
    ),
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


@router.get(
    RUNS,
    summary="List matching runs",
    description="Managers.",
    responses=responses(
        404, codes={404: ("matching_run_not_found", "not_found", "program_not_found")}
    ),
)
async def list_runs(
    program_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal, paging: Paging
) -> Page[MatchingRunRead]:
    page = await runs.list_runs(db, principal, program_id, limit=paging.limit, cursor=paging.cursor)
    return Page(items=[runs.run_to_read(r) for r in page.items], next_cursor=page.next_cursor)


@router.get(
    RUN,
    summary="Get a matching run",
    description="Managers. Its status and progress while it runs, its result once it ends.",
    responses=responses(
        404, codes={404: ("matching_run_not_found", "not_found", "program_not_found")}
    ),
)
async def get_run(
    program_id: uuid.UUID, run_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal
) -> MatchingRunRead:
    return runs.run_to_read(await runs.get_run(db, principal, program_id, run_id))


@router.post(
    f"{RUN}/cancel",
    summary="Cancel a matching run",
    description=(
        "Managers. A `queued` or `running` run becomes `cancelled` and proposes nothing (a "
        "worker computing it stops at its next step); a run that has ended answers 409 "
        "`matching_run_ended`."
    ),
    responses=responses(
        404,
        409,
        codes={
            403: ("not_program_manager",),
            404: ("not_found", "program_not_found"),
            409: ("matching_run_ended",),
        },
    ),
)
async def cancel_run(
    program_id: uuid.UUID, run_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal
) -> MatchingRunRead:
    return runs.run_to_read(await runs.cancel_run(db, principal, program_id, run_id))


@router.get(
    f"{RUN}/proposals",
    summary="List a run's proposed pairs",
    description="Each with its score and explanation; empty until the run has completed.",
    responses=responses(
        404, codes={404: ("matching_run_not_found", "not_found", "program_not_found")}
    ),
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
        "Opens a pair for each proposal named (or every open one) of a completed run (409 "
        "`matching_run_not_completed` otherwise), all or none: a proposal "
        "whose people were paired meanwhile, or that a hard exclusion refuses with today's "
        "directory (409 `pair_ineligible`, say a new manager since the run), answers 409 and "
        "nothing is created."
    ),
    responses=responses(
        404,
        409,
        codes={
            403: ("not_program_manager",),
            404: ("not_found", "program_not_found"),
            409: (
                "dry_run",
                "invalid",
                "matching_run_not_completed",
                "mentor_full",
                "pair_ineligible",
                "proposal_decided",
            ),
        },
    ),
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
    responses=responses(
        404, 409, codes={403: ("not_program_manager",), 404: ("not_found", "program_not_found")}
    ),
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
    responses=responses(
        404,
        409,
        codes={
            403: ("not_program_manager",),
            404: ("not_found", "program_not_found"),
            409: ("pair_ineligible", "proposal_decided"),
        },
    ),
)
async def swap_proposals(
    program_id: uuid.UUID,
    run_id: uuid.UUID,
    body: ProposalSwap,
    db: DbSession,
    principal: CurrentPrincipal,
) -> ReviewResult:
    return await review.swap_proposals(db, principal, program_id, run_id, body)

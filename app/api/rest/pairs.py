"""REST adapter of pairs: the pairs themselves, their agreement and their goals."""

import uuid

from fastapi import APIRouter, Response, status

from app.api.deps import CurrentPrincipal, DbSession, IfMatch, Paging, set_etag
from app.api.problems import common_responses, responses
from app.api.rest import API_PREFIX
from app.api.schemas import Page
from app.domain.pairs import agreement, goals, service
from app.domain.pairs.models import PairStatus
from app.domain.pairs.schemas import (
    AgreementWrite,
    GoalCreate,
    GoalRead,
    GoalUpdate,
    PairCreate,
    PairFilter,
    PairHealth,
    PairRead,
    PairTransition,
)

PAIRS = f"{API_PREFIX}/pairs"

router = APIRouter(responses=common_responses())

VISIBILITY = (
    "Visible to the pair's mentor and mentee, the program's managers, administrators and "
    "`read` keys (reporting clients); anyone else gets 404. Reads by anyone but the pair's "
    "mentor and mentee are audited."
)


def _pair_url(pair_id: uuid.UUID) -> str:
    return f"{PAIRS}/{pair_id}"


@router.get(
    PAIRS,
    tags=["pairs"],
    summary="List pairs",
    description=(
        "Your own pairs, those of the programs you run, or all of them (administrators and "
        "`read` keys)."
    ),
    responses=responses(codes={404: ("not_found",)}),
)
async def list_pairs(
    db: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    program_id: uuid.UUID | None = None,
    status: PairStatus | None = None,
    health: PairHealth | None = None,
    employee_id: uuid.UUID | None = None,
) -> Page[PairRead]:
    filters = PairFilter(
        program_id=program_id, status=status, health=health, employee_id=employee_id
    )
    page = await service.list_pairs(
        db, principal, filters, limit=paging.limit, cursor=paging.cursor
    )
    return Page(items=[service.to_read(p) for p in page.items], next_cursor=page.next_cursor)


@router.get(
    f"{API_PREFIX}/programs/{{program_id}}/pairs",
    tags=["pairs"],
    summary="List a program's pairs",
    description="The program's pairs you may see (all of them for its managers).",
    responses=responses(404, codes={404: ("not_found", "program_not_found")}),
)
async def list_program_pairs(
    program_id: uuid.UUID,
    db: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    status: PairStatus | None = None,
    health: PairHealth | None = None,
    employee_id: uuid.UUID | None = None,
) -> Page[PairRead]:
    filters = PairFilter(status=status, health=health, employee_id=employee_id)
    page = await service.list_program_pairs(
        db, principal, program_id, filters, limit=paging.limit, cursor=paging.cursor
    )
    return Page(items=[service.to_read(p) for p in page.items], next_cursor=page.next_cursor)


@router.post(
    f"{API_PREFIX}/programs/{{program_id}}/pairs",
    tags=["pairs"],
    status_code=status.HTTP_201_CREATED,
    summary="Pair a mentor and a mentee by hand",
    description=(
        "The program's managers. Both must be approved participants of the program; 409 "
        "`pair_ineligible` when a hard exclusion refuses the pair (same reporting line, "
        "people to avoid, ...), 409 when the mentee already has an open pair or the mentor "
        "is at capacity (enforced by the database, also under concurrent requests)."
    ),
    responses=responses(
        404,
        409,
        codes={
            403: ("not_program_manager",),
            404: ("not_found", "program_not_found"),
            409: (
                "invalid",
                "mentee_paired",
                "mentor_full",
                "pair_ineligible",
                "pair_roles",
                "participant_not_approved",
            ),
        },
    ),
)
async def create_pair(
    program_id: uuid.UUID,
    body: PairCreate,
    db: DbSession,
    principal: CurrentPrincipal,
    response: Response,
) -> PairRead:
    pair = await service.create_pair(db, principal, program_id, body)
    response.headers["Location"] = _pair_url(pair.id)
    set_etag(response, pair.version)
    return service.to_read(pair)


@router.get(
    f"{PAIRS}/{{pair_id}}",
    tags=["pairs"],
    summary="Get a pair",
    description=VISIBILITY,
    responses=responses(404, codes={404: ("not_found", "pair_not_found")}),
)
async def get_pair(
    pair_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal, response: Response
) -> PairRead:
    pair = await service.read_pair(db, principal, pair_id)
    set_etag(response, pair.version)
    return service.to_read(pair)


@router.post(
    f"{PAIRS}/{{pair_id}}/transitions",
    tags=["pairs"],
    summary="Move a pair to another state",
    description=(
        "proposed → active ⇄ paused → completed | ended_early, and proposed → ended_early. "
        "`ended_early` needs a `reason` (mismatch, left_company, schedule, other). Managers make "
        "every move; the pair's people pause, resume and end it. Ending gives the seats back. "
        "An illegal move answers 409 with `allowed_transitions`. `If-Match` is optional."
    ),
    responses=responses(
        404,
        409,
        412,
        codes={
            403: ("not_in_pair", "not_program_manager"),
            404: ("not_found", "pair_not_found"),
            409: ("invalid", "invalid_transition"),
        },
    ),
)
async def transition_pair(
    pair_id: uuid.UUID,
    body: PairTransition,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> PairRead:
    pair = await service.transition_pair(db, principal, pair_id, body, if_match)
    set_etag(response, pair.version)
    return service.to_read(pair)


# --- agreement -----------------------------------------------------------------------------


@router.put(
    f"{PAIRS}/{{pair_id}}/agreement",
    tags=["pairs"],
    summary="Write the pair's agreement",
    description=(
        "The pair's mentor or mentee, with the pair's ETag in `If-Match`. Writing it resets "
        "both acknowledgements."
    ),
    responses=responses(
        404,
        409,
        412,
        428,
        codes={
            403: ("not_in_pair",),
            404: ("not_found", "pair_not_found"),
            409: ("pair_ended",),
        },
    ),
)
async def write_agreement(
    pair_id: uuid.UUID,
    body: AgreementWrite,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> PairRead:
    pair = await agreement.write_agreement(db, principal, pair_id, body, if_match)
    set_etag(response, pair.version)
    return service.to_read(pair)


@router.post(
    f"{PAIRS}/{{pair_id}}/agreement/acknowledge",
    tags=["pairs"],
    summary="Acknowledge the pair's agreement",
    description=(
        "Your side agrees to the agreement as it stands. Send the pair's ETag in `If-Match` to "
        "be sure you acknowledge the text you read."
    ),
    responses=responses(
        404,
        409,
        412,
        codes={
            403: ("not_in_pair",),
            404: ("not_found", "pair_not_found"),
            409: ("no_agreement",),
        },
    ),
)
async def acknowledge_agreement(
    pair_id: uuid.UUID,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> PairRead:
    pair = await agreement.acknowledge_agreement(db, principal, pair_id, if_match)
    set_etag(response, pair.version)
    return service.to_read(pair)


# --- goals ---------------------------------------------------------------------------------


@router.get(
    f"{PAIRS}/{{pair_id}}/goals",
    tags=["pairs"],
    summary="List a pair's goals",
    description=VISIBILITY,
    responses=responses(404, codes={404: ("not_found", "pair_not_found")}),
)
async def list_goals(
    pair_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal, paging: Paging
) -> Page[GoalRead]:
    page = await goals.list_goals(db, principal, pair_id, limit=paging.limit, cursor=paging.cursor)
    return Page(items=[goals.to_read(g) for g in page.items], next_cursor=page.next_cursor)


@router.post(
    f"{PAIRS}/{{pair_id}}/goals",
    tags=["pairs"],
    status_code=status.HTTP_201_CREATED,
    summary="Add a goal",
    description="The pair's mentor or mentee, while the pair is open.",
    responses=responses(
        404,
        409,
        codes={403: ("not_in_pair",), 404: ("not_found", "pair_not_found"), 409: ("invalid",)},
    ),
)
async def create_goal(
    pair_id: uuid.UUID,
    body: GoalCreate,
    db: DbSession,
    principal: CurrentPrincipal,
    response: Response,
) -> GoalRead:
    goal = await goals.create_goal(db, principal, pair_id, body)
    response.headers["Location"] = f"{_pair_url(pair_id)}/goals/{goal.id}"
    set_etag(response, goal.version)
    return goals.to_read(goal)


@router.get(
    f"{PAIRS}/{{pair_id}}/goals/{{goal_id}}",
    tags=["pairs"],
    summary="Get a goal",
    responses=responses(404, codes={404: ("goal_not_found", "not_found", "pair_not_found")}),
)
async def get_goal(
    pair_id: uuid.UUID,
    goal_id: uuid.UUID,
    db: DbSession,
    principal: CurrentPrincipal,
    response: Response,
) -> GoalRead:
    goal = await goals.get_goal(db, principal, pair_id, goal_id)
    set_etag(response, goal.version)
    return goals.to_read(goal)


@router.patch(
    f"{PAIRS}/{{pair_id}}/goals/{{goal_id}}",
    tags=["pairs"],
    summary="Update a goal",
    description="Partial update by the pair's people; send the goal's ETag in `If-Match`.",
    responses=responses(
        404,
        409,
        412,
        428,
        codes={
            403: ("not_in_pair",),
            404: ("not_found", "pair_not_found"),
        },
    ),
)
async def update_goal(
    pair_id: uuid.UUID,
    goal_id: uuid.UUID,
    body: GoalUpdate,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> GoalRead:
    goal = await goals.update_goal(db, principal, pair_id, goal_id, body, if_match)
    set_etag(response, goal.version)
    return goals.to_read(goal)


@router.delete(
    f"{PAIRS}/{{pair_id}}/goals/{{goal_id}}",
    tags=["pairs"],
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a goal",
    description="By the pair's people; send the goal's ETag in `If-Match`.",
    responses=responses(
        404, 409, 412, 428, codes={403: ("not_in_pair",), 404: ("not_found", "pair_not_found")}
    ),
)
async def delete_goal(
    pair_id: uuid.UUID,
    goal_id: uuid.UUID,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
) -> Response:
    await goals.delete_goal(db, principal, pair_id, goal_id, if_match)
    return Response(status_code=status.HTTP_204_NO_CONTENT)

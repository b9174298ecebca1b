"""REST adapter of self-matching: mentor suggestions and mentees' requests to mentors."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.api.deps import IN_DIGITS, CurrentPrincipal, DbSession, IfMatch, Paging, set_etag
from app.api.problems import common_responses, responses
from app.api.rest import API_PREFIX
from app.api.schemas import Page
from app.domain.matching import self_match
from app.domain.matching.run_models import (
    MatchRequestCreate,
    MatchRequestDecision,
    MatchRequestRead,
    MentorSuggestion,
    RequestStatus,
)

PROGRAM = f"{API_PREFIX}/programs/{{program_id}}"
REQUESTS = f"{PROGRAM}/match-requests"
ONE = f"{REQUESTS}/{{request_id}}"

router = APIRouter(tags=["matching"], responses=common_responses())


@router.get(
    f"{PROGRAM}/mentor-suggestions",
    summary="Mentors a mentee may choose",
    description=(
        "The eligible mentors with a free seat, best score first, with explanations. A "
        "mentee sees their own (when the program lets mentees choose); a manager names the "
        "mentee with `mentee_id`. Preferred people score higher and are flagged."
    ),
    responses=responses(
        404,
        409,
        codes={
            404: ("not_found", "participant_not_found", "program_not_found"),
            409: ("mentee_choice_disabled",),
        },
    ),
)
async def mentor_suggestions(
    program_id: uuid.UUID,
    db: DbSession,
    principal: CurrentPrincipal,
    mentee_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=self_match.MAX_SUGGESTIONS), IN_DIGITS] = 20,
) -> list[MentorSuggestion]:
    return await self_match.suggest_mentors(db, principal, program_id, mentee_id, limit)


@router.post(
    REQUESTS,
    status_code=status.HTTP_201_CREATED,
    summary="Ask a mentor",
    description="The calling mentee asks one of their eligible mentors; one request at a time.",
    responses=responses(
        404,
        409,
        codes={
            404: ("not_found", "participant_not_found", "program_not_found"),
            409: ("mentee_paired", "request_pending"),
        },
    ),
)
async def request_mentor(
    program_id: uuid.UUID,
    body: MatchRequestCreate,
    db: DbSession,
    principal: CurrentPrincipal,
    response: Response,
) -> MatchRequestRead:
    request = await self_match.request_mentor(db, principal, program_id, body)
    response.headers["Location"] = ONE.format(program_id=program_id, request_id=request.id)
    set_etag(response, request.version)
    return self_match.request_to_read(request)


@router.get(
    REQUESTS,
    summary="List match requests",
    description="Managers see all of them; people the requests they sent or received.",
    responses=responses(404, codes={404: ("not_found", "program_not_found")}),
)
async def list_requests(
    program_id: uuid.UUID,
    db: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    status: RequestStatus | None = None,
) -> Page[MatchRequestRead]:
    page = await self_match.list_requests(
        db, principal, program_id, status, limit=paging.limit, cursor=paging.cursor
    )
    return Page(
        items=[self_match.request_to_read(r) for r in page.items], next_cursor=page.next_cursor
    )


@router.get(
    ONE,
    summary="Get a match request",
    responses=responses(
        404, codes={404: ("match_request_not_found", "not_found", "program_not_found")}
    ),
)
async def get_request(
    program_id: uuid.UUID,
    request_id: uuid.UUID,
    db: DbSession,
    principal: CurrentPrincipal,
    response: Response,
) -> MatchRequestRead:
    request = await self_match.get_request(db, principal, program_id, request_id)
    set_etag(response, request.version)
    return self_match.request_to_read(request)


async def _decide(
    target: RequestStatus,
    program_id: uuid.UUID,
    request_id: uuid.UUID,
    body: MatchRequestDecision,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: int | None,
    response: Response,
) -> MatchRequestRead:
    request = await self_match.decide_request(
        db, principal, program_id, request_id, target, body, if_match
    )
    set_etag(response, request.version)
    return self_match.request_to_read(request)


@router.post(
    f"{ONE}/accept",
    summary="Accept a request (the mentor)",
    description=(
        "Opens the pair (origin `self_match`), checked again with today's directory and "
        "profiles: 409 `pair_ineligible` when a hard exclusion now refuses it. `If-Match` "
        "optional."
    ),
    responses=responses(
        404,
        409,
        412,
        codes={
            403: ("not_request_party",),
            404: ("match_request_not_found", "not_found", "program_not_found"),
            409: ("mentor_full", "pair_ineligible", "request_decided"),
        },
    ),
)
async def accept_request(
    program_id: uuid.UUID,
    request_id: uuid.UUID,
    body: MatchRequestDecision,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> MatchRequestRead:
    return await _decide(
        RequestStatus.ACCEPTED, program_id, request_id, body, db, principal, if_match, response
    )


@router.post(
    f"{ONE}/decline",
    summary="Decline a request (the mentor)",
    responses=responses(
        404,
        409,
        412,
        codes={
            403: ("not_request_party",),
            404: ("match_request_not_found", "not_found", "program_not_found"),
        },
    ),
)
async def decline_request(
    program_id: uuid.UUID,
    request_id: uuid.UUID,
    body: MatchRequestDecision,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> MatchRequestRead:
    return await _decide(
        RequestStatus.DECLINED, program_id, request_id, body, db, principal, if_match, response
    )


@router.post(
    f"{ONE}/withdraw",
    summary="Withdraw a request (the mentee)",
    responses=responses(
        404,
        409,
        412,
        codes={
            403: ("not_request_party",),
            404: ("match_request_not_found", "not_found", "program_not_found"),
        },
    ),
)
async def withdraw_request(
    program_id: uuid.UUID,
    request_id: uuid.UUID,
    body: MatchRequestDecision,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> MatchRequestRead:
    return await _decide(
        RequestStatus.WITHDRAWN, program_id, request_id, body, db, principal, if_match, response
    )

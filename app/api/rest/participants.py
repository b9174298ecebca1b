"""REST adapter of enrolment: a program's participants and their profiles."""

import uuid

from fastapi import APIRouter, Response, status

from app.api.deps import CurrentPrincipal, DbSession, IfMatch, Paging, set_etag
from app.api.problems import common_responses, responses
from app.api.rest import API_PREFIX
from app.api.schemas import Page
from app.domain.matching import decisions
from app.domain.participants import enrolment
from app.domain.participants.models import ParticipantRole, ParticipantStatus
from app.domain.participants.schemas import (
    ParticipantCreate,
    ParticipantDecision,
    ParticipantFilter,
    ParticipantRead,
    ParticipantUpdate,
)

PARTICIPANTS = f"{API_PREFIX}/programs/{{program_id}}/participants"
ONE = f"{PARTICIPANTS}/{{participant_id}}"

router = APIRouter(tags=["matching"], responses=common_responses())


@router.post(
    PARTICIPANTS,
    status_code=status.HTTP_201_CREATED,
    summary="Enrol in a program",
    description=(
        "An employee enrols themself as `mentor` or `mentee` while the program is "
        "`enrolling`; a manager enrols someone by `employee_id`. The enrolment starts "
        "`pending` until a manager approves it. Someone who withdrew may enrol again."
    ),
    responses=responses(
        404,
        409,
        codes={
            403: ("not_program_manager",),
            404: ("not_found", "program_not_found"),
            409: (
                "already_enrolled",
                "employee_not_active",
                "invalid",
                "not_eligible",
                "program_not_enrolling",
                "window_order",
            ),
        },
    ),
)
async def enrol(
    program_id: uuid.UUID,
    body: ParticipantCreate,
    db: DbSession,
    principal: CurrentPrincipal,
    response: Response,
) -> ParticipantRead:
    participant = await enrolment.enrol(db, principal, program_id, body)
    response.headers["Location"] = ONE.format(program_id=program_id, participant_id=participant.id)
    set_etag(response, participant.version)
    return enrolment.to_read(participant)


@router.get(
    PARTICIPANTS,
    summary="List participants",
    description="Managers see every participant; an employee sees their own enrolment.",
    responses=responses(404, codes={404: ("not_found", "program_not_found")}),
)
async def list_participants(
    program_id: uuid.UUID,
    db: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    role: ParticipantRole | None = None,
    status: ParticipantStatus | None = None,
) -> Page[ParticipantRead]:
    page = await enrolment.list_participants(
        db,
        principal,
        program_id,
        ParticipantFilter(role=role, status=status),
        limit=paging.limit,
        cursor=paging.cursor,
    )
    return Page(items=[enrolment.to_read(p) for p in page.items], next_cursor=page.next_cursor)


@router.get(
    ONE,
    summary="Get a participant",
    responses=responses(
        404, codes={404: ("not_found", "participant_not_found", "program_not_found")}
    ),
)
async def get_participant(
    program_id: uuid.UUID,
    participant_id: uuid.UUID,
    db: DbSession,
    principal: CurrentPrincipal,
    response: Response,
) -> ParticipantRead:
    participant = await enrolment.get_participant(db, principal, program_id, participant_id)
    set_etag(response, participant.version)
    return enrolment.to_read(participant)


@router.patch(
    ONE,
    summary="Update a profile",
    description=(
        "The person or a manager, while the program is enrolling or matching. Send the ETag "
        "in `If-Match`. Only the fields sent change."
    ),
    responses=responses(
        404,
        409,
        412,
        428,
        codes={
            404: ("not_found", "participant_not_found", "program_not_found"),
            409: ("profile_locked", "window_order"),
        },
    ),
)
async def update_participant(
    program_id: uuid.UUID,
    participant_id: uuid.UUID,
    body: ParticipantUpdate,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> ParticipantRead:
    participant = await enrolment.update_participant(
        db, principal, program_id, participant_id, body, if_match
    )
    set_etag(response, participant.version)
    return enrolment.to_read(participant)


async def _decide(
    target: ParticipantStatus,
    program_id: uuid.UUID,
    participant_id: uuid.UUID,
    body: ParticipantDecision,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: int | None,
    response: Response,
) -> ParticipantRead:
    participant = await decisions.decide(
        db, principal, program_id, participant_id, target, body, if_match
    )
    set_etag(response, participant.version)
    return enrolment.to_read(participant)


@router.post(
    f"{ONE}/approve",
    summary="Approve an enrolment",
    description="Managers. Approved participants take part in matching. `If-Match` optional.",
    responses=responses(
        404,
        409,
        412,
        codes={
            403: ("not_program_manager",),
            404: ("not_found", "participant_not_found", "program_not_found"),
            409: ("invalid_participant_transition",),
        },
    ),
)
async def approve_participant(
    program_id: uuid.UUID,
    participant_id: uuid.UUID,
    body: ParticipantDecision,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> ParticipantRead:
    return await _decide(
        ParticipantStatus.APPROVED,
        program_id,
        participant_id,
        body,
        db,
        principal,
        if_match,
        response,
    )


@router.post(
    f"{ONE}/reject",
    summary="Reject an enrolment",
    description="Managers, with a `reason`. `If-Match` optional.",
    responses=responses(
        404,
        409,
        412,
        codes={
            403: ("not_program_manager",),
            404: ("not_found", "participant_not_found", "program_not_found"),
            409: ("invalid",),
        },
    ),
)
async def reject_participant(
    program_id: uuid.UUID,
    participant_id: uuid.UUID,
    body: ParticipantDecision,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> ParticipantRead:
    return await _decide(
        ParticipantStatus.REJECTED,
        program_id,
        participant_id,
        body,
        db,
        principal,
        if_match,
        response,
    )


@router.post(
    f"{ONE}/withdraw",
    summary="Withdraw an enrolment",
    description="The person or a manager; not while the participant is in an open pair.",
    responses=responses(
        404,
        409,
        412,
        codes={
            403: ("not_program_manager",),
            404: ("not_found", "participant_not_found", "program_not_found"),
            409: ("participant_paired",),
        },
    ),
)
async def withdraw_participant(
    program_id: uuid.UUID,
    participant_id: uuid.UUID,
    body: ParticipantDecision,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> ParticipantRead:
    return await _decide(
        ParticipantStatus.WITHDRAWN,
        program_id,
        participant_id,
        body,
        db,
        principal,
        if_match,
        response,
    )

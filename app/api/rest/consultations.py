"""REST adapter of the stakeholder consultation of a program."""

import uuid

from fastapi import APIRouter, Response, status

from app.api.deps import CurrentPrincipal, DbSession, IfMatch, Paging, set_etag
from app.api.problems import common_responses, responses
from app.api.rest import API_PREFIX
from app.api.schemas import Page
from app.domain.programs import consultation, contributions, stakeholders
from app.domain.programs.consultation_models import (
    ConsultationClose,
    ConsultationFilter,
    ConsultationOpen,
    ConsultationRead,
    ConsultationStatus,
    ConsultationUpdate,
    ContributionCreate,
    ContributionFilter,
    ContributionKind,
    ContributionRead,
    ContributionResolution,
    ContributionStatus,
    StakeholderInvite,
    StakeholderRead,
)

CONSULTATION = f"{API_PREFIX}/programs/{{program_id}}/consultation"

router = APIRouter(tags=["consultations"], responses=common_responses())


@router.get(
    f"{API_PREFIX}/consultations",
    summary="List consultations",
    description="The consultations you run or are invited to (all of them for readers).",
    responses=responses(codes={404: ("not_found",)}),
)
async def list_consultations(
    db: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    status: ConsultationStatus | None = None,
) -> Page[ConsultationRead]:
    page = await consultation.list_consultations(
        db,
        principal,
        ConsultationFilter(status=status),
        limit=paging.limit,
        cursor=paging.cursor,
    )
    return Page(items=[consultation.to_read(c) for c in page.items], next_cursor=page.next_cursor)


@router.post(
    CONSULTATION,
    status_code=status.HTTP_201_CREATED,
    summary="Open the program's consultation",
    description=(
        "A manager puts a question to stakeholders until a deadline. A draft program moves to "
        "the consultation stage. A program has one consultation."
    ),
    responses=responses(
        404,
        409,
        codes={
            403: ("not_program_manager",),
            404: ("not_found", "program_not_found"),
            409: ("consultation_exists", "consultation_not_allowed", "invalid"),
        },
    ),
)
async def open_consultation(
    program_id: uuid.UUID,
    body: ConsultationOpen,
    db: DbSession,
    principal: CurrentPrincipal,
    response: Response,
) -> ConsultationRead:
    opened = await consultation.open_consultation(db, principal, program_id, body)
    response.headers["Location"] = CONSULTATION.format(program_id=program_id)
    set_etag(response, opened.version)
    return consultation.to_read(opened)


@router.get(
    CONSULTATION,
    summary="Get the program's consultation",
    description="Managers and readers; an invited employee sees the consultation they are in.",
    responses=responses(
        404, codes={404: ("consultation_not_found", "not_found", "program_not_found")}
    ),
)
async def get_consultation(
    program_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal, response: Response
) -> ConsultationRead:
    found = await consultation.get_consultation(db, principal, program_id)
    set_etag(response, found.version)
    return consultation.to_read(found)


@router.patch(
    CONSULTATION,
    summary="Change the question or the deadline",
    description="While the consultation is open. Send the ETag in `If-Match`.",
    responses=responses(
        404,
        409,
        412,
        428,
        codes={
            403: ("not_program_manager",),
            404: ("not_found", "program_not_found"),
            409: ("invalid",),
        },
    ),
)
async def update_consultation(
    program_id: uuid.UUID,
    body: ConsultationUpdate,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> ConsultationRead:
    updated = await consultation.update_consultation(db, principal, program_id, body, if_match)
    set_etag(response, updated.version)
    return consultation.to_read(updated)


@router.post(
    f"{CONSULTATION}/close",
    summary="Close the consultation with a summary",
    description="Every contribution must be accepted or declined first. `If-Match` is optional.",
    responses=responses(
        404,
        409,
        412,
        codes={
            403: ("not_program_manager",),
            404: ("not_found", "program_not_found"),
            409: ("consultation_closed", "contributions_pending", "program_archived"),
        },
    ),
)
async def close_consultation(
    program_id: uuid.UUID,
    body: ConsultationClose,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> ConsultationRead:
    closed = await consultation.close_consultation(db, principal, program_id, body, if_match)
    set_etag(response, closed.version)
    return consultation.to_read(closed)


@router.post(
    f"{CONSULTATION}/stakeholders",
    status_code=status.HTTP_201_CREATED,
    summary="Invite a stakeholder",
    description=(
        "An employee (`employee_id`), or an outside person by `email` (an e-mail of the "
        "directory invites that employee), with their role."
    ),
    responses=responses(
        404,
        409,
        codes={
            403: ("not_program_manager",),
            404: ("not_found", "program_not_found"),
            409: ("consultation_closed", "invalid", "stakeholder_exists"),
        },
    ),
)
async def invite_stakeholder(
    program_id: uuid.UUID, body: StakeholderInvite, db: DbSession, principal: CurrentPrincipal
) -> StakeholderRead:
    stakeholder = await stakeholders.invite_stakeholder(db, principal, program_id, body)
    return stakeholders.stakeholder_to_read(stakeholder)


@router.get(
    f"{CONSULTATION}/stakeholders",
    summary="List the stakeholders consulted",
    description="Managers and readers only.",
    responses=responses(
        404,
        codes={
            403: ("not_program_manager",),
            404: ("consultation_not_found", "not_found", "program_not_found"),
        },
    ),
)
async def list_stakeholders(
    program_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal, paging: Paging
) -> Page[StakeholderRead]:
    page = await stakeholders.list_stakeholders(
        db, principal, program_id, limit=paging.limit, cursor=paging.cursor
    )
    return Page(
        items=[stakeholders.stakeholder_to_read(s) for s in page.items],
        next_cursor=page.next_cursor,
    )


@router.post(
    f"{CONSULTATION}/contributions",
    status_code=status.HTTP_201_CREATED,
    summary="Contribute to the consultation",
    description=(
        "An invited employee answers for themself; a manager records an answer for a "
        "stakeholder (`stakeholder_id`). Until the deadline, while the consultation is open."
    ),
    responses=responses(
        404,
        409,
        codes={
            403: ("not_invited", "not_program_manager"),
            404: ("consultation_not_found", "not_found", "program_not_found"),
            409: (
                "consultation_closed",
                "consultation_deadline_passed",
                "invalid",
                "program_archived",
            ),
        },
    ),
)
async def submit_contribution(
    program_id: uuid.UUID,
    body: ContributionCreate,
    db: DbSession,
    principal: CurrentPrincipal,
    response: Response,
) -> ContributionRead:
    contribution = await contributions.submit_contribution(db, principal, program_id, body)
    response.headers["Location"] = (
        f"{CONSULTATION.format(program_id=program_id)}/contributions/{contribution.id}"
    )
    set_etag(response, contribution.version)
    return contributions.to_read(contribution)


@router.get(
    f"{CONSULTATION}/contributions",
    summary="List contributions",
    description="Managers and readers see all of them; an invited employee sees their own.",
    responses=responses(
        404, codes={404: ("consultation_not_found", "not_found", "program_not_found")}
    ),
)
async def list_contributions(
    program_id: uuid.UUID,
    db: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    status: ContributionStatus | None = None,
    kind: ContributionKind | None = None,
) -> Page[ContributionRead]:
    page = await contributions.list_contributions(
        db,
        principal,
        program_id,
        ContributionFilter(status=status, kind=kind),
        limit=paging.limit,
        cursor=paging.cursor,
    )
    return Page(items=[contributions.to_read(c) for c in page.items], next_cursor=page.next_cursor)


@router.get(
    f"{CONSULTATION}/contributions/{{contribution_id}}",
    summary="Get a contribution",
    responses=responses(
        404,
        codes={
            404: (
                "consultation_not_found",
                "contribution_not_found",
                "not_found",
                "program_not_found",
            )
        },
    ),
)
async def get_contribution(
    program_id: uuid.UUID,
    contribution_id: uuid.UUID,
    db: DbSession,
    principal: CurrentPrincipal,
    response: Response,
) -> ContributionRead:
    found = await contributions.get_contribution(db, principal, program_id, contribution_id)
    set_etag(response, found.version)
    return contributions.to_read(found)


@router.post(
    f"{CONSULTATION}/contributions/{{contribution_id}}/resolve",
    summary="Accept or decline a contribution",
    description=(
        "Accept, linking the objective it created or changed (`objective_id`, or "
        "`create_objective` for a proposed objective), or decline with a `reason`. "
        "`If-Match` is optional."
    ),
    responses=responses(
        404,
        409,
        412,
        codes={
            403: ("not_program_manager",),
            404: ("not_found", "program_not_found"),
            409: ("consultation_closed", "contribution_resolved", "invalid"),
        },
    ),
)
async def resolve_contribution(
    program_id: uuid.UUID,
    contribution_id: uuid.UUID,
    body: ContributionResolution,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> ContributionRead:
    resolved = await contributions.resolve_contribution(
        db, principal, program_id, contribution_id, body, if_match
    )
    set_etag(response, resolved.version)
    return contributions.to_read(resolved)

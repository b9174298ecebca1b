"""REST adapter of programs: the programs themselves, their lifecycle and their objectives."""

import uuid

from fastapi import APIRouter, Response, status

from app.api.deps import CurrentPrincipal, DbSession, IfMatch, Paging, set_etag
from app.api.problems import common_responses, responses
from app.api.rest import API_PREFIX
from app.api.schemas import Page
from app.domain.programs import lifecycle, objectives, service
from app.domain.programs.models import (
    ObjectiveCreate,
    ObjectiveOrder,
    ObjectiveRead,
    ObjectiveUpdate,
    ProgramCreate,
    ProgramFilter,
    ProgramKind,
    ProgramRead,
    ProgramStatus,
    ProgramTransition,
    ProgramUpdate,
)
from app.domain.programs.overview import ProgramOverview, program_overview

PROGRAMS = f"{API_PREFIX}/programs"

router = APIRouter(prefix=PROGRAMS, responses=common_responses())


@router.post(
    "",
    tags=["programs"],
    status_code=status.HTTP_201_CREATED,
    summary="Create a program",
    description=(
        "Administrators, program managers and `programs:write` keys. The program starts as a "
        "`draft`; an employee creating it is one of its managers."
    ),
    responses=responses(
        codes={
            404: ("not_found",),
            409: ("group_not_found", "inactive_action_before_warning", "invalid", "no_weight"),
        }
    ),
)
async def create_program(
    body: ProgramCreate, db: DbSession, principal: CurrentPrincipal, response: Response
) -> ProgramRead:
    program = await service.create_program(db, principal, body)
    response.headers["Location"] = f"{PROGRAMS}/{program.id}"
    set_etag(response, program.version)
    return service.to_read(program)


@router.get(
    "",
    tags=["programs"],
    summary="List programs",
    description="Employees see programs past the draft stage and the drafts they manage.",
    responses=responses(codes={404: ("not_found",)}),
)
async def list_programs(
    db: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    status: ProgramStatus | None = None,
    kind: ProgramKind | None = None,
) -> Page[ProgramRead]:
    page = await service.list_programs(
        db,
        principal,
        ProgramFilter(status=status, kind=kind),
        limit=paging.limit,
        cursor=paging.cursor,
    )
    return Page(items=[service.to_read(p) for p in page.items], next_cursor=page.next_cursor)


@router.get(
    "/{program_id}",
    tags=["programs"],
    summary="Get a program",
    responses=responses(404, codes={404: ("not_found", "program_not_found")}),
)
async def get_program(
    program_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal, response: Response
) -> ProgramRead:
    program = await service.get_program(db, principal, program_id)
    set_etag(response, program.version)
    return service.to_read(program)


@router.patch(
    "/{program_id}",
    tags=["programs"],
    summary="Update a program",
    description=(
        "Partial update by the program's managers. Send the ETag you read in `If-Match`. "
        "`manager_ids` and `matching_settings` replace the whole list or document. The status "
        "changes through transitions."
    ),
    responses=responses(
        404,
        409,
        412,
        428,
        codes={
            403: ("not_program_manager",),
            404: ("not_found", "program_not_found"),
            409: (
                "group_not_found",
                "inactive_action_before_warning",
                "invalid",
                "program_archived",
            ),
        },
    ),
)
async def update_program(
    program_id: uuid.UUID,
    body: ProgramUpdate,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> ProgramRead:
    program = await service.update_program(db, principal, program_id, body, if_match)
    set_etag(response, program.version)
    return service.to_read(program)


@router.post(
    "/{program_id}/transitions",
    tags=["programs"],
    summary="Move a program to another stage",
    description=(
        "draft → consultation → enrolling → matching → active → completed, and archived from "
        "any state. An illegal move answers 409 with `allowed_transitions`. Entering "
        "`enrolling` needs an objective and a closed consultation, unless an administrator "
        "gives a `waiver_reason`. `If-Match` is optional."
    ),
    responses=responses(
        404,
        409,
        412,
        codes={
            403: ("not_program_manager", "waiver_forbidden"),
            404: ("not_found", "program_not_found"),
            409: ("enrolling_conditions_unmet", "illegal_transition", "invalid"),
        },
    ),
)
async def transition_program(
    program_id: uuid.UUID,
    body: ProgramTransition,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> ProgramRead:
    program = await lifecycle.transition_program(db, principal, program_id, body, if_match)
    set_etag(response, program.version)
    return service.to_read(program)


@router.post(
    "/{program_id}/archive",
    tags=["programs"],
    summary="Archive a program",
    description="Possible from any stage; an archived program is read-only.",
    responses=responses(
        404,
        409,
        412,
        codes={
            403: ("not_program_manager",),
            404: ("not_found", "program_not_found"),
            409: ("illegal_transition",),
        },
    ),
)
async def archive_program(
    program_id: uuid.UUID,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> ProgramRead:
    program = await lifecycle.archive_program(db, principal, program_id, if_match)
    set_etag(response, program.version)
    return service.to_read(program)


@router.get(
    "/{program_id}/overview",
    tags=["programs"],
    summary="Program overview",
    description="Objectives, stakeholders invited and responded, contributions by status.",
    responses=responses(
        404, codes={403: ("not_program_manager",), 404: ("not_found", "program_not_found")}
    ),
)
async def get_overview(
    program_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal
) -> ProgramOverview:
    return await program_overview(db, principal, program_id)


# --- objectives ----------------------------------------------------------------------------


def _objective_url(program_id: uuid.UUID, objective_id: uuid.UUID) -> str:
    return f"{PROGRAMS}/{program_id}/objectives/{objective_id}"


@router.post(
    "/{program_id}/objectives",
    tags=["objectives"],
    status_code=status.HTTP_201_CREATED,
    summary="Add an objective",
    description="Until the program is active; it goes last.",
    responses=responses(
        404,
        409,
        codes={
            403: ("not_program_manager",),
            404: ("not_found", "program_not_found"),
            409: ("objective_limit_reached", "objectives_locked", "program_archived"),
        },
    ),
)
async def create_objective(
    program_id: uuid.UUID,
    body: ObjectiveCreate,
    db: DbSession,
    principal: CurrentPrincipal,
    response: Response,
) -> ObjectiveRead:
    objective = await objectives.create_objective(db, principal, program_id, body)
    response.headers["Location"] = _objective_url(program_id, objective.id)
    set_etag(response, objective.version)
    return objectives.to_read(objective)


@router.get(
    "/{program_id}/objectives",
    tags=["objectives"],
    summary="List a program's objectives",
    description="In the program's order.",
    responses=responses(404, codes={404: ("not_found", "program_not_found")}),
)
async def list_objectives(
    program_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal, paging: Paging
) -> Page[ObjectiveRead]:
    page = await objectives.list_objectives(
        db, principal, program_id, limit=paging.limit, cursor=paging.cursor
    )
    return Page(items=[objectives.to_read(o) for o in page.items], next_cursor=page.next_cursor)


@router.post(
    "/{program_id}/objectives/reorder",
    tags=["objectives"],
    summary="Reorder a program's objectives",
    description="Name every objective once, in the new order. Until the program is active.",
    responses=responses(
        404,
        409,
        codes={
            403: ("not_program_manager",),
            404: ("not_found", "program_not_found"),
            409: ("invalid", "objectives_locked"),
        },
    ),
)
async def reorder_objectives(
    program_id: uuid.UUID, body: ObjectiveOrder, db: DbSession, principal: CurrentPrincipal
) -> list[ObjectiveRead]:
    ordered = await objectives.reorder_objectives(db, principal, program_id, body)
    return [objectives.to_read(o) for o in ordered]


@router.get(
    "/{program_id}/objectives/{objective_id}",
    tags=["objectives"],
    summary="Get an objective",
    responses=responses(
        404, codes={404: ("not_found", "objective_not_found", "program_not_found")}
    ),
)
async def get_objective(
    program_id: uuid.UUID,
    objective_id: uuid.UUID,
    db: DbSession,
    principal: CurrentPrincipal,
    response: Response,
) -> ObjectiveRead:
    objective = await objectives.get_objective(db, principal, program_id, objective_id)
    set_etag(response, objective.version)
    return objectives.to_read(objective)


@router.patch(
    "/{program_id}/objectives/{objective_id}",
    tags=["objectives"],
    summary="Update an objective",
    description="Partial update until the program is active. Send the ETag in `If-Match`.",
    responses=responses(
        404,
        409,
        412,
        428,
        codes={
            403: ("not_program_manager",),
            404: ("not_found", "objective_not_found", "program_not_found"),
            409: ("objectives_locked",),
        },
    ),
)
async def update_objective(
    program_id: uuid.UUID,
    objective_id: uuid.UUID,
    body: ObjectiveUpdate,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> ObjectiveRead:
    objective = await objectives.update_objective(
        db, principal, program_id, objective_id, body, if_match
    )
    set_etag(response, objective.version)
    return objectives.to_read(objective)


@router.delete(
    "/{program_id}/objectives/{objective_id}",
    tags=["objectives"],
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove an objective",
    description="Until the program is active. `If-Match` is optional.",
    responses=responses(
        404,
        409,
        412,
        codes={
            403: ("not_program_manager",),
            404: ("not_found", "program_not_found"),
            409: ("objectives_locked",),
        },
    ),
)
async def delete_objective(
    program_id: uuid.UUID,
    objective_id: uuid.UUID,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
) -> None:
    await objectives.delete_objective(db, principal, program_id, objective_id, if_match)

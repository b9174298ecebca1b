"""REST adapter of session logs: a pair's logged meetings."""

import uuid

from fastapi import APIRouter, Response, status

from app.api.deps import CurrentPrincipal, DbSession, IfMatch, Paging, set_etag
from app.api.problems import common_responses, responses
from app.api.rest import API_PREFIX
from app.api.schemas import Page
from app.domain.session_logs import service
from app.domain.session_logs.models import (
    LogStatus,
    SessionLogConfirm,
    SessionLogCreate,
    SessionLogDispute,
    SessionLogRead,
    SessionLogUpdate,
)

LOGS = f"{API_PREFIX}/pairs/{{pair_id}}/session-logs"

router = APIRouter(tags=["session logs"], responses=common_responses())

PRIVATE = (
    " `private_note` is yours only: nobody else (the other participant, managers, "
    "administrators, API keys) ever reads it."
)


@router.post(
    LOGS,
    status_code=status.HTTP_201_CREATED,
    summary="Log a session",
    description="The pair's mentor or mentee, while the pair is active or paused." + PRIVATE,
    responses=responses(
        404,
        409,
        codes={
            403: ("not_in_pair",),
            404: ("not_found", "pair_not_found"),
            409: ("invalid", "pair_not_active"),
        },
    ),
)
async def create_log(
    pair_id: uuid.UUID,
    body: SessionLogCreate,
    db: DbSession,
    principal: CurrentPrincipal,
    response: Response,
) -> SessionLogRead:
    log, note = await service.create_log(db, principal, pair_id, body)
    response.headers["Location"] = f"{API_PREFIX}/pairs/{pair_id}/session-logs/{log.id}"
    set_etag(response, log.version)
    return service.to_read(log, note)


@router.get(
    LOGS,
    summary="List a pair's session logs",
    description=(
        "Oldest logged first. The pair's people, the program's managers, administrators and "
        "`read` keys; reads by anyone but the pair's people are audited." + PRIVATE
    ),
    responses=responses(404, codes={404: ("not_found", "pair_not_found")}),
)
async def list_logs(
    pair_id: uuid.UUID,
    db: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    status: LogStatus | None = None,
) -> Page[SessionLogRead]:
    page = await service.list_logs(
        db, principal, pair_id, limit=paging.limit, cursor=paging.cursor, status=status
    )
    return Page(items=page.items, next_cursor=page.next_cursor)


@router.get(
    LOGS + "/{log_id}",
    summary="Get a session log",
    responses=responses(404, codes={404: ("not_found", "pair_not_found", "session_log_not_found")}),
)
async def get_log(
    pair_id: uuid.UUID,
    log_id: uuid.UUID,
    db: DbSession,
    principal: CurrentPrincipal,
    response: Response,
) -> SessionLogRead:
    found = await service.get_log(db, principal, pair_id, log_id)
    set_etag(response, found.version)
    return found


@router.patch(
    LOGS + "/{log_id}",
    summary="Update a session log",
    description=(
        "Send the log's ETag in `If-Match`. The author changes the shared fields (which asks "
        "the other participant to confirm again); each side changes their own `learned`, "
        "`rating` and `private_note`."
    ),
    responses=responses(
        404,
        409,
        412,
        428,
        codes={
            403: ("not_in_pair", "not_log_author"),
            404: ("not_found", "pair_not_found"),
        },
    ),
)
async def update_log(
    pair_id: uuid.UUID,
    log_id: uuid.UUID,
    body: SessionLogUpdate,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> SessionLogRead:
    log = await service.update_log(db, principal, pair_id, log_id, body, if_match)
    set_etag(response, log.version)
    return (await service.reads(db, principal, [log]))[0]


@router.post(
    LOGS + "/{log_id}/confirm",
    summary="Confirm a session log",
    description="The other participant; may add their own `learned`, `rating`, `private_note`.",
    responses=responses(
        404,
        409,
        412,
        codes={
            403: ("not_in_pair", "own_session_log"),
            404: ("not_found", "pair_not_found"),
            409: ("session_log_already_answered",),
        },
    ),
)
async def confirm_log(
    pair_id: uuid.UUID,
    log_id: uuid.UUID,
    body: SessionLogConfirm,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> SessionLogRead:
    log = await service.confirm_log(db, principal, pair_id, log_id, body, if_match)
    set_etag(response, log.version)
    return (await service.reads(db, principal, [log]))[0]


@router.post(
    LOGS + "/{log_id}/dispute",
    summary="Dispute a session log",
    description="The other participant says the log is wrong; it stops counting.",
    responses=responses(
        404,
        409,
        412,
        codes={
            403: ("not_in_pair",),
            404: ("not_found", "pair_not_found"),
            409: ("session_log_already_answered",),
        },
    ),
)
async def dispute_log(
    pair_id: uuid.UUID,
    log_id: uuid.UUID,
    body: SessionLogDispute,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> SessionLogRead:
    log = await service.dispute_log(db, principal, pair_id, log_id, body, if_match)
    set_etag(response, log.version)
    return (await service.reads(db, principal, [log]))[0]


@router.delete(
    LOGS + "/{log_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a session log",
    description=(
        "The author, within 24 hours of logging it (then 409); an administrator at any time "
        "(soft delete: it leaves every read and figure). `If-Match` is optional."
    ),
    responses=responses(
        404,
        409,
        412,
        codes={
            403: ("not_log_author",),
            404: ("not_found", "pair_not_found"),
            409: ("delete_window_passed",),
        },
    ),
)
async def delete_log(
    pair_id: uuid.UUID,
    log_id: uuid.UUID,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
) -> Response:
    await service.delete_log(db, principal, pair_id, log_id, if_match)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    f"{API_PREFIX}/session-logs",
    summary="List the session logs you may see",
    description=(
        "The logs of every pair you may see: your own, those of the programs you run, or all "
        "of them (administrators and `read` keys); oldest logged first. Reads of other "
        "people's logs are "
        "audited, once per pair on the page." + PRIVATE
    ),
    responses=responses(codes={404: ("not_found",)}),
)
async def list_visible_logs(
    db: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    program_id: uuid.UUID | None = None,
    status: LogStatus | None = None,
) -> Page[SessionLogRead]:
    page = await service.list_visible_logs(
        db,
        principal,
        program_id=program_id,
        status=status,
        limit=paging.limit,
        cursor=paging.cursor,
    )
    return Page(items=page.items, next_cursor=page.next_cursor)

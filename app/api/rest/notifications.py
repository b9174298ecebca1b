"""REST adapter of notifications: the caller's own notification preferences."""

from fastapi import APIRouter, Response

from app.api.deps import CurrentPrincipal, DbSession, IfMatch, set_etag
from app.api.problems import common_responses, responses
from app.api.rest import API_PREFIX
from app.domain.notifications import service
from app.domain.notifications.schemas import (
    NotificationPreferencesRead,
    NotificationPreferencesUpdate,
)

PREFERENCES = f"{API_PREFIX}/me/notification-preferences"

router = APIRouter(tags=["notifications"], responses=common_responses())

WHO = (
    " The caller's own, as an employee (API keys and guest mentors have none: 403). Quiet "
    "hours apply in the time zone of the caller's directory record, and e-mails are written "
    "in the first of their languages that is French or English."
)


@router.get(
    PREFERENCES,
    summary="Get your notification preferences",
    description="Someone who never changed them reads the defaults (version 0)." + WHO,
    responses=responses(codes={403: ("not_a_person",), 404: ("not_found",)}),
)
async def get_notification_preferences(
    db: DbSession, principal: CurrentPrincipal, response: Response
) -> NotificationPreferencesRead:
    found = await service.get_preferences(db, principal)
    set_etag(response, found.version)
    return found


@router.put(
    PREFERENCES,
    summary="Set your notification preferences",
    description=(
        "Replaces them all: e-mail on or off, the kinds of nudges never e-mailed, quiet "
        'hours. `If-Match` is optional (the ETag you read; "0" before the first change).' + WHO
    ),
    responses=responses(
        412, codes={403: ("not_a_person",), 404: ("not_found",), 409: ("empty_quiet_hours",)}
    ),
)
async def set_notification_preferences(
    body: NotificationPreferencesUpdate,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> NotificationPreferencesRead:
    updated = await service.update_preferences(db, principal, body, if_match)
    set_etag(response, updated.version)
    return updated

"""REST adapter of HRIS sync: the signed webhook endpoint, its secrets, mapping and log."""

import uuid
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Request, Response, Security, status
from fastapi.security import APIKeyHeader

from app.api.deps import CurrentPrincipal, DbSession, IfMatch, Paging
from app.api.problems import common_responses, problem_response, responses
from app.api.rest import API_PREFIX
from app.api.schemas import Page
from app.domain.integrations.hris import mapping, secrets, webhooks
from app.domain.integrations.hris.models import (
    HrisDelivery,
    HrisDeliveryAccepted,
    HrisDeliveryRead,
    HrisDeliveryStatus,
    HrisFieldMappingRead,
    HrisFieldMappingUpdate,
    HrisWebhookSecret,
    HrisWebhookSecretCreate,
    HrisWebhookSecretCreated,
    HrisWebhookSecretRead,
)

router = APIRouter(
    prefix=f"{API_PREFIX}/integrations/hris", tags=["hris"], responses=common_responses()
)

signature_scheme = APIKeyHeader(
    name="webhook-signature",
    scheme_name="StandardWebhooksSignature",
    auto_error=False,
    description=(
        "Standard Webhooks signature (`v1,<base64 HMAC-SHA256>`) with `webhook-id` and "
        "`webhook-timestamp`, made with one of the organisation's HRIS webhook secrets."
    ),
)


@router.post(
    "/webhooks/{organization_id}",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=HrisDeliveryAccepted,
    summary="Receive an HRIS event",
    description=(
        "Signed per Standard Webhooks with a secret from `/integrations/hris/secrets`. "
        "Body: `{type, timestamp, data}` where `type` is `employee.created`, "
        "`employee.updated`, `employee.terminated` or `employee.deleted` and `data` the "
        "employee, named per the organisation's field mapping. Answers 202 once recorded; "
        "the change is applied right after. A `webhook-id` seen before answers 202 with "
        "status `duplicate` and changes nothing."
    ),
    responses=responses(
        413, codes={401: ("invalid_signature",), 404: ("not_found",), 422: ("event_rejected",)}
    ),
)
async def receive_hris_webhook(
    organization_id: uuid.UUID,
    request: Request,
    db: DbSession,
    background: BackgroundTasks,
    _signature: Annotated[str | None, Security(signature_scheme)],
) -> Response | HrisDeliveryAccepted:
    body = await request.body()
    delivery = await webhooks.receive(db, organization_id, body, request.headers)
    if delivery.status == HrisDeliveryStatus.REJECTED:
        # Recorded (the response is not an exception, so the transaction commits) and refused.
        return problem_response(
            request,
            422,
            delivery.reason or "The event cannot be applied.",
            code="event_rejected",
            delivery_id=str(delivery.id),
        )
    if delivery.status == HrisDeliveryStatus.RECEIVED:
        background.add_task(webhooks.apply_now, request.app.state.session_factory, delivery.id)
    return HrisDeliveryAccepted(id=delivery.id, status=delivery.status)


# --- secrets ---------------------------------------------------------------------------------


def _secret_read(secret: HrisWebhookSecret) -> HrisWebhookSecretRead:
    return HrisWebhookSecretRead.model_validate(secret, from_attributes=True)


@router.post(
    "/secrets",
    status_code=status.HTTP_201_CREATED,
    summary="Create an HRIS webhook secret",
    description=(
        "A new `whsec_` signing secret, shown once. Several can be active: create the new "
        "one, switch the HRIS over, then revoke the old one."
    ),
    responses=responses(codes={404: ("not_found",)}),
)
async def create_secret(
    body: HrisWebhookSecretCreate, db: DbSession, principal: CurrentPrincipal
) -> HrisWebhookSecretCreated:
    secret = await secrets.create_secret(db, principal, body)
    return HrisWebhookSecretCreated(**_secret_read(secret).model_dump(), secret=secret.secret)


@router.get(
    "/secrets",
    summary="List HRIS webhook secrets",
    responses=responses(codes={404: ("not_found",)}),
)
async def list_secrets(
    db: DbSession, principal: CurrentPrincipal, paging: Paging
) -> Page[HrisWebhookSecretRead]:
    page = await secrets.list_secrets(db, principal, limit=paging.limit, cursor=paging.cursor)
    return Page(items=[_secret_read(s) for s in page.items], next_cursor=page.next_cursor)


@router.delete(
    "/secrets/{secret_id}",
    summary="Revoke an HRIS webhook secret",
    description="Deliveries signed with it are refused from now on.",
    responses=responses(404, codes={404: ("not_found", "webhook_secret_not_found")}),
)
async def revoke_secret(
    secret_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal
) -> HrisWebhookSecretRead:
    return _secret_read(await secrets.revoke_secret(db, principal, secret_id))


# --- field mapping ---------------------------------------------------------------------------


@router.get(
    "/field-mapping",
    summary="Get the HRIS field mapping",
    responses=responses(codes={404: ("not_found",)}),
)
async def get_field_mapping(db: DbSession, principal: CurrentPrincipal) -> HrisFieldMappingRead:
    return await mapping.get_mapping(db, principal)


@router.put(
    "/field-mapping",
    summary="Replace the HRIS field mapping",
    description=(
        'Send the version you read in `If-Match` (`"0"` before the first change). '
        "Applies to webhooks and CSV imports alike."
    ),
    responses=responses(409, 412, 428, codes={404: ("not_found",), 409: ("invalid",)}),
)
async def put_field_mapping(
    body: HrisFieldMappingUpdate, db: DbSession, principal: CurrentPrincipal, if_match: IfMatch
) -> HrisFieldMappingRead:
    return await mapping.set_mapping(db, principal, body, if_match)


# --- delivery log ----------------------------------------------------------------------------


def _delivery_read(delivery: HrisDelivery) -> HrisDeliveryRead:
    return HrisDeliveryRead.model_validate(delivery, from_attributes=True)


@router.get(
    "/deliveries",
    summary="List received HRIS deliveries",
    responses=responses(codes={404: ("not_found",)}),
)
async def list_hris_deliveries(
    db: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    status: HrisDeliveryStatus | None = None,
) -> Page[HrisDeliveryRead]:
    page = await webhooks.list_deliveries(
        db, principal, status=status, limit=paging.limit, cursor=paging.cursor
    )
    return Page(items=[_delivery_read(d) for d in page.items], next_cursor=page.next_cursor)


@router.get(
    "/deliveries/{delivery_id}",
    summary="Get an HRIS delivery",
    responses=responses(404, codes={404: ("delivery_not_found", "not_found")}),
)
async def get_hris_delivery(
    delivery_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal
) -> HrisDeliveryRead:
    return _delivery_read(await webhooks.get_delivery(db, principal, delivery_id))

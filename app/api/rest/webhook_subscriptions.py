"""REST adapter of outbound webhook subscriptions and their delivery log."""

import uuid

from fastapi import APIRouter, Response, status

from app.api.deps import CurrentPrincipal, DbSession, IfMatch, Paging, set_etag
from app.api.problems import common_responses, responses
from app.api.rest import API_PREFIX
from app.api.schemas import Page
from app.domain.integrations.subscriptions import service
from app.domain.integrations.subscriptions.models import (
    DeliveryStatus,
    WebhookDeliveryDetail,
    WebhookDeliveryRead,
    WebhookSubscription,
    WebhookSubscriptionCreate,
    WebhookSubscriptionCreated,
    WebhookSubscriptionRead,
    WebhookSubscriptionUpdate,
)

router = APIRouter(
    prefix=f"{API_PREFIX}/webhook-subscriptions",
    tags=["webhook-subscriptions"],
    responses=common_responses(),
)


def _read(subscription: WebhookSubscription) -> WebhookSubscriptionRead:
    return WebhookSubscriptionRead.model_validate(subscription, from_attributes=True)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Subscribe to events",
    description=(
        "Events are POSTed to `url` as `{id, type, occurred_at, organization_id, "
        "schema_version, data}`, signed per Standard Webhooks with the secret in the answer "
        "(shown once). `webhook-id` is the event id, the same on every retry."
    ),
    responses=responses(codes={404: ("not_found",)}),
)
async def create_subscription(
    body: WebhookSubscriptionCreate, db: DbSession, principal: CurrentPrincipal, response: Response
) -> WebhookSubscriptionCreated:
    subscription = await service.create_subscription(db, principal, body)
    response.headers["Location"] = f"{API_PREFIX}/webhook-subscriptions/{subscription.id}"
    set_etag(response, subscription.version)
    return WebhookSubscriptionCreated(
        **_read(subscription).model_dump(), secret=subscription.secret
    )


@router.get(
    "",
    summary="List webhook subscriptions",
    responses=responses(codes={404: ("not_found",)}),
)
async def list_subscriptions(
    db: DbSession, principal: CurrentPrincipal, paging: Paging
) -> Page[WebhookSubscriptionRead]:
    page = await service.list_subscriptions(db, principal, limit=paging.limit, cursor=paging.cursor)
    return Page(items=[_read(s) for s in page.items], next_cursor=page.next_cursor)


@router.get(
    "/{subscription_id}",
    summary="Get a webhook subscription",
    responses=responses(404, codes={404: ("not_found", "subscription_not_found")}),
)
async def get_subscription(
    subscription_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal, response: Response
) -> WebhookSubscriptionRead:
    subscription = await service.get_subscription(db, principal, subscription_id)
    set_etag(response, subscription.version)
    return _read(subscription)


@router.patch(
    "/{subscription_id}",
    summary="Update a webhook subscription",
    description="Change the address or event types, or disable and re-enable it. Needs `If-Match`.",
    responses=responses(404, 409, 412, 428, codes={404: ("not_found", "subscription_not_found")}),
)
async def update_subscription(
    subscription_id: uuid.UUID,
    body: WebhookSubscriptionUpdate,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> WebhookSubscriptionRead:
    subscription = await service.update_subscription(db, principal, subscription_id, body, if_match)
    set_etag(response, subscription.version)
    return _read(subscription)


@router.delete(
    "/{subscription_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a webhook subscription",
    responses=responses(404, codes={404: ("not_found", "subscription_not_found")}),
)
async def delete_subscription(
    subscription_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal
) -> None:
    await service.delete_subscription(db, principal, subscription_id)


@router.get(
    "/{subscription_id}/deliveries",
    summary="List a subscription's deliveries",
    responses=responses(404, codes={404: ("not_found", "subscription_not_found")}),
)
async def list_webhook_deliveries(
    subscription_id: uuid.UUID,
    db: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    status: DeliveryStatus | None = None,
) -> Page[WebhookDeliveryRead]:
    page = await service.list_deliveries(
        db, principal, subscription_id, status=status, limit=paging.limit, cursor=paging.cursor
    )
    return Page(items=[service.delivery_view(d) for d in page.items], next_cursor=page.next_cursor)


@router.get(
    "/{subscription_id}/deliveries/{delivery_id}",
    summary="Get a delivery with its attempts",
    responses=responses(404, codes={404: ("not_found", "subscription_not_found")}),
)
async def get_webhook_delivery(
    subscription_id: uuid.UUID, delivery_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal
) -> WebhookDeliveryDetail:
    return await service.get_delivery(db, principal, subscription_id, delivery_id)


@router.post(
    "/{subscription_id}/deliveries/{delivery_id}/replay",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Replay a failed delivery",
    description="Sends the same event (same id) again, on a fresh retry schedule.",
    responses=responses(
        404,
        409,
        codes={
            404: ("not_found", "subscription_not_found"),
            409: ("delivery_not_failed", "subscription_disabled"),
        },
    ),
)
async def replay_delivery(
    subscription_id: uuid.UUID, delivery_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal
) -> WebhookDeliveryRead:
    delivery = await service.replay_delivery(db, principal, subscription_id, delivery_id)
    return service.delivery_view(delivery)

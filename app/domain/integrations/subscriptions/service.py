"""Use cases of webhook subscriptions: register, change, read the delivery log, replay."""

import uuid
from urllib.parse import urlsplit

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain import pagination
from app.domain.access.policy import require
from app.domain.access.principal import Principal, Scope
from app.domain.concurrency import check_version, flush_versioned
from app.domain.errors import Conflict, Invalid, NotFound, field_error
from app.domain.events.models import OutboxEvent
from app.domain.events.service import envelope
from app.domain.integrations.hris.secrets import new_signing_secret
from app.domain.integrations.subscriptions.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookAttemptRead,
    WebhookDelivery,
    WebhookDeliveryDetail,
    WebhookDeliveryRead,
    WebhookSubscription,
    WebhookSubscriptionCreate,
    WebhookSubscriptionUpdate,
)

_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _require_manage(principal: Principal) -> None:
    require(principal, "manage webhook subscriptions", scopes=[Scope.WEBHOOKS_MANAGE])


def wants(event_types: list[str], event_type: str) -> bool:
    """Whether a subscription to ``event_types`` receives an event of ``event_type``."""
    module = event_type.split(".", 1)[0]
    return any(t in ("*", event_type, f"{module}.*") for t in event_types)


def _check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    loopback_http = parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS
    if not (parts.scheme == "https" or loopback_http) or not parts.hostname:
        raise Invalid(
            "Webhooks are sent over HTTPS only.",
            errors=[field_error("url", "must be an https:// address")],
        )
    if parts.username or parts.password:
        raise Invalid(
            "Put no credentials in the address; verify the signature instead.",
            errors=[field_error("url", "must not contain a user or password")],
        )
    return url


async def create_subscription(
    session: AsyncSession, principal: Principal, data: WebhookSubscriptionCreate
) -> WebhookSubscription:
    _require_manage(principal)
    subscription = WebhookSubscription(
        organization_id=principal.organization_id,
        url=_check_url(data.url),
        description=data.description,
        event_types=data.event_types,
        secret=new_signing_secret(),
    )
    session.add(subscription)
    await session.flush()
    return subscription


async def list_subscriptions(
    session: AsyncSession, principal: Principal, *, limit: int | None, cursor: str | None
) -> pagination.Page[WebhookSubscription]:
    _require_manage(principal)
    statement = select(WebhookSubscription).where(
        WebhookSubscription.organization_id == principal.organization_id
    )
    return await pagination.paginate(
        session, statement, keys=[WebhookSubscription.id], limit=limit, cursor=cursor
    )


async def get_subscription(
    session: AsyncSession, principal: Principal, subscription_id: uuid.UUID
) -> WebhookSubscription:
    _require_manage(principal)
    subscription = await session.get(WebhookSubscription, subscription_id)
    if subscription is None or subscription.organization_id != principal.organization_id:
        raise NotFound("Webhook subscription not found.", code="subscription_not_found")
    return subscription


async def update_subscription(
    session: AsyncSession,
    principal: Principal,
    subscription_id: uuid.UUID,
    data: WebhookSubscriptionUpdate,
    expected_version: int | None,
) -> WebhookSubscription:
    subscription = await get_subscription(session, principal, subscription_id)
    check_version(subscription.version, expected_version, "webhook subscription")
    changes = data.model_dump(exclude_unset=True)
    for required in ("url", "event_types", "enabled"):
        if required in changes and changes[required] is None:
            raise Invalid(
                f"{required} cannot be cleared.", errors=[field_error(required, "cannot be null")]
            )
    if "url" in changes:
        changes["url"] = _check_url(changes["url"])
    if changes.get("enabled") is True and not subscription.enabled:
        subscription.consecutive_failures = 0
        subscription.disabled_reason = None
    elif changes.get("enabled") is False and subscription.enabled:
        subscription.disabled_reason = "Disabled by an administrator."
    for name, value in changes.items():
        setattr(subscription, name, value)
    await flush_versioned(session, "webhook subscription")
    return subscription


async def delete_subscription(
    session: AsyncSession, principal: Principal, subscription_id: uuid.UUID
) -> None:
    """Stop sending; the subscription and its delivery log are removed."""
    subscription = await get_subscription(session, principal, subscription_id)
    await session.delete(subscription)
    await session.flush()


async def list_deliveries(
    session: AsyncSession,
    principal: Principal,
    subscription_id: uuid.UUID,
    *,
    status: DeliveryStatus | None,
    limit: int | None,
    cursor: str | None,
) -> pagination.Page[WebhookDelivery]:
    subscription = await get_subscription(session, principal, subscription_id)
    statement = select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription.id)
    if status is not None:
        statement = statement.where(WebhookDelivery.status == status.value)
    return await pagination.paginate(
        session, statement, keys=[WebhookDelivery.id], limit=limit, cursor=cursor
    )


async def _get_delivery(
    session: AsyncSession, principal: Principal, subscription_id: uuid.UUID, delivery_id: uuid.UUID
) -> WebhookDelivery:
    subscription = await get_subscription(session, principal, subscription_id)
    delivery = await session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.subscription_id != subscription.id:
        raise NotFound("Delivery not found.", code="delivery_not_found")
    return delivery


def delivery_view(delivery: WebhookDelivery) -> WebhookDeliveryRead:
    view = WebhookDeliveryRead.model_validate(delivery, from_attributes=True)
    if delivery.status != DeliveryStatus.PENDING:
        view.next_attempt_at = None
    return view


async def get_delivery(
    session: AsyncSession, principal: Principal, subscription_id: uuid.UUID, delivery_id: uuid.UUID
) -> WebhookDeliveryDetail:
    delivery = await _get_delivery(session, principal, subscription_id, delivery_id)
    attempts = (
        await session.exec(
            select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id == delivery.id)
            .order_by(col(WebhookAttempt.attempted_at), col(WebhookAttempt.id))
        )
    ).all()
    event = await session.get(OutboxEvent, delivery.event_id)
    assert event is not None  # deliveries go when their event goes (ON DELETE CASCADE)
    return WebhookDeliveryDetail(
        **delivery_view(delivery).model_dump(),
        attempt_log=[WebhookAttemptRead.model_validate(a, from_attributes=True) for a in attempts],
        payload=envelope(event),
    )


async def replay_delivery(
    session: AsyncSession, principal: Principal, subscription_id: uuid.UUID, delivery_id: uuid.UUID
) -> WebhookDelivery:
    """Send a failed delivery again, with the same event id, on a fresh retry schedule."""
    delivery = await _get_delivery(session, principal, subscription_id, delivery_id)
    if delivery.status != DeliveryStatus.FAILED:
        raise Conflict(
            f"Only a failed delivery can be replayed; this one is {delivery.status}.",
            code="delivery_not_failed",
        )
    subscription = await get_subscription(session, principal, subscription_id)
    if not subscription.enabled:
        raise Conflict(
            "The subscription is disabled; enable it before replaying.",
            code="subscription_disabled",
        )
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = utcnow()
    await session.flush()
    return delivery

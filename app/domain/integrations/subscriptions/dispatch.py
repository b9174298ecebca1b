"""The dispatcher: from the outbox to subscribers, signed, retried, never lost.

Three short transactions per delivery, none of them open during the HTTP call (on SQLite
that would stall every writer):

1. *fan out*: claim outbox events not yet dispatched, queue one delivery per subscription
   that wants each, mark the events dispatched;
2. *claim*: take due deliveries, count the attempt and lease them (``next_attempt_at``
   moves past the HTTP timeout), so no other worker takes them meanwhile;
3. *record*: after the request, log the attempt and mark the delivery succeeded, due
   again later (exponential backoff) or failed.

A worker that dies between 2 and 3 loses nothing: the lease runs out and another worker
sends the delivery again, with the same ``webhook-id``. Several workers share the queue
through ``skip_locked``.
"""

import asyncio
import ipaddress
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
import orjson
from sqlalchemy import update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from standardwebhooks.webhooks import Webhook

from app.db.base import utcnow
from app.db.engine import unit_of_work
from app.db.locking import skip_locked
from app.domain.events.models import OutboxEvent
from app.domain.events.service import envelope
from app.domain.integrations.subscriptions.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from app.domain.integrations.subscriptions.service import wants

# Seconds to wait after each failed attempt: 8 attempts over about 27 hours.
DEFAULT_RETRY_DELAYS = (5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0)


@dataclass(frozen=True, slots=True)
class DispatchPolicy:
    retry_delays: tuple[float, ...] = DEFAULT_RETRY_DELAYS
    timeout_seconds: float = 10.0
    # Longer than a request can take, so a live worker's claim never expires under it.
    lease_seconds: float = 60.0
    # A subscription whose deliveries failed this many times in a row is disabled.
    disable_after_failures: int = 10
    batch_size: int = 50
    concurrency: int = 10
    # Deliver to loopback, private, link-local or reserved addresses: never in production
    # (a subscriber's URL must not reach into the service's own network).
    allow_private_targets: bool = False


async def public_target(url: str) -> bool:
    """Whether every address ``url``'s host resolves to is on the public internet."""
    host = urlsplit(url).hostname
    if not host:
        return False
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None)
    except OSError:
        return True  # unresolvable: the request will fail on its own, harmlessly
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not address.is_global or address.is_multicast:
            return False
    return True


@dataclass(frozen=True, slots=True)
class _Claim:
    delivery_id: uuid.UUID
    attempt: int
    subscription_id: uuid.UUID
    url: str
    secret: str
    event_id: uuid.UUID
    body: str


@dataclass(slots=True)
class _Result:
    status_code: int | None = None
    error: str | None = None
    duration_ms: int = 0

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass
class Dispatcher:
    factory: async_sessionmaker[AsyncSession]
    policy: DispatchPolicy = field(default_factory=DispatchPolicy)
    client: httpx.AsyncClient | None = None

    def __post_init__(self) -> None:
        self._owns_client = self.client is None
        if self.client is None:
            self.client = httpx.AsyncClient(
                timeout=self.policy.timeout_seconds, follow_redirects=False
            )

    async def aclose(self) -> None:
        if self._owns_client and self.client is not None:
            await self.client.aclose()

    async def run_once(self) -> int:
        """Fan out what the outbox holds, then send what is due. Returns attempts made."""
        while await self.fan_out():
            pass
        claims = await self.claim()
        if not claims:
            return 0
        limit = asyncio.Semaphore(self.policy.concurrency)

        async def one(claim: _Claim) -> None:
            async with limit:
                await self.record(claim, await self.send(claim))

        await asyncio.gather(*(one(c) for c in claims))
        return len(claims)

    async def fan_out(self) -> int:
        async with unit_of_work(self.factory) as session:
            statement = (
                select(OutboxEvent)
                .where(col(OutboxEvent.dispatched_at).is_(None))
                .order_by(col(OutboxEvent.id))
                .limit(self.policy.batch_size)
            )
            events = (await session.exec(skip_locked(session, statement))).all()
            if not events:
                return 0
            organizations = {e.organization_id for e in events}
            subscriptions = (
                await session.exec(
                    select(WebhookSubscription).where(
                        col(WebhookSubscription.organization_id).in_(organizations),
                        col(WebhookSubscription.enabled).is_(True),
                    )
                )
            ).all()
            now = utcnow()
            for event in events:
                for subscription in subscriptions:
                    if (
                        subscription.organization_id == event.organization_id
                        and subscription.created_at <= event.occurred_at
                        and wants(subscription.event_types, event.type)
                    ):
                        session.add(
                            WebhookDelivery(
                                organization_id=event.organization_id,
                                subscription_id=subscription.id,
                                event_id=event.id,
                                event_type=event.type,
                                next_attempt_at=now,
                            )
                        )
                event.dispatched_at = now
            return len(events)

    async def claim(self) -> list[_Claim]:
        """Lease as many due deliveries as are sent at once, so none outlives its lease.

        Deliveries of a disabled subscription wait, untouched, until it is enabled again;
        they never stand in the way of other subscriptions' deliveries.
        """
        async with unit_of_work(self.factory) as session:
            now = utcnow()
            enabled = select(WebhookSubscription.id).where(
                col(WebhookSubscription.enabled).is_(True)
            )
            statement = (
                select(WebhookDelivery)
                .where(
                    WebhookDelivery.status == DeliveryStatus.PENDING,
                    col(WebhookDelivery.next_attempt_at) <= now,
                    col(WebhookDelivery.subscription_id).in_(enabled),
                )
                .order_by(col(WebhookDelivery.next_attempt_at))
                .limit(self.policy.concurrency)
            )
            deliveries = (await session.exec(skip_locked(session, statement))).all()
            subscriptions = {
                s.id: s
                for s in await session.exec(
                    select(WebhookSubscription).where(
                        col(WebhookSubscription.id).in_({d.subscription_id for d in deliveries})
                    )
                )
            }
            events = {
                e.id: e
                for e in await session.exec(
                    select(OutboxEvent).where(
                        col(OutboxEvent.id).in_({d.event_id for d in deliveries})
                    )
                )
            }
            claims: list[_Claim] = []
            for delivery in deliveries:
                subscription = subscriptions.get(delivery.subscription_id)
                event = events.get(delivery.event_id)
                if subscription is None or event is None:
                    continue
                delivery.attempts += 1
                delivery.last_attempt_at = now
                delivery.next_attempt_at = now + timedelta(seconds=self.policy.lease_seconds)
                claims.append(
                    _Claim(
                        delivery_id=delivery.id,
                        attempt=delivery.attempts,
                        subscription_id=subscription.id,
                        url=subscription.url,
                        secret=subscription.secret,
                        event_id=event.id,
                        body=orjson.dumps(envelope(event)).decode(),
                    )
                )
            return claims

    async def send(self, claim: _Claim) -> _Result:
        now = utcnow()
        message_id = str(claim.event_id)
        headers = {
            "content-type": "application/json",
            "user-agent": "mentorship-webhooks/1",
            "webhook-id": message_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": Webhook(claim.secret).sign(message_id, now, claim.body),
        }
        started = time.perf_counter()
        result = _Result()
        if not self.policy.allow_private_targets and not await public_target(claim.url):
            # Never connect: neither a status nor a timing may tell what lives there.
            result.error = "The address resolves to a private or reserved network; not sent."
            return result
        try:
            assert self.client is not None
            async with asyncio.timeout(self.policy.timeout_seconds):
                response = await self.client.post(claim.url, content=claim.body, headers=headers)
            result.status_code = response.status_code
            if not result.ok:
                result.error = f"HTTP {response.status_code}"
        except (httpx.HTTPError, TimeoutError) as exc:
            result.error = f"{type(exc).__name__}: {exc}"[:1000] or type(exc).__name__
        result.duration_ms = int((time.perf_counter() - started) * 1000)
        return result

    async def record(self, claim: _Claim, result: _Result) -> None:
        async with unit_of_work(self.factory) as session:
            statement = select(WebhookDelivery).where(
                WebhookDelivery.id == claim.delivery_id,
                WebhookDelivery.attempts == claim.attempt,
                WebhookDelivery.status == DeliveryStatus.PENDING,
            )
            delivery = (await session.exec(statement)).first()
            if delivery is None:
                # The lease ran out and another worker took over; its result will count.
                return
            now = utcnow()
            session.add(
                WebhookAttempt(
                    delivery_id=delivery.id,
                    attempted_at=delivery.last_attempt_at or now,
                    status_code=result.status_code,
                    error=result.error,
                    duration_ms=result.duration_ms,
                )
            )
            delivery.last_status_code = result.status_code
            delivery.last_error = result.error
            if result.ok:
                delivery.status = DeliveryStatus.SUCCEEDED
                delivery.delivered_at = now
                await _reset_failures(session, claim.subscription_id)
            elif delivery.attempts <= len(self.policy.retry_delays):
                delay = self.policy.retry_delays[delivery.attempts - 1]
                delivery.next_attempt_at = now + timedelta(seconds=delay)
            else:
                delivery.status = DeliveryStatus.FAILED
                await session.flush()
                await _count_failure(session, claim.subscription_id, self.policy)


async def _reset_failures(session: AsyncSession, subscription_id: uuid.UUID) -> None:
    await session.exec(
        update(WebhookSubscription)
        .where(
            col(WebhookSubscription.id) == subscription_id,
            col(WebhookSubscription.consecutive_failures) > 0,
        )
        .values(consecutive_failures=0)
    )


async def _count_failure(
    session: AsyncSession, subscription_id: uuid.UUID, policy: DispatchPolicy
) -> None:
    """One more failed delivery; at the threshold the subscription is disabled."""
    await session.exec(
        update(WebhookSubscription)
        .where(col(WebhookSubscription.id) == subscription_id)
        .values(consecutive_failures=WebhookSubscription.consecutive_failures + 1)
    )
    disabled = await session.exec(
        update(WebhookSubscription)
        .where(
            col(WebhookSubscription.id) == subscription_id,
            col(WebhookSubscription.enabled).is_(True),
            col(WebhookSubscription.consecutive_failures) >= policy.disable_after_failures,
        )
        .values(
            enabled=False,
            disabled_reason=(
                f"Disabled after {policy.disable_after_failures} failed deliveries in a row."
            ),
            version=WebhookSubscription.version + 1,
        )
    )
    if disabled.rowcount:
        # What is still queued would only fail in turn: fail it now, replayable later.
        await session.exec(
            update(WebhookDelivery)
            .where(
                col(WebhookDelivery.subscription_id) == subscription_id,
                col(WebhookDelivery.status) == DeliveryStatus.PENDING.value,
            )
            .values(status=DeliveryStatus.FAILED.value, last_error="The subscription was disabled.")
        )

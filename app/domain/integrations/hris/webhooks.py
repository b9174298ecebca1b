"""Inbound HRIS webhooks: verify, record once per webhook-id, then apply.

Receiving and applying are two transactions. The first checks the signature, records the
delivery (or that it is a duplicate) and commits, so the HRIS gets its 202 at once; the
second applies it right after, in the same process. A delivery the process could not
apply (it stopped, a concurrent change conflicted) stays ``received`` and the worker's
sweep applies it later, so none is lost.
"""

import logging
import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import orjson
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.db.engine import unit_of_work
from app.db.locking import skip_locked
from app.domain import pagination
from app.domain.access.policy import require_admin
from app.domain.access.principal import Principal, Scope
from app.domain.errors import DomainError, NotFound, PreconditionFailed
from app.domain.integrations.hris.apply import apply_employee
from app.domain.integrations.hris.mapping import (
    load_mapping,
    parse_timestamp,
    read_employee,
    source_names,
)
from app.domain.integrations.hris.models import HrisDelivery, HrisDeliveryStatus
from app.domain.integrations.hris.secrets import verify_signature

log = logging.getLogger("app.integrations.hris")

EVENT_TYPES = frozenset(
    {"employee.created", "employee.updated", "employee.terminated", "employee.deleted"}
)
# A delivery that conflicted with concurrent changes this many times is given up.
MAX_ATTEMPTS = 5
CHANNEL = "hris_webhook"


async def receive(
    session: AsyncSession, organization_id: uuid.UUID, body: bytes, headers: Mapping[str, str]
) -> HrisDelivery:
    """Record a signed delivery. A bad signature raises ``Unauthorized`` and stores nothing.

    The answer is the delivery record: ``received`` (to apply), ``duplicate`` (its
    webhook-id was received before) or ``rejected`` (signed, but not an event we can read).
    """
    await verify_signature(session, organization_id, body, headers)
    lowered = {k.lower(): v for k, v in headers.items()}
    webhook_id = lowered["webhook-id"][:255]
    original = await _first_with_id(session, organization_id, webhook_id)
    if original is not None:
        return await _record_duplicate(session, organization_id, webhook_id, original)
    payload, event_type, problem = _read_event(body)
    delivery = HrisDelivery(
        organization_id=organization_id,
        webhook_id=webhook_id,
        event_type=event_type,
        payload=payload,
    )
    if problem is None:
        try:
            delivery.event_timestamp = parse_timestamp(
                payload.get("timestamp", lowered["webhook-timestamp"]), "timestamp"
            )
        except DomainError as exc:
            problem = exc.detail
    if problem is not None:
        delivery.status = HrisDeliveryStatus.REJECTED
        delivery.reason = problem
        delivery.processed_at = utcnow()
        session.add(delivery)
        await session.flush()
        return delivery
    delivery.dedupe_key = webhook_id
    try:
        async with session.begin_nested():
            session.add(delivery)
            await session.flush()
    except IntegrityError:
        # The same webhook-id in a concurrent request, committed first: ours is a duplicate.
        original = await _first_with_id(session, organization_id, webhook_id)
        if original is None:
            raise
        return await _record_duplicate(session, organization_id, webhook_id, original)
    return delivery


def _read_event(body: bytes) -> tuple[dict[str, Any], str | None, str | None]:
    """(payload, event type, why it cannot be applied or None)."""
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        return {"raw": body[:2000].decode("utf-8", "replace")}, None, "The body is not JSON."
    if not isinstance(payload, dict):
        return {"raw": payload}, None, "The body is not a JSON object."
    event_type = payload.get("type")
    if not isinstance(event_type, str) or event_type not in EVENT_TYPES:
        known = ", ".join(sorted(EVENT_TYPES))
        return payload, None, f"Unknown event type {event_type!r}; expected one of {known}."
    if not isinstance(payload.get("data"), dict):
        return payload, event_type, "The event has no `data` object with the employee."
    return payload, event_type, None


async def _first_with_id(
    session: AsyncSession, organization_id: uuid.UUID, webhook_id: str
) -> HrisDelivery | None:
    statement = select(HrisDelivery).where(
        HrisDelivery.organization_id == organization_id, HrisDelivery.dedupe_key == webhook_id
    )
    return (await session.exec(statement)).first()


async def _record_duplicate(
    session: AsyncSession, organization_id: uuid.UUID, webhook_id: str, original: HrisDelivery
) -> HrisDelivery:
    duplicate = HrisDelivery(
        organization_id=organization_id,
        webhook_id=webhook_id,
        event_type=original.event_type,
        event_timestamp=original.event_timestamp,
        status=HrisDeliveryStatus.DUPLICATE,
        reason="This webhook-id was received before; it changes nothing.",
        duplicate_of_id=original.id,
        processed_at=utcnow(),
    )
    session.add(duplicate)
    await session.flush()
    return duplicate


async def process_delivery(session: AsyncSession, delivery_id: uuid.UUID) -> HrisDelivery | None:
    """Apply a received delivery, once. None when it is applied already or being applied."""
    statement = select(HrisDelivery).where(
        HrisDelivery.id == delivery_id, HrisDelivery.status == HrisDeliveryStatus.RECEIVED
    )
    delivery = (await session.exec(skip_locked(session, statement))).first()
    if delivery is None:
        return None
    delivery.attempts += 1
    principal = Principal.for_integration(delivery.organization_id, CHANNEL, Scope.HRIS_SYNC)
    mapping = await load_mapping(session, delivery.organization_id)
    try:
        async with session.begin_nested():
            source = read_employee(delivery.payload["data"], mapping)
            # Both are set on every delivery recorded as received.
            assert delivery.event_type is not None
            assert delivery.event_timestamp is not None
            change = await apply_employee(
                session,
                principal,
                source,
                occurred_at=delivery.event_timestamp,
                event_type=delivery.event_type,
                channel=CHANNEL,
            )
    except (PreconditionFailed, IntegrityError):
        # A concurrent change won a race: another delivery creating the same person, or a
        # write to the same employee between our read and our update (its version moved).
        if delivery.attempts < MAX_ATTEMPTS:
            delivery.reason = "Conflicted with a concurrent change; it will be retried."
            await session.flush()
            return delivery
        delivery.status = HrisDeliveryStatus.REJECTED
        delivery.reason = "Kept conflicting with concurrent changes."
    except DomainError as exc:
        # Say what is wrong (a field missing to create someone not known yet, say) in the
        # HRIS's own field names.
        delivery.status = HrisDeliveryStatus.REJECTED
        delivery.reason = _describe(exc, source_names(mapping))
    else:
        delivery.status = (
            HrisDeliveryStatus.STALE if change.outcome == "stale" else HrisDeliveryStatus.APPLIED
        )
        delivery.outcome = change.outcome
        delivery.employee_id = change.employee.id if change.employee else None
        delivery.reason = (
            "Older than the data already stored for this employee; ignored."
            if change.outcome == "stale"
            else None
        )
    delivery.processed_at = utcnow()
    await session.flush()
    return delivery


def _describe(exc: DomainError, names: Mapping[str, str]) -> str:
    details = "; ".join(
        f"{names.get(str(e.get('field')), e.get('field'))}: {e.get('message')}" for e in exc.errors
    )
    return (f"{exc.detail} ({details})" if details else exc.detail)[:2000]


async def apply_now(factory: async_sessionmaker[AsyncSession], delivery_id: uuid.UUID) -> None:
    """Apply a delivery in its own transaction (run right after the receiving one commits)."""
    try:
        async with unit_of_work(factory) as session:
            await process_delivery(session, delivery_id)
    except Exception:
        # Left ``received``: the worker's sweep retries it.
        log.exception("applying HRIS delivery %s failed", delivery_id)


async def apply_waiting(
    factory: async_sessionmaker[AsyncSession], *, older_than: timedelta, limit: int = 100
) -> int:
    """Apply deliveries still ``received`` after ``older_than`` (the worker's sweep)."""
    async with unit_of_work(factory) as session:
        ids = (
            await session.exec(
                select(HrisDelivery.id)
                .where(
                    HrisDelivery.status == HrisDeliveryStatus.RECEIVED,
                    col(HrisDelivery.received_at) <= utcnow() - older_than,
                )
                .order_by(col(HrisDelivery.event_timestamp), col(HrisDelivery.id))
                .limit(limit)
            )
        ).all()
    for delivery_id in ids:
        await apply_now(factory, delivery_id)
    return len(ids)


async def list_deliveries(
    session: AsyncSession,
    principal: Principal,
    *,
    status: HrisDeliveryStatus | None,
    limit: int | None,
    cursor: str | None,
) -> pagination.Page[HrisDelivery]:
    require_admin(principal, "read HRIS deliveries")
    statement = select(HrisDelivery).where(
        HrisDelivery.organization_id == principal.organization_id
    )
    if status is not None:
        statement = statement.where(HrisDelivery.status == status.value)
    return await pagination.paginate(
        session, statement, keys=[HrisDelivery.id], limit=limit, cursor=cursor
    )


async def get_delivery(
    session: AsyncSession, principal: Principal, delivery_id: uuid.UUID
) -> HrisDelivery:
    require_admin(principal, "read HRIS deliveries")
    delivery = await session.get(HrisDelivery, delivery_id)
    if delivery is None or delivery.organization_id != principal.organization_id:
        raise NotFound("Delivery not found.", code="delivery_not_found")
    return delivery

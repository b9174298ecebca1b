"""The one function every module calls to announce that something happened."""

import uuid
from typing import Any

from pydantic import BaseModel
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.access.principal import Principal
from app.domain.events.models import OutboxEvent


async def record_event(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    type: str,
    subject_type: str,
    subject_id: uuid.UUID,
    data: BaseModel | dict[str, Any],
    actor: Principal | None = None,
) -> OutboxEvent:
    """Add an event to the outbox inside the caller's transaction.

    ``data`` is a snapshot of the resource as the API shows it, so subscribers need no
    second call to read it.
    """
    snapshot = data.model_dump(mode="json") if isinstance(data, BaseModel) else data
    event = OutboxEvent(
        organization_id=organization_id,
        type=type,
        subject_type=subject_type,
        subject_id=subject_id,
        data=snapshot,
        actor=actor.actor if actor is not None else None,
    )
    session.add(event)
    return event


def envelope(event: OutboxEvent) -> dict[str, Any]:
    """What subscribers receive: the event with a snapshot of its resource."""
    return {
        "id": str(event.id),
        "type": event.type,
        "occurred_at": event.occurred_at.isoformat().replace("+00:00", "Z"),
        "organization_id": str(event.organization_id),
        "schema_version": event.schema_version,
        "data": event.data,
    }

"""What integrations stored about a person (HRIS payloads, event snapshots)."""

import uuid
from typing import Any

import orjson
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.employees.models import Employee
from app.domain.events.models import OutboxEvent
from app.domain.integrations.hris.models import HrisDelivery


async def _deliveries(
    session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID
) -> list[HrisDelivery]:
    """Deliveries about the person: applied to them, duplicates of those, and the ones never
    linked (rejected, or not applied yet) whose payload names them."""
    linked = list(
        (
            await session.exec(
                select(HrisDelivery).where(
                    HrisDelivery.organization_id == organization_id,
                    HrisDelivery.employee_id == employee_id,
                )
            )
        ).all()
    )
    employee = await session.get(Employee, employee_id)
    names = (employee.external_id, employee.email) if employee is not None else ()
    markers = {orjson.dumps(value).decode() for value in names if value}
    linked_ids = [d.id for d in linked]
    unlinked = select(HrisDelivery).where(
        HrisDelivery.organization_id == organization_id, col(HrisDelivery.employee_id).is_(None)
    )
    found = {d.id: d for d in linked}
    for delivery in (await session.exec(unlinked)).all():
        text = orjson.dumps(delivery.payload).decode()
        if delivery.duplicate_of_id in linked_ids or any(m in text for m in markers):
            found[delivery.id] = delivery
    return sorted(found.values(), key=lambda d: d.id)


async def _events(
    session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID
) -> list[OutboxEvent]:
    statement = select(OutboxEvent).where(
        OutboxEvent.organization_id == organization_id, OutboxEvent.subject_id == employee_id
    )
    return list((await session.exec(statement.order_by(col(OutboxEvent.id)))).all())


async def export(
    session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID
) -> dict[str, Any]:
    return {
        "hris_deliveries": [
            {
                "id": str(d.id),
                "received_at": d.model_dump(mode="json", warnings=False).get("received_at"),
                "payload": d.payload,
            }
            for d in await _deliveries(session, organization_id, employee_id)
        ],
        "events": [
            {
                "id": str(e.id),
                "type": e.type,
                "occurred_at": e.occurred_at.isoformat(),
                "data": e.data,
            }
            for e in await _events(session, organization_id, employee_id)
        ],
    }


async def erase(session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID) -> None:
    """Redact stored copies; events already delivered to subscribers cannot be recalled."""
    for delivery in await _deliveries(session, organization_id, employee_id):
        delivery.payload = {"erased": True}
    for event in await _events(session, organization_id, employee_id):
        event.data = {"erased": True, "employee_id": str(employee_id)}
    await session.flush()

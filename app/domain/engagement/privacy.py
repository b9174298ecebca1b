"""A person's part in engagement: the nudges sent to them (export and erasure)."""

import uuid
from typing import Any

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.engagement.models import EngagementNudge


async def export(
    session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID
) -> dict[str, Any]:
    rows = await session.exec(
        select(EngagementNudge)
        .where(
            col(EngagementNudge.organization_id) == organization_id,
            col(EngagementNudge.recipient_employee_id) == employee_id,
        )
        .order_by(col(EngagementNudge.sent_at), col(EngagementNudge.id))
    )
    return {"engagement_nudges": [row.model_dump(mode="json") for row in rows.all()]}


async def erase(session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID) -> None:
    # A nudge's key names its recipient; the record of it goes with them.
    await session.exec(
        delete(EngagementNudge).where(
            col(EngagementNudge.organization_id) == organization_id,
            col(EngagementNudge.recipient_employee_id) == employee_id,
        )
    )

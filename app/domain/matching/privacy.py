"""A person's enrolments and profiles: export and erasure."""

import uuid
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.matching.models import Participant


async def _enrolments(
    session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID
) -> list[Participant]:
    statement = select(Participant).where(
        Participant.organization_id == organization_id, Participant.employee_id == employee_id
    )
    return list((await session.exec(statement.order_by(col(Participant.id)))).all())


async def export(
    session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID
) -> dict[str, Any]:
    return {
        "enrolments": [
            p.model_dump(mode="json", warnings=False)
            for p in await _enrolments(session, organization_id, employee_id)
        ]
    }


async def erase(session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID) -> None:
    """Drop what the person said about themself; role and status stay for the counts."""
    for participant in await _enrolments(session, organization_id, employee_id):
        participant.mindset_statement = None
        participant.availability = []
        participant.avoid = []
        participant.prefer = []
        participant.decision_reason = None
    await session.flush()

"""A person's part in stakeholder consultations: export and erasure."""

import uuid
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.programs.consultation_models import Contribution, Stakeholder
from app.domain.programs.models import ObjectiveCategory

ERASED = "[erased]"


async def _stakeholders(
    session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID
) -> list[Stakeholder]:
    return list(
        (
            await session.exec(
                select(Stakeholder).where(
                    Stakeholder.organization_id == organization_id,
                    Stakeholder.employee_id == employee_id,
                )
            )
        ).all()
    )


async def _contributions(
    session: AsyncSession, stakeholder_ids: list[uuid.UUID]
) -> list[Contribution]:
    if not stakeholder_ids:
        return []
    statement = select(Contribution).where(col(Contribution.stakeholder_id).in_(stakeholder_ids))
    return list((await session.exec(statement.order_by(col(Contribution.id)))).all())


async def export(
    session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID
) -> dict[str, Any]:
    stakeholders = await _stakeholders(session, organization_id, employee_id)
    contributions = await _contributions(session, [s.id for s in stakeholders])
    return {
        "consultation_invitations": [
            s.model_dump(mode="json", warnings=False) for s in stakeholders
        ],
        "consultation_contributions": [
            c.model_dump(mode="json", warnings=False) for c in contributions
        ],
    }


async def erase(session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID) -> None:
    """Blank the text the person wrote; the contributions stay counted, by kind and status."""
    stakeholders = await _stakeholders(session, organization_id, employee_id)
    for stakeholder in stakeholders:
        stakeholder.name = None
        stakeholder.email = None
    for contribution in await _contributions(session, [s.id for s in stakeholders]):
        if contribution.body is not None:
            contribution.body = ERASED
        if contribution.proposal is not None:
            # Still a valid proposed objective (the API reads it back), its words gone.
            contribution.proposal = {
                "title": ERASED,
                "category": contribution.proposal.get("category", ObjectiveCategory.CUSTOM.value),
                "description": None,
            }
    await session.flush()

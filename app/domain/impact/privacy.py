"""A person's self-assessment answers: export, erasure.

Erasure deletes the answers: a self-rating says something about the person, and the
program's anonymous employee row stays linked to their pairs, so keeping scores against it
would keep them identifiable. Reports computed later no longer count them.
"""

import uuid
from typing import Any

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.impact.models import AssessmentAnswer, AssessmentItem


async def export(
    session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID
) -> dict[str, Any]:
    rows = await session.exec(
        select(AssessmentAnswer, AssessmentItem.statement)
        .join(AssessmentItem, col(AssessmentItem.id) == col(AssessmentAnswer.item_id))
        .where(
            AssessmentAnswer.organization_id == organization_id,
            AssessmentAnswer.employee_id == employee_id,
        )
        .order_by(col(AssessmentAnswer.program_id), col(AssessmentAnswer.id))
    )
    return {
        "assessment_answers": [
            {
                "program_id": str(answer.program_id),
                "item_id": str(answer.item_id),
                "statement": statement,
                "wave": str(answer.wave),
                "score": answer.score,
                "answered_at": answer.answered_at.isoformat(),
            }
            for answer, statement in rows.all()
        ]
    }


async def erase(session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID) -> None:
    await session.exec(
        delete(AssessmentAnswer).where(
            col(AssessmentAnswer.organization_id) == organization_id,
            col(AssessmentAnswer.employee_id) == employee_id,
        )
    )

"""A person's notification preferences and the nudges e-mailed to them: export and erasure.

Erasure forgets the preferences and stops every nudge still waiting; the record of e-mails
sent stays (kind, stage, times: no text), so counts of reminders hold.
"""

import uuid
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.notifications.models import (
    EmailDigest,
    NotificationPreference,
    NudgeMail,
    NudgeMailStatus,
)


async def export(
    session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID
) -> dict[str, Any]:
    preferences = (
        await session.exec(
            select(NotificationPreference).where(
                NotificationPreference.organization_id == organization_id,
                NotificationPreference.employee_id == employee_id,
            )
        )
    ).all()
    mails = (
        await session.exec(
            select(NudgeMail)
            .where(
                NudgeMail.organization_id == organization_id, NudgeMail.employee_id == employee_id
            )
            .order_by(col(NudgeMail.id))
        )
    ).all()
    digests = (
        await session.exec(
            select(EmailDigest)
            .where(
                EmailDigest.organization_id == organization_id,
                EmailDigest.employee_id == employee_id,
            )
            .order_by(col(EmailDigest.id))
        )
    ).all()
    return {
        "notification_preferences": [
            p.model_dump(mode="json", warnings=False) for p in preferences
        ],
        "nudge_emails": [m.model_dump(mode="json", warnings=False) for m in mails],
        "email_digests": [d.model_dump(mode="json", warnings=False) for d in digests],
    }


async def erase(session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID) -> None:
    await session.exec(
        delete(NotificationPreference).where(
            col(NotificationPreference.organization_id) == organization_id,
            col(NotificationPreference.employee_id) == employee_id,
        )
    )
    await session.exec(
        update(NudgeMail)
        .where(
            col(NudgeMail.organization_id) == organization_id,
            col(NudgeMail.employee_id) == employee_id,
            col(NudgeMail.status) == NudgeMailStatus.PENDING,
        )
        .values(status=NudgeMailStatus.SKIPPED, skip_reason="erased")
    )
    await session.flush()

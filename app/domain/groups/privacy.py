"""Which groups a person is in: personal data, exported and erased with the rest."""

import uuid
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.groups.models import Group, GroupMember
from app.domain.groups.service import leave_all_groups


async def export(
    session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID
) -> dict[str, Any]:
    rows = await session.exec(
        select(GroupMember, Group)
        .join(Group, col(Group.id) == GroupMember.group_id)
        .where(
            GroupMember.organization_id == organization_id, GroupMember.employee_id == employee_id
        )
        .order_by(col(GroupMember.id))
    )
    return {
        "group_memberships": [
            {
                "group_id": str(group.id),
                "display_name": group.display_name,
                "added_at": member.added_at.isoformat(),
            }
            for member, group in rows
        ]
    }


async def erase(session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID) -> None:
    await leave_all_groups(session, organization_id, employee_id)

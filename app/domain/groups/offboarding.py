"""What a leaver's departure does to groups: they are in none any more."""

import uuid

from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.access.principal import Principal
from app.domain.groups.service import leave_all_groups


async def release(session: AsyncSession, principal: Principal, employee_id: uuid.UUID) -> None:
    await leave_all_groups(session, principal.organization_id, employee_id)

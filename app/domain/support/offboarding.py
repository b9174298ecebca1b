"""What the support network gives back when an employee leaves."""

import uuid

from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.access.principal import Principal
from app.domain.support import circles, registrations


async def release(session: AsyncSession, principal: Principal, employee_id: uuid.UUID) -> None:
    """Leave every circle and give back every workshop place, promoting those waiting."""
    await circles.release_employee(session, principal.organization_id, employee_id)
    await registrations.release_employee(session, principal.organization_id, employee_id)

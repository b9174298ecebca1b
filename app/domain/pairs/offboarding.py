"""What a leaver's departure means for pairs: their open pairs end, reason ``left_company``."""

import uuid

from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.access.principal import Principal
from app.domain.pairs.service import end_pairs_of_leaver


async def release(session: AsyncSession, principal: Principal, employee_id: uuid.UUID) -> int:
    """End the employee's open pairs, giving their seats back; the number ended."""
    return len(await end_pairs_of_leaver(session, principal, employee_id))

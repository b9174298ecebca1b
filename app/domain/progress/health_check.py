"""The periodic check of every active pair's health, run by the worker.

It stores each pair's health (shown on the pair) and announces ``pair.at_risk`` when a
pair becomes at risk, so intranet front ends can remind the pair or its managers. Any
number of workers may run it at once: a pair's health changes by compare-and-set, so
only the worker that made the change announces it.
"""

import uuid
from collections import defaultdict
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.db.engine import unit_of_work
from app.domain.events.service import record_event
from app.domain.pairs.models import Pair, PairStatus
from app.domain.pairs.schemas import PairHealth
from app.domain.pairs.service import to_read
from app.domain.progress.service import progress_for_pairs

BATCH = 500


async def _check_batch(session: AsyncSession, pairs: list[Pair], now: datetime) -> int:
    by_organization: dict[uuid.UUID, list[Pair]] = defaultdict(list)
    for pair in pairs:
        by_organization[pair.organization_id].append(pair)
    announced = 0
    for group in by_organization.values():
        progress = await progress_for_pairs(session, group, now)
        for pair in group:
            found = progress[pair.id]
            new = found.health.value if found.health is not None else None
            if new == pair.health:
                continue
            result = await session.exec(
                update(Pair)
                .where(
                    col(Pair.id) == pair.id,
                    col(Pair.health).is_(None)
                    if pair.health is None
                    else col(Pair.health) == pair.health,
                )
                .values(health=new, health_checked_at=now)
            )
            if result.rowcount != 1 or new != PairHealth.AT_RISK.value:
                continue
            # The row changed underneath the loaded pair: describe it without touching the
            # object, whose flush would bump the version clients hold.
            await record_event(
                session,
                organization_id=pair.organization_id,
                type="pair.at_risk",
                subject_type="pair",
                subject_id=pair.id,
                data={
                    **to_read(pair).model_dump(mode="json"),
                    "health": new,
                    "health_checked_at": now.isoformat(),
                    "progress": found.model_dump(mode="json"),
                },
            )
            announced += 1
    return announced


async def check_pair_health(
    factory: async_sessionmaker[AsyncSession], now: datetime | None = None
) -> int:
    """Recompute the health of every pair that has one or should; pairs newly at risk."""
    now = now or utcnow()
    announced = 0
    last: uuid.UUID | None = None
    while True:
        async with unit_of_work(factory) as session:
            statement = select(Pair).where(
                or_(Pair.status == PairStatus.ACTIVE.value, col(Pair.health).is_not(None))
            )
            if last is not None:
                statement = statement.where(col(Pair.id) > last)
            pairs = list((await session.exec(statement.order_by(col(Pair.id)).limit(BATCH))).all())
            if not pairs:
                return announced
            announced += await _check_batch(session, pairs, now)
        if len(pairs) < BATCH:
            return announced
        last = pairs[-1].id

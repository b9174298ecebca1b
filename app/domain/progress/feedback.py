"""Feedback forms: each person of a pair answers once mid-program and once at the end.

A person reads their own answers; the program's managers and administrators read all of
a pair's (audited) and see them aggregated on the program dashboard.
"""

import uuid

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.access.principal import Principal
from app.domain.errors import Conflict
from app.domain.events.service import record_event
from app.domain.pairs import access
from app.domain.pairs.models import PairStatus
from app.domain.pairs.service import audit_read, load_pair
from app.domain.progress.models import FeedbackCreate, FeedbackRead, PairFeedback


def to_read(feedback: PairFeedback) -> FeedbackRead:
    return FeedbackRead.model_validate(feedback)


async def submit_feedback(
    session: AsyncSession, principal: Principal, pair_id: uuid.UUID, data: FeedbackCreate
) -> PairFeedback:
    seen = await load_pair(session, principal, pair_id)
    side = access.require_side(principal, seen.pair, "give feedback on their mentoring")
    if seen.pair.status == PairStatus.PROPOSED:
        raise Conflict("A proposed pair has nothing to give feedback on yet.", code="pair_proposed")
    assert principal.employee_id is not None
    feedback = PairFeedback(
        organization_id=seen.pair.organization_id,
        pair_id=seen.pair.id,
        program_id=seen.pair.program_id,
        employee_id=principal.employee_id,
        side=side.value,
        **data.model_dump(),
    )
    try:
        async with session.begin_nested():
            session.add(feedback)
            await session.flush()
    except IntegrityError as exc:
        raise Conflict(
            f"You already gave your {data.stage.value} feedback for this pair.",
            code="feedback_already_given",
        ) from exc
    await record_event(
        session,
        organization_id=feedback.organization_id,
        type="pair_feedback.submitted",
        subject_type="pair",
        subject_id=seen.pair.id,
        data={"pair_id": str(seen.pair.id), "stage": data.stage.value, "side": side.value},
        actor=principal,
    )
    return feedback


async def list_feedback(
    session: AsyncSession, principal: Principal, pair_id: uuid.UUID
) -> list[PairFeedback]:
    seen = await load_pair(session, principal, pair_id)
    statement = select(PairFeedback).where(PairFeedback.pair_id == seen.pair.id)
    if access.side_of(principal, seen.pair) is not None:
        statement = statement.where(PairFeedback.employee_id == principal.employee_id)
    else:
        await audit_read(session, principal, seen.pair, "pair_feedback")
    rows = await session.exec(statement.order_by(col(PairFeedback.id)))
    return list(rows.all())

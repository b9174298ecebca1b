"""Opening and ending pairs: the only code that takes or gives back seats."""

import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain.errors import Conflict
from app.domain.pairs.models import (
    OPEN_STATUSES,
    EndReason,
    Pair,
    PairOrigin,
    PairSeat,
    PairStatus,
)
from app.domain.participants.models import Participant, ParticipantRole
from app.domain.programs.models import Program


def mentor_capacity(mentor: Participant, program: Program) -> int:
    return mentor.capacity if mentor.capacity is not None else program.default_mentor_capacity


async def open_pair(
    session: AsyncSession,
    program: Program,
    mentor: Participant,
    mentee: Participant,
    *,
    origin: PairOrigin,
    status: PairStatus = PairStatus.PROPOSED,
    score: float | None = None,
    explanation: dict[str, Any] | None = None,
    matching_run_id: uuid.UUID | None = None,
) -> Pair:
    """Create a pair holding a seat of each side, or raise ``Conflict`` when one is full.

    The seats' unique constraint decides races: of two requests taking the last seat, the
    second fails here with a Conflict, whatever the first one checked.
    """
    if mentor.role != ParticipantRole.MENTOR or mentee.role != ParticipantRole.MENTEE:
        raise Conflict("A pair needs a mentor and a mentee.", code="pair_roles")
    if mentor.program_id != program.id or mentee.program_id != program.id:
        raise Conflict("Both participants must be enrolled in the program.", code="pair_program")
    taken = set(
        (
            await session.exec(select(PairSeat.seat).where(PairSeat.participant_id == mentor.id))
        ).all()
    )
    capacity = mentor_capacity(mentor, program)
    free = next((s for s in range(capacity) if s not in taken), None)
    if free is None:
        raise Conflict(
            f"The mentor already has {capacity} open pair(s), their capacity.", code="mentor_full"
        )
    if (
        await session.exec(select(PairSeat.id).where(PairSeat.participant_id == mentee.id))
    ).first():
        raise Conflict("The mentee already has a pair in this program.", code="mentee_paired")
    pair = Pair(
        organization_id=program.organization_id,
        program_id=program.id,
        mentor_id=mentor.id,
        mentee_id=mentee.id,
        mentor_employee_id=mentor.employee_id,
        mentee_employee_id=mentee.employee_id,
        status=status,
        origin=origin,
        score=score,
        explanation=explanation or {},
        matching_run_id=matching_run_id,
        started_on=utcnow().date() if status is PairStatus.ACTIVE else None,
    )
    try:
        async with session.begin_nested():
            session.add(pair)
            await session.flush()
            session.add_all(
                [
                    PairSeat(pair_id=pair.id, participant_id=mentor.id, seat=free),
                    PairSeat(pair_id=pair.id, participant_id=mentee.id, seat=0),
                ]
            )
            await session.flush()
    except IntegrityError as exc:
        raise Conflict(
            "Another request took this seat at the same time; the pair was not created.",
            code="seat_taken",
        ) from exc
    return pair


async def close_pair(
    session: AsyncSession,
    pair: Pair,
    status: PairStatus,
    reason: EndReason | None = None,
    note: str | None = None,
) -> Pair:
    """End a pair (completed or ended early) and give its seats back."""
    if status in OPEN_STATUSES:
        raise ValueError("close_pair ends a pair")
    pair.status = status
    pair.ended_at = utcnow()
    pair.end_reason = reason
    pair.end_note = note
    await session.exec(delete(PairSeat).where(col(PairSeat.pair_id) == pair.id))
    await session.flush()
    return pair

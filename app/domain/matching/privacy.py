"""A person's enrolments, profiles and requests to mentors: export and erasure."""

import uuid
from typing import Any

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.events.models import OutboxEvent
from app.domain.matching.run_models import MatchRequest
from app.domain.participants.models import Participant


async def _enrolments(
    session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID
) -> list[Participant]:
    statement = select(Participant).where(
        Participant.organization_id == organization_id, Participant.employee_id == employee_id
    )
    return list((await session.exec(statement.order_by(col(Participant.id)))).all())


async def _requests(
    session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID
) -> list[MatchRequest]:
    statement = select(MatchRequest).where(
        MatchRequest.organization_id == organization_id,
        or_(
            col(MatchRequest.mentee_employee_id) == employee_id,
            col(MatchRequest.mentor_employee_id) == employee_id,
        ),
    )
    return list((await session.exec(statement.order_by(col(MatchRequest.id)))).all())


async def export(
    session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID
) -> dict[str, Any]:
    return {
        "enrolments": [
            p.model_dump(mode="json", warnings=False)
            for p in await _enrolments(session, organization_id, employee_id)
        ],
        "match_requests": [
            r.model_dump(mode="json", warnings=False)
            for r in await _requests(session, organization_id, employee_id)
        ],
    }


async def erase(session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID) -> None:
    """Drop what the person said about themself; role and status stay for the counts."""
    enrolments = await _enrolments(session, organization_id, employee_id)
    requests = await _requests(session, organization_id, employee_id)
    for participant in enrolments:
        participant.mindset_statement = None
        participant.availability = []
        participant.avoid = []
        participant.prefer = []
        participant.decision_reason = None
    # A mentee's note to a mentor and the mentor's answer are the people's own words.
    for request in requests:
        request.message = None
        request.decision_reason = None
    # The outbox keeps snapshots of the profiles and requests: redact the stored copies.
    subjects = [p.id for p in enrolments] + [r.id for r in requests]
    if subjects:
        events = await session.exec(
            select(OutboxEvent).where(
                OutboxEvent.organization_id == organization_id,
                col(OutboxEvent.subject_id).in_(subjects),
            )
        )
        for event in events:
            event.data = {"erased": True, "subject_id": str(event.subject_id)}
    await session.flush()

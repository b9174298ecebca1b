"""A person's mentoring records (goals, session logs, private notes, feedback, fit checks):
export, erasure.

Export holds what the person wrote: the logs they authored, their side of the others'
logs, their own private notes (never the other person's), the goals they set, their
feedback and fit check answers (with their note), and the pairs ended as not a fit that keep
them from being paired with someone again (the pair, never who answered what). Erasure
blanks that free text and deletes their private notes; the rows stay, so sessions, minutes,
ratings, goals and answers are still counted, and the two people of a mismatch stay apart.
"""

import uuid
from typing import Any

from sqlmodel import col, delete, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.pairs import repository
from app.domain.pairs.models import Pair, PairAvoidance, PairFitCheck, PairGoal
from app.domain.progress.models import PairFeedback
from app.domain.session_logs.models import Owner, SessionLog, SessionLogNote

ERASED = "[erased]"


async def _logs(
    session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID
) -> list[tuple[SessionLog, Owner]]:
    """Logs of the person's pairs (which they authored or answered), each with their side."""
    pairs = await session.exec(
        repository.of_organization(organization_id).where(
            or_(Pair.mentor_employee_id == employee_id, Pair.mentee_employee_id == employee_id)
        )
    )
    sides = {
        pair.id: Owner.MENTOR if pair.mentor_employee_id == employee_id else Owner.MENTEE
        for pair in pairs.all()
    }
    if not sides:
        return []
    rows = await session.exec(
        select(SessionLog)
        .where(SessionLog.organization_id == organization_id, col(SessionLog.pair_id).in_(sides))
        .order_by(col(SessionLog.id))
    )
    return [(log, sides[log.pair_id]) for log in rows.all()]


def _log_export(log: SessionLog, side: Owner, authored: bool) -> dict[str, Any]:
    mine: dict[str, Any] = {
        "id": str(log.id),
        "pair_id": str(log.pair_id),
        "held_at": log.held_at.isoformat(),
        "side": side.value,
        "learned": log.mentor_learned if side == Owner.MENTOR else log.mentee_learned,
        "rating": log.mentor_rating if side == Owner.MENTOR else log.mentee_rating,
        "authored": authored,
    }
    if authored:
        mine |= {
            "duration_minutes": log.duration_minutes,
            "format": str(log.format),
            "topics": log.topics,
            "summary": log.summary,
            "action_items": log.action_items,
        }
    return mine


async def export(
    session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID
) -> dict[str, Any]:
    exported = [
        _log_export(log, side, log.author_employee_id == employee_id)
        for log, side in await _logs(session, organization_id, employee_id)
    ]
    notes = await session.exec(
        select(SessionLogNote).where(
            SessionLogNote.organization_id == organization_id,
            SessionLogNote.author_employee_id == employee_id,
        )
    )
    goals = await session.exec(
        select(PairGoal).where(
            PairGoal.organization_id == organization_id, PairGoal.created_by == employee_id
        )
    )
    feedback = await session.exec(
        select(PairFeedback).where(
            PairFeedback.organization_id == organization_id,
            PairFeedback.employee_id == employee_id,
        )
    )
    fit_checks = await session.exec(
        select(PairFitCheck).where(
            PairFitCheck.organization_id == organization_id,
            PairFitCheck.employee_id == employee_id,
        )
    )
    avoided = await session.exec(
        select(PairAvoidance).where(
            PairAvoidance.organization_id == organization_id,
            or_(
                PairAvoidance.first_employee_id == employee_id,
                PairAvoidance.second_employee_id == employee_id,
            ),
        )
    )
    return {
        "pair_fit_checks": [
            {
                "pair_id": str(f.pair_id),
                "side": f.side,
                "answer": str(f.answer),
                "note": f.note,
                "answered_at": f.created_at.isoformat(),
            }
            for f in fit_checks.all()
        ],
        "pair_mismatches": [
            {
                "pair_id": str(a.pair_id) if a.pair_id else None,
                "ended_at": a.created_at.isoformat(),
            }
            for a in avoided.all()
        ],
        "session_logs": exported,
        "session_log_private_notes": [
            {"log_id": str(n.log_id), "body": n.body} for n in notes.all()
        ],
        "pair_goals": [g.model_dump(mode="json", warnings=False) for g in goals.all()],
        "pair_feedback": [f.model_dump(mode="json", warnings=False) for f in feedback.all()],
    }


async def erase(session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID) -> None:
    for log, side in await _logs(session, organization_id, employee_id):
        if side == Owner.MENTOR and log.mentor_learned is not None:
            log.mentor_learned = ERASED
        if side == Owner.MENTEE and log.mentee_learned is not None:
            log.mentee_learned = ERASED
        if log.author_employee_id == employee_id:
            if log.summary is not None:
                log.summary = ERASED
            log.action_items = [item | {"text": ERASED} for item in log.action_items]
    await session.exec(
        delete(SessionLogNote).where(
            col(SessionLogNote.organization_id) == organization_id,
            col(SessionLogNote.author_employee_id) == employee_id,
        )
    )
    goals = await session.exec(
        select(PairGoal).where(
            PairGoal.organization_id == organization_id, PairGoal.created_by == employee_id
        )
    )
    for goal in goals.all():
        goal.title = ERASED
        goal.description = None
    feedback = await session.exec(
        select(PairFeedback).where(
            PairFeedback.organization_id == organization_id,
            PairFeedback.employee_id == employee_id,
        )
    )
    for answer in feedback.all():
        answer.what_worked = ERASED if answer.what_worked is not None else None
        answer.what_to_improve = ERASED if answer.what_to_improve is not None else None
    fit_checks = await session.exec(
        select(PairFitCheck).where(
            PairFitCheck.organization_id == organization_id,
            PairFitCheck.employee_id == employee_id,
            col(PairFitCheck.note).is_not(None),
        )
    )
    for check in fit_checks.all():
        check.note = ERASED
    await session.flush()

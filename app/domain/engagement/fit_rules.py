"""Items from the pairs' fit checks: a side's answer due after the first confirmed session,
and a pair that ended as not a fit waiting for its managers' review.

The queries are the fit check's own (``app/domain/pairs/fit.py``); these sources only say
who gets what.
"""

from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.engagement.models import AgendaKind, Due, Recipient, SubjectType
from app.domain.engagement.rules import Scope, at, item
from app.domain.pairs import fit


async def fit_check(session: AsyncSession, scope: Scope) -> list[Due]:
    """A side of a pair that has not said yet whether the pair fits."""
    if scope.guest_id is not None:
        return []
    waiting = await fit.fit_checks_due(
        session, scope.organization_id, scope.now, employee_id=scope.employee_id
    )
    return [
        item(
            scope,
            due.organization_id,
            Recipient(employee_id=due.employee_id),
            kind=AgendaKind.FIT_CHECK,
            subject=(SubjectType.PAIR, due.pair_id),
            program_id=due.program_id,
            reason="Your first session is confirmed: say whether the pair is a good fit.",
            due_at=at(due.since),
            urgent_at=None,
            action=("PUT", f"/pairs/{due.pair_id}/fit-check"),
        )
        for due in waiting
    ]


async def mismatch_review(session: AsyncSession, scope: Scope) -> list[Due]:
    """A pair of a manager's program that ended as not a fit, not reviewed yet."""
    if scope.guest_id is not None:
        return []
    waiting = await fit.mismatch_reviews_by_manager(
        session, scope.organization_id, scope.employee_id
    )
    return [
        item(
            scope,
            review.organization_id,
            Recipient(employee_id=manager),
            kind=AgendaKind.MISMATCH_REVIEW,
            subject=(SubjectType.PAIR, review.pair_id),
            program_id=review.program_id,
            reason="A pair ended as not a fit: both are back in the pool; review the ending.",
            due_at=at(review.since),
            urgent_at=None,
            action=("POST", f"/pairs/{review.pair_id}/fit-check/review"),
        )
        for review, manager in waiting
    ]

"""The agenda's item sources: one function per kind, each a set-based query.

Adding a kind of item is adding one function of this shape to :data:`SOURCES` (and its
value to ``AgendaKind``): the agenda, the nudges and the worker pick it up.
"""

from collections.abc import Awaitable, Callable

from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.engagement import fit_rules, pair_rules, program_rules, support_rules
from app.domain.engagement.models import Due
from app.domain.engagement.rules import Scope

ItemSource = Callable[[AsyncSession, Scope], Awaitable[list[Due]]]

SOURCES: tuple[ItemSource, ...] = (
    program_rules.profile_incomplete,
    program_rules.enrolment_review,
    program_rules.unmatched,
    program_rules.proposals_review,
    program_rules.feedback_responses,
    pair_rules.agreement_acknowledgement,
    pair_rules.first_session,
    pair_rules.session_overdue,
    pair_rules.log_confirmation,
    pair_rules.mid_feedback,
    pair_rules.end_feedback,
    pair_rules.pair_inactive,
    support_rules.meeting_answer,
    support_rules.workshop_tomorrow,
    fit_rules.fit_check,
    fit_rules.mismatch_review,
)


async def due_items(session: AsyncSession, scope: Scope) -> list[Due]:
    """Every item in scope, soonest first."""
    found: list[Due] = []
    for source in SOURCES:
        found += await source(session, scope)
    found.sort(key=lambda due: (due.item.due_at, due.item.key))
    return found

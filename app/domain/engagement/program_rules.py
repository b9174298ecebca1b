"""Items about taking part and running a program: profiles, reviews, matching, response rates.

Each function is one item source: one statement over every program in scope, returning
the items it finds.
"""

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import and_, exists, func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.functions import json_empty
from app.domain.engagement.models import AgendaKind, Due, Recipient, SubjectType
from app.domain.engagement.rules import Scope, at, days, item, pair_start, plural, setting
from app.domain.matching.run_models import MatchingProposal, MatchingRun, ProposalStatus, RunStatus
from app.domain.pairs.models import Pair, PairSeat, PairStatus
from app.domain.participants.models import Participant, ParticipantStatus
from app.domain.programs.models import Program, ProgramManager, ProgramStatus
from app.domain.progress.models import FeedbackStage, PairFeedback

RUNNING = [ProgramStatus.ENROLLING, ProgramStatus.MATCHING, ProgramStatus.ACTIVE]


def _in_open_pair() -> object:
    # An open pair holds a seat of each of its people (pairs/models.py): an indexed lookup.
    return exists().where(col(PairSeat.participant_id) == Participant.id)


async def profile_incomplete(session: AsyncSession, scope: Scope) -> list[Due]:
    """An enrolled person, not paired yet, whose profile has no topics or no language."""
    limit = setting("profile_incomplete_days")
    rows = await session.exec(
        select(  # type: ignore[call-overload]
            Participant.id,
            Participant.organization_id,
            Participant.program_id,
            Participant.employee_id,
            Participant.created_at,
            Program.name,
            limit,
            setting("urgent_after_days"),
        )
        .join(Program, col(Program.id) == Participant.program_id)
        .where(
            *scope.tenant(Participant.organization_id),
            *scope.for_employee(Participant.employee_id),
            col(Program.status).in_(RUNNING),
            col(Participant.status).in_([ParticipantStatus.PENDING, ParticipantStatus.APPROVED]),
            or_(
                and_(json_empty(Participant.teaches), json_empty(Participant.learns)),
                json_empty(Participant.languages),
            ),
            scope.elapsed(Participant.created_at) >= limit,
            ~_in_open_pair(),  # type: ignore[operator]
        )
    )
    found = []
    for pid, org, program_id, employee_id, created_at, name, after, urgent in rows.all():
        due = at(created_at) + days(after)
        found.append(
            item(
                scope,
                org,
                Recipient(employee_id=employee_id),
                kind=AgendaKind.PROFILE_INCOMPLETE,
                subject=(SubjectType.PROGRAM, program_id),
                program_id=program_id,
                reason=(
                    f"Your profile in {name} has no topics or no language yet: matching "
                    "needs them to find you a partner."
                ),
                due_at=due,
                urgent_at=due + days(urgent),
                action=("PATCH", f"/programs/{program_id}/participants/{pid}"),
            )
        )
    return found


async def _waiting_per_manager(
    session: AsyncSession,
    scope: Scope,
    kind: AgendaKind,
    *,
    limit_setting: str,
    since: Any,
    where: Sequence[Any],
    reason: Callable[[int, int], str],
    action: Callable[[uuid.UUID], tuple[str, str]],
    daily_rounds: bool = False,
) -> list[Due]:
    """Participants waiting for a manager since ``since`` (matching ``where``), one item per
    program and manager; ``reason`` words how many waited more than how many days.
    ``daily_rounds``: a new item (round) each day it comes due again."""
    limit = setting(limit_setting)
    rows = await session.exec(
        select(  # type: ignore[call-overload]
            Program.id,
            Program.organization_id,
            ProgramManager.employee_id,
            func.count(),
            func.min(since),
            limit,
            setting("urgent_after_days"),
        )
        .join(Program, col(Program.id) == Participant.program_id)
        .join(ProgramManager, col(ProgramManager.program_id) == Program.id)
        .where(
            *scope.tenant(Participant.organization_id),
            *scope.for_employee(ProgramManager.employee_id),
            *where,
            scope.elapsed(since) >= limit,
        )
        # Grouped by the program's key: its settings, read in the select, depend on it.
        .group_by(col(Program.id), col(ProgramManager.employee_id))
    )
    found = []
    for program_id, org, manager, count, oldest, after, urgent in rows.all():
        due = at(oldest) + days(after)
        found.append(
            item(
                scope,
                org,
                Recipient(employee_id=manager),
                kind=kind,
                subject=(SubjectType.PROGRAM, program_id),
                program_id=program_id,
                reason=reason(count, after),
                due_at=due,
                urgent_at=due + days(urgent),
                action=action(program_id),
                round=str(due.date()) if daily_rounds else "",
            )
        )
    return found


async def enrolment_review(session: AsyncSession, scope: Scope) -> list[Due]:
    """Enrolments waiting for a manager's decision, one item per program and manager."""
    return await _waiting_per_manager(
        session,
        scope,
        AgendaKind.ENROLMENT_REVIEW,
        limit_setting="enrolment_review_days",
        since=Participant.created_at,
        where=[
            col(Program.status).in_(RUNNING),
            col(Participant.status) == ParticipantStatus.PENDING,
        ],
        reason=lambda count, after: (
            f"{plural(count, 'enrolment has', 'enrolments have')} waited more than "
            f"{after} days for your decision."
        ),
        action=lambda program_id: ("GET", f"/programs/{program_id}/participants?status=pending"),
    )


async def unmatched(session: AsyncSession, scope: Scope) -> list[Due]:
    """Approved people still without a partner, one item per program and manager."""
    approved = func.coalesce(Participant.decided_at, Participant.created_at)
    return await _waiting_per_manager(
        session,
        scope,
        AgendaKind.UNMATCHED,
        limit_setting="unmatched_days",
        since=approved,
        where=[
            col(Program.status).in_([ProgramStatus.MATCHING, ProgramStatus.ACTIVE]),
            col(Participant.status) == ParticipantStatus.APPROVED,
            ~_in_open_pair(),  # type: ignore[operator]
        ],
        reason=lambda count, after: (
            f"{plural(count, 'approved participant has', 'approved participants have')} "
            f"waited more than {after} days without a partner."
        ),
        action=lambda program_id: ("POST", f"/programs/{program_id}/matching-runs"),
        daily_rounds=True,
    )


async def proposals_review(session: AsyncSession, scope: Scope) -> list[Due]:
    """A completed matching run whose proposals nobody has accepted or rejected yet."""
    limit = setting("proposals_review_days")
    waiting = exists().where(
        col(MatchingProposal.run_id) == MatchingRun.id,
        col(MatchingProposal.status) == ProposalStatus.PROPOSED,
    )
    rows = await session.exec(
        select(  # type: ignore[call-overload]
            MatchingRun.id,
            MatchingRun.program_id,
            MatchingRun.organization_id,
            ProgramManager.employee_id,
            MatchingRun.finished_at,
            limit,
            setting("urgent_after_days"),
        )
        .join(Program, col(Program.id) == MatchingRun.program_id)
        .join(ProgramManager, col(ProgramManager.program_id) == Program.id)
        .where(
            *scope.tenant(MatchingRun.organization_id),
            *scope.for_employee(ProgramManager.employee_id),
            col(Program.status).in_(RUNNING),
            col(MatchingRun.status) == RunStatus.COMPLETED,
            col(MatchingRun.dry_run).is_(False),
            col(MatchingRun.finished_at).is_not(None),
            scope.elapsed(MatchingRun.finished_at) >= limit,
            waiting,
        )
    )
    found = []
    for run_id, program_id, org, manager, finished, after, urgent in rows.all():
        due = at(finished) + days(after)
        found.append(
            item(
                scope,
                org,
                Recipient(employee_id=manager),
                kind=AgendaKind.PROPOSALS_REVIEW,
                subject=(SubjectType.PROGRAM, program_id),
                program_id=program_id,
                reason=f"A matching run's proposals have waited {after} days for your review.",
                due_at=due,
                urgent_at=due + days(urgent),
                action=("POST", f"/programs/{program_id}/matching-runs/{run_id}/accept"),
                round=str(run_id),
            )
        )
    return found


async def feedback_responses(session: AsyncSession, scope: Scope) -> list[Due]:
    """A program whose mid feedback, due from its pairs, comes back below the target rate."""
    mid = setting("mid_feedback_days")
    start = func.coalesce(Pair.started_on, Pair.agreement_starts_on, Pair.created_at)
    answers = (
        select(PairFeedback.pair_id, func.count().label("answers"))
        .where(PairFeedback.stage == FeedbackStage.MID, *scope.tenant(PairFeedback.organization_id))
        .group_by(col(PairFeedback.pair_id))
        .subquery()
    )
    rows = await session.exec(
        select(  # type: ignore[call-overload]
            Program.id,
            Program.organization_id,
            ProgramManager.employee_id,
            func.count(),
            func.coalesce(func.sum(answers.c.answers), 0),
            func.min(Pair.started_on),
            func.min(Pair.created_at),
            mid,
            setting("feedback_response_target"),
            setting("urgent_after_days"),
        )
        .join(Program, col(Program.id) == Pair.program_id)
        .join(ProgramManager, col(ProgramManager.program_id) == Program.id)
        .outerjoin(answers, answers.c.pair_id == Pair.id)
        .where(
            *scope.tenant(Pair.organization_id),
            *scope.for_employee(ProgramManager.employee_id),
            col(Program.status) == ProgramStatus.ACTIVE,
            col(Pair.status).in_([PairStatus.ACTIVE, PairStatus.PAUSED, PairStatus.COMPLETED]),
            scope.elapsed(start) >= mid,
        )
        .group_by(col(Program.id), col(ProgramManager.employee_id))
    )
    found = []
    for row in rows.all():
        program_id, org, manager, pairs, received, started, created, after, target, urgent = row
        expected = 2 * pairs
        if received >= target * expected:
            continue
        due = pair_start(started, None, created) + days(after)
        found.append(
            item(
                scope,
                org,
                Recipient(employee_id=manager),
                kind=AgendaKind.FEEDBACK_RESPONSES,
                subject=(SubjectType.PROGRAM, program_id),
                program_id=program_id,
                reason=(
                    f"{received} of {expected} mid feedback forms due have come back "
                    f"({round(100 * received / expected)} %, below the {round(100 * target)} % "
                    "target)."
                ),
                due_at=due,
                urgent_at=due + days(urgent),
                action=("GET", f"/programs/{program_id}/dashboard"),
            )
        )
    return found

"""Use cases of progress: a pair's figures and health, a program's dashboard and its export.

Health follows the rules of ``app/domain/progress/health.py``. A pair's progress is read
by its people, the program's managers, administrators and ``read`` keys (audited for all
but the pair's people); the dashboard and its export by the program's managers,
administrators and ``read`` keys (audited).
"""

import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import datetime

from sqlalchemy import case, distinct, func
from sqlalchemy.orm.util import identity_key
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from app.db.base import utcnow
from app.db.functions import year_month
from app.domain.access.principal import Principal
from app.domain.audit import service as audit
from app.domain.pairs import repository as pair_statements
from app.domain.pairs.models import OPEN_STATUSES, GoalStatus, Pair, PairGoal, PairStatus
from app.domain.pairs.schemas import PairHealth
from app.domain.pairs.service import audit_read, load_pair
from app.domain.participants.models import Participant, ParticipantRole, ParticipantStatus
from app.domain.programs import access as program_access
from app.domain.programs import service as programs
from app.domain.programs.models import Objective, Program
from app.domain.progress import health as rules
from app.domain.progress.figures import (
    GoalFigures,
    LogFigures,
    counted_logs,
    goal_figures,
    health_figures,
    log_figures,
)
from app.domain.progress.models import FeedbackStage, PairFeedback
from app.domain.progress.schemas import (
    ConfidenceTrend,
    CountBy,
    FeedbackSummary,
    MonthSessions,
    ObjectiveCoverage,
    PairHealthRow,
    PairProgress,
    Participation,
    ProgramDashboard,
    Ratings,
    Satisfaction,
)
from app.domain.session_logs.models import SessionLog
from app.domain.support import meetings

EXPORT_BATCH = 500


def progress_of(
    pair: Pair,
    program_cadence: int | None,
    logs: LogFigures,
    goals: GoalFigures,
    now: datetime,
) -> PairProgress:
    figures = health_figures(pair, logs, program_cadence)
    until = pair.ended_at or now
    source = (
        "agreement" if pair.agreement_cadence_days else "program" if program_cadence else "default"
    )
    days_since = (
        round(rules.quiet_days(figures, now), 1) if logs.last_session_at is not None else None
    )
    return PairProgress(
        pair_id=pair.id,
        status=pair.status,
        health=rules.health(figures, now),
        cadence_days=figures.cadence_days,
        cadence_source=source,
        sessions=logs.sessions,
        minutes=logs.minutes,
        last_session_at=logs.last_session_at,
        days_since_last_session=days_since,
        cadence_adherence=rules.adherence(figures, until),
        goals_total=goals.total,
        goals_achieved=goals.achieved,
        mean_goal_progress=goals.mean_progress,
        mean_ratings=Ratings(mentor=logs.mean("mentor"), mentee=logs.mean("mentee")),
        open_action_items=logs.open_action_items,
        next_action_item_due=logs.next_due_on if logs.open_action_items else None,
    )


async def progress_for_pairs(
    session: AsyncSession,
    pairs: Sequence[Pair],
    now: datetime | None = None,
    *,
    programs_read: Sequence[Program] = (),
) -> dict[uuid.UUID, PairProgress]:
    """Progress of many pairs (of one organisation) in three queries; two when the
    caller has already read the pairs' programs (``programs_read``)."""
    if not pairs:
        return {}
    now = now or utcnow()
    organization_id = pairs[0].organization_id
    ids = [p.id for p in pairs]
    cadences = {program.id: program.cadence_days for program in programs_read}
    missing = {p.program_id for p in pairs} - cadences.keys()
    for program_id in list(missing):
        # Already loaded in this unit of work (with the pair, say): no need to ask again.
        known = session.identity_map.get(identity_key(Program, program_id))
        if known is not None:
            cadences[program_id] = known.cadence_days
            missing.discard(program_id)
    if missing:
        rows = await session.exec(
            select(Program.id, Program.cadence_days).where(col(Program.id).in_(missing))
        )
        cadences.update(rows.all())
    logs = await log_figures(session, organization_id, pair_ids=ids)
    goals = await goal_figures(session, organization_id, pair_ids=ids)
    return {
        p.id: progress_of(
            p,
            cadences.get(p.program_id),
            logs.get(p.id, LogFigures()),
            goals.get(p.id, GoalFigures()),
            now,
        )
        for p in pairs
    }


async def pair_progress(
    session: AsyncSession, principal: Principal, pair_id: uuid.UUID
) -> PairProgress:
    seen = await load_pair(session, principal, pair_id)
    await audit_read(session, principal, seen.pair, "pair_progress")
    found = await progress_for_pairs(session, [seen.pair], programs_read=[seen.program])
    return found[seen.pair.id]


async def _overseen_program(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID
) -> Program:
    program = await programs.get_program(session, principal, program_id)
    program_access.require_reads_mentoring(principal, program)
    return program


def _of_program(program: Program) -> SelectOfScalar[Pair]:
    return pair_statements.of_organization(program.organization_id).where(
        Pair.program_id == program.id
    )


async def _program_rows(
    session: AsyncSession, program: Program, now: datetime
) -> AsyncIterator[tuple[Pair, PairProgress]]:
    """Every pair of the program with its progress, a batch of pairs at a time."""
    last: uuid.UUID | None = None
    while True:
        statement = _of_program(program)
        if last is not None:
            statement = statement.where(col(Pair.id) > last)
        pairs = list(
            (await session.exec(statement.order_by(col(Pair.id)).limit(EXPORT_BATCH))).all()
        )
        if not pairs:
            return
        found = await progress_for_pairs(session, pairs, now)
        for pair in pairs:
            yield pair, found[pair.id]
        if len(pairs) < EXPORT_BATCH:
            return
        last = pairs[-1].id


def health_row(pair: Pair, progress: PairProgress) -> PairHealthRow:
    return PairHealthRow(
        pair_id=pair.id,
        mentor_employee_id=pair.mentor_employee_id,
        mentee_employee_id=pair.mentee_employee_id,
        status=pair.status,
        health=progress.health,
        sessions=progress.sessions,
        minutes=progress.minutes,
        last_session_at=progress.last_session_at,
        days_since_last_session=progress.days_since_last_session,
        cadence_days=progress.cadence_days,
        cadence_adherence=progress.cadence_adherence,
        goals_achieved=progress.goals_achieved,
        goals_total=progress.goals_total,
        open_action_items=progress.open_action_items,
    )


async def export_pair_health(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID
) -> AsyncIterator[PairHealthRow]:
    """The program's pairs with their health, for the CSV export (checked before it starts)."""
    program = await _overseen_program(session, principal, program_id)
    await programs_audit(session, principal, program, "program_dashboard.export")

    async def rows() -> AsyncIterator[PairHealthRow]:
        async for pair, progress in _program_rows(session, program, utcnow()):
            yield health_row(pair, progress)

    return rows()


async def programs_audit(
    session: AsyncSession, principal: Principal, program: Program, action: str
) -> None:
    await audit.record(session, principal, action, "program", program.id)


async def program_dashboard(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID
) -> ProgramDashboard:
    program = await _overseen_program(session, principal, program_id)
    await programs_audit(session, principal, program, "program_dashboard.read")
    now = utcnow()
    # One grouped pass over the program's logs feeds health, participation and ratings.
    logs = await log_figures(session, program.organization_id, program_id=program.id)
    return ProgramDashboard(
        program_id=program.id,
        generated_at=now,
        pairs_by_status=await _pairs_by_status(session, program),
        pairs_by_health=await _pairs_by_health(session, program, logs, now),
        sessions_per_month=await _sessions_per_month(session, program),
        objective_coverage=await _objective_coverage(session, program),
        participation=await _participation(session, program, logs),
        satisfaction=await _satisfaction(session, program, logs),
        mentor_confidence=await _mentor_confidence(session, principal, program),
    )


async def _mentor_confidence(
    session: AsyncSession, principal: Principal, program: Program
) -> ConfidenceTrend:
    summary = await meetings.confidence_summary(session, principal, program.id)
    return ConfidenceTrend(
        mentors_reporting=summary.mentors_reporting,
        average_first=summary.average_first,
        average_latest=summary.average_latest,
        mentors_improved=summary.mentors_improved,
        mentors_declined=summary.mentors_declined,
    )


async def _pairs_by_status(session: AsyncSession, program: Program) -> list[CountBy]:
    rows = await session.exec(
        pair_statements.in_organization(select(Pair.status, func.count()), program.organization_id)
        .where(Pair.program_id == program.id)
        .group_by(col(Pair.status))
    )
    found = {str(status): int(count) for status, count in rows.all()}
    return [CountBy(key=s.value, count=found.get(s.value, 0)) for s in PairStatus]


async def _pairs_by_health(
    session: AsyncSession, program: Program, logs: dict[uuid.UUID, LogFigures], now: datetime
) -> list[CountBy]:
    """Live health of the active pairs: their figures grouped in the database, rules here."""
    pairs = list(
        (
            await session.exec(_of_program(program).where(Pair.status == PairStatus.ACTIVE.value))
        ).all()
    )
    counts = dict.fromkeys(PairHealth, 0)
    for pair in pairs:
        figures = health_figures(pair, logs.get(pair.id, LogFigures()), program.cadence_days)
        found = rules.health(figures, now)
        if found is not None:
            counts[found] += 1
    return [CountBy(key=h.value, count=n) for h, n in counts.items()]


async def _sessions_per_month(session: AsyncSession, program: Program) -> list[MonthSessions]:
    month = year_month(col(SessionLog.held_at))
    rows = await session.exec(
        select(month, func.count(), func.coalesce(func.sum(SessionLog.duration_minutes), 0))
        .where(
            SessionLog.organization_id == program.organization_id,
            SessionLog.program_id == program.id,
            *counted_logs(),
        )
        .group_by(month)
        .order_by(month)
    )
    return [MonthSessions(month=m, sessions=int(n), minutes=int(t)) for m, n, t in rows.all()]


async def _objective_coverage(session: AsyncSession, program: Program) -> list[ObjectiveCoverage]:
    objectives = (
        await session.exec(
            select(Objective)
            .where(Objective.program_id == program.id)
            .order_by(col(Objective.position), col(Objective.id))
        )
    ).all()
    achieved = func.sum(case((col(PairGoal.status) == GoalStatus.ACHIEVED.value, 1), else_=0))
    rows = await session.exec(
        select(
            PairGoal.objective_id,
            func.count(distinct(col(PairGoal.pair_id))),
            func.count(),
            func.coalesce(achieved, 0),
        )
        .where(
            PairGoal.organization_id == program.organization_id,
            PairGoal.program_id == program.id,
            col(PairGoal.objective_id).is_not(None),
        )
        .group_by(col(PairGoal.objective_id))
    )
    found = {row[0]: row[1:] for row in rows.all()}
    return [
        ObjectiveCoverage(
            objective_id=o.id,
            title=o.title,
            pairs_with_goals=int(found.get(o.id, (0, 0, 0))[0]),
            goals=int(found.get(o.id, (0, 0, 0))[1]),
            goals_achieved=int(found.get(o.id, (0, 0, 0))[2]),
        )
        for o in objectives
    ]


async def _participation(
    session: AsyncSession, program: Program, logs: dict[uuid.UUID, LogFigures]
) -> Participation:
    open_values = [s.value for s in OPEN_STATUSES]
    approved = dict(
        (
            await session.exec(
                select(Participant.role, func.count())
                .where(
                    Participant.organization_id == program.organization_id,
                    Participant.program_id == program.id,
                    Participant.status == ParticipantStatus.APPROVED.value,
                )
                .group_by(col(Participant.role))
            )
        ).all()
    )
    open_pairs = _of_program(program).where(col(Pair.status).in_(open_values))
    pairs = list((await session.exec(open_pairs)).all())
    mentors = {p.mentor_id for p in pairs}
    mentees = {p.mentee_id for p in pairs}
    with_sessions = {pair_id for pair_id, figures in logs.items() if figures.sessions}
    mentor_count = int(approved.get(ParticipantRole.MENTOR.value, 0))
    mentee_count = int(approved.get(ParticipantRole.MENTEE.value, 0))
    paired_approved = (
        dict(
            (
                await session.exec(
                    select(Participant.role, func.count())
                    .where(
                        Participant.program_id == program.id,
                        Participant.status == ParticipantStatus.APPROVED.value,
                        col(Participant.id).in_(mentors | mentees),
                    )
                    .group_by(col(Participant.role))
                )
            ).all()
        )
        if pairs
        else {}
    )
    paired_mentors = int(paired_approved.get(ParticipantRole.MENTOR.value, 0))
    paired_mentees = int(paired_approved.get(ParticipantRole.MENTEE.value, 0))
    return Participation(
        mentors=mentor_count,
        mentees=mentee_count,
        paired_mentors=paired_mentors,
        paired_mentees=paired_mentees,
        unmatched_mentors=mentor_count - paired_mentors,
        unmatched_mentees=mentee_count - paired_mentees,
        open_pairs_with_sessions=sum(1 for p in pairs if p.id in with_sessions),
        open_pairs=len(pairs),
    )


async def _satisfaction(
    session: AsyncSession, program: Program, logs: dict[uuid.UUID, LogFigures]
) -> Satisfaction:
    total = LogFigures()
    for figures in logs.values():
        total.mentor_rating_sum += figures.mentor_rating_sum
        total.mentor_ratings += figures.mentor_ratings
        total.mentee_rating_sum += figures.mentee_rating_sum
        total.mentee_ratings += figures.mentee_ratings
    promoters = func.sum(case((col(PairFeedback.would_recommend) >= 9, 1), else_=0))
    detractors = func.sum(case((col(PairFeedback.would_recommend) <= 6, 1), else_=0))
    rows = await session.exec(
        select(  # type: ignore[call-overload]  # more columns than typed overloads
            col(PairFeedback.stage),
            func.count(),
            func.avg(col(PairFeedback.rating)),
            func.avg(col(PairFeedback.would_recommend)),
            promoters,
            detractors,
        )
        .where(
            PairFeedback.organization_id == program.organization_id,
            PairFeedback.program_id == program.id,
        )
        .group_by(col(PairFeedback.stage))
    )
    found = {str(row[0]): row[1:] for row in rows.all()}
    summaries = []
    for stage in FeedbackStage:
        count, rating, recommend, promoted, detracted = found.get(
            stage.value, (0, None, None, 0, 0)
        )
        summaries.append(
            FeedbackSummary(
                stage=stage.value,
                responses=int(count),
                mean_rating=_round(rating),
                mean_would_recommend=_round(recommend),
                net_promoter_score=round(100 * (int(promoted) - int(detracted)) / count, 1)
                if count
                else None,
            )
        )
    return Satisfaction(
        session_ratings=Ratings(mentor=total.mean("mentor"), mentee=total.mean("mentee")),
        feedback=summaries,
    )


def _round(value: object) -> float | None:
    return None if value is None else round(float(value), 2)  # type: ignore[arg-type]

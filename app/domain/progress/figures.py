"""Per-pair figures from session logs and goals, for a page of pairs or a whole program.

Each figure is one grouped query, whatever the number of pairs, so a dashboard of a
program with 100,000 logs reads them in the database, not in Python.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, bindparam, case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.pairs.models import GoalStatus, Pair, PairGoal, PairStatus
from app.domain.progress import health as rules
from app.domain.session_logs.models import LogStatus, SessionLog


@dataclass(slots=True)
class LogFigures:
    sessions: int = 0
    minutes: int = 0
    last_session_at: datetime | None = None
    mentor_rating_sum: int = 0
    mentor_ratings: int = 0
    mentee_rating_sum: int = 0
    mentee_ratings: int = 0
    open_action_items: int = 0
    next_due_on: date | None = None

    def mean(self, side: str) -> float | None:
        total = getattr(self, f"{side}_rating_sum")
        count = getattr(self, f"{side}_ratings")
        return round(total / count, 2) if count else None

    @property
    def mean_rating(self) -> float | None:
        count = self.mentor_ratings + self.mentee_ratings
        if not count:
            return None
        return round((self.mentor_rating_sum + self.mentee_rating_sum) / count, 2)


@dataclass(slots=True)
class GoalFigures:
    total: int = 0
    achieved: int = 0
    progress_sum: int = 0

    @property
    def mean_progress(self) -> float | None:
        return round(self.progress_sum / self.total, 1) if self.total else None


def counted_logs() -> list[ColumnElement[bool]]:
    """Logs that count toward progress: not deleted, not disputed."""
    return [col(SessionLog.deleted_at).is_(None), col(SessionLog.status) != LogStatus.DISPUTED]


@cache
def _log_figures_statement(by_pairs: bool, by_program: bool) -> Any:
    """Built once per shape and reused: the figures are read on every progress request, and
    building the expression costs more than running it. Values go in as bound parameters."""
    statement = select(  # type: ignore[call-overload]  # more columns than typed overloads
        col(SessionLog.pair_id),
        func.count(),
        func.coalesce(func.sum(col(SessionLog.duration_minutes)), 0),
        func.max(col(SessionLog.held_at)),
        func.coalesce(func.sum(col(SessionLog.mentor_rating)), 0),
        func.count(col(SessionLog.mentor_rating)),
        func.coalesce(func.sum(col(SessionLog.mentee_rating)), 0),
        func.count(col(SessionLog.mentee_rating)),
        func.coalesce(func.sum(col(SessionLog.open_action_items)), 0),
        func.min(col(SessionLog.next_due_on)),
    ).where(SessionLog.organization_id == bindparam("organization_id"), *counted_logs())
    if by_pairs:
        statement = statement.where(
            col(SessionLog.pair_id).in_(bindparam("pair_ids", expanding=True))
        )
    if by_program:
        statement = statement.where(SessionLog.program_id == bindparam("program_id"))
    return statement.group_by(col(SessionLog.pair_id))


@cache
def _goal_figures_statement(by_pairs: bool, by_program: bool) -> Any:
    achieved = func.sum(case((col(PairGoal.status) == GoalStatus.ACHIEVED.value, 1), else_=0))
    statement = select(
        PairGoal.pair_id, func.count(), func.coalesce(achieved, 0), func.sum(PairGoal.progress)
    ).where(PairGoal.organization_id == bindparam("organization_id"))
    if by_pairs:
        statement = statement.where(
            col(PairGoal.pair_id).in_(bindparam("pair_ids", expanding=True))
        )
    if by_program:
        statement = statement.where(PairGoal.program_id == bindparam("program_id"))
    return statement.group_by(col(PairGoal.pair_id))


def _filters(
    organization_id: uuid.UUID,
    pair_ids: Sequence[uuid.UUID] | None,
    program_id: uuid.UUID | None,
) -> dict[str, Any]:
    params: dict[str, Any] = {"organization_id": organization_id}
    if pair_ids is not None:
        params["pair_ids"] = list(pair_ids)
    if program_id is not None:
        params["program_id"] = program_id
    return params


async def log_figures(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    pair_ids: Sequence[uuid.UUID] | None = None,
    program_id: uuid.UUID | None = None,
) -> dict[uuid.UUID, LogFigures]:
    statement = _log_figures_statement(pair_ids is not None, program_id is not None)
    rows = await session.exec(statement, params=_filters(organization_id, pair_ids, program_id))
    return {
        row[0]: LogFigures(
            sessions=int(row[1]),
            minutes=int(row[2]),
            last_session_at=row[3],
            mentor_rating_sum=int(row[4]),
            mentor_ratings=int(row[5]),
            mentee_rating_sum=int(row[6]),
            mentee_ratings=int(row[7]),
            open_action_items=int(row[8]),
            next_due_on=row[9],
        )
        for row in rows.all()
    }


async def goal_figures(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    pair_ids: Sequence[uuid.UUID] | None = None,
    program_id: uuid.UUID | None = None,
) -> dict[uuid.UUID, GoalFigures]:
    statement = _goal_figures_statement(pair_ids is not None, program_id is not None)
    rows = await session.exec(statement, params=_filters(organization_id, pair_ids, program_id))
    return {
        row[0]: GoalFigures(total=int(row[1]), achieved=int(row[2]), progress_sum=int(row[3] or 0))
        for row in rows.all()
    }


def _midnight(day: date) -> datetime:
    from datetime import UTC, time

    return datetime.combine(day, time(), tzinfo=UTC)


def health_figures(
    pair: Pair, logs: LogFigures, program_cadence: int | None
) -> rules.HealthFigures:
    start = pair.started_on or pair.agreement_starts_on
    return rules.HealthFigures(
        active=pair.status == PairStatus.ACTIVE,
        cadence_days=rules.cadence(pair.agreement_cadence_days, program_cadence),
        started_at=_midnight(start) if start is not None else pair.created_at,
        last_session_at=logs.last_session_at,
        sessions=logs.sessions,
        next_due_on=logs.next_due_on if logs.open_action_items else None,
        mean_rating=logs.mean_rating,
    )

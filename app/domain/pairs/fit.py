"""The fit check: after a pair's first confirmed session, each side says once whether the
pair fits (``good_fit``, ``unsure``, ``not_a_fit``), with a note for the program's managers.

- A side reads its own answer and whether the other side answered; the program's managers
  (and administrators) read both answers with their notes, ``read`` keys both answers
  without notes; reads by anyone but the pair's people are audited.
- ``not_a_fit`` from either side ends the pair as ``mismatch`` through the door, which gives
  the seats back (both people are matchable again with their profiles) and records them as
  not to be paired again. Nothing says who: the event has no actor and no note, and once the
  pair ended so, a side no longer sees whether the other answered.
- A manager marks a mismatch reviewed; ``fit_checks_due`` and ``mismatch_reviews`` list,
  with one statement each, what is left to do across an organisation.
"""

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import and_, col, exists, func, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain.access.principal import Principal
from app.domain.errors import Conflict
from app.domain.pairs import access, repository
from app.domain.pairs.access import Side
from app.domain.pairs.models import (
    EndReason,
    FitAnswer,
    Pair,
    PairAvoidance,
    PairFitCheck,
    PairStatus,
)
from app.domain.pairs.schemas import FitCheckRead, FitCheckSideRead, FitCheckWrite
from app.domain.pairs.service import SeenPair, audit_read, end_as_mismatch, load_pair
from app.domain.programs import access as program_access
from app.domain.programs.models import Program, ProgramManager
from app.domain.session_logs.models import LogStatus, SessionLog

ANSWERABLE = frozenset({PairStatus.ACTIVE, PairStatus.PAUSED})


@dataclass(frozen=True, slots=True)
class FitCheckDue:
    """A side of a pair that has not answered its fit check, due since ``since``."""

    pair_id: uuid.UUID
    program_id: uuid.UUID
    employee_id: uuid.UUID
    side: Side
    since: datetime
    organization_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class MismatchReview:
    """A pair that ended as not a fit, waiting for a manager's review since ``since``."""

    pair_id: uuid.UUID
    program_id: uuid.UUID
    since: datetime
    organization_id: uuid.UUID


def _first_confirmed(  # type: ignore[no-untyped-def]
    organization_id: uuid.UUID | None,
    now: datetime | None = None,
    pair_ids: Collection[uuid.UUID] | None = None,
):
    """When each pair's first session was confirmed (logs not deleted), as a subquery (of
    ``pair_ids`` only when given, so that a few pairs' fit checks read only their logs)."""
    statement: Any = select(
        col(SessionLog.pair_id).label("pair_id"),
        func.min(SessionLog.responded_at).label("since"),
    ).where(
        *([] if organization_id is None else [SessionLog.organization_id == organization_id]),
        SessionLog.status == LogStatus.CONFIRMED.value,
        col(SessionLog.deleted_at).is_(None),
        col(SessionLog.responded_at).is_not(None),
    )
    if now is not None:
        statement = statement.where(col(SessionLog.responded_at) <= now)
    if pair_ids is not None:
        statement = statement.where(col(SessionLog.pair_id).in_(list(pair_ids)))
    return statement.group_by(col(SessionLog.pair_id)).subquery()


@dataclass
class _Facts:
    """What the fit checks of some pairs are made of, read with one statement each."""

    answers: dict[uuid.UUID, dict[Side, PairFitCheck]]
    since: dict[uuid.UUID, datetime]
    reviews: dict[uuid.UUID, PairAvoidance]


async def _facts(
    session: AsyncSession, organization_id: uuid.UUID, pair_ids: Collection[uuid.UUID]
) -> _Facts:
    ids = list(pair_ids)
    answers: dict[uuid.UUID, dict[Side, PairFitCheck]] = {i: {} for i in ids}
    rows = await session.exec(
        select(PairFitCheck).where(
            PairFitCheck.organization_id == organization_id, col(PairFitCheck.pair_id).in_(ids)
        )
    )
    for row in rows.all():
        answers[row.pair_id][Side(row.side)] = row
    first = _first_confirmed(organization_id, pair_ids=ids)
    found = await session.exec(select(first.c.pair_id, first.c.since))
    reviews = await session.exec(
        select(PairAvoidance).where(
            PairAvoidance.organization_id == organization_id, col(PairAvoidance.pair_id).in_(ids)
        )
    )
    return _Facts(
        answers=answers,
        since=dict(found.all()),
        reviews={r.pair_id: r for r in reviews.all() if r.pair_id is not None},
    )


def _side_view(
    side: Side,
    answer: PairFitCheck | None,
    *,
    yours: bool,
    sees_answers: bool,
    sees_notes: bool,
    hide_answered: bool,
) -> FitCheckSideRead:
    shown = answer if (yours or sees_answers) else None
    return FitCheckSideRead(
        side=side.value,
        answered=None if hide_answered else answer is not None,
        answer=FitAnswer(shown.answer) if shown else None,
        note=shown.note if shown and (yours or sees_notes) else None,
        answered_at=shown.created_at if shown else None,
    )


def _view(principal: Principal, pair: Pair, program: Program, facts: _Facts) -> FitCheckRead:
    mine = access.side_of(principal, pair)
    answers = facts.answers.get(pair.id, {})
    since = facts.since.get(pair.id)
    reads = mine is None and program_access.reads_mentoring(principal, program)
    notes = mine is None and program_access.manages(principal, program)
    # Once the pair ended as not a fit, whether the other side answered would say who did.
    mismatch = pair.end_reason == EndReason.MISMATCH
    review = facts.reviews.get(pair.id) if reads else None
    views = {
        side: _side_view(
            side,
            answers.get(side),
            yours=side == mine,
            sees_answers=reads,
            sees_notes=notes,
            hide_answered=mismatch and mine is not None and side != mine,
        )
        for side in Side
    }
    return FitCheckRead(
        pair_id=pair.id,
        due_since=since,
        open=mine is not None
        and since is not None
        and PairStatus(pair.status) in ANSWERABLE
        and mine not in answers,
        your_side=mine.value if mine else None,
        mentor=views[Side.MENTOR],
        mentee=views[Side.MENTEE],
        mismatch_reviewed_at=review.reviewed_at if review else None,
    )


async def fit_checks_of(
    session: AsyncSession, principal: Principal, pairs: Sequence[Pair]
) -> dict[uuid.UUID, FitCheckRead]:
    """The fit checks of pairs the caller may see, as they may see them: a constant number
    of statements whatever the number of pairs; reads by others than a pair's people are
    audited."""
    if not pairs:
        return {}
    programs = {
        program.id: program
        for program in (
            await session.exec(
                select(Program).where(
                    Program.organization_id == principal.organization_id,
                    col(Program.id).in_({p.program_id for p in pairs}),
                )
            )
        ).all()
    }
    facts = await _facts(session, principal.organization_id, [p.id for p in pairs])
    for pair in pairs:
        if access.side_of(principal, pair) is None:
            await audit_read(session, principal, pair, "pair_fit_check")
    return {p.id: _view(principal, p, programs[p.program_id], facts) for p in pairs}


async def _seen_view(session: AsyncSession, principal: Principal, seen: SeenPair) -> FitCheckRead:
    facts = await _facts(session, principal.organization_id, [seen.pair.id])
    return _view(principal, seen.pair, seen.program, facts)


async def read_fit_check(
    session: AsyncSession, principal: Principal, pair_id: uuid.UUID
) -> FitCheckRead:
    """The pair's fit check as the caller may see it (managers' and readers' reads audited)."""
    seen = await load_pair(session, principal, pair_id)
    return (await fit_checks_of(session, principal, [seen.pair]))[seen.pair.id]


async def answer_fit_check(
    session: AsyncSession, principal: Principal, pair_id: uuid.UUID, data: FitCheckWrite
) -> FitCheckRead:
    """The caller's side answers, once; the same answer again changes nothing, another one
    is refused (409 ``fit_check_answered``). ``not_a_fit`` ends the pair as ``mismatch``."""
    seen = await load_pair(session, principal, pair_id, lock=True)
    pair = seen.pair
    side = access.require_side(principal, pair, "answer their pair's fit check")
    facts = await _facts(session, principal.organization_id, [pair.id])
    given = facts.answers[pair.id].get(side)
    if given is not None:
        if given.answer == data.answer and given.note == data.note:
            return _view(principal, pair, seen.program, facts)
        raise Conflict(
            "Your side already answered this pair's fit check.", code="fit_check_answered"
        )
    if PairStatus(pair.status) not in ANSWERABLE:
        raise Conflict(
            f"The pair is {pair.status}; only an active or paused pair takes a fit check.",
            code="pair_not_open",
        )
    if pair.id not in facts.since:
        raise Conflict(
            "The fit check opens after the pair's first confirmed session.",
            code="fit_check_not_due",
        )
    assert principal.employee_id is not None
    check = PairFitCheck(
        organization_id=pair.organization_id,
        pair_id=pair.id,
        program_id=pair.program_id,
        employee_id=principal.employee_id,
        side=side.value,
        answer=data.answer,
        note=data.note,
    )
    try:
        async with session.begin_nested():
            session.add(check)
            await session.flush()
    except IntegrityError as exc:
        raise Conflict(
            "Your side already answered this pair's fit check.", code="fit_check_answered"
        ) from exc
    if data.answer == FitAnswer.NOT_A_FIT:
        await end_as_mismatch(session, pair)
    return await _seen_view(session, principal, seen)


async def review_mismatch(
    session: AsyncSession, principal: Principal, pair_id: uuid.UUID
) -> FitCheckRead:
    """A manager of the program marks the pair's ending as not a fit reviewed (idempotent)."""
    seen = await load_pair(session, principal, pair_id, lock=True)
    program_access.require_manage(principal, seen.program)
    found = await session.exec(
        select(PairAvoidance).where(
            PairAvoidance.organization_id == seen.pair.organization_id,
            PairAvoidance.pair_id == seen.pair.id,
        )
    )
    review = found.first()
    if review is None:
        raise Conflict(
            "The pair did not end as not a fit; there is nothing to review.",
            code="no_mismatch_to_review",
        )
    if review.reviewed_at is None:
        review.reviewed_at = utcnow()
        review.reviewed_by = principal.actor
        await session.flush()
    # The answer shows the notes: a read like any other, audited.
    return (await fit_checks_of(session, principal, [seen.pair]))[seen.pair.id]


async def fit_checks_due(
    session: AsyncSession,
    organization_id: uuid.UUID | None,
    now: datetime,
    *,
    employee_id: uuid.UUID | None = None,
) -> list[FitCheckDue]:
    """Every side of an open pair of the organisation (of all, for ``None``) that has not
    answered its fit check, the pair's first session being confirmed by ``now``; only
    ``employee_id``'s own sides when given: one statement."""
    first = _first_confirmed(organization_id, now)

    def answered(side: Side):  # type: ignore[no-untyped-def]
        return exists().where(
            and_(col(PairFitCheck.pair_id) == col(Pair.id), col(PairFitCheck.side) == side.value)
        )

    statement = (
        select(  # type: ignore[call-overload]
            Pair.id,
            Pair.program_id,
            Pair.mentor_employee_id,
            Pair.mentee_employee_id,
            first.c.since,
            answered(Side.MENTOR),
            answered(Side.MENTEE),
            Pair.organization_id,
        )
        .join(first, first.c.pair_id == col(Pair.id))
        .where(
            *(
                []
                if employee_id is None
                else [
                    or_(
                        col(Pair.mentor_employee_id) == employee_id,
                        col(Pair.mentee_employee_id) == employee_id,
                    )
                ]
            ),
            col(Pair.status).in_([s.value for s in ANSWERABLE]),
        )
        .order_by(first.c.since, col(Pair.id))
    )
    if organization_id is not None:
        statement = repository.in_organization(statement, organization_id)
    rows = await session.exec(statement)
    due: list[FitCheckDue] = []
    for pair_id, program_id, mentor, mentee, since, mentor_done, mentee_done, org in rows.all():
        for side, person, done in (
            (Side.MENTOR, mentor, mentor_done),
            (Side.MENTEE, mentee, mentee_done),
        ):
            if not done and employee_id in (None, person):
                due.append(FitCheckDue(pair_id, program_id, person, side, since, org))
    return due


def _waiting_reviews(organization_id: uuid.UUID | None) -> list[Any]:
    return [
        *([] if organization_id is None else [PairAvoidance.organization_id == organization_id]),
        col(PairAvoidance.reviewed_at).is_(None),
        col(PairAvoidance.pair_id).is_not(None),
        col(PairAvoidance.program_id).is_not(None),
    ]


async def mismatch_reviews(
    session: AsyncSession, organization_id: uuid.UUID | None
) -> list[MismatchReview]:
    """Pairs of the organisation (of all, for ``None``) that ended as not a fit and wait for
    a manager's review: one statement."""
    rows = await session.exec(
        select(
            PairAvoidance.pair_id,
            PairAvoidance.program_id,
            PairAvoidance.created_at,
            PairAvoidance.organization_id,
        )
        .where(*_waiting_reviews(organization_id))
        .order_by(col(PairAvoidance.created_at), col(PairAvoidance.id))
    )
    return [
        MismatchReview(pair_id, program_id, since, org)
        for pair_id, program_id, since, org in rows.all()
        if pair_id is not None and program_id is not None
    ]


async def mismatch_reviews_by_manager(
    session: AsyncSession, organization_id: uuid.UUID | None, manager_id: uuid.UUID | None
) -> list[tuple[MismatchReview, uuid.UUID]]:
    """The reviews of :func:`mismatch_reviews` with each manager of the pair's program (only
    ``manager_id``'s when given): one statement."""
    rows = await session.exec(
        select(  # type: ignore[call-overload]
            PairAvoidance.pair_id,
            PairAvoidance.program_id,
            PairAvoidance.created_at,
            PairAvoidance.organization_id,
            ProgramManager.employee_id,
        )
        .join(ProgramManager, col(ProgramManager.program_id) == col(PairAvoidance.program_id))
        .where(
            *_waiting_reviews(organization_id),
            *([] if manager_id is None else [col(ProgramManager.employee_id) == manager_id]),
        )
        .order_by(col(PairAvoidance.created_at), col(PairAvoidance.id))
    )
    return [
        (MismatchReview(pair_id, program_id, since, org), manager)
        for pair_id, program_id, since, org, manager in rows.all()
    ]


__all__ = [
    "FitCheckDue",
    "MismatchReview",
    "answer_fit_check",
    "fit_checks_due",
    "fit_checks_of",
    "mismatch_reviews",
    "mismatch_reviews_by_manager",
    "read_fit_check",
    "review_mismatch",
]

"""The one door that opens a pair, and the seats an open pair holds until it ends.

Every path that forms a pair (a manager pairing people by hand, accepting a matching run's
proposals, a mentor accepting a mentee's request) comes through ``open_pairs``. It checks,
with the directory and the profiles as they are now, what makes a pair possible at all:

- a mentor and a mentee of the program, both approved and both active employees;
- no hard exclusion (the same reporting line, someone they asked to avoid, a pair they had
  before, two people whose pair ended as not a fit, no shared language, the program's
  thresholds: app/domain/participants/fit.py);
- a free seat: a mentee holds one open pair, a mentor at most their capacity.

Seats are unique per participant, so the database itself refuses a second open pair for a
mentee or a mentor beyond their capacity, even when two requests race; ending a pair
(``close_pair``) gives its seats back. A pair that ends as ``mismatch`` records its two
people as a ``PairAvoidance``, which every later pairing (this door, matching runs, a
mentee's suggestions) reads as a hard exclusion, whichever roles they would take. No other
code creates a ``Pair`` or a ``PairSeat`` (tests/domain/test_layering.py holds the repository
to that).
"""

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain.employees.models import Employee, EmployeeStatus
from app.domain.errors import Conflict
from app.domain.pairs import repository
from app.domain.pairs.models import (
    OPEN_STATUSES,
    EndReason,
    Pair,
    PairAvoidance,
    PairOrigin,
    PairSeat,
    PairStatus,
)
from app.domain.participants import fit
from app.domain.participants.explanations import Explanation
from app.domain.participants.models import Participant, ParticipantRole, ParticipantStatus
from app.domain.programs.models import Program


def mentor_capacity(mentor: Participant, program: Program) -> int:
    return mentor.capacity if mentor.capacity is not None else program.default_mentor_capacity


@dataclass(frozen=True)
class PairOpening:
    """A pair to open. ``score`` and ``explanation`` keep what the proposal or request was
    shown with; omitted, the pair is scored and explained as it is opened."""

    mentor: Participant
    mentee: Participant
    origin: PairOrigin
    status: PairStatus = PairStatus.PROPOSED
    score: float | None = None
    explanation: dict[str, Any] | None = None
    matching_run_id: uuid.UUID | None = None


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
    """Open one pair through the door (see ``open_pairs``)."""
    opening = PairOpening(mentor, mentee, origin, status, score, explanation, matching_run_id)
    return (await open_pairs(session, program, [opening]))[0]


async def open_pairs(
    session: AsyncSession, program: Program, openings: Sequence[PairOpening]
) -> list[Pair]:
    """Open each pair, in order, or raise ``Conflict`` for the first that may not open.

    The caller's transaction makes it all or none. The directory, the profiles and the
    history are read once for all the pairs.
    """
    for opening in openings:
        _check_sides(program, opening.mentor, opening.mentee)
    verdicts = await _judge(session, program, openings)
    pairs = []
    for opening, verdict in zip(openings, verdicts, strict=True):
        if not verdict.eligible:
            raise excluded(verdict, opening.mentee, opening.mentor)
        pairs.append(await _take_seats(session, program, opening, verdict))
    return pairs


def excluded(verdict: Explanation, mentee: Participant, mentor: Participant) -> Conflict:
    """The answer to a pair a hard exclusion refuses: 409 with the reason and its code."""
    return Conflict(
        f"This pair is excluded: {verdict.ineligible_reason}.",
        code="pair_ineligible",
        reason=verdict.ineligible_reason,
        reason_code=verdict.ineligible_code,
        mentee_id=str(mentee.id),
        mentor_id=str(mentor.id),
    )


def _check_sides(program: Program, mentor: Participant, mentee: Participant) -> None:
    if mentor.role != ParticipantRole.MENTOR or mentee.role != ParticipantRole.MENTEE:
        raise Conflict("A pair needs a mentor and a mentee.", code="pair_roles")
    if mentor.program_id != program.id or mentee.program_id != program.id:
        raise Conflict("Both participants must be enrolled in the program.", code="pair_program")
    for side in (mentor, mentee):
        if side.status != ParticipantStatus.APPROVED:
            raise Conflict(
                f"The {side.role} is {side.status}; only approved participants are paired.",
                code="participant_not_approved",
                participant_id=str(side.id),
            )


async def _judge(
    session: AsyncSession, program: Program, openings: Sequence[PairOpening]
) -> list[Explanation]:
    """Each pair scored and checked against the hard exclusions, with today's data."""
    if not openings:
        return []
    people = {p.employee_id for o in openings for p in (o.mentor, o.mentee)}
    employees = {
        e.id: e
        for e in (
            await session.exec(
                select(Employee).where(
                    Employee.organization_id == program.organization_id,
                    col(Employee.id).in_(people),
                )
            )
        ).all()
    }
    if any(
        employees.get(e) is None or employees[e].status != EmployeeStatus.ACTIVE for e in people
    ):
        raise Conflict(
            "Both people must be approved and active employees.", code="employee_not_active"
        )
    chains = await fit.reporting_chains(session, program.organization_id, people)
    pairs = {(o.mentee.employee_id, o.mentor.employee_id) for o in openings}
    history = await session.exec(
        repository.in_organization(
            select(Pair.mentee_employee_id, Pair.mentor_employee_id), program.organization_id
        ).where(
            col(Pair.mentee_employee_id).in_({mentee for mentee, _ in pairs}),
            col(Pair.mentor_employee_id).in_({mentor for _, mentor in pairs}),
            # An open pair of the same two is this pair already: the seats answer that.
            col(Pair.status).not_in([s.value for s in OPEN_STATUSES]),
        )
    )
    previous: fit.PairHistory = frozenset((a, b) for a, b in history.all() if (a, b) in pairs)
    rules = await fit.fit_rules(session, program)
    not_a_fit = await avoided_pairs(session, program.organization_id, people)
    verdicts = []
    for opening in openings:
        mentee = fit.candidate(opening.mentee, employees[opening.mentee.employee_id], chains, 1)
        mentor = fit.candidate(
            opening.mentor,
            employees[opening.mentor.employee_id],
            chains,
            mentor_capacity(opening.mentor, program),
        )
        verdicts.append(fit.judge(rules, mentee, mentor, previous, not_a_fit))
    return verdicts


async def _take_seats(
    session: AsyncSession, program: Program, opening: PairOpening, verdict: Explanation
) -> Pair:
    """Create the pair holding a seat of each side, or raise ``Conflict`` when one is full.

    The seats' unique constraint decides races: of two requests taking the last seat, the
    second fails here with a Conflict, whatever the first one checked.
    """
    mentor, mentee = opening.mentor, opening.mentee
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
    explanation = opening.explanation
    score = opening.score
    if explanation is None:
        explanation = fit.explanation_document(verdict)
        score = verdict.score if score is None else score
    pair = Pair(
        organization_id=program.organization_id,
        program_id=program.id,
        mentor_id=mentor.id,
        mentee_id=mentee.id,
        mentor_employee_id=mentor.employee_id,
        mentee_employee_id=mentee.employee_id,
        status=opening.status,
        origin=opening.origin,
        score=score,
        explanation=explanation,
        matching_run_id=opening.matching_run_id,
        started_on=utcnow().date() if opening.status is PairStatus.ACTIVE else None,
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
    if reason == EndReason.MISMATCH:
        await _avoid(session, pair)
    await session.flush()
    return pair


def _ordered(a: uuid.UUID, b: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
    return (a, b) if str(a) < str(b) else (b, a)


async def _avoid(session: AsyncSession, pair: Pair) -> None:
    """Record the pair's two people as not to be paired again (once per two people)."""
    first, second = _ordered(pair.mentor_employee_id, pair.mentee_employee_id)
    known = await session.exec(
        select(PairAvoidance.id).where(
            PairAvoidance.organization_id == pair.organization_id,
            PairAvoidance.first_employee_id == first,
            PairAvoidance.second_employee_id == second,
        )
    )
    if known.first() is None:
        session.add(
            PairAvoidance(
                organization_id=pair.organization_id,
                first_employee_id=first,
                second_employee_id=second,
                pair_id=pair.id,
                program_id=pair.program_id,
                reason=EndReason.MISMATCH,
            )
        )


async def avoided_pairs(
    session: AsyncSession,
    organization_id: uuid.UUID,
    employee_ids: Collection[uuid.UUID] | None = None,
) -> frozenset[tuple[uuid.UUID, uuid.UUID]]:
    """The two people of each avoidance of the organisation (of ``employee_ids`` when given),
    as (first, second) employee ids; read as a hard exclusion in both roles."""
    statement = select(PairAvoidance.first_employee_id, PairAvoidance.second_employee_id).where(
        PairAvoidance.organization_id == organization_id
    )
    if employee_ids is not None:
        # The door asks about a handful of people; a whole pool reads them all (few rows).
        statement = statement.where(col(PairAvoidance.first_employee_id).in_(list(employee_ids)))
        statement = statement.where(col(PairAvoidance.second_employee_id).in_(list(employee_ids)))
    return frozenset((a, b) for a, b in (await session.exec(statement)).all())

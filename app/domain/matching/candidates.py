"""From the database to the scorer: candidates, the program's scoring settings, history.

Everything a matching run, a manual pair or a mentee's browsing needs is read here once, so
they all score a pair exactly the same way.
"""

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.employees.models import Employee, EmployeeStatus
from app.domain.pairs.models import Pair, PairSeat
from app.domain.pairs.seats import mentor_capacity
from app.domain.participants.explanations import Explanation, explain
from app.domain.participants.models import Participant, ParticipantRole, ParticipantStatus
from app.domain.participants.scoring import (
    WEEK_SLOTS,
    Candidate,
    Ineligible,
    ScoreMatrix,
    ScoringConfig,
    score_matrix,
)
from app.domain.programs.matching_settings import MatchingSettings
from app.domain.programs.models import Objective, ObjectiveCategory, Program


def scoring_config(program: Program, objectives: list[Objective]) -> ScoringConfig:
    """The program's matching settings on the scorer's scales (1-5 mindset, 0-100 score)."""
    settings = MatchingSettings.model_validate(program.matching_settings)
    threshold = math.ceil(1 + 4 * settings.mindset.threshold - 1e-9)
    return ScoringConfig(
        weight_learning=settings.mutual_learning.weight,
        weight_reverse=settings.reverse.weight,
        weight_mindset=settings.mindset.weight,
        weight_practical=settings.practical_fit.weight,
        weight_diversity=settings.diversity.weight,
        reverse_required=settings.reverse.hard,
        min_seniority_gap=settings.reverse.min_seniority_gap,
        require_common_language=settings.practical_fit.require_common_language,
        diversity_department=settings.diversity.prefer_other_department,
        diversity_location=settings.diversity.prefer_other_location,
        min_motivation=threshold,
        min_openness=threshold,
        min_score=round(settings.minimum_score * 100, 2),
        objective_tags=frozenset(tag for o in objectives for tag in o.topic_tags),
        diversity_objective=any(
            o.category == ObjectiveCategory.DIVERSITY_INCLUSION for o in objectives
        ),
    )


def _offset_hours(zone: str | None) -> float:
    try:
        offset = datetime.now(UTC).astimezone(ZoneInfo(zone or "UTC")).utcoffset()
    except (KeyError, ValueError):
        return 0.0
    return offset.total_seconds() / 3600 if offset is not None else 0.0


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def utc_slots(windows: list[dict[str, Any]], offset_hours: float) -> frozenset[int]:
    """Weekly local windows as the UTC half-hours of the week they cover."""
    slots: set[int] = set()
    shift = round(offset_hours * 2)
    for window in windows:
        first = int(window["day"]) * 48 + _minutes(window["start"]) // 30
        last = int(window["day"]) * 48 + math.ceil(_minutes(window["end"]) / 30)
        slots.update((slot - shift) % WEEK_SLOTS for slot in range(first, last))
    return frozenset(slots)


def manager_chains(
    links: dict[uuid.UUID, uuid.UUID | None],
) -> dict[uuid.UUID, frozenset[uuid.UUID]]:
    """Every employee's managers up the chain (cycles in bad HR data are cut)."""
    chains: dict[uuid.UUID, frozenset[uuid.UUID]] = {}
    for employee_id in links:
        seen: list[uuid.UUID] = []
        current = links.get(employee_id)
        while current is not None and current not in seen and current != employee_id:
            seen.append(current)
            current = links.get(current)
        chains[employee_id] = frozenset(seen)
    return chains


@dataclass
class Pool:
    """A program's participants as the scorer sees them, with what limits their pairing."""

    program: Program
    config: ScoringConfig
    settings: MatchingSettings
    participants: dict[uuid.UUID, Participant]
    candidates: dict[uuid.UUID, Candidate]  # by participant id, approved and active only
    inactive: list[Participant]  # approved, but their employee is no longer active
    seats_taken: dict[uuid.UUID, int]  # participant id -> open pairs held
    previous_pairs: frozenset[tuple[uuid.UUID, uuid.UUID]]  # (mentee, mentor) employee ids
    objective_tags: list[str] = field(default_factory=list)

    def free_seats(self, participant: Participant) -> int:
        if participant.role == ParticipantRole.MENTEE:
            return 0 if self.seats_taken.get(participant.id) else 1
        return max(
            0, mentor_capacity(participant, self.program) - self.seats_taken.get(participant.id, 0)
        )

    def score(self, mentees: list[Candidate], mentors: list[Candidate]) -> ScoreMatrix:
        matrix = score_matrix(mentees, mentors, self.config, self.previous_pairs)
        apply_program_rules(matrix, self.settings)
        return matrix


def apply_program_rules(matrix: ScoreMatrix, settings: MatchingSettings) -> None:
    """The program's hard limits the generic scorer does not know: a minimum share of the
    mentee's wanted topics the mentor must offer, and a maximum time-zone gap."""
    mentees: Sequence[Candidate] = matrix.mentees
    mentors: Sequence[Candidate] = matrix.mentors
    if not mentees or not mentors:
        return
    floor = settings.mutual_learning.min_topic_overlap
    if floor > 0:
        shares = np.array(
            [
                [
                    sum(1 for tag in e.learns if t.teaches.get(tag, 0) > 0) / len(e.learns)
                    if e.learns
                    else 1.0
                    for t in mentors
                ]
                for e in mentees
            ]
        )
        _mark(matrix, shares < floor - 1e-9, Ineligible.TOPIC_OVERLAP_LOW)
    gap = np.abs(
        np.array([c.utc_offset_hours for c in mentees])[:, None]
        - np.array([c.utc_offset_hours for c in mentors])[None, :]
    )
    _mark(matrix, gap > settings.practical_fit.max_timezone_gap_hours, Ineligible.TIMEZONE_GAP)


def _mark(matrix: ScoreMatrix, mask: Any, why: Ineligible) -> None:
    matrix.ineligible[(matrix.ineligible == Ineligible.ELIGIBLE) & mask] = why


def _candidate(
    participant: Participant,
    employee: Employee,
    chains: dict[uuid.UUID, frozenset[uuid.UUID]],
    capacity: int,
) -> Candidate:
    zone = participant.timezone or employee.timezone
    offset = _offset_hours(zone)
    return Candidate(
        id=participant.id,
        employee_id=employee.id,
        name=employee.display_name,
        teaches=dict(participant.teaches),
        learns=dict(participant.learns),
        mindset=participant.mindset,
        birth_year=employee.birth_year,
        seniority=employee.seniority_level,
        languages=frozenset(participant.languages or employee.languages),
        availability=utc_slots(participant.availability, offset),
        utc_offset_hours=offset,
        format=str(participant.format),
        location=employee.location,
        department=employee.department,
        capacity=capacity,
        avoid=frozenset(uuid.UUID(e) for e in participant.avoid),
        prefer=frozenset(uuid.UUID(e) for e in participant.prefer),
        managers=chains.get(employee.id, frozenset()),
    )


async def load_pool(session: AsyncSession, program: Program) -> Pool:
    """The approved participants of ``program`` with their employees, seats and history."""
    objectives = list(
        (
            await session.exec(
                select(Objective)
                .where(Objective.program_id == program.id)
                .order_by(col(Objective.position))
            )
        ).all()
    )
    participants = {
        p.id: p
        for p in (
            await session.exec(
                select(Participant)
                .where(
                    Participant.program_id == program.id,
                    Participant.status == ParticipantStatus.APPROVED.value,
                )
                .order_by(col(Participant.id))
            )
        ).all()
    }
    employee_ids = [p.employee_id for p in participants.values()]
    employees = {
        e.id: e
        for e in (
            await session.exec(select(Employee).where(col(Employee.id).in_(employee_ids)))
        ).all()
    }
    links = dict(
        (
            await session.exec(
                select(Employee.id, Employee.manager_id).where(
                    Employee.organization_id == program.organization_id
                )
            )
        ).all()
    )
    chains = manager_chains(links)
    seats = dict(
        (
            await session.exec(
                select(PairSeat.participant_id, func.count())
                .where(col(PairSeat.participant_id).in_(list(participants)))
                .group_by(col(PairSeat.participant_id))
            )
        ).all()
    )
    history = (
        await session.exec(
            select(Pair.mentee_employee_id, Pair.mentor_employee_id).where(
                Pair.organization_id == program.organization_id,
                col(Pair.mentee_employee_id).in_(employee_ids),
            )
        )
    ).all()
    pool = Pool(
        program=program,
        config=scoring_config(program, objectives),
        settings=MatchingSettings.model_validate(program.matching_settings),
        participants=participants,
        candidates={},
        inactive=[],
        seats_taken=seats,
        previous_pairs=frozenset((a, b) for a, b in history),
        objective_tags=sorted({tag for o in objectives for tag in o.topic_tags}),
    )
    for participant in participants.values():
        employee = employees[participant.employee_id]
        if employee.status != EmployeeStatus.ACTIVE:
            pool.inactive.append(participant)
            continue
        capacity = (
            mentor_capacity(participant, program)
            if participant.role == ParticipantRole.MENTOR
            else 1
        )
        pool.candidates[participant.id] = _candidate(participant, employee, chains, capacity)
    return pool


def explanation_document(explanation: Explanation) -> dict[str, Any]:
    return {
        "score": explanation.score,
        "eligible": explanation.eligible,
        "ineligible_reason": explanation.ineligible_reason,
        "components": dict(explanation.components),
        "weights": dict(explanation.weights),
        "reasons": list(explanation.reasons),
    }


def explain_pair(pool: Pool, mentee: Participant, mentor: Participant) -> Explanation:
    """Score and explain one pair, with the same code a matching run uses.

    A pair that is open now counts as history for a run; here it is the pair itself, so it
    is not held against it.
    """
    candidates = [pool.candidates.get(mentee.id), pool.candidates.get(mentor.id)]
    if candidates[0] is None or candidates[1] is None:
        raise LookupError("both participants must be approved and active")
    matrix = pool.score([candidates[0]], [candidates[1]])
    return explain(matrix, 0, 0, pool.config)


def forbid(matrix: ScoreMatrix, cells: list[tuple[int, int]]) -> None:
    for i, j in cells:
        if matrix.ineligible[i, j] == Ineligible.ELIGIBLE:
            matrix.ineligible[i, j] = Ineligible.FORBIDDEN

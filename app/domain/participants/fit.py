"""How two participants fit: from stored profiles and the directory to the scorer's verdict.

The door that opens a pair (app/domain/pairs/door.py) and a matching run's pool
(app/domain/matching/candidates.py) build their candidates and score them here, so a pair
is excluded, scored and explained the same way whichever path forms it.
"""

import math
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.employees.models import Employee
from app.domain.participants.explanations import Explanation, explain
from app.domain.participants.models import Participant
from app.domain.participants.scoring import (
    WEEK_SLOTS,
    Candidate,
    ScoreMatrix,
    ScoringConfig,
    score_matrix,
)
from app.domain.programs.matching_settings import MatchingSettings
from app.domain.programs.models import Objective, ObjectiveCategory, Program

PairHistory = frozenset[tuple[uuid.UUID, uuid.UUID]]  # (mentee, mentor) employee ids


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
        min_topic_overlap=settings.mutual_learning.min_topic_overlap,
        max_timezone_gap_hours=settings.practical_fit.max_timezone_gap_hours,
    )


@dataclass(frozen=True)
class FitRules:
    """A program's rules for scoring and excluding pairs."""

    config: ScoringConfig
    settings: MatchingSettings
    objective_tags: list[str]


async def fit_rules(session: AsyncSession, program: Program) -> FitRules:
    objectives = list(
        (
            await session.exec(
                select(Objective)
                .where(Objective.program_id == program.id)
                .order_by(col(Objective.position))
            )
        ).all()
    )
    return FitRules(
        config=scoring_config(program, objectives),
        settings=MatchingSettings.model_validate(program.matching_settings),
        objective_tags=sorted({tag for o in objectives for tag in o.topic_tags}),
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


async def reporting_chains(
    session: AsyncSession, organization_id: uuid.UUID, employee_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, frozenset[uuid.UUID]]:
    """The managers above each of ``employee_ids``, read from the directory as it is now.

    Walks up one level per query, so only the people on the way are read.
    """
    links: dict[uuid.UUID, uuid.UUID | None] = {}
    frontier = set(employee_ids)
    while frontier:
        rows = await session.exec(
            select(Employee.id, Employee.manager_id).where(
                Employee.organization_id == organization_id, col(Employee.id).in_(frontier)
            )
        )
        found = dict(rows.all())
        links.update(found)
        links.update({e: None for e in frontier if e not in found})
        frontier = {m for m in found.values() if m is not None and m not in links}
    return manager_chains(links)


def candidate(
    participant: Participant,
    employee: Employee,
    chains: dict[uuid.UUID, frozenset[uuid.UUID]],
    capacity: int,
) -> Candidate:
    """One participant as the scorer sees them."""
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


def score(
    rules: FitRules,
    mentees: Sequence[Candidate],
    mentors: Sequence[Candidate],
    previous_pairs: PairHistory,
    not_a_fit: PairHistory = frozenset(),
) -> ScoreMatrix:
    """Every mentee x mentor: scores, and which pairs the program's rules exclude.

    ``not_a_fit`` holds two employee ids (either order) of pairs that ended as a mismatch."""
    return score_matrix(mentees, mentors, rules.config, previous_pairs, not_a_fit)


def judge(
    rules: FitRules,
    mentee: Candidate,
    mentor: Candidate,
    previous_pairs: PairHistory,
    not_a_fit: PairHistory = frozenset(),
) -> Explanation:
    """One pair scored and explained, with the very code that scores a whole pool."""
    matrix = score(rules, [mentee], [mentor], previous_pairs, not_a_fit)
    return explain(matrix, 0, 0, rules.config)


def explanation_document(explanation: Explanation) -> dict[str, Any]:
    return {
        "score": explanation.score,
        "eligible": explanation.eligible,
        "ineligible_reason": explanation.ineligible_reason,
        "components": dict(explanation.components),
        "weights": dict(explanation.weights),
        "reasons": list(explanation.reasons),
    }

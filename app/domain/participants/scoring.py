"""Pair scores, computed for every mentee x mentor at once with NumPy, and explained.

A score is a weighted mean of components, each in [0, 1], scaled to 0-100:

- learning: how well the mentor's teachable topics cover what the mentee wants to learn
  (priority x proficiency), plus the reverse direction; topics among the program
  objectives' tags weigh more.
- reverse: the mentor is younger and/or less senior than the mentee.
- mindset: the mentor's motivation and the mentee's openness.
- practical: weekly availability overlap (or time-zone distance) and meeting format.
- diversity: different department and location (only for programs with that objective).
- preference: people who asked for each other.

Some pairs are not eligible at all, whatever their score (``Ineligible``). ``explain``
computes one pair with the very same code as the matrix, and says why in words.
"""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float64]

WEEK_SLOTS = 7 * 48  # half-hours of a week, in UTC


class Format:
    IN_PERSON = "in_person"
    REMOTE = "remote"
    EITHER = "either"


class Ineligible(IntEnum):
    """Why a mentee and a mentor may not be paired (0: they may). Lower values win."""

    ELIGIBLE = 0
    SAME_PERSON = 1
    REPORTING_LINE = 2
    AVOIDED = 3
    PAIRED_BEFORE = 4
    NO_SHARED_LANGUAGE = 5
    MENTOR_MOTIVATION_LOW = 6
    MENTEE_OPENNESS_LOW = 7
    NOT_REVERSE = 8
    FORBIDDEN = 9  # a manager excluded the pair from a run
    TOPIC_OVERLAP_LOW = 10
    TIMEZONE_GAP = 11


INELIGIBLE_TEXT = {
    Ineligible.SAME_PERSON: "the same person",
    Ineligible.REPORTING_LINE: "same reporting line",
    Ineligible.AVOIDED: "one asked not to be paired with the other",
    Ineligible.PAIRED_BEFORE: "they were paired before",
    Ineligible.NO_SHARED_LANGUAGE: "no shared language",
    Ineligible.MENTOR_MOTIVATION_LOW: "mentor motivation below the program's threshold",
    Ineligible.MENTEE_OPENNESS_LOW: "mentee openness below the program's threshold",
    Ineligible.NOT_REVERSE: "the mentor is neither younger nor less senior than the mentee",
    Ineligible.FORBIDDEN: "a manager excluded this pair",
    Ineligible.TOPIC_OVERLAP_LOW: "the mentor offers too few of the mentee's wanted topics",
    Ineligible.TIMEZONE_GAP: "time zones further apart than the program allows",
}

COMPONENTS = ("learning", "reverse", "mindset", "practical", "diversity", "preference")


@dataclass(frozen=True)
class Candidate:
    """One enrolled participant, as the scorer sees them."""

    id: uuid.UUID
    employee_id: uuid.UUID
    name: str = ""
    teaches: Mapping[str, int] = field(default_factory=dict)  # tag -> proficiency 1-5
    learns: Mapping[str, int] = field(default_factory=dict)  # tag -> priority 1-5
    mindset: int = 3  # motivation for a mentor, openness for a mentee, 1-5
    birth_year: int | None = None
    seniority: int = 0
    languages: frozenset[str] = frozenset()
    availability: frozenset[int] = frozenset()  # UTC half-hour slots of the week
    utc_offset_hours: float = 0.0
    format: str = Format.EITHER
    location: str | None = None
    department: str | None = None
    capacity: int = 1
    avoid: frozenset[uuid.UUID] = frozenset()  # employee ids
    prefer: frozenset[uuid.UUID] = frozenset()  # employee ids
    managers: frozenset[uuid.UUID] = frozenset()  # employee ids of the whole chain above


@dataclass(frozen=True)
class ScoringConfig:
    weight_learning: float = 0.40
    weight_reverse: float = 0.15
    weight_mindset: float = 0.15
    weight_practical: float = 0.15
    weight_diversity: float = 0.10
    weight_preference: float = 0.05
    reverse_required: bool = False
    # With a hard reverse rule: how many seniority levels the mentee must be above the mentor
    # (when birth years do not already show the mentor younger).
    min_seniority_gap: int = 1
    require_common_language: bool = True
    # What counts as diverse when the program has a diversity objective.
    diversity_department: bool = True
    diversity_location: bool = True
    min_motivation: int = 1
    min_openness: int = 1
    min_score: float = 0.0
    objective_tags: frozenset[str] = frozenset()
    objective_bonus: float = 0.5
    diversity_objective: bool = False
    reverse_learning_share: float = 0.3
    min_overlap_hours: float = 2.0

    def weights(self) -> dict[str, float]:
        """Component weights. Diversity counts only for programs with a diversity objective.

        A hard reverse rule gates eligibility; how strongly reverse a pair is still counts.
        """
        return {
            "learning": self.weight_learning,
            "reverse": self.weight_reverse,
            "mindset": self.weight_mindset,
            "practical": self.weight_practical,
            "diversity": self.weight_diversity if self.diversity_objective else 0.0,
            "preference": self.weight_preference,
        }


@dataclass
class ScoreMatrix:
    """Scores (N mentees x M mentors, 0-100) with components and eligibility."""

    mentees: Sequence[Candidate]
    mentors: Sequence[Candidate]
    total: Matrix
    components: dict[str, Matrix]
    ineligible: npt.NDArray[np.int8]

    @property
    def eligible(self) -> npt.NDArray[np.bool_]:
        result: npt.NDArray[np.bool_] = self.ineligible == Ineligible.ELIGIBLE
        return result


def _vocabulary(groups: Sequence[Sequence[Mapping[str, int]]]) -> dict[str, int]:
    tags = sorted({tag for group in groups for mapping in group for tag in mapping})
    return {tag: i for i, tag in enumerate(tags)}


def _topic_matrix(
    mappings: Sequence[Mapping[str, int]], vocabulary: Mapping[str, int], scale: Matrix | None
) -> Matrix:
    matrix = np.zeros((len(mappings), len(vocabulary)))
    for row, mapping in enumerate(mappings):
        for tag, value in mapping.items():
            matrix[row, vocabulary[tag]] = value
    if scale is not None:
        matrix *= scale
    return matrix


def _coverage(wants: Matrix, offers: Matrix) -> Matrix:
    """Share of the wanted weight that the other side can teach (proficiency / 5)."""
    totals = wants.sum(axis=1)
    covered = wants @ (offers / 5.0).T
    with np.errstate(invalid="ignore", divide="ignore"):
        result: Matrix = np.where(totals[:, None] > 0, covered / totals[:, None], 0.0)
    return result


def _membership(values: Sequence[frozenset[str]]) -> tuple[Matrix, dict[str, int]]:
    vocabulary = {v: i for i, v in enumerate(sorted({x for group in values for x in group}))}
    matrix = np.zeros((len(values), len(vocabulary)))
    for row, group in enumerate(values):
        for value in group:
            matrix[row, vocabulary[value]] = 1.0
    return matrix, vocabulary


def _availability(candidates: Sequence[Candidate]) -> Matrix:
    matrix = np.zeros((len(candidates), WEEK_SLOTS), dtype=np.float32)
    for row, candidate in enumerate(candidates):
        if candidate.availability:
            matrix[row, list(candidate.availability)] = 1.0
    return matrix.astype(np.float64)


_FORMAT_INDEX = {Format.IN_PERSON: 0, Format.REMOTE: 1, Format.EITHER: 2}
# Rows: mentee format; columns: mentor format. In person with in person depends on location.
_FORMAT_FIT = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 1.0, 1.0]])
_DIFFERENT_CITY_IN_PERSON = 0.3


def score_matrix(
    mentees: Sequence[Candidate],
    mentors: Sequence[Candidate],
    config: ScoringConfig,
    previous_pairs: set[tuple[uuid.UUID, uuid.UUID]]
    | frozenset[tuple[uuid.UUID, uuid.UUID]] = frozenset(),
) -> ScoreMatrix:
    """Every mentee x mentor score; ``previous_pairs`` holds (mentee, mentor) employee ids."""
    n, m = len(mentees), len(mentors)
    components = _components(mentees, mentors, config)
    weights = config.weights()
    weight_sum = sum(weights.values()) or 1.0
    total = sum(weights[name] * components[name] for name in COMPONENTS) * (100.0 / weight_sum)
    total = np.round(total, 2)
    ineligible = _ineligibility(mentees, mentors, config, components, previous_pairs)
    assert total.shape == ineligible.shape == (n, m)
    return ScoreMatrix(mentees, mentors, total, components, ineligible)


def _components(
    mentees: Sequence[Candidate], mentors: Sequence[Candidate], config: ScoringConfig
) -> dict[str, Matrix]:
    n, m = len(mentees), len(mentors)
    vocabulary = _vocabulary(
        [
            [c.teaches for c in mentors],
            [c.learns for c in mentees],
            [c.teaches for c in mentees],
            [c.learns for c in mentors],
        ]
    )
    bonus = np.array(
        [
            1.0 + (config.objective_bonus if tag in config.objective_tags else 0.0)
            for tag in vocabulary
        ]
    )
    forward = _coverage(
        _topic_matrix([c.learns for c in mentees], vocabulary, bonus),
        _topic_matrix([c.teaches for c in mentors], vocabulary, None),
    )
    mentor_wants = _topic_matrix([c.learns for c in mentors], vocabulary, bonus)
    backward = _coverage(
        mentor_wants, _topic_matrix([c.teaches for c in mentees], vocabulary, None)
    ).T
    share = config.reverse_learning_share
    mentor_has_wants = mentor_wants.sum(axis=1) > 0
    learning = np.where(
        mentor_has_wants[None, :], (1 - share) * forward + share * backward, forward
    )

    mentee_years = np.array(
        [c.birth_year if c.birth_year else np.nan for c in mentees], dtype=float
    )
    mentor_years = np.array(
        [c.birth_year if c.birth_year else np.nan for c in mentors], dtype=float
    )
    age_gap = np.clip((mentor_years[None, :] - mentee_years[:, None]) / 20.0, 0.0, 1.0)
    seniority_gap = np.clip(
        (
            np.array([c.seniority for c in mentees], dtype=float)[:, None]
            - np.array([c.seniority for c in mentors], dtype=float)[None, :]
        )
        / 10.0,
        0.0,
        1.0,
    )
    reverse = np.where(
        np.isnan(age_gap), seniority_gap, (np.nan_to_num(age_gap) + seniority_gap) / 2
    )

    motivation = (np.array([c.mindset for c in mentors], dtype=float) - 1) / 4
    openness = (np.array([c.mindset for c in mentees], dtype=float) - 1) / 4
    mindset = (openness[:, None] + motivation[None, :]) / 2

    overlap_hours = (_availability(mentees) @ _availability(mentors).T) / 2.0
    has_windows = (
        np.array([bool(c.availability) for c in mentees])[:, None]
        & np.array([bool(c.availability) for c in mentors])[None, :]
    )
    offsets = np.abs(
        np.array([c.utc_offset_hours for c in mentees])[:, None]
        - np.array([c.utc_offset_hours for c in mentors])[None, :]
    )
    time_fit = np.where(
        has_windows,
        np.minimum(1.0, overlap_hours / max(config.min_overlap_hours, 0.5)),
        1.0 - np.minimum(offsets, 12.0) / 12.0,
    )
    mentee_format = np.array([_FORMAT_INDEX.get(c.format, 2) for c in mentees])
    mentor_format = np.array([_FORMAT_INDEX.get(c.format, 2) for c in mentors])
    format_fit = _FORMAT_FIT[mentee_format[:, None], mentor_format[None, :]]
    both_in_person = (mentee_format[:, None] == 0) & (mentor_format[None, :] == 0)
    same_location = _same([c.location for c in mentees], [c.location for c in mentors])
    format_fit = np.where(both_in_person & ~same_location, _DIFFERENT_CITY_IN_PERSON, format_fit)
    practical = 0.5 * time_fit + 0.5 * format_fit

    different_department = _different(
        [c.department for c in mentees], [c.department for c in mentors]
    )
    different_location = _different([c.location for c in mentees], [c.location for c in mentors])
    parts = [
        different
        for different, wanted in (
            (different_department, config.diversity_department),
            (different_location, config.diversity_location),
        )
        if wanted
    ]
    diversity = sum(parts) / len(parts) if parts else np.zeros((n, m))

    preference = np.zeros((n, m))
    mentor_index = {c.employee_id: j for j, c in enumerate(mentors)}
    mentee_index = {c.employee_id: i for i, c in enumerate(mentees)}
    for row, mentee in enumerate(mentees):
        for employee_id in mentee.prefer:
            if (column := mentor_index.get(employee_id)) is not None:
                preference[row, column] += 0.5
    for column, mentor in enumerate(mentors):
        for employee_id in mentor.prefer:
            if (row_of := mentee_index.get(employee_id)) is not None:
                preference[row_of, column] += 0.5

    return {
        "learning": learning,
        "reverse": reverse,
        "mindset": mindset,
        "practical": practical,
        "diversity": diversity,
        "preference": preference,
        "overlap_hours": overlap_hours,
    }


def _same(left: Sequence[str | None], right: Sequence[str | None]) -> npt.NDArray[np.bool_]:
    codes: dict[str, int] = {}
    a = np.array([codes.setdefault(v, len(codes)) if v else -1 for v in left])
    b = np.array([codes.setdefault(v, len(codes)) if v else -2 for v in right])
    result: npt.NDArray[np.bool_] = a[:, None] == b[None, :]
    return result


def _different(left: Sequence[str | None], right: Sequence[str | None]) -> Matrix:
    """1 where both are known and differ; unknown values never count as diverse."""
    codes: dict[str, int] = {}
    a = np.array([codes.setdefault(v, len(codes)) if v else -1 for v in left])
    b = np.array([codes.setdefault(v, len(codes)) if v else -1 for v in right])
    known = (a[:, None] >= 0) & (b[None, :] >= 0)
    result: Matrix = (known & (a[:, None] != b[None, :])).astype(float)
    return result


def _ineligibility(
    mentees: Sequence[Candidate],
    mentors: Sequence[Candidate],
    config: ScoringConfig,
    components: Mapping[str, Matrix],
    previous_pairs: Any,
) -> npt.NDArray[np.int8]:
    n, m = len(mentees), len(mentors)
    reason = np.zeros((n, m), dtype=np.int8)

    def mark(mask: npt.NDArray[np.bool_], why: Ineligible) -> None:
        # Keep the most fundamental reason when several apply.
        reason[(reason == 0) & mask] = why

    if config.reverse_required:
        mentee_years = np.array([c.birth_year or 0 for c in mentees])
        mentor_years = np.array([c.birth_year or 0 for c in mentors])
        known = (mentee_years[:, None] > 0) & (mentor_years[None, :] > 0)
        younger = known & (mentor_years[None, :] > mentee_years[:, None])
        less_senior = (
            np.array([c.seniority for c in mentors])[None, :] + max(config.min_seniority_gap, 1)
            <= np.array([c.seniority for c in mentees])[:, None]
        )
        not_reverse = ~(younger | less_senior)
    else:
        not_reverse = np.zeros((n, m), dtype=bool)

    mentee_langs, vocabulary = _membership(
        [c.languages for c in mentees] + [c.languages for c in mentors]
    )
    shared_language = (
        (mentee_langs[:n] @ mentee_langs[n:].T) > 0 if vocabulary else np.zeros((n, m), bool)
    )

    same_person = np.zeros((n, m), dtype=bool)
    line = np.zeros((n, m), dtype=bool)
    avoided = np.zeros((n, m), dtype=bool)
    before = np.zeros((n, m), dtype=bool)
    mentor_index: dict[uuid.UUID, list[int]] = {}
    for j, mentor in enumerate(mentors):
        mentor_index.setdefault(mentor.employee_id, []).append(j)
    for i, mentee in enumerate(mentees):
        for j in mentor_index.get(mentee.employee_id, []):
            same_person[i, j] = True
        for manager in mentee.managers:
            for j in mentor_index.get(manager, []):
                line[i, j] = True
        for employee_id in mentee.avoid:
            for j in mentor_index.get(employee_id, []):
                avoided[i, j] = True
    mentee_index: dict[uuid.UUID, list[int]] = {}
    for i, mentee in enumerate(mentees):
        mentee_index.setdefault(mentee.employee_id, []).append(i)
    for j, mentor in enumerate(mentors):
        for manager in mentor.managers:
            for i in mentee_index.get(manager, []):
                line[i, j] = True
        for employee_id in mentor.avoid:
            for i in mentee_index.get(employee_id, []):
                avoided[i, j] = True
    for mentee_employee, mentor_employee in previous_pairs:
        for i in mentee_index.get(mentee_employee, []):
            for j in mentor_index.get(mentor_employee, []):
                before[i, j] = True

    low_motivation = np.array([c.mindset < config.min_motivation for c in mentors])[None, :]
    low_openness = np.array([c.mindset < config.min_openness for c in mentees])[:, None]
    mark(same_person, Ineligible.SAME_PERSON)
    mark(line, Ineligible.REPORTING_LINE)
    mark(avoided, Ineligible.AVOIDED)
    mark(before, Ineligible.PAIRED_BEFORE)
    if config.require_common_language:
        mark(~shared_language, Ineligible.NO_SHARED_LANGUAGE)
    mark(np.broadcast_to(low_motivation, (n, m)), Ineligible.MENTOR_MOTIVATION_LOW)
    mark(np.broadcast_to(low_openness, (n, m)), Ineligible.MENTEE_OPENNESS_LOW)
    mark(not_reverse, Ineligible.NOT_REVERSE)
    return reason

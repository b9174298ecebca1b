"""What the scorer knows: a participant as a ``Candidate``, a program's criteria as a
``ScoringConfig``, why a pair may not be formed (``Ineligible``), and a scored ``ScoreMatrix``.

The scorer itself is app/domain/participants/scoring.py.
"""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum

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
    NOT_A_FIT = 4  # a pair of theirs ended as a mismatch (app/domain/pairs/door.py)
    PAIRED_BEFORE = 5
    NO_SHARED_LANGUAGE = 6
    MENTOR_MOTIVATION_LOW = 7
    MENTEE_OPENNESS_LOW = 8
    NOT_REVERSE = 9
    FORBIDDEN = 10  # a manager excluded the pair from a run
    TOPIC_OVERLAP_LOW = 11
    TIMEZONE_GAP = 12


INELIGIBLE_TEXT = {
    Ineligible.SAME_PERSON: "the same person",
    Ineligible.REPORTING_LINE: "same reporting line",
    Ineligible.AVOIDED: "one asked not to be paired with the other",
    Ineligible.NOT_A_FIT: "a pair of theirs ended as not a fit",
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
    # A program's hard limits: the share of the mentee's wanted topics the mentor must offer
    # (0: none), and how many hours apart their time zones may be (None: any).
    min_topic_overlap: float = 0.0
    max_timezone_gap_hours: float | None = None

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

"""How a program wants mentors and mentees paired: the document the matching module reads.

Each criterion carries a relative weight in [0, 1]; scoring normalises the weights of a
program so they sum to 1, which lets a manager say "diversity matters twice as much as
practical fit" without doing arithmetic. Thresholds are on the same 0..1 scale as scores.
"""

from enum import StrEnum
from typing import Any

from pydantic import Field, model_validator

from app.domain.errors import Invalid, field_error
from app.domain.schemas import InputPart, UniqueList


class MatchMode(StrEnum):
    """How pairs may be formed in a program."""

    AUTOMATIC = "automatic"  # the solver proposes a complete assignment; a manager confirms it
    MENTEE_CHOICE = "mentee_choice"  # mentees pick among the best-scoring mentors
    MANUAL = "manual"  # managers pair people by hand, with scores as guidance


class _Criterion(InputPart):
    pass


class MutualLearning(_Criterion):
    """Both people have something to teach the other: overlap of offered and wanted topics."""

    weight: float = Field(default=0.35, ge=0, le=1)
    min_topic_overlap: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of the mentee's wanted topics the mentor must offer (0 = no floor).",
    )


class ReverseCriterion(_Criterion):
    """The mentor is the more junior of the two: the point of reverse mentoring."""

    hard: bool = Field(
        default=True, description="When true, a pair that is not reversed is never proposed."
    )
    weight: float = Field(default=0.2, ge=0, le=1)
    min_seniority_gap: int = Field(
        default=1,
        ge=0,
        le=20,
        description="How many seniority levels the mentee must be above the mentor.",
    )


class Mindset(_Criterion):
    """Openness to learning from the other generation, from the enrolment questionnaire."""

    weight: float = Field(default=0.15, ge=0, le=1)
    threshold: float = Field(
        default=0.5, ge=0, le=1, description="Minimum mindset score of both people."
    )


class PracticalFit(_Criterion):
    """Can the two actually meet: a shared language and compatible time zones."""

    weight: float = Field(default=0.2, ge=0, le=1)
    require_common_language: bool = True
    max_timezone_gap_hours: int = Field(default=6, ge=0, le=14)


class Diversity(_Criterion):
    """Pairs that cross departments, locations and backgrounds learn more from each other."""

    weight: float = Field(default=0.1, ge=0, le=1)
    prefer_other_department: bool = True
    prefer_other_location: bool = False


class MatchingSettings(_Criterion):
    """Weights, thresholds and modes of one program's matching. Every member has a default."""

    mutual_learning: MutualLearning = Field(default_factory=MutualLearning)
    reverse: ReverseCriterion = Field(default_factory=ReverseCriterion)
    mindset: Mindset = Field(default_factory=Mindset)
    practical_fit: PracticalFit = Field(default_factory=PracticalFit)
    diversity: Diversity = Field(default_factory=Diversity)
    minimum_score: float = Field(
        default=0.5, ge=0, le=1, description="Pairs scoring below this are never proposed."
    )
    modes: UniqueList[MatchMode] = Field(
        default_factory=lambda: [MatchMode.AUTOMATIC],
        min_length=1,
        max_length=len(MatchMode),
        description="How pairs may be formed; the first is the default.",
    )

    @model_validator(mode="after")
    def _some_weight(self) -> "MatchingSettings":
        # A rule across members, which a JSON Schema cannot state: a business rule (409).
        if not any(self.weights().values()):
            raise Invalid(
                "At least one criterion needs a weight above 0.",
                code="no_weight",
                errors=[field_error("matching_settings", "every weight is 0", "no_weight")],
            )
        return self

    def weights(self) -> dict[str, float]:
        return {
            "mutual_learning": self.mutual_learning.weight,
            "reverse": self.reverse.weight,
            "mindset": self.mindset.weight,
            "practical_fit": self.practical_fit.weight,
            "diversity": self.diversity.weight,
        }

    def normalised_weights(self) -> dict[str, float]:
        """The weights scaled to sum to 1, as scoring uses them."""
        raw = self.weights()
        total = sum(raw.values())
        return {name: weight / total for name, weight in raw.items()}

    @classmethod
    def defaults_for(cls, kind: str) -> "MatchingSettings":
        """Reverse programs insist on the mentor being junior; other kinds do not."""
        if kind == "reverse":
            return cls()
        return cls(reverse=ReverseCriterion(hard=False, weight=0, min_seniority_gap=0))

    def to_document(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

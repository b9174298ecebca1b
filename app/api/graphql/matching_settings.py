"""GraphQL types of a program's matching settings, read and written as one typed document."""

import strawberry

from app.api.graphql.derived import derived, plain_type
from app.domain.programs.matching_settings import (
    Diversity,
    MatchingSettings,
    MatchMode,
    Mindset,
    MutualLearning,
    PracticalFit,
    ReverseCriterion,
)

MatchModeEnum = strawberry.enum(MatchMode, name="MatchMode")


for _model, _name in (
    (MutualLearning, "MutualLearningCriterion"),
    (ReverseCriterion, "ReverseCriterion"),
    (Mindset, "MindsetCriterion"),
    (PracticalFit, "PracticalFitCriterion"),
    (Diversity, "DiversityCriterion"),
):
    plain_type(_model, _name)


@derived(MatchingSettings, name="MatchingSettings")
class MatchingSettingsType:
    modes: list[MatchModeEnum]  # type: ignore[valid-type]


@strawberry.input
class MutualLearningInput:
    weight: float | None = strawberry.UNSET
    min_topic_overlap: float | None = strawberry.UNSET


@strawberry.input
class ReverseCriterionInput:
    hard: bool | None = strawberry.UNSET
    weight: float | None = strawberry.UNSET
    min_seniority_gap: int | None = strawberry.UNSET


@strawberry.input
class MindsetInput:
    weight: float | None = strawberry.UNSET
    threshold: float | None = strawberry.UNSET


@strawberry.input
class PracticalFitInput:
    weight: float | None = strawberry.UNSET
    require_common_language: bool | None = strawberry.UNSET
    max_timezone_gap_hours: int | None = strawberry.UNSET


@strawberry.input
class DiversityInput:
    weight: float | None = strawberry.UNSET
    prefer_other_department: bool | None = strawberry.UNSET
    prefer_other_location: bool | None = strawberry.UNSET


@strawberry.input(description="The whole document; members left out take their defaults.")
class MatchingSettingsInput:
    mutual_learning: MutualLearningInput | None = strawberry.UNSET
    reverse: ReverseCriterionInput | None = strawberry.UNSET
    mindset: MindsetInput | None = strawberry.UNSET
    practical_fit: PracticalFitInput | None = strawberry.UNSET
    diversity: DiversityInput | None = strawberry.UNSET
    minimum_score: float | None = strawberry.UNSET
    modes: list[MatchModeEnum] | None = strawberry.UNSET  # type: ignore[valid-type]

"""GraphQL types of a program's matching settings, read and written as one typed document."""

import dataclasses
from typing import Any

import strawberry

from app.api.graphql.employees import given_fields
from app.domain.programs.matching_settings import MatchingSettings, MatchMode

MatchModeEnum = strawberry.enum(MatchMode, name="MatchMode")


@strawberry.type
class MutualLearningCriterion:
    weight: float
    min_topic_overlap: float


@strawberry.type
class ReverseCriterion:
    hard: bool
    weight: float
    min_seniority_gap: int


@strawberry.type
class MindsetCriterion:
    weight: float
    threshold: float


@strawberry.type
class PracticalFitCriterion:
    weight: float
    require_common_language: bool
    max_timezone_gap_hours: int


@strawberry.type
class DiversityCriterion:
    weight: float
    prefer_other_department: bool
    prefer_other_location: bool


@strawberry.type(name="MatchingSettings")
class MatchingSettingsType:
    mutual_learning: MutualLearningCriterion
    reverse: ReverseCriterion
    mindset: MindsetCriterion
    practical_fit: PracticalFitCriterion
    diversity: DiversityCriterion
    minimum_score: float
    modes: list[MatchModeEnum]  # type: ignore[valid-type]


def settings_from_model(settings: MatchingSettings) -> MatchingSettingsType:
    return MatchingSettingsType(
        mutual_learning=MutualLearningCriterion(**settings.mutual_learning.model_dump()),
        reverse=ReverseCriterion(**settings.reverse.model_dump()),
        mindset=MindsetCriterion(**settings.mindset.model_dump()),
        practical_fit=PracticalFitCriterion(**settings.practical_fit.model_dump()),
        diversity=DiversityCriterion(**settings.diversity.model_dump()),
        minimum_score=settings.minimum_score,
        modes=list(settings.modes),
    )


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


def plain(value: Any) -> Any:
    """A strawberry input, nested inputs included, as the dict the domain schemas validate."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: plain(item) for name, item in given_fields(value).items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value

"""GraphQL types of a program's matching settings, read and written as one typed document."""

import strawberry

from app.api.graphql.derived import derived, plain_type
from app.api.graphql.inputs import input_from
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


@input_from(MutualLearning)
class MutualLearningInput:
    pass


@input_from(ReverseCriterion)
class ReverseCriterionInput:
    pass


@input_from(Mindset)
class MindsetInput:
    pass


@input_from(PracticalFit)
class PracticalFitInput:
    pass


@input_from(Diversity)
class DiversityInput:
    pass


@input_from(
    MatchingSettings, description="The whole document; members left out take their defaults."
)
class MatchingSettingsInput:
    pass

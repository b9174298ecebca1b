"""GraphQL types of the fit check, derived from the domain's read schemas."""

import strawberry

from app.api.graphql.derived import derived, from_read, plain_type
from app.domain.pairs.models import FitAnswer
from app.domain.pairs.schemas import FitCheckRead, FitCheckSideRead

FitAnswerEnum = strawberry.enum(FitAnswer, name="PairFitAnswer")


plain_type(FitCheckSideRead, "PairFitCheckSide")


@derived(FitCheckRead, name="PairFitCheck")
class FitCheckType:
    pass


def fit_check_from_read(view: FitCheckRead) -> FitCheckType:
    return from_read(FitCheckType, view)

"""GraphQL types of the fit check, derived from the domain's read schemas."""

import strawberry
from strawberry.experimental.pydantic import type as pydantic_type

from app.domain.pairs.models import FitAnswer
from app.domain.pairs.schemas import FitCheckRead, FitCheckSideRead

FitAnswerEnum = strawberry.enum(FitAnswer, name="PairFitAnswer")


@pydantic_type(model=FitCheckSideRead, all_fields=True, name="PairFitCheckSide")
class FitCheckSideType:
    pass


@pydantic_type(model=FitCheckRead, all_fields=True, name="PairFitCheck")
class FitCheckType:
    pass


def fit_check_from_read(view: FitCheckRead) -> FitCheckType:
    return FitCheckType.from_pydantic(view)

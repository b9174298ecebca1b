"""GraphQL adapter of the fit check: answer it, mark a not-a-fit ending reviewed.

The pair's ``fitCheck`` field lives on ``Pair`` (app/api/graphql/pairs.py), batched.
"""

import uuid

import strawberry

from app.api.graphql.operations import mutation_of
from app.api.graphql.pair_fit_types import FitAnswerEnum, FitCheckType, fit_check_from_read
from app.domain.pairs import fit
from app.domain.pairs.schemas import FitCheckWrite


@strawberry.type
class PairFitMutation:
    @mutation_of(fit.answer_fit_check, fit_check_from_read, fields=FitCheckWrite)
    def answer_pair_fit_check(
        self,
        pair_id: uuid.UUID,
        answer: FitAnswerEnum,  # type: ignore[valid-type]
        note: str | None = None,
    ) -> FitCheckType | None:
        """Answer your pair's fit check, once, after its first confirmed session. The note is
        for the program's managers only; `NOT_A_FIT` ends the pair as a mismatch without
        saying who, and the two are never paired again."""

    @mutation_of(fit.review_mismatch, fit_check_from_read)
    def review_pair_mismatch(self, pair_id: uuid.UUID) -> FitCheckType | None:
        """Mark a pair's ending as not a fit reviewed (the program's managers)."""

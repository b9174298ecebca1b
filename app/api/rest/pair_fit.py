"""REST adapter of the fit check: each side's answer after the first confirmed session, and
the managers' review of a pair that ended as not a fit."""

import uuid

from fastapi import APIRouter

from app.api.deps import CurrentPrincipal, DbSession
from app.api.problems import common_responses, responses
from app.api.rest import API_PREFIX
from app.domain.pairs import fit
from app.domain.pairs.schemas import FitCheckRead, FitCheckWrite

FIT_CHECK = f"{API_PREFIX}/pairs/{{pair_id}}/fit-check"

router = APIRouter(tags=["pairs"], responses=common_responses())


@router.get(
    FIT_CHECK,
    summary="A pair's fit check",
    description=(
        "The pair's mentor and mentee see their own answer (and note) and whether the other "
        "side answered (null once the pair ended as not a fit, so it never says who). The "
        "program's managers and administrators see both answers with their notes, `read` keys "
        "both answers without notes; their reads are audited."
    ),
    responses=responses(codes={404: ("pair_not_found",)}),
)
async def get_fit_check(
    pair_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal
) -> FitCheckRead:
    return await fit.read_fit_check(db, principal, pair_id)


@router.put(
    FIT_CHECK,
    summary="Answer your pair's fit check",
    description=(
        "The pair's mentor or mentee, once, after the pair's first confirmed session (409 "
        "`fit_check_not_due` before it, `pair_not_open` once the pair ended). Sending the same "
        "answer again changes nothing; another answer is refused (409 `fit_check_answered`). "
        "The note is for the program's managers only. `not_a_fit` ends the pair as "
        "`ended_early` / `mismatch` without saying who: both people are matchable again, and "
        "no later matching run, suggestion or manual pairing puts them together again."
    ),
    responses=responses(
        codes={
            403: ("not_in_pair",),
            404: ("pair_not_found",),
            409: ("fit_check_answered", "fit_check_not_due", "pair_not_open"),
        }
    ),
)
async def answer_fit_check(
    pair_id: uuid.UUID, body: FitCheckWrite, db: DbSession, principal: CurrentPrincipal
) -> FitCheckRead:
    return await fit.answer_fit_check(db, principal, pair_id, body)


@router.post(
    f"{FIT_CHECK}/review",
    summary="Mark a not-a-fit ending reviewed",
    description=(
        "The program's managers and administrators, once they looked at a pair that ended as "
        "not a fit (it leaves their list of reviews waiting). Idempotent; 409 "
        "`no_mismatch_to_review` for a pair that did not end so."
    ),
    responses=responses(
        codes={
            403: ("not_program_manager",),
            404: ("pair_not_found",),
            409: ("no_mismatch_to_review",),
        }
    ),
)
async def review_mismatch(
    pair_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal
) -> FitCheckRead:
    return await fit.review_mismatch(db, principal, pair_id)

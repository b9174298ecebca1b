"""REST adapter of progress: a pair's figures and health, feedback, a program's dashboard."""

import csv
import io
import uuid

from fastapi import APIRouter, Response, status

from app.api.deps import CurrentPrincipal, DbSession
from app.api.problems import common_responses, responses
from app.api.rest import API_PREFIX
from app.domain.progress import feedback, service
from app.domain.progress import health as rules
from app.domain.progress.models import FeedbackCreate, FeedbackRead
from app.domain.progress.schemas import PairHealthRow, PairProgress, ProgramDashboard

router = APIRouter(tags=["progress"], responses=common_responses())

HEALTH_RULES = (
    "Health (active pairs only): the cadence is the one the pair's agreement sets, else the "
    f"program's, else {rules.DEFAULT_CADENCE_DAYS} days. Quiet days are the days since the "
    "last session that counts (not deleted, not disputed), or since the pair started. "
    f"`at_risk`: quiet for more than {rules.AT_RISK_FACTOR} times the cadence. `needs_attention`: "
    "quiet for more than the cadence, or an open action item past due, or a mean rating "
    f"below {rules.LOW_RATING:g}. `on_track` otherwise."
)


@router.get(
    f"{API_PREFIX}/pairs/{{pair_id}}/progress",
    summary="A pair's progress and health",
    description=HEALTH_RULES
    + " The pair's people, the program's managers, administrators and `read` keys; reads by "
    "anyone but the pair's people are audited.",
    responses=responses(404, codes={404: ("not_found", "pair_not_found")}),
)
async def get_progress(
    pair_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal
) -> PairProgress:
    return await service.pair_progress(db, principal, pair_id)


@router.post(
    f"{API_PREFIX}/pairs/{{pair_id}}/feedback",
    status_code=status.HTTP_201_CREATED,
    summary="Give feedback on your mentoring",
    description="The pair's mentor or mentee, once per stage (`mid`, `end`); 409 the second time.",
    responses=responses(
        404,
        409,
        codes={
            403: ("not_in_pair",),
            404: ("not_found", "pair_not_found"),
            409: ("feedback_already_given",),
        },
    ),
)
async def submit_feedback(
    pair_id: uuid.UUID, body: FeedbackCreate, db: DbSession, principal: CurrentPrincipal
) -> FeedbackRead:
    return feedback.to_read(await feedback.submit_feedback(db, principal, pair_id, body))


@router.get(
    f"{API_PREFIX}/pairs/{{pair_id}}/feedback",
    summary="A pair's feedback",
    description=(
        "Your own answers; every answer of the pair for its program's managers, "
        "administrators and `read` keys (audited)."
    ),
    responses=responses(404, codes={404: ("not_found", "pair_not_found")}),
)
async def list_feedback(
    pair_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal
) -> list[FeedbackRead]:
    return [feedback.to_read(f) for f in await feedback.list_feedback(db, principal, pair_id)]


@router.get(
    f"{API_PREFIX}/programs/{{program_id}}/dashboard",
    summary="A program's dashboard",
    description=(
        "The program's managers, administrators and `read` keys (audited): pairs by status "
        "and health, sessions per "
        "month, objective coverage, participation (with unmatched participants) and "
        "satisfaction (session ratings and feedback forms). " + HEALTH_RULES
    ),
    responses=responses(404, codes={404: ("not_found", "program_not_found")}),
)
async def get_dashboard(
    program_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal
) -> ProgramDashboard:
    return await service.program_dashboard(db, principal, program_id)


CSV_COLUMNS = list(PairHealthRow.model_fields)


@router.get(
    f"{API_PREFIX}/programs/{{program_id}}/dashboard/pairs.csv",
    summary="Export a program's pairs with their health (CSV)",
    description=(
        "The program's managers, administrators and `read` keys (audited). One line per pair; "
        "columns: " + ", ".join(CSV_COLUMNS) + "."
    ),
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "CSV"},
        **responses(404, codes={404: ("not_found", "program_not_found")}),
    },
)
async def export_pairs_csv(
    program_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal
) -> Response:
    rows = await service.export_pair_health(db, principal, program_id)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    async for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.model_dump(mode="json").items()})
    return Response(
        content=out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="pairs-{program_id}.csv"'},
    )

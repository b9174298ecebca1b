"""REST adapter of impact: indicator measurements and bindings, self-assessments, and the
program's impact report (JSON, CSV, printable HTML)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Path, Response, status

from app.api.deps import IN_DIGITS, CurrentPrincipal, DbSession, IfMatch, Paging, set_etag
from app.api.problems import common_responses, responses
from app.api.rest import API_PREFIX
from app.api.schemas import Page
from app.domain.impact import assessments, export, indicators, report
from app.domain.impact.models import (
    MAX_INDICATORS,
    AnswerRead,
    AnswersWrite,
    AssessmentItemCreate,
    AssessmentItemRead,
    BindingRead,
    BindingWrite,
    MeasurementCreate,
    MeasurementRead,
    Wave,
)
from app.domain.impact.retention import LIMITS, METHOD
from app.domain.impact.schemas import MINIMUM_GROUP_SIZE, ImpactReport

PROGRAMS = f"{API_PREFIX}/programs"
INDICATOR = "/{program_id}/objectives/{objective_id}/indicators/{indicator}"

router = APIRouter(prefix=PROGRAMS, tags=["impact"], responses=common_responses())

IndicatorIndex = Annotated[
    int,
    Path(ge=0, le=MAX_INDICATORS - 1, description="The indicator's position in its objective."),
    IN_DIGITS,
]
_READERS = "The program's managers, administrators and `read` keys (audited)."
_PRIVACY = (
    f" Aggregates only: no figure over fewer than {MINIMUM_GROUP_SIZE} people, and no one's "
    "answers."
)


@router.post(
    INDICATOR + "/measurements",
    status_code=status.HTTP_201_CREATED,
    summary="Record a measurement of a success indicator",
    description="The program's managers. 409 when the indicator is computed (bound).",
    responses=responses(
        404,
        409,
        codes={
            403: ("not_program_manager",),
            404: ("not_found", "program_not_found", "objective_not_found", "indicator_not_found"),
            409: ("indicator_computed", "measurement_in_future", "program_archived"),
        },
    ),
)
async def record_measurement(
    program_id: uuid.UUID,
    objective_id: uuid.UUID,
    indicator: IndicatorIndex,
    body: MeasurementCreate,
    db: DbSession,
    principal: CurrentPrincipal,
) -> MeasurementRead:
    found = await indicators.record_measurement(
        db, principal, program_id, objective_id, indicator, body
    )
    return indicators.measurement_read(found)


@router.get(
    INDICATOR + "/measurements",
    summary="List the measurements of a success indicator",
    description=_READERS + " Oldest first.",
    responses=responses(
        404,
        codes={
            403: ("not_program_manager",),
            404: ("not_found", "program_not_found", "objective_not_found", "indicator_not_found"),
        },
    ),
)
async def list_measurements(
    program_id: uuid.UUID,
    objective_id: uuid.UUID,
    indicator: IndicatorIndex,
    db: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
) -> Page[MeasurementRead]:
    page = await indicators.list_measurements(
        db, principal, program_id, objective_id, indicator, limit=paging.limit, cursor=paging.cursor
    )
    return Page(
        items=[indicators.measurement_read(m) for m in page.items], next_cursor=page.next_cursor
    )


@router.delete(
    "/{program_id}/indicator-measurements/{measurement_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a measurement",
    description="The program's managers.",
    responses=responses(
        404,
        409,
        codes={
            403: ("not_program_manager",),
            404: ("not_found", "program_not_found", "measurement_not_found"),
            409: ("program_archived",),
        },
    ),
)
async def delete_measurement(
    program_id: uuid.UUID, measurement_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal
) -> Response:
    await indicators.delete_measurement(db, principal, program_id, measurement_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put(
    INDICATOR + "/binding",
    summary="Compute a success indicator from the service's data",
    description="The program's managers. Replaces hand-entered values in the report. "
    "Changing an existing binding takes its version in `If-Match` (428 without, 412 if stale).",
    responses=responses(
        404,
        409,
        412,
        428,
        codes={
            403: ("not_program_manager",),
            404: ("not_found", "program_not_found", "objective_not_found", "indicator_not_found"),
            409: ("invalid", "assessment_item_not_usable", "program_archived"),
        },
    ),
)
async def bind_indicator(
    program_id: uuid.UUID,
    objective_id: uuid.UUID,
    indicator: IndicatorIndex,
    body: BindingWrite,
    db: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
    response: Response,
) -> BindingRead:
    binding = await indicators.bind_indicator(
        db, principal, program_id, objective_id, indicator, body, if_match
    )
    set_etag(response, binding.version)
    return indicators.binding_read(binding)


@router.delete(
    INDICATOR + "/binding",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Enter a success indicator by hand again",
    description="The program's managers.",
    responses=responses(
        404,
        409,
        codes={
            403: ("not_program_manager",),
            404: (
                "not_found",
                "program_not_found",
                "objective_not_found",
                "indicator_not_found",
                "binding_not_found",
            ),
            409: ("program_archived",),
        },
    ),
)
async def unbind_indicator(
    program_id: uuid.UUID,
    objective_id: uuid.UUID,
    indicator: IndicatorIndex,
    db: DbSession,
    principal: CurrentPrincipal,
) -> Response:
    await indicators.unbind_indicator(db, principal, program_id, objective_id, indicator)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- self-assessments ----------------------------------------------------------------------


@router.post(
    "/{program_id}/assessment-items",
    status_code=status.HTTP_201_CREATED,
    summary="Add a self-assessment item",
    description="The program's managers, until the program completes. Rated 1-5 by the "
    "side it names at the baseline, mid and end waves.",
    responses=responses(
        404,
        409,
        codes={
            403: ("not_program_manager",),
            404: ("not_found", "program_not_found"),
            409: (
                "assessment_locked",
                "objective_not_in_program",
                "assessment_item_limit_reached",
                "program_archived",
            ),
        },
    ),
)
async def create_item(
    program_id: uuid.UUID, body: AssessmentItemCreate, db: DbSession, principal: CurrentPrincipal
) -> AssessmentItemRead:
    return assessments.item_read(await assessments.create_item(db, principal, program_id, body))


@router.get(
    "/{program_id}/assessment-items",
    summary="List a program's self-assessment items",
    description="Whoever sees the program.",
    responses=responses(404, codes={404: ("not_found", "program_not_found")}),
)
async def list_items(
    program_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal
) -> list[AssessmentItemRead]:
    return [
        assessments.item_read(i) for i in await assessments.list_items(db, principal, program_id)
    ]


@router.delete(
    "/{program_id}/assessment-items/{item_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a self-assessment item nobody answered",
    description="The program's managers; 409 once answered.",
    responses=responses(
        404,
        409,
        codes={
            403: ("not_program_manager",),
            404: ("not_found", "program_not_found", "assessment_item_not_found"),
            409: ("assessment_locked", "assessment_item_answered", "program_archived"),
        },
    ),
)
async def delete_item(
    program_id: uuid.UUID, item_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal
) -> Response:
    await assessments.delete_item(db, principal, program_id, item_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put(
    "/{program_id}/assessment-answers/{wave}",
    summary="Answer your self-assessment",
    description="The program's approved participants, for their own side's items. "
    "`baseline` while enrolling, matching or active; `mid` while active; `end` while active "
    "or completed (409 otherwise). Answering again corrects the answer. Nobody else reads "
    "your answers.",
    responses=responses(
        404,
        409,
        codes={
            403: ("not_a_participant",),
            404: ("not_found", "program_not_found"),
            409: ("assessment_wave_closed", "assessment_items_invalid"),
        },
    ),
)
async def answer(
    program_id: uuid.UUID,
    wave: Wave,
    body: AnswersWrite,
    db: DbSession,
    principal: CurrentPrincipal,
) -> list[AnswerRead]:
    saved = await assessments.answer(db, principal, program_id, wave, body)
    return [assessments.answer_read(a) for a in saved]


@router.get(
    "/{program_id}/assessment-answers",
    summary="Your own self-assessment answers",
    description="Only yours: no one, administrators included, reads another person's.",
    responses=responses(404, codes={404: ("not_found", "program_not_found")}),
)
async def own_answers(
    program_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal
) -> list[AnswerRead]:
    return [
        assessments.answer_read(a) for a in await assessments.own_answers(db, principal, program_id)
    ]


# --- the report ----------------------------------------------------------------------------

_REPORT = (
    _READERS + " Indicator trajectories from baseline toward target (direction-aware), learning "
    "gains per self-assessment item and side (paired, 95 % confidence interval of the "
    "mean change), retention at 6 and 12 months and internal mobility against a comparison "
    "group. " + _PRIVACY + " Comparison method: " + METHOD + " Limits: " + LIMITS
)


@router.get(
    "/{program_id}/impact",
    summary="A program's impact report",
    description=_REPORT,
    responses=responses(
        404, codes={403: ("not_program_manager",), 404: ("not_found", "program_not_found")}
    ),
)
async def get_impact(
    program_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal
) -> ImpactReport:
    return await report.program_impact(db, principal, program_id)


@router.get(
    "/{program_id}/impact.csv",
    summary="Export a program's impact report (CSV)",
    description=_READERS
    + " One line per figure; columns: "
    + ", ".join(export.CSV_COLUMNS)
    + " (`count` of `of` people beside each rate)."
    + _PRIVACY,
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "CSV"},
        **responses(
            404, codes={403: ("not_program_manager",), 404: ("not_found", "program_not_found")}
        ),
    },
)
async def export_impact_csv(
    program_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal
) -> Response:
    found = await report.program_impact(db, principal, program_id, export="csv")
    return Response(
        content=export.to_csv(found),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="impact-{program_id}.csv"'},
    )


# Nothing the page could fetch: styles and charts are inline.
_HTML_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@router.get(
    "/{program_id}/impact.html",
    summary="A program's impact report, printable (HTML)",
    description=_READERS + " A self-contained page (inline styles and SVG charts, nothing "
    "fetched) in French or English after `Accept-Language`." + _PRIVACY,
    response_class=Response,
    responses={
        200: {"content": {"text/html": {"schema": {"type": "string"}}}, "description": "HTML"},
        **responses(
            404, codes={403: ("not_program_manager",), 404: ("not_found", "program_not_found")}
        ),
    },
)
async def export_impact_html(
    program_id: uuid.UUID,
    db: DbSession,
    principal: CurrentPrincipal,
    accept_language: Annotated[str | None, Header(max_length=500)] = None,
) -> Response:
    found = await report.program_impact(db, principal, program_id, export="html")
    lang = export.pick_language(accept_language)
    return Response(
        content=export.to_html(found, lang),
        media_type="text/html; charset=utf-8",
        headers={"Content-Language": lang, "Content-Security-Policy": _HTML_POLICY},
    )

"""A program's impact report: indicator trajectories, learning gains, retention.

Read by the program's managers, administrators and ``read`` keys, and audited like the
dashboard. Aggregates only, none over fewer than ``MINIMUM_GROUP_SIZE`` people.
"""

import uuid
from collections import defaultdict

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain.access.principal import Principal
from app.domain.impact import assessments, computations, indicators, statistics
from app.domain.impact.models import AssessmentAnswer, AssessmentItem, Wave
from app.domain.impact.retention import retention
from app.domain.impact.schemas import (
    MINIMUM_GROUP_SIZE,
    ImpactReport,
    IndicatorTrajectory,
    LearningGain,
    TrajectoryPoint,
)
from app.domain.programs.models import Objective, Program


async def _objectives(session: AsyncSession, program: Program) -> list[Objective]:
    rows = await session.exec(
        select(Objective)
        .where(Objective.organization_id == program.organization_id)
        .where(Objective.program_id == program.id)
        .order_by(Objective.position, Objective.id)  # type: ignore[arg-type]
    )
    return list(rows.all())


async def _indicators(session: AsyncSession, program: Program) -> list[IndicatorTrajectory]:
    measured = await indicators.program_measurements(session, program)
    bindings = await indicators.program_bindings(session, program)
    today = indicators.today()
    found: list[IndicatorTrajectory] = []
    for objective in await _objectives(session, program):
        for index, raw in enumerate(objective.success_indicators):
            baseline, target = raw.get("baseline"), float(raw["target_value"])
            binding = bindings.get((objective.id, index))
            note = None
            points: list[TrajectoryPoint] = []
            if binding is not None:
                computed = await computations.compute(session, program, binding)
                note = computed.note
                if computed.value is not None:
                    points.append(
                        TrajectoryPoint(
                            measured_on=today,
                            value=computed.value,
                            source="computed",
                            progress=statistics.progress(computed.value, baseline, target),
                        )
                    )
            else:
                points = [
                    TrajectoryPoint(
                        measured_on=m.measured_on,
                        value=m.value,
                        source=m.source,
                        progress=statistics.progress(m.value, baseline, target),
                    )
                    for m in measured.get((objective.id, index), [])
                ]
            latest = points[-1] if points else None
            found.append(
                IndicatorTrajectory(
                    objective_id=objective.id,
                    objective_title=objective.title,
                    indicator=index,
                    name=raw["name"],
                    unit=raw["unit"],
                    baseline=baseline,
                    target=target,
                    direction=statistics.direction(baseline, target),
                    computation=binding.computation if binding else None,
                    points=points,
                    latest_value=latest.value if latest else None,
                    latest_on=latest.measured_on if latest else None,
                    reached=statistics.reached(latest.value if latest else None, baseline, target),
                    note=note,
                )
            )
    return found


def learning_gain(item: AssessmentItem, answers: dict[uuid.UUID, dict[str, int]]) -> LearningGain:
    """Baseline against the end wave; against mid while nobody answered the end."""
    later = Wave.END if any(Wave.END in a for a in answers.values()) else Wave.MID
    paired = [
        (a[Wave.BASELINE], a[later]) for a in answers.values() if Wave.BASELINE in a and later in a
    ]
    summary = statistics.paired_change([b for b, _ in paired], [a for _, a in paired])
    return LearningGain(
        item_id=item.id,
        statement=item.statement,
        objective_id=item.objective_id,
        side=item.side,
        compared=f"baseline-{later}",
        respondents=summary.respondents,
        shown=summary.shown,
        mean_before=summary.mean_before,
        mean_after=summary.mean_after,
        mean_change=summary.mean_change,
        ci_low=summary.ci_low,
        ci_high=summary.ci_high,
        p_value=summary.p_value,
        improved=summary.improved,
        improved_share=summary.improved_share,
        note=None
        if summary.shown
        else f"Not shown: fewer than {MINIMUM_GROUP_SIZE} people answered both waves.",
    )


async def _learning(session: AsyncSession, program: Program) -> list[LearningGain]:
    items = await assessments.program_items(session, program)
    rows = await session.exec(
        select(
            AssessmentAnswer.item_id,
            AssessmentAnswer.employee_id,
            AssessmentAnswer.wave,
            AssessmentAnswer.score,
        ).where(
            AssessmentAnswer.organization_id == program.organization_id,
            AssessmentAnswer.program_id == program.id,
        )
    )
    by_item: dict[uuid.UUID, dict[uuid.UUID, dict[str, int]]] = defaultdict(dict)
    for item_id, employee_id, wave, score in rows.all():
        by_item[item_id].setdefault(employee_id, {})[str(wave)] = score
    return [learning_gain(item, by_item.get(item.id, {})) for item in items]


async def build(session: AsyncSession, program: Program) -> ImpactReport:
    return ImpactReport(
        program_id=program.id,
        program_name=program.name,
        status=str(program.status),
        starts_on=program.starts_on,
        ends_on=program.ends_on,
        generated_at=utcnow(),
        indicators=await _indicators(session, program),
        learning=await _learning(session, program),
        retention=await retention(session, program, indicators.today()),
    )


async def program_impact(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID, *, export: str = "json"
) -> ImpactReport:
    action = "program_impact.read" if export == "json" else f"program_impact.export_{export}"
    program = await indicators.read_program(session, principal, program_id, action)
    return await build(session, program)

"""GraphQL adapter of impact: indicator measurements and bindings, self-assessments, and the
program's impact report. Types are derived from the domain's read schemas."""

import datetime as dt
import uuid

import strawberry
from strawberry.experimental.pydantic import type as pydantic_type

from app.api.graphql.context import Info
from app.api.graphql.matching_settings import plain
from app.api.graphql.relay import Connection, connection_from_page
from app.domain.impact import assessments, indicators, report
from app.domain.impact.models import (
    AnswerRead,
    AnswersWrite,
    AssessmentItemCreate,
    AssessmentItemRead,
    BindingRead,
    BindingWrite,
    Computation,
    MeasurementCreate,
    MeasurementRead,
    Side,
    Wave,
)
from app.domain.impact.schemas import (
    GroupOutcome,
    ImpactReport,
    IndicatorTrajectory,
    LearningGain,
    Retention,
    TrajectoryPoint,
)

ComputationEnum = strawberry.enum(Computation, name="IndicatorComputation")
SideEnum = strawberry.enum(Side, name="AssessmentSide")
WaveEnum = strawberry.enum(Wave, name="AssessmentWave")


@pydantic_type(model=MeasurementRead, all_fields=True, name="IndicatorMeasurement")
class MeasurementType:
    pass


@pydantic_type(model=BindingRead, all_fields=True, name="IndicatorBinding")
class BindingType:
    pass


@pydantic_type(model=AssessmentItemRead, all_fields=True, name="AssessmentItem")
class AssessmentItemType:
    pass


@pydantic_type(model=AnswerRead, all_fields=True, name="AssessmentAnswer")
class AnswerType:
    pass


@pydantic_type(model=TrajectoryPoint, all_fields=True, name="IndicatorPoint")
class TrajectoryPointType:
    pass


@pydantic_type(model=IndicatorTrajectory, all_fields=True, name="IndicatorTrajectory")
class IndicatorTrajectoryType:
    pass


@pydantic_type(model=LearningGain, all_fields=True, name="LearningGain")
class LearningGainType:
    pass


@pydantic_type(model=GroupOutcome, all_fields=True, name="RetentionGroup")
class GroupOutcomeType:
    pass


@pydantic_type(model=Retention, all_fields=True, name="Retention")
class RetentionType:
    pass


@pydantic_type(model=ImpactReport, all_fields=True, name="ImpactReport")
class ImpactReportType:
    pass


@strawberry.input
class MeasurementInput:
    value: float
    measured_on: dt.date
    source: str | None = strawberry.UNSET
    note: str | None = strawberry.UNSET


@strawberry.input
class BindingInput:
    computation: ComputationEnum  # type: ignore[valid-type]
    topic: str | None = strawberry.UNSET
    assessment_item_id: uuid.UUID | None = strawberry.UNSET


@strawberry.input
class AssessmentItemInput:
    side: SideEnum  # type: ignore[valid-type]
    statement: str
    objective_id: uuid.UUID | None = strawberry.UNSET


@strawberry.input
class AnswerInput:
    item_id: uuid.UUID
    score: int


@strawberry.type
class ImpactQuery:
    @strawberry.field(
        description="A program's impact report, for its managers, administrators and `read` "
        "keys (audited). Aggregates only: no figure over fewer than 5 people."
    )
    async def program_impact(self, info: Info, program_id: uuid.UUID) -> ImpactReportType:
        ctx = info.context
        found = await report.program_impact(ctx.session, ctx.principal, program_id)
        return ImpactReportType.from_pydantic(found)

    @strawberry.field(description="The measurements of a success indicator, oldest first.")
    async def indicator_measurements(
        self,
        info: Info,
        program_id: uuid.UUID,
        objective_id: uuid.UUID,
        indicator: int,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[MeasurementType]:
        ctx = info.context
        page = await indicators.list_measurements(
            ctx.session,
            ctx.principal,
            program_id,
            objective_id,
            indicator,
            limit=first,
            cursor=after,
        )
        return connection_from_page(
            page, lambda m: MeasurementType.from_pydantic(indicators.measurement_read(m))
        )

    @strawberry.field(description="A program's self-assessment items.")
    async def assessment_items(self, info: Info, program_id: uuid.UUID) -> list[AssessmentItemType]:
        ctx = info.context
        found = await assessments.list_items(ctx.session, ctx.principal, program_id)
        return [AssessmentItemType.from_pydantic(assessments.item_read(i)) for i in found]

    @strawberry.field(description="Your own self-assessment answers; nobody reads another's.")
    async def my_assessment_answers(self, info: Info, program_id: uuid.UUID) -> list[AnswerType]:
        ctx = info.context
        found = await assessments.own_answers(ctx.session, ctx.principal, program_id)
        return [AnswerType.from_pydantic(assessments.answer_read(a)) for a in found]


@strawberry.type
class ImpactMutation:
    @strawberry.mutation(description="Record a measurement of a success indicator (managers).")
    async def record_indicator_measurement(
        self,
        info: Info,
        program_id: uuid.UUID,
        objective_id: uuid.UUID,
        indicator: int,
        input: MeasurementInput,
    ) -> MeasurementType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            data = MeasurementCreate.model_validate(plain(input))
            found = await indicators.record_measurement(
                session, ctx.principal, program_id, objective_id, indicator, data
            )
        return MeasurementType.from_pydantic(indicators.measurement_read(found))

    @strawberry.mutation(description="Delete a measurement (managers).")
    async def delete_indicator_measurement(
        self, info: Info, program_id: uuid.UUID, id: uuid.UUID
    ) -> bool | None:
        ctx = info.context
        async with ctx.mutation() as session:
            await indicators.delete_measurement(session, ctx.principal, program_id, id)
        return True

    @strawberry.mutation(description="Compute a success indicator from the service's data.")
    async def bind_indicator(
        self,
        info: Info,
        program_id: uuid.UUID,
        objective_id: uuid.UUID,
        indicator: int,
        input: BindingInput,
        version: int | None = None,
    ) -> BindingType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            data = BindingWrite.model_validate(plain(input))
            found = await indicators.bind_indicator(
                session, ctx.principal, program_id, objective_id, indicator, data, version
            )
        return BindingType.from_pydantic(indicators.binding_read(found))

    @strawberry.mutation(description="Enter a success indicator by hand again.")
    async def unbind_indicator(
        self, info: Info, program_id: uuid.UUID, objective_id: uuid.UUID, indicator: int
    ) -> bool | None:
        ctx = info.context
        async with ctx.mutation() as session:
            await indicators.unbind_indicator(
                session, ctx.principal, program_id, objective_id, indicator
            )
        return True

    @strawberry.mutation(description="Add a self-assessment item (managers).")
    async def create_assessment_item(
        self, info: Info, program_id: uuid.UUID, input: AssessmentItemInput
    ) -> AssessmentItemType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            data = AssessmentItemCreate.model_validate(plain(input))
            item = await assessments.create_item(session, ctx.principal, program_id, data)
        return AssessmentItemType.from_pydantic(assessments.item_read(item))

    @strawberry.mutation(description="Delete a self-assessment item nobody answered.")
    async def delete_assessment_item(
        self, info: Info, program_id: uuid.UUID, id: uuid.UUID
    ) -> bool | None:
        ctx = info.context
        async with ctx.mutation() as session:
            await assessments.delete_item(session, ctx.principal, program_id, id)
        return True

    @strawberry.mutation(description="Answer your self-assessment at a wave.")
    async def answer_assessment(
        self,
        info: Info,
        program_id: uuid.UUID,
        wave: WaveEnum,  # type: ignore[valid-type]
        answers: list[AnswerInput],
    ) -> list[AnswerType] | None:
        ctx = info.context
        async with ctx.mutation() as session:
            data = AnswersWrite.model_validate({"answers": plain(answers)})
            saved = await assessments.answer(session, ctx.principal, program_id, wave, data)
        return [AnswerType.from_pydantic(assessments.answer_read(a)) for a in saved]

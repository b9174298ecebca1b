"""GraphQL adapter of impact: indicator measurements and bindings, self-assessments, and the
program's impact report. Types are derived from the domain's read schemas."""

import uuid

import strawberry

from app.api.graphql.context import Info, mutate, query
from app.api.graphql.derived import derived, from_read, plain_type
from app.api.graphql.inputs import given_fields, input_from, parsed
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


@derived(MeasurementRead, name="IndicatorMeasurement")
class MeasurementType:
    pass


@derived(BindingRead, name="IndicatorBinding")
class BindingType:
    pass


@derived(AssessmentItemRead, name="AssessmentItem")
class AssessmentItemType:
    pass


@derived(AnswerRead, name="AssessmentAnswer")
class AnswerType:
    pass


plain_type(TrajectoryPoint, "IndicatorPoint")
plain_type(IndicatorTrajectory, "IndicatorTrajectory")
plain_type(LearningGain, "LearningGain")
plain_type(GroupOutcome, "RetentionGroup")
plain_type(Retention, "Retention")


@derived(ImpactReport, name="ImpactReport")
class ImpactReportType:
    pass


@input_from(MeasurementCreate)
class MeasurementInput:
    pass


@input_from(BindingWrite)
class BindingInput:
    pass


@input_from(AssessmentItemCreate)
class AssessmentItemInput:
    pass


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
        found = await query(info, report.program_impact, program_id)
        return from_read(ImpactReportType, found)

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
        page = await query(
            info,
            indicators.list_measurements,
            program_id,
            objective_id,
            indicator,
            limit=first,
            cursor=after,
        )
        return connection_from_page(
            page, lambda m: from_read(MeasurementType, indicators.measurement_read(m))
        )

    @strawberry.field(description="A program's self-assessment items.")
    async def assessment_items(self, info: Info, program_id: uuid.UUID) -> list[AssessmentItemType]:
        found = await query(info, assessments.list_items, program_id)
        return [from_read(AssessmentItemType, assessments.item_read(i)) for i in found]

    @strawberry.field(description="Your own self-assessment answers; nobody reads another's.")
    async def my_assessment_answers(self, info: Info, program_id: uuid.UUID) -> list[AnswerType]:
        found = await query(info, assessments.own_answers, program_id)
        return [from_read(AnswerType, assessments.answer_read(a)) for a in found]


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
        data = parsed(input)
        found = await mutate(
            info, indicators.record_measurement, program_id, objective_id, indicator, data
        )
        return from_read(MeasurementType, indicators.measurement_read(found))

    @strawberry.mutation(description="Delete a measurement (managers).")
    async def delete_indicator_measurement(
        self, info: Info, program_id: uuid.UUID, id: uuid.UUID
    ) -> bool | None:
        await mutate(info, indicators.delete_measurement, program_id, id)
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
        data = parsed(input)
        found = await mutate(
            info, indicators.bind_indicator, program_id, objective_id, indicator, data, version
        )
        return from_read(BindingType, indicators.binding_read(found))

    @strawberry.mutation(description="Enter a success indicator by hand again.")
    async def unbind_indicator(
        self, info: Info, program_id: uuid.UUID, objective_id: uuid.UUID, indicator: int
    ) -> bool | None:
        await mutate(info, indicators.unbind_indicator, program_id, objective_id, indicator)
        return True

    @strawberry.mutation(description="Add a self-assessment item (managers).")
    async def create_assessment_item(
        self, info: Info, program_id: uuid.UUID, input: AssessmentItemInput
    ) -> AssessmentItemType | None:
        data = parsed(input)
        item = await mutate(info, assessments.create_item, program_id, data)
        return from_read(AssessmentItemType, assessments.item_read(item))

    @strawberry.mutation(description="Delete a self-assessment item nobody answered.")
    async def delete_assessment_item(
        self, info: Info, program_id: uuid.UUID, id: uuid.UUID
    ) -> bool | None:
        await mutate(info, assessments.delete_item, program_id, id)
        return True

    @strawberry.mutation(description="Answer your self-assessment at a wave.")
    async def answer_assessment(
        self,
        info: Info,
        program_id: uuid.UUID,
        wave: WaveEnum,  # type: ignore[valid-type]
        answers: list[AnswerInput],
    ) -> list[AnswerType] | None:
        data = AnswersWrite.model_validate({"answers": given_fields(answers)})
        saved = await mutate(info, assessments.answer, program_id, wave, data)
        return [from_read(AnswerType, assessments.answer_read(a)) for a in saved]

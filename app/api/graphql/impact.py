"""GraphQL adapter of impact: indicator measurements and bindings, self-assessments, and the
program's impact report. Types are derived from the domain's read schemas."""

import uuid

import strawberry

from app.api.graphql.context import Info, mutate
from app.api.graphql.derived import derived, from_read, plain_type
from app.api.graphql.inputs import given_fields, input_from
from app.api.graphql.operations import mutation_of, query_of
from app.api.graphql.relay import Connection
from app.domain.impact import assessments, indicators, report
from app.domain.impact.models import (
    AnswerRead,
    AnswersWrite,
    AssessmentAnswer,
    AssessmentItem,
    AssessmentItemCreate,
    AssessmentItemRead,
    BindingRead,
    BindingWrite,
    Computation,
    IndicatorMeasurement,
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


def _measurement(measurement: IndicatorMeasurement) -> MeasurementType:
    return from_read(MeasurementType, indicators.measurement_read(measurement))


def _item(item: AssessmentItem) -> AssessmentItemType:
    return from_read(AssessmentItemType, assessments.item_read(item))


def _answer(answer: AssessmentAnswer) -> AnswerType:
    return from_read(AnswerType, assessments.answer_read(answer))


@strawberry.type
class ImpactQuery:
    @query_of(report.program_impact, lambda found: from_read(ImpactReportType, found))
    def program_impact(self, program_id: uuid.UUID) -> ImpactReportType:
        """A program's impact report, for its managers, administrators and `read` keys
        (audited). Aggregates only: no figure over fewer than 5 people."""

    @query_of(indicators.list_measurements, _measurement)
    def indicator_measurements(
        self,
        program_id: uuid.UUID,
        objective_id: uuid.UUID,
        indicator: int,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[MeasurementType]:
        """The measurements of a success indicator, oldest first."""

    @query_of(assessments.list_items, _item)
    def assessment_items(self, program_id: uuid.UUID) -> list[AssessmentItemType]:
        """A program's self-assessment items."""

    @query_of(assessments.own_answers, _answer)
    def my_assessment_answers(self, program_id: uuid.UUID) -> list[AnswerType]:
        """Your own self-assessment answers; nobody reads another's."""


@strawberry.type
class ImpactMutation:
    @mutation_of(indicators.record_measurement, _measurement)
    def record_indicator_measurement(
        self,
        program_id: uuid.UUID,
        objective_id: uuid.UUID,
        indicator: int,
        input: MeasurementInput,
    ) -> MeasurementType | None:
        """Record a measurement of a success indicator (managers)."""

    @mutation_of(indicators.delete_measurement, lambda _: True)
    def delete_indicator_measurement(self, program_id: uuid.UUID, id: uuid.UUID) -> bool | None:
        """Delete a measurement (managers)."""

    @mutation_of(
        indicators.bind_indicator,
        lambda binding: from_read(BindingType, indicators.binding_read(binding)),
    )
    def bind_indicator(
        self,
        program_id: uuid.UUID,
        objective_id: uuid.UUID,
        indicator: int,
        input: BindingInput,
        version: int | None = None,
    ) -> BindingType | None:
        """Compute a success indicator from the service's data."""

    @mutation_of(indicators.unbind_indicator, lambda _: True)
    def unbind_indicator(
        self, program_id: uuid.UUID, objective_id: uuid.UUID, indicator: int
    ) -> bool | None:
        """Enter a success indicator by hand again."""

    @mutation_of(assessments.create_item, _item)
    def create_assessment_item(
        self, program_id: uuid.UUID, input: AssessmentItemInput
    ) -> AssessmentItemType | None:
        """Add a self-assessment item (managers)."""

    @mutation_of(assessments.delete_item, lambda _: True)
    def delete_assessment_item(self, program_id: uuid.UUID, id: uuid.UUID) -> bool | None:
        """Delete a self-assessment item nobody answered."""

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
        return [_answer(a) for a in saved]

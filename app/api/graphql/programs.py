"""GraphQL adapter of programs and their objectives."""

import datetime as dt
import uuid

import strawberry

from app.api.graphql.consultations import (
    ConsultationType,
    ObjectiveCategoryEnum,
    consultation_from_access,
)
from app.api.graphql.context import Info
from app.api.graphql.employees import EmployeeType, from_model, given_fields
from app.api.graphql.engagement import EngagementSettingsInput, EngagementSettingsType
from app.api.graphql.matching_settings import (
    MatchingSettingsInput,
    MatchingSettingsType,
    plain,
    settings_from_model,
)
from app.api.graphql.relay import Connection, connection_from_page
from app.domain.programs import lifecycle, objectives, service
from app.domain.programs.models import (
    Objective,
    ObjectiveCreate,
    ObjectiveOrder,
    ObjectiveUpdate,
    Program,
    ProgramCreate,
    ProgramFilter,
    ProgramKind,
    ProgramStatus,
    ProgramTransition,
    ProgramUpdate,
)

ProgramKindEnum = strawberry.enum(ProgramKind, name="ProgramKind")
ProgramStatusEnum = strawberry.enum(ProgramStatus, name="ProgramStatus")


# --- objectives ----------------------------------------------------------------------------


@strawberry.type(name="SuccessIndicator")
class SuccessIndicatorType:
    name: str
    target_value: float
    unit: str
    baseline: float | None


@strawberry.type(name="Objective")
class ObjectiveType:
    id: uuid.UUID
    program_id: uuid.UUID
    title: str
    category: ObjectiveCategoryEnum  # type: ignore[valid-type]
    description: str | None
    success_indicators: list[SuccessIndicatorType]
    topic_tags: list[str]
    priority: int
    position: int
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


def objective_from_model(objective: Objective) -> ObjectiveType:
    view = objectives.to_read(objective)
    indicators = [SuccessIndicatorType(**i.model_dump()) for i in view.success_indicators]
    return ObjectiveType(
        **view.model_dump(exclude={"success_indicators"}), success_indicators=indicators
    )


@strawberry.input
class SuccessIndicatorInput:
    name: str
    target_value: float
    unit: str
    baseline: float | None = strawberry.UNSET


@strawberry.input
class ObjectiveCreateInput:
    title: str
    category: ObjectiveCategoryEnum  # type: ignore[valid-type]
    description: str | None = strawberry.UNSET
    success_indicators: list[SuccessIndicatorInput] | None = strawberry.UNSET
    topic_tags: list[str] | None = strawberry.UNSET
    priority: int | None = strawberry.UNSET


@strawberry.input(description="Only the fields given are changed.")
class ObjectiveUpdateInput:
    title: str | None = strawberry.UNSET
    category: ObjectiveCategoryEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    description: str | None = strawberry.UNSET
    success_indicators: list[SuccessIndicatorInput] | None = strawberry.UNSET
    topic_tags: list[str] | None = strawberry.UNSET
    priority: int | None = strawberry.UNSET


# --- programs ------------------------------------------------------------------------------


@strawberry.type(name="EnrollingWaiver")
class EnrollingWaiverType:
    reason: str
    waived_by: str
    waived_at: dt.datetime


@strawberry.type(name="Program")
class ProgramType:
    id: uuid.UUID
    name: str
    description: str | None
    kind: ProgramKindEnum  # type: ignore[valid-type]
    status: ProgramStatusEnum  # type: ignore[valid-type]
    starts_on: dt.date | None
    ends_on: dt.date | None
    cadence_days: int | None
    meeting_minutes: int | None
    default_mentor_capacity: int
    manager_ids: list[uuid.UUID]
    eligible_group_ids: list[uuid.UUID] = strawberry.field(
        description=(
            "Only members of these groups may enrol; empty: anyone. A deleted group stops "
            "restricting new enrolments."
        )
    )
    matching_settings: MatchingSettingsType
    engagement_settings: EngagementSettingsType = strawberry.field(
        description="When the program's people are reminded (agendas and `nudge.due` events)."
    )
    enrolling_waiver: EnrollingWaiverType | None
    status_changed_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    model: strawberry.Private[Program]

    @strawberry.field(description="The employees who run the program, batched.")
    async def managers(self, info: Info) -> list[EmployeeType]:
        found = await info.context.loader.employee.load_many(self.manager_ids)
        return [from_model(info.context.principal, e) for e in found if e is not None]

    @strawberry.field(description="The program's objectives in order, batched.")
    async def objectives(self, info: Info) -> list[ObjectiveType]:
        found = await info.context.loader.objectives.load(self.id)
        return [objective_from_model(o) for o in found]

    @strawberry.field(
        description="The stakeholder consultation, for its managers and the people invited."
    )
    async def consultation(self, info: Info) -> ConsultationType | None:
        seen = await info.context.loader.consultation.load(self.model)
        return consultation_from_access(seen) if seen is not None else None


def program_from_model(program: Program) -> ProgramType:
    view = service.to_read(program)
    waiver = view.enrolling_waiver
    return ProgramType(
        **view.model_dump(exclude={"matching_settings", "engagement_settings", "enrolling_waiver"}),
        matching_settings=settings_from_model(view.matching_settings),
        engagement_settings=EngagementSettingsType.from_pydantic(view.engagement_settings),
        enrolling_waiver=EnrollingWaiverType(**waiver.model_dump()) if waiver else None,
        model=program,
    )


@strawberry.input
class ProgramFilterInput:
    status: ProgramStatusEnum | None = None  # type: ignore[valid-type]
    kind: ProgramKindEnum | None = None  # type: ignore[valid-type]


@strawberry.input
class ProgramCreateInput:
    name: str
    description: str | None = strawberry.UNSET
    kind: ProgramKindEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    starts_on: dt.date | None = strawberry.UNSET
    ends_on: dt.date | None = strawberry.UNSET
    cadence_days: int | None = strawberry.UNSET
    meeting_minutes: int | None = strawberry.UNSET
    default_mentor_capacity: int | None = strawberry.UNSET
    manager_ids: list[uuid.UUID] | None = strawberry.UNSET
    matching_settings: MatchingSettingsInput | None = strawberry.UNSET
    engagement_settings: EngagementSettingsInput | None = strawberry.UNSET
    eligible_group_ids: list[uuid.UUID] | None = strawberry.field(
        default=strawberry.UNSET, description="Only members of these groups may enrol."
    )


@strawberry.input(description="Only the fields given are changed; null clears optional ones.")
class ProgramUpdateInput:
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    kind: ProgramKindEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    starts_on: dt.date | None = strawberry.UNSET
    ends_on: dt.date | None = strawberry.UNSET
    cadence_days: int | None = strawberry.UNSET
    meeting_minutes: int | None = strawberry.UNSET
    default_mentor_capacity: int | None = strawberry.UNSET
    manager_ids: list[uuid.UUID] | None = strawberry.UNSET
    matching_settings: MatchingSettingsInput | None = strawberry.UNSET
    engagement_settings: EngagementSettingsInput | None = strawberry.UNSET
    eligible_group_ids: list[uuid.UUID] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Replaces the groups whose members may enrol; empty or null: anyone.",
    )


@strawberry.type
class ProgramQuery:
    @strawberry.field(description="One program of your organisation.")
    async def program(self, info: Info, id: uuid.UUID) -> ProgramType | None:
        ctx = info.context
        return program_from_model(await service.get_program(ctx.session, ctx.principal, id))

    @strawberry.field(description="The programs you may see, as a Relay connection.")
    async def programs(
        self,
        info: Info,
        first: int = 50,
        after: str | None = None,
        filter: ProgramFilterInput | None = None,
    ) -> Connection[ProgramType]:
        ctx = info.context
        filters = ProgramFilter.model_validate(given_fields(filter) if filter else {})
        page = await service.list_programs(
            ctx.session, ctx.principal, filters, limit=first, cursor=after
        )
        return connection_from_page(page, program_from_model)


@strawberry.type
class ProgramMutation:
    @strawberry.mutation
    async def create_program(self, info: Info, input: ProgramCreateInput) -> ProgramType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            data = ProgramCreate.model_validate(plain(input))
            program = await service.create_program(session, ctx.principal, data)
        return program_from_model(program)

    @strawberry.mutation(description="Partial update; `version` is the version you read.")
    async def update_program(
        self, info: Info, id: uuid.UUID, version: int, input: ProgramUpdateInput
    ) -> ProgramType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            data = ProgramUpdate.model_validate(plain(input))
            program = await service.update_program(session, ctx.principal, id, data, version)
        return program_from_model(program)

    @strawberry.mutation(
        description=(
            "Move a program along its lifecycle. `waiverReason` (administrators) lets it enroll "
            "without an objective or a closed consultation."
        )
    )
    async def transition_program(
        self,
        info: Info,
        id: uuid.UUID,
        to: ProgramStatusEnum,  # type: ignore[valid-type]
        waiver_reason: str | None = None,
        version: int | None = None,
    ) -> ProgramType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            data = ProgramTransition(to=to, waiver_reason=waiver_reason)
            program = await lifecycle.transition_program(session, ctx.principal, id, data, version)
        return program_from_model(program)

    @strawberry.mutation
    async def archive_program(
        self, info: Info, id: uuid.UUID, version: int | None = None
    ) -> ProgramType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            program = await lifecycle.archive_program(session, ctx.principal, id, version)
        return program_from_model(program)

    @strawberry.mutation
    async def create_objective(
        self, info: Info, program_id: uuid.UUID, input: ObjectiveCreateInput
    ) -> ObjectiveType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            data = ObjectiveCreate.model_validate(plain(input))
            objective = await objectives.create_objective(session, ctx.principal, program_id, data)
        return objective_from_model(objective)

    @strawberry.mutation
    async def update_objective(
        self,
        info: Info,
        program_id: uuid.UUID,
        id: uuid.UUID,
        version: int,
        input: ObjectiveUpdateInput,
    ) -> ObjectiveType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            data = ObjectiveUpdate.model_validate(plain(input))
            objective = await objectives.update_objective(
                session, ctx.principal, program_id, id, data, version
            )
        return objective_from_model(objective)

    @strawberry.mutation(description="Answers the id of the objective removed.")
    async def delete_objective(
        self, info: Info, program_id: uuid.UUID, id: uuid.UUID, version: int | None = None
    ) -> uuid.UUID | None:
        ctx = info.context
        async with ctx.mutation() as session:
            await objectives.delete_objective(session, ctx.principal, program_id, id, version)
        return id

    @strawberry.mutation(description="Name every objective of the program once, in order.")
    async def reorder_objectives(
        self, info: Info, program_id: uuid.UUID, objective_ids: list[uuid.UUID]
    ) -> list[ObjectiveType] | None:
        ctx = info.context
        async with ctx.mutation() as session:
            order = ObjectiveOrder(objective_ids=objective_ids)
            ordered = await objectives.reorder_objectives(session, ctx.principal, program_id, order)
        return [objective_from_model(o) for o in ordered]

"""GraphQL adapter of programs and their objectives."""

import uuid

import strawberry

from app.api.graphql import engagement, matching_settings  # noqa: F401 (inputs nested here)
from app.api.graphql.consultations import (
    ConsultationType,
    consultation_from_access,
)
from app.api.graphql.context import Info, mutate, query
from app.api.graphql.derived import derived, from_read, plain_type
from app.api.graphql.employees import EmployeeType, from_model
from app.api.graphql.inputs import given_fields, input_from, parsed
from app.api.graphql.relay import Connection, connection_from_page
from app.domain.programs import lifecycle, objectives, service
from app.domain.programs.models import (
    EnrollingWaiver,
    Objective,
    ObjectiveCreate,
    ObjectiveOrder,
    ObjectiveRead,
    ObjectiveUpdate,
    Program,
    ProgramCreate,
    ProgramFilter,
    ProgramKind,
    ProgramRead,
    ProgramStatus,
    ProgramTransition,
    ProgramUpdate,
    SuccessIndicator,
)

ProgramKindEnum = strawberry.enum(ProgramKind, name="ProgramKind")
ProgramStatusEnum = strawberry.enum(ProgramStatus, name="ProgramStatus")


# --- objectives ----------------------------------------------------------------------------


plain_type(SuccessIndicator, "SuccessIndicator")


@derived(ObjectiveRead, name="Objective")
class ObjectiveType:
    pass


def objective_from_model(objective: Objective) -> ObjectiveType:
    return from_read(ObjectiveType, objectives.to_read(objective))


@input_from(SuccessIndicator)
class SuccessIndicatorInput:
    pass


@input_from(
    ObjectiveCreate, fields="title category description success_indicators topic_tags priority"
)
class ObjectiveCreateInput:
    pass


@input_from(ObjectiveUpdate, description="Only the fields given are changed.")
class ObjectiveUpdateInput:
    pass


# --- programs ------------------------------------------------------------------------------


plain_type(EnrollingWaiver, "EnrollingWaiver")


@derived(ProgramRead, name="Program")
class ProgramType:
    model: strawberry.Private[Program]

    @strawberry.field(description="The employees who run the program, batched.")
    async def managers(self, info: Info) -> list[EmployeeType]:
        found = await info.context.loader.employee.load_many(self.model.manager_ids)
        return [from_model(info.context.principal, e) for e in found if e is not None]

    @strawberry.field(description="The program's objectives in order, batched.")
    async def objectives(self, info: Info) -> list[ObjectiveType]:
        found = await info.context.loader.objectives.load(self.model.id)
        return [objective_from_model(o) for o in found]

    @strawberry.field(
        description="The stakeholder consultation, for its managers and the people invited."
    )
    async def consultation(self, info: Info) -> ConsultationType | None:
        seen = await info.context.loader.consultation.load(self.model)
        return consultation_from_access(seen) if seen is not None else None


def program_from_model(program: Program) -> ProgramType:
    return from_read(ProgramType, service.to_read(program), model=program)


@input_from(ProgramFilter, defaults=True)
class ProgramFilterInput:
    pass


@input_from(ProgramCreate)
class ProgramCreateInput:
    eligible_group_ids: list[uuid.UUID] | None = strawberry.field(
        default=strawberry.UNSET, description="Only members of these groups may enrol."
    )


@input_from(
    ProgramUpdate, description="Only the fields given are changed; null clears optional ones."
)
class ProgramUpdateInput:
    eligible_group_ids: list[uuid.UUID] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Replaces the groups whose members may enrol; empty or null: anyone.",
    )


@strawberry.type
class ProgramQuery:
    @strawberry.field(description="One program of your organisation.")
    async def program(self, info: Info, id: uuid.UUID) -> ProgramType | None:
        return program_from_model(await query(info, service.get_program, id))

    @strawberry.field(description="The programs you may see, as a Relay connection.")
    async def programs(
        self,
        info: Info,
        first: int = 50,
        after: str | None = None,
        filter: ProgramFilterInput | None = None,
    ) -> Connection[ProgramType]:
        filters = ProgramFilter.model_validate(given_fields(filter) if filter else {})
        page = await query(info, service.list_programs, filters, limit=first, cursor=after)
        return connection_from_page(page, program_from_model)


@strawberry.type
class ProgramMutation:
    @strawberry.mutation
    async def create_program(self, info: Info, input: ProgramCreateInput) -> ProgramType | None:
        data = parsed(input)
        return program_from_model(await mutate(info, service.create_program, data))

    @strawberry.mutation(description="Partial update; `version` is the version you read.")
    async def update_program(
        self, info: Info, id: uuid.UUID, version: int, input: ProgramUpdateInput
    ) -> ProgramType | None:
        data = parsed(input)
        return program_from_model(await mutate(info, service.update_program, id, data, version))

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
        data = ProgramTransition(to=to, waiver_reason=waiver_reason)
        return program_from_model(
            await mutate(info, lifecycle.transition_program, id, data, version)
        )

    @strawberry.mutation
    async def archive_program(
        self, info: Info, id: uuid.UUID, version: int | None = None
    ) -> ProgramType | None:
        return program_from_model(await mutate(info, lifecycle.archive_program, id, version))

    @strawberry.mutation
    async def create_objective(
        self, info: Info, program_id: uuid.UUID, input: ObjectiveCreateInput
    ) -> ObjectiveType | None:
        data = parsed(input)
        return objective_from_model(
            await mutate(info, objectives.create_objective, program_id, data)
        )

    @strawberry.mutation
    async def update_objective(
        self,
        info: Info,
        program_id: uuid.UUID,
        id: uuid.UUID,
        version: int,
        input: ObjectiveUpdateInput,
    ) -> ObjectiveType | None:
        data = parsed(input)
        return objective_from_model(
            await mutate(info, objectives.update_objective, program_id, id, data, version)
        )

    @strawberry.mutation(description="Answers the id of the objective removed.")
    async def delete_objective(
        self, info: Info, program_id: uuid.UUID, id: uuid.UUID, version: int | None = None
    ) -> uuid.UUID | None:
        await mutate(info, objectives.delete_objective, program_id, id, version)
        return id

    @strawberry.mutation(description="Name every objective of the program once, in order.")
    async def reorder_objectives(
        self, info: Info, program_id: uuid.UUID, objective_ids: list[uuid.UUID]
    ) -> list[ObjectiveType] | None:
        order = ObjectiveOrder(objective_ids=objective_ids)
        ordered = await mutate(info, objectives.reorder_objectives, program_id, order)
        return [objective_from_model(o) for o in ordered]

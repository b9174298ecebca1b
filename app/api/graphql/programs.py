"""GraphQL adapter of programs and their objectives."""

import uuid

import strawberry

from app.api.graphql import engagement, matching_settings  # noqa: F401 (inputs nested here)
from app.api.graphql.consultations import (
    ConsultationType,
    consultation_from_access,
)
from app.api.graphql.context import Info
from app.api.graphql.derived import derived, from_read, plain_type
from app.api.graphql.employees import EmployeeType, from_model
from app.api.graphql.inputs import input_from
from app.api.graphql.operations import mutation_of, query_of
from app.api.graphql.relay import Connection
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
    @query_of(service.get_program, program_from_model)
    def program(self, id: uuid.UUID) -> ProgramType | None:
        """One program of your organisation."""

    @query_of(service.list_programs, program_from_model)
    def programs(
        self, first: int = 50, after: str | None = None, filter: ProgramFilterInput | None = None
    ) -> Connection[ProgramType]:
        """The programs you may see, as a Relay connection."""


@strawberry.type
class ProgramMutation:
    @mutation_of(service.create_program, program_from_model)
    def create_program(self, input: ProgramCreateInput) -> ProgramType | None: ...

    @mutation_of(service.update_program, program_from_model)
    def update_program(
        self, id: uuid.UUID, version: int, input: ProgramUpdateInput
    ) -> ProgramType | None:
        """Partial update; `version` is the version you read."""

    @mutation_of(lifecycle.transition_program, program_from_model, fields=ProgramTransition)
    def transition_program(
        self,
        id: uuid.UUID,
        to: ProgramStatusEnum,  # type: ignore[valid-type]
        waiver_reason: str | None = None,
        version: int | None = None,
    ) -> ProgramType | None:
        """Move a program along its lifecycle. `waiverReason` (administrators) lets it enroll
        without an objective or a closed consultation."""

    @mutation_of(lifecycle.archive_program, program_from_model)
    def archive_program(self, id: uuid.UUID, version: int | None = None) -> ProgramType | None: ...

    @mutation_of(objectives.create_objective, objective_from_model)
    def create_objective(
        self, program_id: uuid.UUID, input: ObjectiveCreateInput
    ) -> ObjectiveType | None: ...

    @mutation_of(objectives.update_objective, objective_from_model)
    def update_objective(
        self, program_id: uuid.UUID, id: uuid.UUID, version: int, input: ObjectiveUpdateInput
    ) -> ObjectiveType | None: ...

    @mutation_of(objectives.delete_objective, echo="id")
    def delete_objective(
        self, program_id: uuid.UUID, id: uuid.UUID, version: int | None = None
    ) -> uuid.UUID | None:
        """Answers the id of the objective removed."""

    @mutation_of(objectives.reorder_objectives, objective_from_model, fields=ObjectiveOrder)
    def reorder_objectives(
        self, program_id: uuid.UUID, objective_ids: list[uuid.UUID]
    ) -> list[ObjectiveType] | None:
        """Name every objective of the program once, in order."""

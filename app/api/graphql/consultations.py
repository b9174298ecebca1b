"""GraphQL adapter of the stakeholder consultation: types, and mutations to run it."""

import datetime as dt
import uuid

import strawberry

from app.api.graphql.context import Info, mutate, query
from app.api.graphql.derived import derived, from_read, plain_type
from app.api.graphql.inputs import given_fields, input_from, parsed
from app.api.graphql.operations import mutation_of
from app.api.graphql.relay import Connection, connection_from_page
from app.domain.pagination import DEFAULT_LIMIT, MAX_LIMIT
from app.domain.programs import consultation as service
from app.domain.programs import contributions, stakeholders
from app.domain.programs.consultation import ConsultationAccess
from app.domain.programs.consultation_models import (
    ConsultationClose,
    ConsultationFilter,
    ConsultationOpen,
    ConsultationRead,
    ConsultationStatus,
    ConsultationUpdate,
    Contribution,
    ContributionCreate,
    ContributionDecision,
    ContributionKind,
    ContributionRead,
    ContributionResolution,
    ContributionStatus,
    ProposedObjective,
    Stakeholder,
    StakeholderInvite,
    StakeholderRead,
    StakeholderRole,
)
from app.domain.programs.models import ObjectiveCategory

ConsultationStatusEnum = strawberry.enum(ConsultationStatus, name="ConsultationStatus")
StakeholderRoleEnum = strawberry.enum(StakeholderRole, name="StakeholderRole")
ContributionKindEnum = strawberry.enum(ContributionKind, name="ContributionKind")
ContributionStatusEnum = strawberry.enum(ContributionStatus, name="ContributionStatus")
ContributionDecisionEnum = strawberry.enum(ContributionDecision, name="ContributionDecision")
ObjectiveCategoryEnum = strawberry.enum(ObjectiveCategory, name="ObjectiveCategory")


plain_type(ProposedObjective, "ProposedObjective")


@derived(ContributionRead, name="Contribution")
class ContributionType:
    pass


def contribution_from_model(contribution: Contribution) -> ContributionType:
    return from_read(ContributionType, contributions.to_read(contribution))


@derived(StakeholderRead, name="Stakeholder")
class StakeholderType:
    pass


def _stakeholder(stakeholder: Stakeholder) -> StakeholderType:
    return from_read(StakeholderType, stakeholders.stakeholder_to_read(stakeholder))


@derived(ConsultationRead, name="Consultation")
class ConsultationType:
    seen: strawberry.Private[ConsultationAccess]

    @strawberry.field(
        description="Every contribution for managers; an invited employee's own otherwise. "
        f"Oldest first, `first` at most {MAX_LIMIT}, batched."
    )
    async def contributions(
        self, info: Info, first: int = DEFAULT_LIMIT, after: str | None = None
    ) -> Connection[ContributionType]:
        page = await info.context.loader.contributions.load(
            (self.seen.contributions_key, first, after)
        )
        return connection_from_page(page, contribution_from_model)

    @strawberry.field(
        description="The stakeholders consulted, for the program's managers and readers only. "
        f"Oldest invited first, `first` at most {MAX_LIMIT}, batched."
    )
    async def stakeholders(
        self, info: Info, first: int = DEFAULT_LIMIT, after: str | None = None
    ) -> Connection[StakeholderType] | None:
        stakeholders.require_whole(self.seen)
        page = await info.context.loader.stakeholders.load(
            (self.seen.consultation.id, first, after)
        )
        return connection_from_page(page, _stakeholder)


def consultation_from_access(seen: ConsultationAccess) -> ConsultationType:
    return from_read(ConsultationType, service.to_read(seen.consultation), seen=seen)


async def _as_seen(info: Info, program_id: uuid.UUID) -> ConsultationType:
    seen = await query(info, service.consultation_access, program_id)
    return consultation_from_access(seen)


@input_from(ConsultationOpen)
class ConsultationOpenInput:
    deadline: dt.datetime = strawberry.field(description="In the future, with a time zone.")


@input_from(ConsultationUpdate, description="A partial update: only the fields sent change.")
class ConsultationUpdateInput:
    deadline: dt.datetime | None = strawberry.field(
        default=strawberry.UNSET, description="In the future, with a time zone."
    )


@input_from(ConsultationFilter, defaults=True)
class ConsultationFilterInput:
    pass


@input_from(
    StakeholderInvite,
    fields="role employee_id email name",
    description="An employee (employeeId) or an outside person (email).",
)
class StakeholderInviteInput:
    pass


@input_from(ProposedObjective)
class ProposedObjectiveInput:
    pass


@input_from(ContributionCreate)
class ContributionInput:
    stakeholder_id: uuid.UUID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Managers recording an answer name the stakeholder; invitees leave it out.",
    )


@input_from(ContributionResolution)
class ContributionResolutionInput:
    pass


@strawberry.type
class ConsultationQuery:
    @strawberry.field(
        description="The consultations you run or are invited to (all of them for readers), "
        f"as a Relay connection. `first` at most {MAX_LIMIT}."
    )
    async def consultations(
        self,
        info: Info,
        first: int = DEFAULT_LIMIT,
        after: str | None = None,
        filter: ConsultationFilterInput | None = None,
    ) -> Connection[ConsultationType]:
        filters = ConsultationFilter.model_validate(given_fields(filter) if filter else {})
        page = await query(
            info, service.list_consultation_access, filters, limit=first, cursor=after
        )
        return connection_from_page(page, consultation_from_access)


@strawberry.type
class ConsultationMutation:
    @strawberry.mutation(description="Open a program's consultation; a draft moves to it.")
    async def open_consultation(
        self, info: Info, program_id: uuid.UUID, input: ConsultationOpenInput
    ) -> ConsultationType | None:
        data = parsed(input)
        await mutate(info, service.open_consultation, program_id, data)
        return await _as_seen(info, program_id)

    @mutation_of(stakeholders.invite_stakeholder, _stakeholder)
    def invite_stakeholder(
        self, program_id: uuid.UUID, input: StakeholderInviteInput
    ) -> StakeholderType | None: ...

    @strawberry.mutation(
        description="Change the question or the deadline while the consultation is open; "
        "`version` is the consultation's version you read."
    )
    async def update_consultation(
        self, info: Info, program_id: uuid.UUID, version: int, input: ConsultationUpdateInput
    ) -> ConsultationType | None:
        data = parsed(input)
        await mutate(info, service.update_consultation, program_id, data, version)
        return await _as_seen(info, program_id)

    @strawberry.mutation(description="Close with a summary once every contribution is decided.")
    async def close_consultation(
        self, info: Info, program_id: uuid.UUID, summary: str, version: int | None = None
    ) -> ConsultationType | None:
        data = ConsultationClose(summary=summary)
        await mutate(info, service.close_consultation, program_id, data, version)
        return await _as_seen(info, program_id)

    @mutation_of(contributions.submit_contribution, contribution_from_model)
    def submit_contribution(
        self, program_id: uuid.UUID, input: ContributionInput
    ) -> ContributionType | None: ...

    @mutation_of(contributions.resolve_contribution, contribution_from_model)
    def resolve_contribution(
        self,
        program_id: uuid.UUID,
        id: uuid.UUID,
        input: ContributionResolutionInput,
        version: int | None = None,
    ) -> ContributionType | None:
        """Accept (linking an objective) or decline with a reason."""

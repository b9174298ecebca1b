"""GraphQL adapter of the matching module: participants, runs with proposals, and review."""

import uuid

import strawberry

from app.api.graphql.context import Info, mutate
from app.api.graphql.derived import from_read
from app.api.graphql.inputs import given_fields, input_from
from app.api.graphql.matching_types import (
    ANSWER_TARGET,
    DECISION_TARGET,
    EnrolmentDecision,
    EnrolmentDecisionEnum,
    MatchingRunType,
    MatchRequestType,
    MentorSuggestionType,
    ParticipantRoleEnum,
    ParticipantStatusEnum,
    ParticipantType,
    ProposalReview,
    RequestAnswer,
    RequestAnswerEnum,
    participant_from_model,
    request_from,
    run_from_model,
)
from app.api.graphql.operations import mutation_of, query_of
from app.api.graphql.relay import Connection
from app.domain.matching import decisions, review, runs, self_match
from app.domain.matching.run_models import (
    MatchingRunCreate,
    MatchRequestCreate,
    MatchRequestDecision,
    ProposalSelection,
    ReviewResult,
)
from app.domain.participants import enrolment
from app.domain.participants.schemas import (
    AvailabilityWindow,
    ParticipantCreate,
    ParticipantDecision,
    ParticipantFilter,
)


@strawberry.input
class TopicLevelInput:
    tag: str
    level: int


@input_from(AvailabilityWindow)
class AvailabilityWindowInput:
    pass


@input_from(
    ParticipantCreate,
    fields="role employee_id teaches learns mindset mindset_statement availability timezone "
    "languages format capacity avoid prefer",
    defaults=True,
    null_is_default=True,
)
class EnrolInput:
    employee_id: uuid.UUID | None = strawberry.field(
        default=None, description="Managers enrol others; defaults to you."
    )
    teaches: list[TopicLevelInput] | None = None
    learns: list[TopicLevelInput] | None = None


def _enrol_data(data: EnrolInput) -> ParticipantCreate:
    fields = given_fields(data)
    for name in ("teaches", "learns"):
        if name in fields:
            fields[name] = {t["tag"]: t["level"] for t in fields[name]}
    return ParticipantCreate.model_validate(fields)


@strawberry.input
class PairInput:
    mentee_id: uuid.UUID
    mentor_id: uuid.UUID


@strawberry.input
class MatchingRunInput:
    dry_run: bool = False
    keep: list[PairInput] | None = None
    forbid: list[PairInput] | None = None


def _review(result: ReviewResult) -> ProposalReview:
    return from_read(ProposalReview, result)


@strawberry.type
class MatchingQuery:
    @query_of(self_match.suggest_mentors, lambda s: from_read(MentorSuggestionType, s))
    def mentor_suggestions(
        self, program_id: uuid.UUID, mentee_id: uuid.UUID | None = None, first: int = 20
    ) -> list[MentorSuggestionType]:
        """Eligible mentors with a free seat for a mentee (you, or `menteeId` for managers),
        best score first."""

    @query_of(enrolment.list_participants, participant_from_model, fields=ParticipantFilter)
    def participants(
        self,
        program_id: uuid.UUID,
        first: int = 50,
        after: str | None = None,
        role: ParticipantRoleEnum | None = None,  # type: ignore[valid-type]
        status: ParticipantStatusEnum | None = None,  # type: ignore[valid-type]
    ) -> Connection[ParticipantType]:
        """A program's participants: all for managers, yours otherwise."""

    @query_of(enrolment.get_participant, participant_from_model)
    def participant(self, program_id: uuid.UUID, id: uuid.UUID) -> ParticipantType | None: ...

    @query_of(runs.list_runs, run_from_model)
    def matching_runs(
        self, program_id: uuid.UUID, first: int = 20, after: str | None = None
    ) -> Connection[MatchingRunType]:
        """A program's matching runs (managers)."""

    @query_of(runs.get_run, run_from_model)
    def matching_run(self, program_id: uuid.UUID, id: uuid.UUID) -> MatchingRunType | None: ...


@strawberry.type
class MatchingMutation:
    @strawberry.mutation(description="Enrol yourself (or, as a manager, someone) in a program.")
    async def enrol(
        self, info: Info, program_id: uuid.UUID, input: EnrolInput
    ) -> ParticipantType | None:
        return participant_from_model(
            await mutate(info, enrolment.enrol, program_id, _enrol_data(input))
        )

    @strawberry.mutation(description="Approve or reject (managers), or withdraw an enrolment.")
    async def decide_enrolment(
        self,
        info: Info,
        program_id: uuid.UUID,
        participant_id: uuid.UUID,
        decision: EnrolmentDecisionEnum,  # type: ignore[valid-type]
        reason: str | None = None,
    ) -> ParticipantType | None:
        return participant_from_model(
            await mutate(
                info,
                decisions.decide,
                program_id,
                participant_id,
                DECISION_TARGET[EnrolmentDecision(decision)],
                ParticipantDecision(reason=reason),
            )
        )

    @strawberry.mutation(
        description="Queue a matching run of a program (managers): the run answers QUEUED "
        "and a worker computes it; read matchingRun for its progress and result."
    )
    async def run_matching(
        self, info: Info, program_id: uuid.UUID, input: MatchingRunInput | None = None
    ) -> MatchingRunType | None:
        ctx = info.context
        given = input or MatchingRunInput()
        data = MatchingRunCreate.model_validate(
            {
                "dry_run": given.dry_run,
                "keep": [vars(p) for p in given.keep or []],
                "forbid": [vars(p) for p in given.forbid or []],
            }
        )
        async with ctx.mutation() as session:
            run = await runs.create_run(session, ctx.principal, program_id, data)
        return run_from_model(run)

    @mutation_of(runs.cancel_run, run_from_model)
    def cancel_matching_run(
        self, program_id: uuid.UUID, run_id: uuid.UUID
    ) -> MatchingRunType | None:
        """Cancel a queued or running matching run (managers); it proposes nothing."""

    @mutation_of(review.accept_proposals, _review, fields=ProposalSelection)
    def accept_proposals(
        self, program_id: uuid.UUID, run_id: uuid.UUID, proposal_ids: list[uuid.UUID] | None = None
    ) -> ProposalReview | None:
        """Accept proposals (all open ones when none are named)."""

    @mutation_of(review.reject_proposals, _review, fields=ProposalSelection)
    def reject_proposals(
        self,
        program_id: uuid.UUID,
        run_id: uuid.UUID,
        proposal_ids: list[uuid.UUID] | None = None,
        reason: str | None = None,
    ) -> ProposalReview | None: ...

    @mutation_of(self_match.request_mentor, request_from, fields=MatchRequestCreate)
    def request_mentor(
        self, program_id: uuid.UUID, mentor_id: uuid.UUID, message: str | None = None
    ) -> MatchRequestType | None:
        """Ask a mentor (the calling mentee)."""

    @strawberry.mutation(description="The mentor accepts or declines; the mentee withdraws.")
    async def answer_match_request(
        self,
        info: Info,
        program_id: uuid.UUID,
        request_id: uuid.UUID,
        answer: RequestAnswerEnum,  # type: ignore[valid-type]
        reason: str | None = None,
    ) -> MatchRequestType | None:
        return request_from(
            await mutate(
                info,
                self_match.decide_request,
                program_id,
                request_id,
                ANSWER_TARGET[RequestAnswer(answer)],
                MatchRequestDecision(reason=reason),
            )
        )

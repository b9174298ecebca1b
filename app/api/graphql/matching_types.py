"""GraphQL types of the matching module: participants, runs, proposals, explanations."""

from enum import StrEnum

import strawberry

from app.api.graphql.context import Info
from app.api.graphql.derived import derived, from_read, plain_type, source
from app.api.graphql.relay import Connection, connection_from_page
from app.domain.matching import runs, self_match
from app.domain.matching.run_models import (
    ExplanationRead,
    MatchingProposal,
    MatchingRun,
    MatchingRunRead,
    MatchRequest,
    MatchRequestRead,
    MentorSuggestion,
    PairSummary,
    ProposalRead,
    ProposalStatus,
    RefusedPair,
    RequestStatus,
    ReviewResult,
    RunProgress,
    RunStage,
    RunStatus,
    RunSummary,
    UnmatchedRead,
)
from app.domain.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page
from app.domain.participants import enrolment
from app.domain.participants.models import (
    MeetingFormat,
    Participant,
    ParticipantRole,
    ParticipantStatus,
)
from app.domain.participants.schemas import AvailabilityWindow, ParticipantRead

ParticipantRoleEnum = strawberry.enum(ParticipantRole, name="ParticipantRole")
ParticipantStatusEnum = strawberry.enum(ParticipantStatus, name="ParticipantStatus")
MeetingFormatEnum = strawberry.enum(MeetingFormat, name="MeetingFormat")
RunStatusEnum = strawberry.enum(RunStatus, name="MatchingRunStatus")
RunStageEnum = strawberry.enum(RunStage, name="MatchingRunStage")
ProposalStatusEnum = strawberry.enum(ProposalStatus, name="ProposalStatus")


class EnrolmentDecision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    WITHDRAW = "withdraw"


EnrolmentDecisionEnum = strawberry.enum(EnrolmentDecision, name="EnrolmentDecision")
DECISION_TARGET = {
    EnrolmentDecision.APPROVE: ParticipantStatus.APPROVED,
    EnrolmentDecision.REJECT: ParticipantStatus.REJECTED,
    EnrolmentDecision.WITHDRAW: ParticipantStatus.WITHDRAWN,
}


@strawberry.type
class TopicLevel:
    tag: str
    level: int = strawberry.field(description="Proficiency (teaches) or priority (learns), 1-5.")


def _levels(mapping: dict[str, int]) -> list[TopicLevel]:
    return [TopicLevel(tag=tag, level=level) for tag, level in sorted(mapping.items())]


plain_type(AvailabilityWindow, "AvailabilityWindow")


@derived(ParticipantRead, name="Participant", exclude={"updated_at"})
class ParticipantType:
    @strawberry.field
    def teaches(self) -> list[TopicLevel]:
        return _levels(source(self).teaches)

    @strawberry.field
    def learns(self) -> list[TopicLevel]:
        return _levels(source(self).learns)


def participant_from_model(participant: Participant) -> ParticipantType:
    return from_read(ParticipantType, enrolment.to_read(participant))


@strawberry.type
class ScoreComponent:
    name: str
    value: float = strawberry.field(description="0-100.")
    weight: float


@derived(ExplanationRead, name="Explanation", exclude={"weights"})
class ExplanationType:
    @strawberry.field
    def components(self) -> list[ScoreComponent]:
        view: ExplanationRead = source(self)
        return [
            ScoreComponent(name=name, value=value, weight=view.weights.get(name, 0.0))
            for name, value in view.components.items()
        ]


@derived(ProposalRead, name="MatchingProposal", exclude={"decided_by", "decided_at"})
class ProposalType:
    pass


def proposal_from_model(proposal: MatchingProposal) -> ProposalType:
    return from_read(ProposalType, runs.proposal_to_read(proposal))


plain_type(UnmatchedRead, "UnmatchedParticipant")
plain_type(RunSummary, "MatchingRunSummary")
derived(
    RefusedPair,
    name="RefusedPair",
    description="A pair to keep that a hard exclusion refused; never proposed.",
)(type("RefusedPairType", (), {}))


@derived(
    RunProgress,
    name="MatchingRunProgress",
    description="Where a run is: the stage under way and the pairs scored so far.",
)
class RunProgressType:
    pass


@derived(MatchingRunRead, name="MatchingRun", exclude={"keep", "forbid"})
class MatchingRunType:
    status: strawberry.auto = strawberry.field(
        description="QUEUED, RUNNING, then COMPLETED, FAILED (see errorCode) or CANCELLED."
    )

    @strawberry.field(
        description="The proposed pairs, each with its score and explanation, once the run "
        f"has completed; `first` at most {MAX_LIMIT}, batched."
    )
    async def proposals(
        self, info: Info, first: int = DEFAULT_LIMIT, after: str | None = None
    ) -> Connection[ProposalType]:
        view: MatchingRunRead = source(self)
        if view.status != RunStatus.COMPLETED:
            nothing: Page[MatchingProposal] = Page(items=[], next_cursor=None)
            return connection_from_page(nothing, proposal_from_model)
        page = await info.context.loader.proposals.load((view.id, first, after))
        return connection_from_page(page, proposal_from_model)


def run_from_model(run: MatchingRun) -> MatchingRunType:
    return from_read(MatchingRunType, runs.run_to_read(run))


derived(
    PairSummary,
    name="PairCreated",
    exclude={"program_id", "mentee_employee_id", "mentor_employee_id", "explanation"},
)(type("PairCreated", (), {}))


@derived(ReviewResult, name="ProposalReview")
class ProposalReview:
    pass


@derived(MentorSuggestion, name="MentorSuggestionType")
class MentorSuggestionType:
    pass


RequestStatusEnum = strawberry.enum(RequestStatus, name="MatchRequestStatus")


class RequestAnswer(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    WITHDRAW = "withdraw"


RequestAnswerEnum = strawberry.enum(RequestAnswer, name="MatchRequestAnswer")
ANSWER_TARGET = {
    RequestAnswer.ACCEPT: RequestStatus.ACCEPTED,
    RequestAnswer.DECLINE: RequestStatus.DECLINED,
    RequestAnswer.WITHDRAW: RequestStatus.WITHDRAWN,
}


@derived(
    MatchRequestRead,
    name="MatchRequest",
    exclude={"mentee_employee_id", "mentor_employee_id", "decided_at", "created_at"},
)
class MatchRequestType:
    pass


def request_from(request: MatchRequest) -> MatchRequestType:
    return from_read(MatchRequestType, self_match.request_to_read(request))

"""GraphQL types of the matching module: participants, runs, proposals, explanations."""

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

import strawberry
from strawberry.experimental.pydantic import type as pydantic_type

from app.api.graphql.context import Info
from app.api.graphql.relay import Connection, connection_from_page
from app.domain.matching import runs, self_match
from app.domain.matching.run_models import (
    MatchingProposal,
    MatchingRun,
    MatchRequest,
    MentorSuggestion,
    ProposalRead,
    ProposalStatus,
    RequestStatus,
    ReviewResult,
    RunProgress,
    RunStage,
    RunStatus,
)
from app.domain.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page
from app.domain.participants import enrolment
from app.domain.participants.models import (
    MeetingFormat,
    Participant,
    ParticipantRole,
    ParticipantStatus,
)

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


@strawberry.type
class AvailabilityWindow:
    day: int
    start: str
    end: str


def _levels(mapping: dict[str, int]) -> list[TopicLevel]:
    return [TopicLevel(tag=tag, level=level) for tag, level in sorted(mapping.items())]


@strawberry.type(name="Participant")
class ParticipantType:
    id: uuid.UUID
    program_id: uuid.UUID
    employee_id: uuid.UUID
    role: ParticipantRoleEnum  # type: ignore[valid-type]
    status: ParticipantStatusEnum  # type: ignore[valid-type]
    capacity: int | None
    teaches: list[TopicLevel]
    learns: list[TopicLevel]
    mindset: int
    mindset_statement: str | None
    availability: list[AvailabilityWindow]
    timezone: str | None
    languages: list[str]
    format: MeetingFormatEnum  # type: ignore[valid-type]
    avoid: list[uuid.UUID]
    prefer: list[uuid.UUID]
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_reason: str | None
    created_at: dt.datetime
    version: int


def participant_from_model(participant: Participant) -> ParticipantType:
    view = enrolment.to_read(participant)
    fields = view.model_dump(exclude={"teaches", "learns", "availability", "updated_at"})
    return ParticipantType(
        **fields,
        teaches=_levels(view.teaches),
        learns=_levels(view.learns),
        availability=[AvailabilityWindow(**w.model_dump()) for w in view.availability],
    )


@strawberry.type
class ScoreComponent:
    name: str
    value: float = strawberry.field(description="0-100.")
    weight: float


@strawberry.type
class Explanation:
    score: float
    eligible: bool
    ineligible_reason: str | None
    components: list[ScoreComponent]
    reasons: list[str]


def explanation_from(document: dict[str, Any]) -> Explanation:
    weights = document.get("weights", {})
    return Explanation(
        score=document["score"],
        eligible=document["eligible"],
        ineligible_reason=document.get("ineligible_reason"),
        components=[
            ScoreComponent(name=name, value=value, weight=weights.get(name, 0.0))
            for name, value in document.get("components", {}).items()
        ],
        reasons=list(document.get("reasons", [])),
    )


@strawberry.type(name="MatchingProposal")
class ProposalType:
    id: uuid.UUID
    run_id: uuid.UUID
    mentee_id: uuid.UUID
    mentor_id: uuid.UUID
    mentee_employee_id: uuid.UUID
    mentor_employee_id: uuid.UUID
    score: float
    explanation: Explanation
    kept: bool
    status: ProposalStatusEnum  # type: ignore[valid-type]
    pair_id: uuid.UUID | None
    decision_reason: str | None


def proposal_from_read(view: ProposalRead) -> ProposalType:
    return ProposalType(
        id=view.id,
        run_id=view.run_id,
        mentee_id=view.mentee_id,
        mentor_id=view.mentor_id,
        mentee_employee_id=view.mentee_employee_id,
        mentor_employee_id=view.mentor_employee_id,
        score=view.score,
        explanation=explanation_from(view.explanation.model_dump()),
        kept=view.kept,
        status=view.status,
        pair_id=view.pair_id,
        decision_reason=view.decision_reason,
    )


def proposal_from_model(proposal: MatchingProposal) -> ProposalType:
    return proposal_from_read(runs.proposal_to_read(proposal))


@strawberry.type
class UnmatchedParticipant:
    participant_id: uuid.UUID
    employee_id: uuid.UUID
    role: str
    reason: str
    detail: str


@strawberry.type(description="A pair to keep that a hard exclusion refused; never proposed.")
class RefusedPair:
    mentee_id: uuid.UUID
    mentor_id: uuid.UUID
    reason: str = strawberry.field(description="A stable code, e.g. `reporting_line`.")
    detail: str


@strawberry.type
class MatchingRunSummary:
    participants: int
    pairs: int
    unmatched: int
    mean_score: float | None
    min_score: float | None
    total_score: float
    objective_topics: list[str]
    objective_topics_covered: list[str]


@pydantic_type(
    model=RunProgress,
    all_fields=True,
    name="MatchingRunProgress",
    description="Where a run is: the stage under way and the pairs scored so far.",
)
class RunProgressType:
    stage: RunStageEnum  # type: ignore[valid-type]


@strawberry.type(name="MatchingRun")
class MatchingRunType:
    id: uuid.UUID
    program_id: uuid.UUID
    status: RunStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="QUEUED, RUNNING, then COMPLETED, FAILED (see errorCode) or CANCELLED."
    )
    dry_run: bool
    requested_by: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    progress: RunProgressType
    summary: MatchingRunSummary
    unmatched: list[UnmatchedParticipant]
    refused: list[RefusedPair]
    cancelled_by: str | None
    error_code: str | None = strawberry.field(description="Why the run failed, a stable code.")
    error: str | None

    @strawberry.field(
        description="The proposed pairs, each with its score and explanation, once the run "
        f"has completed; `first` at most {MAX_LIMIT}, batched."
    )
    async def proposals(
        self, info: Info, first: int = DEFAULT_LIMIT, after: str | None = None
    ) -> Connection[ProposalType]:
        if self.status != RunStatus.COMPLETED:
            nothing: Page[MatchingProposal] = Page(items=[], next_cursor=None)
            return connection_from_page(nothing, proposal_from_model)
        page = await info.context.loader.proposals.load((self.id, first, after))
        return connection_from_page(page, proposal_from_model)


def run_from_model(run: MatchingRun) -> MatchingRunType:
    view = runs.run_to_read(run)
    return MatchingRunType(
        id=view.id,
        program_id=view.program_id,
        status=view.status,
        dry_run=view.dry_run,
        requested_by=view.requested_by,
        created_at=view.created_at,
        started_at=view.started_at,
        finished_at=view.finished_at,
        progress=RunProgressType.from_pydantic(view.progress),
        summary=MatchingRunSummary(**view.summary.model_dump()),
        unmatched=[UnmatchedParticipant(**u.model_dump()) for u in view.unmatched],
        refused=[RefusedPair(**r.model_dump()) for r in view.refused],
        cancelled_by=view.cancelled_by,
        error_code=view.error_code,
        error=view.error,
    )


@strawberry.type
class PairCreated:
    id: uuid.UUID
    mentee_id: uuid.UUID
    mentor_id: uuid.UUID
    status: str
    origin: str
    score: float | None
    matching_run_id: uuid.UUID | None


@strawberry.type
class ProposalReview:
    proposals: list[ProposalType]
    pairs: list[PairCreated]


def review_from(result: ReviewResult) -> ProposalReview:
    return ProposalReview(
        proposals=[proposal_from_read(p) for p in result.proposals],
        pairs=[
            PairCreated(
                id=p.id,
                mentee_id=p.mentee_id,
                mentor_id=p.mentor_id,
                status=p.status,
                origin=p.origin,
                score=p.score,
                matching_run_id=p.matching_run_id,
            )
            for p in result.pairs
        ],
    )


@strawberry.type
class MentorSuggestionType:
    mentor_id: uuid.UUID
    employee_id: uuid.UUID
    name: str
    score: float
    explanation: Explanation
    preferred: bool
    free_seats: int


def suggestion_from(view: MentorSuggestion) -> MentorSuggestionType:
    return MentorSuggestionType(
        mentor_id=view.mentor_id,
        employee_id=view.employee_id,
        name=view.name,
        score=view.score,
        explanation=explanation_from(view.explanation.model_dump()),
        preferred=view.preferred,
        free_seats=view.free_seats,
    )


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


@strawberry.type(name="MatchRequest")
class MatchRequestType:
    id: uuid.UUID
    program_id: uuid.UUID
    mentee_id: uuid.UUID
    mentor_id: uuid.UUID
    status: RequestStatusEnum  # type: ignore[valid-type]
    message: str | None
    score: float
    explanation: Explanation
    pair_id: uuid.UUID | None
    decision_reason: str | None
    version: int


def request_from(request: MatchRequest) -> MatchRequestType:
    view = self_match.request_to_read(request)
    return MatchRequestType(
        id=view.id,
        program_id=view.program_id,
        mentee_id=view.mentee_id,
        mentor_id=view.mentor_id,
        status=view.status,
        message=view.message,
        score=view.score,
        explanation=explanation_from(view.explanation.model_dump()),
        pair_id=view.pair_id,
        decision_reason=view.decision_reason,
        version=view.version,
    )

"""GraphQL adapter of the matching module: participants, runs with proposals, and review."""

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

import strawberry

from app.api.graphql.context import Info
from app.api.graphql.relay import Connection, connection_from_page
from app.domain.matching import decisions, enrolment, review, runs
from app.domain.matching.models import (
    MeetingFormat,
    Participant,
    ParticipantRole,
    ParticipantStatus,
)
from app.domain.matching.run_models import (
    MatchingProposal,
    MatchingRun,
    MatchingRunCreate,
    ProposalRead,
    ProposalSelection,
    ProposalStatus,
    ReviewResult,
    RunStatus,
)
from app.domain.matching.schemas import (
    ParticipantCreate,
    ParticipantDecision,
    ParticipantFilter,
)

ParticipantRoleEnum = strawberry.enum(ParticipantRole, name="ParticipantRole")
ParticipantStatusEnum = strawberry.enum(ParticipantStatus, name="ParticipantStatus")
MeetingFormatEnum = strawberry.enum(MeetingFormat, name="MeetingFormat")
RunStatusEnum = strawberry.enum(RunStatus, name="MatchingRunStatus")
ProposalStatusEnum = strawberry.enum(ProposalStatus, name="ProposalStatus")


class EnrolmentDecision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    WITHDRAW = "withdraw"


EnrolmentDecisionEnum = strawberry.enum(EnrolmentDecision, name="EnrolmentDecision")
_TARGET = {
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


@strawberry.type(name="MatchingRun")
class MatchingRunType:
    id: uuid.UUID
    program_id: uuid.UUID
    status: RunStatusEnum  # type: ignore[valid-type]
    dry_run: bool
    requested_by: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    summary: MatchingRunSummary
    unmatched: list[UnmatchedParticipant]
    preloaded: strawberry.Private[list[MatchingProposal] | None]

    @strawberry.field(description="The proposed pairs, each with its score and explanation.")
    async def proposals(self, info: Info) -> list[ProposalType]:
        found = self.preloaded
        if found is None:
            found = (await runs.proposals_of_runs(info.context.session, [self.id]))[self.id]
        return [proposal_from_model(p) for p in found]


def run_from_model(
    run: MatchingRun, preloaded: list[MatchingProposal] | None = None
) -> MatchingRunType:
    view = runs.run_to_read(run)
    return MatchingRunType(
        id=view.id,
        program_id=view.program_id,
        status=view.status,
        dry_run=view.dry_run,
        requested_by=view.requested_by,
        created_at=view.created_at,
        finished_at=view.finished_at,
        summary=MatchingRunSummary(**view.summary.model_dump()),
        unmatched=[UnmatchedParticipant(**u.model_dump()) for u in view.unmatched],
        preloaded=preloaded,
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


@strawberry.input
class TopicLevelInput:
    tag: str
    level: int


@strawberry.input
class AvailabilityWindowInput:
    day: int
    start: str
    end: str


@strawberry.input
class EnrolInput:
    role: ParticipantRoleEnum  # type: ignore[valid-type]
    employee_id: uuid.UUID | None = strawberry.field(
        default=None, description="Managers enrol others; defaults to you."
    )
    teaches: list[TopicLevelInput] | None = None
    learns: list[TopicLevelInput] | None = None
    mindset: int | None = None
    mindset_statement: str | None = None
    availability: list[AvailabilityWindowInput] | None = None
    timezone: str | None = None
    languages: list[str] | None = None
    format: MeetingFormatEnum | None = None  # type: ignore[valid-type]
    capacity: int | None = None
    avoid: list[uuid.UUID] | None = None
    prefer: list[uuid.UUID] | None = None


def _enrol_data(data: EnrolInput) -> ParticipantCreate:
    fields: dict[str, Any] = {k: v for k, v in vars(data).items() if v is not None}
    for name in ("teaches", "learns"):
        if name in fields:
            fields[name] = {t.tag: t.level for t in fields[name]}
    if "availability" in fields:
        fields["availability"] = [vars(w) for w in fields["availability"]]
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


@strawberry.type
class MatchingQuery:
    @strawberry.field(description="A program's participants: all for managers, yours otherwise.")
    async def participants(
        self,
        info: Info,
        program_id: uuid.UUID,
        first: int = 50,
        after: str | None = None,
        role: ParticipantRoleEnum | None = None,  # type: ignore[valid-type]
        status: ParticipantStatusEnum | None = None,  # type: ignore[valid-type]
    ) -> Connection[ParticipantType]:
        ctx = info.context
        page = await enrolment.list_participants(
            ctx.session,
            ctx.principal,
            program_id,
            ParticipantFilter(role=role, status=status),
            limit=first,
            cursor=after,
        )
        return connection_from_page(page, participant_from_model)

    @strawberry.field
    async def participant(
        self, info: Info, program_id: uuid.UUID, id: uuid.UUID
    ) -> ParticipantType | None:
        ctx = info.context
        found = await enrolment.get_participant(ctx.session, ctx.principal, program_id, id)
        return participant_from_model(found)

    @strawberry.field(description="A program's matching runs (managers).")
    async def matching_runs(
        self, info: Info, program_id: uuid.UUID, first: int = 20, after: str | None = None
    ) -> Connection[MatchingRunType]:
        ctx = info.context
        page = await runs.list_runs(
            ctx.session, ctx.principal, program_id, limit=first, cursor=after
        )
        proposals = await runs.proposals_of_runs(ctx.session, [r.id for r in page.items])
        return connection_from_page(page, lambda r: run_from_model(r, proposals[r.id]))

    @strawberry.field
    async def matching_run(
        self, info: Info, program_id: uuid.UUID, id: uuid.UUID
    ) -> MatchingRunType | None:
        ctx = info.context
        return run_from_model(await runs.get_run(ctx.session, ctx.principal, program_id, id))


@strawberry.type
class MatchingMutation:
    @strawberry.mutation(description="Enrol yourself (or, as a manager, someone) in a program.")
    async def enrol(
        self, info: Info, program_id: uuid.UUID, input: EnrolInput
    ) -> ParticipantType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            participant = await enrolment.enrol(
                session, ctx.principal, program_id, _enrol_data(input)
            )
        return participant_from_model(participant)

    @strawberry.mutation(description="Approve or reject (managers), or withdraw an enrolment.")
    async def decide_enrolment(
        self,
        info: Info,
        program_id: uuid.UUID,
        participant_id: uuid.UUID,
        decision: EnrolmentDecisionEnum,  # type: ignore[valid-type]
        reason: str | None = None,
    ) -> ParticipantType | None:
        ctx = info.context
        async with ctx.mutation() as session:
            participant = await decisions.decide(
                session,
                ctx.principal,
                program_id,
                participant_id,
                _TARGET[EnrolmentDecision(decision)],
                ParticipantDecision(reason=reason),
            )
        return participant_from_model(participant)

    @strawberry.mutation(description="Run the matching of a program (managers).")
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

    @strawberry.mutation(description="Accept proposals (all open ones when none are named).")
    async def accept_proposals(
        self,
        info: Info,
        program_id: uuid.UUID,
        run_id: uuid.UUID,
        proposal_ids: list[uuid.UUID] | None = None,
    ) -> ProposalReview | None:
        ctx = info.context
        async with ctx.mutation() as session:
            result = await review.accept_proposals(
                session,
                ctx.principal,
                program_id,
                run_id,
                ProposalSelection(proposal_ids=proposal_ids),
            )
        return review_from(result)

    @strawberry.mutation
    async def reject_proposals(
        self,
        info: Info,
        program_id: uuid.UUID,
        run_id: uuid.UUID,
        proposal_ids: list[uuid.UUID] | None = None,
        reason: str | None = None,
    ) -> ProposalReview | None:
        ctx = info.context
        async with ctx.mutation() as session:
            result = await review.reject_proposals(
                session,
                ctx.principal,
                program_id,
                run_id,
                ProposalSelection(proposal_ids=proposal_ids, reason=reason),
            )
        return review_from(result)

"""GraphQL adapter of pairs, session logs and progress, with their DataLoaders.

Nested fields (people, goals, latest logs, private notes, progress) are batched per
request: a page of pairs costs the same number of statements whatever its size.
"""

import uuid
from collections.abc import Sequence
from functools import partial

import strawberry
from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.dataloader import DataLoader

from app.api.graphql.context import Info
from app.api.graphql.derived import derived, from_read, plain_type, source
from app.api.graphql.employees import EmployeeType, employee_of
from app.api.graphql.inputs import input_from
from app.api.graphql.operations import mutation_of, query_of
from app.api.graphql.pair_fit_types import FitCheckType, fit_check_from_read
from app.api.graphql.relay import Connection
from app.domain.access.principal import Principal
from app.domain.audit import service as audit
from app.domain.pairs import access as pair_access
from app.domain.pairs import agreement as agreement_service
from app.domain.pairs import fit as fit_service
from app.domain.pairs import goals as goal_service
from app.domain.pairs import service as pair_service
from app.domain.pairs.models import EndReason, GoalStatus, Pair, PairGoal, PairOrigin, PairStatus
from app.domain.pairs.schemas import (
    AgreementFormat,
    AgreementRead,
    AgreementWrite,
    GoalCreate,
    GoalRead,
    GoalUpdate,
    PairFilter,
    PairHealth,
    PairRead,
    PairTransition,
)
from app.domain.progress import feedback as feedback_service
from app.domain.progress import service as progress_service
from app.domain.progress.models import FeedbackCreate, FeedbackRead, FeedbackStage, PairFeedback
from app.domain.progress.schemas import (
    ConfidenceTrend,
    CountBy,
    FeedbackSummary,
    MonthSessions,
    ObjectiveCoverage,
    PairProgress,
    Participation,
    ProgramDashboard,
    Ratings,
    Satisfaction,
)
from app.domain.session_logs import service as log_service
from app.domain.session_logs.models import (
    ActionItem,
    LogFormat,
    LogStatus,
    Owner,
    SessionLog,
    SessionLogConfirm,
    SessionLogCreate,
    SessionLogDispute,
    SessionLogRead,
)

PairStatusEnum = strawberry.enum(PairStatus, name="PairStatus")
PairHealthEnum = strawberry.enum(PairHealth, name="PairHealth")
EndReasonEnum = strawberry.enum(EndReason, name="PairEndReason")
PairOriginEnum = strawberry.enum(PairOrigin, name="PairOrigin")
GoalStatusEnum = strawberry.enum(GoalStatus, name="PairGoalStatus")
LogFormatEnum = strawberry.enum(LogFormat, name="SessionLogFormat")
LogStatusEnum = strawberry.enum(LogStatus, name="SessionLogStatus")
OwnerEnum = strawberry.enum(Owner, name="PairSide")
AgreementFormatEnum = strawberry.enum(AgreementFormat, name="PairAgreementFormat")
FeedbackStageEnum = strawberry.enum(FeedbackStage, name="PairFeedbackStage")

LAST_LOGS_MAX = 20


class PairLoaders:
    """The loaders of this module, one set per request (and per mutation, like the others)."""

    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        organization_id = principal.organization_id

        async def load_goals(pair_ids: Sequence[uuid.UUID]) -> list[list[PairGoal]]:
            grouped = await goal_service.goals_by_pair_ids(session, organization_id, pair_ids)
            return [grouped[p] for p in pair_ids]

        async def load_last_logs(
            keys: Sequence[tuple[Pair, int]],
        ) -> list[list[SessionLog]]:
            size = max(n for _, n in keys)
            pairs = [p for p, _ in keys]
            grouped = await log_service.last_logs_by_pair_ids(
                session, organization_id, [p.id for p in pairs], size
            )
            for pair in pairs:
                await audit.record_read_of_others(
                    session, principal, "session_log", pair.id, pair_access.owners(pair)
                )
            return [grouped[p.id][:n] for p, n in keys]

        async def load_notes(log_ids: Sequence[uuid.UUID]) -> list[str | None]:
            notes = await log_service.own_notes(session, principal, log_ids)
            return [notes.get(i) for i in log_ids]

        async def load_progress(pairs: Sequence[Pair]) -> list[PairProgress]:
            found = await progress_service.progress_for_pairs(session, pairs)
            for pair in pairs:
                await audit.record_read_of_others(
                    session, principal, "pair_progress", pair.id, pair_access.owners(pair)
                )
            return [found[p.id] for p in pairs]

        async def load_fit_checks(pairs: Sequence[Pair]) -> list[FitCheckType]:
            found = await fit_service.fit_checks_of(session, principal, pairs)
            return [fit_check_from_read(found[p.id]) for p in pairs]

        self.goals = DataLoader(load_fn=load_goals)
        self.fit_checks = DataLoader(load_fn=load_fit_checks, cache_key_fn=lambda pair: pair.id)
        self.last_logs = DataLoader(
            load_fn=load_last_logs, cache_key_fn=lambda key: (key[0].id, key[1])
        )
        self.notes = DataLoader(load_fn=load_notes)
        self.progress = DataLoader(load_fn=load_progress, cache_key_fn=lambda pair: pair.id)


def loaders(info: Info) -> PairLoaders:
    shared = info.context.loader
    found: PairLoaders | None = getattr(shared, "pairs", None)
    if found is None:
        found = PairLoaders(info.context.session, info.context.principal)
        shared.pairs = found  # type: ignore[attr-defined]
    return found


ActionItemType = plain_type(ActionItem, "ActionItem")


@derived(SessionLogRead, name="SessionLog", exclude={"program_id"})
class SessionLogType:
    @strawberry.field(description="Your own private note on this log; nobody else's, ever.")
    async def private_note(self, info: Info) -> str | None:
        return await loaders(info).notes.load(source(self).id)


def log_from_model(log: SessionLog) -> SessionLogType:
    return from_read(SessionLogType, log_service.to_read(log))


def logged_from_created(created: tuple[SessionLog, str | None]) -> SessionLogType:
    """The log ``create_log`` made; its private note is a field of its own."""
    log, _note = created
    return log_from_model(log)


@derived(GoalRead, name="PairGoal")
class GoalType:
    pass


def goal_from_model(goal: PairGoal) -> GoalType:
    return from_read(GoalType, goal_service.to_read(goal))


RatingsType = plain_type(Ratings, "PairRatings")
for _model, _name in (
    (CountBy, "DashboardCount"),
    (MonthSessions, "DashboardMonth"),
    (ObjectiveCoverage, "ObjectiveCoverage"),
    (Participation, "ProgramParticipation"),
    (FeedbackSummary, "FeedbackSummary"),
    (Satisfaction, "ProgramSatisfaction"),
    (ConfidenceTrend, "MentorConfidenceTrend"),
):
    plain_type(_model, _name)


@derived(ProgramDashboard, name="ProgramDashboard")
class DashboardType:
    pass


@derived(PairProgress, name="PairProgress")
class ProgressType:
    pass


@derived(AgreementRead, name="PairAgreement")
class AgreementType:
    pass


@derived(FeedbackRead, name="PairFeedback")
class FeedbackType:
    pass


def feedback_from_model(feedback: PairFeedback) -> FeedbackType:
    return from_read(FeedbackType, feedback_service.to_read(feedback))


@derived(PairRead, name="Pair", exclude={"explanation", "health_checked_at"})
class PairType:
    model: strawberry.Private[Pair]

    @strawberry.field(description="The mentor, batched.")
    async def mentor(self, info: Info) -> EmployeeType | None:
        return await employee_of(info, self.model.mentor_employee_id)

    @strawberry.field(description="The mentee, batched.")
    async def mentee(self, info: Info) -> EmployeeType | None:
        return await employee_of(info, self.model.mentee_employee_id)

    @strawberry.field(description="The pair's goals, batched.")
    async def goals(self, info: Info) -> list[GoalType]:
        return [goal_from_model(g) for g in await loaders(info).goals.load(self.model.id)]

    @strawberry.field(description="The latest logs, newest first (at most 20), batched.")
    async def last_logs(self, info: Info, count: int = 5) -> list[SessionLogType]:
        count = min(max(count, 0), LAST_LOGS_MAX)
        if count == 0:
            return []
        found = await loaders(info).last_logs.load((self.model, count))
        return [log_from_model(log) for log in found]

    @strawberry.field(description="Progress and health computed now, batched.")
    async def progress(self, info: Info) -> ProgressType:
        return from_read(ProgressType, await loaders(info).progress.load(self.model))

    @strawberry.field(
        description="The fit check as you may see it (see the REST fit check), batched."
    )
    async def fit_check(self, info: Info) -> FitCheckType:
        found: FitCheckType = await loaders(info).fit_checks.load(self.model)
        return found


def pair_from_model(pair: Pair) -> PairType:
    return from_read(PairType, pair_service.to_read(pair), model=pair)


@input_from(ActionItem, null_is_default="done")
class ActionItemInput:
    pass


@input_from(
    SessionLogCreate,
    null_is_default="topics action_items",
    fields="held_at duration_minutes format topics summary learned action_items rating "
    "private_note",
)
class SessionLogInput:
    pass


@input_from(SessionLogConfirm)
class SessionLogConfirmInput:
    pass


@input_from(GoalCreate, null_is_default="status progress")
class PairGoalCreateInput:
    pass


@input_from(GoalUpdate, description="Only the fields given are changed.")
class PairGoalUpdateInput:
    pass


@input_from(
    AgreementWrite,
    description="The whole agreement; writing it asks both sides to acknowledge it.",
)
class PairAgreementInput:
    cadence_days: int = strawberry.field(description="Days between meetings the pair chose.")


@input_from(FeedbackCreate, fields="stage rating what_worked what_to_improve would_recommend")
class PairFeedbackInput:
    rating: int = strawberry.field(description="1-5.")
    would_recommend: int = strawberry.field(description="0-10, as in a net promoter score.")


@strawberry.type
class PairQuery:
    @query_of(pair_service.read_pair, pair_from_model)
    def pair(self, id: uuid.UUID) -> PairType | None:
        """One pair you may see (its people, managers, admins)."""

    @query_of(pair_service.list_pairs, pair_from_model, fields=PairFilter)
    def pairs(
        self,
        first: int = 50,
        after: str | None = None,
        program_id: uuid.UUID | None = None,
        status: PairStatusEnum | None = None,  # type: ignore[valid-type]
        health: PairHealthEnum | None = None,  # type: ignore[valid-type]
    ) -> Connection[PairType]:
        """The pairs you may see, as a Relay connection."""

    @query_of(log_service.list_logs, partial(from_read, SessionLogType))
    def session_logs(
        self, pair_id: uuid.UUID, first: int = 50, after: str | None = None
    ) -> Connection[SessionLogType]:
        """A pair's session logs, oldest logged first."""

    @query_of(progress_service.pair_progress, partial(from_read, ProgressType))
    def progress(self, pair_id: uuid.UUID) -> ProgressType:
        """A pair's progress and health, computed now."""

    @query_of(feedback_service.list_feedback, feedback_from_model)
    def pair_feedback(self, pair_id: uuid.UUID) -> list[FeedbackType]:
        """A pair's feedback: your own answers; every answer of the pair for its managers,
        administrators and `read` keys (audited)."""

    @query_of(progress_service.program_dashboard, partial(from_read, DashboardType))
    def dashboard(self, program_id: uuid.UUID) -> DashboardType:
        """A program's dashboard, for its managers, administrators and `read` keys."""


@strawberry.type
class PairMutation:
    @mutation_of(log_service.create_log, logged_from_created)
    def log_session(self, pair_id: uuid.UUID, input: SessionLogInput) -> SessionLogType | None:
        """Log a session of your pair."""

    @mutation_of(log_service.confirm_log, log_from_model)
    def confirm_session_log(
        self,
        pair_id: uuid.UUID,
        log_id: uuid.UUID,
        input: SessionLogConfirmInput | None = None,
        version: int | None = None,
    ) -> SessionLogType | None:
        """Confirm a session the other person of your pair logged."""

    @mutation_of(log_service.dispute_log, log_from_model, fields=SessionLogDispute)
    def dispute_session_log(
        self, pair_id: uuid.UUID, log_id: uuid.UUID, reason: str, version: int | None = None
    ) -> SessionLogType | None:
        """Dispute a session the other person of your pair logged."""

    @mutation_of(pair_service.transition_pair, pair_from_model, fields=PairTransition)
    def transition_pair(
        self,
        id: uuid.UUID,
        to: PairStatusEnum,  # type: ignore[valid-type]
        reason: EndReasonEnum | None = None,  # type: ignore[valid-type]
        note: str | None = None,
        version: int | None = None,
    ) -> PairType | None:
        """Move a pair to another state (see the REST transitions)."""

    @mutation_of(goal_service.create_goal, goal_from_model)
    def create_pair_goal(self, pair_id: uuid.UUID, input: PairGoalCreateInput) -> GoalType | None:
        """Add a goal to your pair."""

    @mutation_of(goal_service.update_goal, goal_from_model)
    def update_pair_goal(
        self, pair_id: uuid.UUID, goal_id: uuid.UUID, version: int, input: PairGoalUpdateInput
    ) -> GoalType | None:
        """Update a goal of your pair; send the version you read."""

    @mutation_of(agreement_service.write_agreement, pair_from_model)
    def write_pair_agreement(
        self, pair_id: uuid.UUID, version: int, input: PairAgreementInput
    ) -> PairType | None:
        """Write your pair's agreement; send the pair's version you read. Writing it resets
        both acknowledgements."""

    @mutation_of(agreement_service.acknowledge_agreement, pair_from_model)
    def acknowledge_pair_agreement(
        self, pair_id: uuid.UUID, version: int | None = None
    ) -> PairType | None:
        """Your side agrees to your pair's agreement as it stands; send the pair's version to
        be sure you acknowledge the text you read."""

    @mutation_of(feedback_service.submit_feedback, feedback_from_model)
    def submit_pair_feedback(
        self, pair_id: uuid.UUID, input: PairFeedbackInput
    ) -> FeedbackType | None:
        """Give feedback on your mentoring, once per stage."""

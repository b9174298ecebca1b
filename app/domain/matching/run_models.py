"""Matching runs, the pairs they propose, and mentees' requests to a mentor of their choice."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, String, Text
from sqlmodel import Field, SQLModel

from app.db.base import IdMixin, TenantMixin, TimestampMixin, VersionMixin, empty_dict, empty_list
from app.db.indexes import partial_index
from app.db.types import JSONDocument, UTCDateTime
from app.domain import examples
from app.domain.schemas import InputSchema, UniqueList, request_examples


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


OPEN_RUN_STATUSES = frozenset({RunStatus.QUEUED, RunStatus.RUNNING})


class RunStage(StrEnum):
    """Where a run is: waiting, then each step of the work in turn."""

    QUEUED = "queued"
    LOADING = "loading"  # reading the participants, their profiles and the directory
    SCORING = "scoring"  # every mentee x mentor, a slice at a time
    SOLVING = "solving"  # the optimal assignment over the best candidates
    EXPLAINING = "explaining"  # the chosen pairs' explanations
    SAVING = "saving"  # writing the proposals
    DONE = "done"


class ProposalStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class RequestStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class MatchingRun(IdMixin, TenantMixin, TimestampMixin, table=True):
    """A request to match a program's participants, queued then run by a worker."""

    __tablename__ = "matching_runs"
    __table_args__ = (
        Index("ix_matching_runs_program_id", "program_id"),
        # The workers' queue: runs waiting, or running under a lease that may run out.
        partial_index(
            "ix_matching_runs_open", "created_at", where="status IN ('queued', 'running')"
        ),
    )

    program_id: uuid.UUID = Field(foreign_key="programs.id", ondelete="CASCADE")
    status: RunStatus = Field(default=RunStatus.QUEUED, sa_type=String(12))
    dry_run: bool = Field(default=False)
    # {"keep": [[mentee participant id, mentor participant id], ...], "forbid": [...]}
    options: dict[str, Any] = Field(
        default_factory=empty_dict, sa_type=JSONDocument, nullable=False
    )
    requested_by: str = Field(sa_type=String(80))
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # RunProgress: the stage, pairs scored of pairs to score, candidate pairs kept.
    progress: dict[str, Any] = Field(
        default_factory=empty_dict, sa_type=JSONDocument, nullable=False
    )
    # The worker's claim: a new token for each attempt, valid until the lease runs out
    # (each progress report renews it). Every write of the worker checks its token.
    attempts: int = Field(default=0)
    lease_token: uuid.UUID | None = Field(default=None)
    lease_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancelled_by: str | None = Field(default=None, sa_type=String(80))
    # Counts, mean and minimum score, objective topics covered.
    summary: dict[str, Any] = Field(
        default_factory=empty_dict, sa_type=JSONDocument, nullable=False
    )
    # [{"participant_id", "employee_id", "role", "reason", "detail"}]
    unmatched: list[dict[str, Any]] = Field(
        default_factory=empty_list, sa_type=JSONDocument, nullable=False
    )
    # Pairs to keep that a hard exclusion refused: [{"mentee_id", "mentor_id", "reason",
    # "detail"}]; they were never proposed.
    refused: list[dict[str, Any]] = Field(
        default_factory=empty_list, sa_type=JSONDocument, nullable=False
    )
    error_code: str | None = Field(default=None, sa_type=String(40))
    error: str | None = Field(default=None, sa_type=Text)


class MatchingProposal(IdMixin, TenantMixin, TimestampMixin, table=True):
    """A pair a run proposes; a manager accepts it (a pair opens) or rejects it."""

    __tablename__ = "matching_proposals"
    __table_args__ = (Index("ix_matching_proposals_run_id", "run_id"),)

    run_id: uuid.UUID = Field(foreign_key="matching_runs.id", ondelete="CASCADE")
    program_id: uuid.UUID = Field(foreign_key="programs.id", ondelete="CASCADE")
    mentee_id: uuid.UUID = Field(foreign_key="participants.id", ondelete="CASCADE")
    mentor_id: uuid.UUID = Field(foreign_key="participants.id", ondelete="CASCADE")
    mentee_employee_id: uuid.UUID = Field(foreign_key="employees.id", ondelete="CASCADE")
    mentor_employee_id: uuid.UUID = Field(foreign_key="employees.id", ondelete="CASCADE")
    score: float
    explanation: dict[str, Any] = Field(
        default_factory=empty_dict, sa_type=JSONDocument, nullable=False
    )
    kept: bool = Field(default=False)
    status: ProposalStatus = Field(default=ProposalStatus.PROPOSED, sa_type=String(10))
    pair_id: uuid.UUID | None = Field(default=None, foreign_key="pairs.id", ondelete="SET NULL")
    decided_by: str | None = Field(default=None, sa_type=String(80))
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decision_reason: str | None = Field(default=None, sa_type=Text)


class MatchRequest(IdMixin, TenantMixin, TimestampMixin, VersionMixin, table=True):
    """A mentee asking a mentor of their choice; the mentor accepts or declines."""

    __tablename__ = "match_requests"
    __table_args__ = (
        Index("ix_match_requests_program_id_status", "program_id", "status"),
        Index("ix_match_requests_mentor_id", "mentor_id"),
        Index("ix_match_requests_mentee_id", "mentee_id"),
    )

    program_id: uuid.UUID = Field(foreign_key="programs.id", ondelete="CASCADE")
    mentee_id: uuid.UUID = Field(foreign_key="participants.id", ondelete="CASCADE")
    mentor_id: uuid.UUID = Field(foreign_key="participants.id", ondelete="CASCADE")
    mentee_employee_id: uuid.UUID = Field(foreign_key="employees.id", ondelete="CASCADE")
    mentor_employee_id: uuid.UUID = Field(foreign_key="employees.id", ondelete="CASCADE")
    status: RequestStatus = Field(default=RequestStatus.PENDING, sa_type=String(10))
    message: str | None = Field(default=None, sa_type=Text)
    score: float
    explanation: dict[str, Any] = Field(
        default_factory=empty_dict, sa_type=JSONDocument, nullable=False
    )
    pair_id: uuid.UUID | None = Field(default=None, foreign_key="pairs.id", ondelete="SET NULL")
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decision_reason: str | None = Field(default=None, sa_type=Text)


# --- API schemas ---------------------------------------------------------------------------


class PairRef(InputSchema):
    mentee_id: uuid.UUID = Field(description="The mentee's participant id.")
    mentor_id: uuid.UUID = Field(description="The mentor's participant id.")


class MatchingRunCreate(InputSchema):
    model_config = request_examples({"dry_run": True})

    dry_run: bool = Field(
        default=False, description="Compute and keep the result, but it cannot be accepted."
    )
    keep: list[PairRef] = Field(
        default_factory=list,
        max_length=500,
        description=(
            "Pairs the result must contain (e.g. from an earlier run). A pair that a hard "
            "exclusion refuses is not proposed: the run lists it in `refused` with the reason."
        ),
    )
    forbid: list[PairRef] = Field(
        default_factory=list, max_length=500, description="Pairs the result must not contain."
    )


class ExplanationRead(SQLModel):
    score: float
    eligible: bool
    ineligible_reason: str | None
    components: dict[str, float] = Field(description="Each criterion, 0-100.")
    weights: dict[str, float]
    reasons: list[str]


class UnmatchedRead(SQLModel):
    participant_id: uuid.UUID
    employee_id: uuid.UUID
    role: str
    reason: str = Field(description="A stable code.")
    detail: str


class RefusedPair(SQLModel):
    """A pair the run was asked to keep, refused by a hard exclusion and never proposed."""

    mentee_id: uuid.UUID
    mentor_id: uuid.UUID
    reason: str = Field(description="A stable code, e.g. `reporting_line` or `avoided`.")
    detail: str


class RunSummary(SQLModel):
    participants: int = 0
    pairs: int = 0
    unmatched: int = 0
    mean_score: float | None = None
    min_score: float | None = None
    total_score: float = 0.0
    objective_topics: list[str] = Field(default_factory=list)
    objective_topics_covered: list[str] = Field(default_factory=list)


class RunProgress(SQLModel):
    stage: RunStage = Field(default=RunStage.QUEUED, description="The step under way.")
    pairs_to_score: int = Field(default=0, description="Mentees to pair x mentors.")
    pairs_scored: int = 0
    candidate_pairs: int = Field(
        default=0,
        description="Pairs kept for the solver: each person's best-scoring eligible partners.",
    )


class MatchingRunRead(SQLModel):
    id: uuid.UUID
    program_id: uuid.UUID
    status: RunStatus = Field(
        description="`queued`, `running`, then `completed`, `failed` (see `error_code`) or "
        "`cancelled`."
    )
    dry_run: bool
    keep: list[PairRef]
    forbid: list[PairRef]
    requested_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    progress: RunProgress
    summary: RunSummary
    unmatched: list[UnmatchedRead]
    refused: list[RefusedPair] = Field(
        description="Pairs to keep that a hard exclusion refused; they were never proposed."
    )
    cancelled_by: str | None
    error_code: str | None = Field(
        description="Why a run failed, a stable code: `program_not_matching`, "
        "`keep_unavailable`, `worker_lost`, `internal_error`..."
    )
    error: str | None


class ProposalRead(SQLModel):
    id: uuid.UUID
    run_id: uuid.UUID
    mentee_id: uuid.UUID
    mentor_id: uuid.UUID
    mentee_employee_id: uuid.UUID
    mentor_employee_id: uuid.UUID
    score: float
    explanation: ExplanationRead
    kept: bool
    status: ProposalStatus
    pair_id: uuid.UUID | None
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None


class ProposalSelection(InputSchema):
    model_config = request_examples(
        {"proposal_ids": [examples.PROPOSAL_ID], "reason": "Discussed with both people."}
    )

    proposal_ids: list[uuid.UUID] | None = Field(
        default=None,
        max_length=5000,
        description="The proposals to decide; omitted: every proposal still open.",
    )
    reason: str | None = Field(default=None, max_length=2000)


class ProposalSwap(InputSchema):
    model_config = request_examples(
        {"proposal_ids": [examples.PROPOSAL_ID, examples.SECOND_PROPOSAL_ID]}
    )

    proposal_ids: UniqueList[uuid.UUID] = Field(
        min_length=2, max_length=2, description="Two open proposals whose mentors trade places."
    )


class PairSummary(SQLModel):
    """A pair as it was opened; the pairs API shows it in full."""

    id: uuid.UUID
    program_id: uuid.UUID
    mentee_id: uuid.UUID
    mentor_id: uuid.UUID
    mentee_employee_id: uuid.UUID
    mentor_employee_id: uuid.UUID
    status: str
    origin: str
    score: float | None
    matching_run_id: uuid.UUID | None
    explanation: ExplanationRead | None


class ReviewResult(SQLModel):
    proposals: list[ProposalRead]
    pairs: list[PairSummary]


class MentorSuggestion(SQLModel):
    mentor_id: uuid.UUID
    employee_id: uuid.UUID
    name: str
    score: float
    explanation: ExplanationRead
    preferred: bool = Field(description="One of the two named the other as preferred.")
    free_seats: int


class MatchRequestCreate(InputSchema):
    model_config = request_examples(
        {
            "mentor_id": examples.MENTOR_PARTICIPANT_ID,
            "message": ("I saw your talk on AI assistants: could you show me how you use them?"),
        }
    )

    mentor_id: uuid.UUID = Field(description="The mentor's participant id.")
    message: str | None = Field(default=None, max_length=2000)


class MatchRequestDecision(InputSchema):
    model_config = request_examples({"reason": "Happy to: let us start next week."})

    reason: str | None = Field(default=None, max_length=2000)


class MatchRequestRead(SQLModel):
    id: uuid.UUID
    program_id: uuid.UUID
    mentee_id: uuid.UUID
    mentor_id: uuid.UUID
    mentee_employee_id: uuid.UUID
    mentor_employee_id: uuid.UUID
    status: RequestStatus
    message: str | None
    score: float
    explanation: ExplanationRead
    pair_id: uuid.UUID | None
    decided_at: datetime | None
    decision_reason: str | None
    created_at: datetime
    version: int

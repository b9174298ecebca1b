"""What the API answers about progress: a pair's figures and a program's dashboard."""

import uuid
from datetime import date, datetime

from sqlmodel import Field, SQLModel

from app.domain.pairs.models import PairStatus
from app.domain.pairs.schemas import PairHealth


class Ratings(SQLModel):
    mentor: float | None = Field(description="Mean of the mentor's ratings, 1-5.")
    mentee: float | None = Field(description="Mean of the mentee's ratings, 1-5.")


class PairProgress(SQLModel):
    pair_id: uuid.UUID
    status: PairStatus
    health: PairHealth | None = Field(description="See the rules in the API description.")
    cadence_days: int = Field(description="The pair's agreed cadence, else the program's.")
    cadence_source: str = Field(description="`agreement`, `program` or `default`.")
    sessions: int = Field(description="Logged sessions, not deleted and not disputed.")
    minutes: int
    last_session_at: datetime | None
    days_since_last_session: float | None
    cadence_adherence: float = Field(description="Sessions held / sessions due, capped at 1.")
    goals_total: int
    goals_achieved: int
    mean_goal_progress: float | None
    mean_ratings: Ratings
    open_action_items: int
    next_action_item_due: date | None


class CountBy(SQLModel):
    key: str
    count: int


class MonthSessions(SQLModel):
    month: str = Field(description="YYYY-MM, UTC.")
    sessions: int
    minutes: int


class ObjectiveCoverage(SQLModel):
    objective_id: uuid.UUID
    title: str
    pairs_with_goals: int
    goals: int
    goals_achieved: int


class Participation(SQLModel):
    mentors: int = Field(description="Approved mentors.")
    mentees: int = Field(description="Approved mentees.")
    paired_mentors: int = Field(description="Approved mentors in at least one open pair.")
    paired_mentees: int
    unmatched_mentors: int = Field(description="Approved mentors without an open pair.")
    unmatched_mentees: int = Field(description="Approved mentees without an open pair.")
    open_pairs_with_sessions: int = Field(description="Open pairs with at least one session.")
    open_pairs: int


class FeedbackSummary(SQLModel):
    stage: str
    responses: int
    mean_rating: float | None
    mean_would_recommend: float | None
    net_promoter_score: float | None = Field(description="% promoters (9-10) - % detractors.")


class Satisfaction(SQLModel):
    session_ratings: Ratings
    feedback: list[FeedbackSummary]


class ConfidenceTrend(SQLModel):
    """Mentors' confidence (1-5) on joining a circle and at their latest circle meeting."""

    mentors_reporting: int
    average_first: float | None
    average_latest: float | None
    mentors_improved: int
    mentors_declined: int


class ProgramDashboard(SQLModel):
    program_id: uuid.UUID
    generated_at: datetime
    pairs_by_status: list[CountBy]
    pairs_by_health: list[CountBy] = Field(description="Active pairs, health computed now.")
    sessions_per_month: list[MonthSessions]
    objective_coverage: list[ObjectiveCoverage]
    participation: Participation
    satisfaction: Satisfaction
    mentor_confidence: ConfidenceTrend = Field(
        description="Whether the support network helps: mentors' confidence over time."
    )


class PairHealthRow(SQLModel):
    """One line of the dashboard's CSV export."""

    pair_id: uuid.UUID
    mentor_employee_id: uuid.UUID
    mentee_employee_id: uuid.UUID
    status: PairStatus
    health: PairHealth | None
    sessions: int
    minutes: int
    last_session_at: datetime | None
    days_since_last_session: float | None
    cadence_days: int
    cadence_adherence: float
    goals_achieved: int
    goals_total: int
    open_action_items: int

"""The impact report: what a program's indicators, self-assessments and retention show."""

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field

from app.domain.impact.models import Computation, Side

MINIMUM_GROUP_SIZE = 5


class TrajectoryPoint(BaseModel):
    measured_on: date
    value: float
    source: str | None = None
    progress: float | None = Field(
        description="Share of the way from baseline to target (0 at the baseline, 1 at the "
        "target; below 0 or above 1 when outside); null without a baseline."
    )


class IndicatorTrajectory(BaseModel):
    objective_id: uuid.UUID
    objective_title: str
    indicator: int = Field(description="The indicator's position in its objective, from 0.")
    name: str
    unit: str
    baseline: float | None
    target: float
    direction: str = Field(
        description="`increase` when the target is at or above the baseline (or without a "
        "baseline), else `decrease`."
    )
    computation: Computation | None = Field(
        description="The figure the service computes for it; null: entered by hand."
    )
    points: list[TrajectoryPoint]
    latest_value: float | None
    latest_on: date | None
    reached: bool | None = Field(description="Whether the latest value reached the target.")
    note: str | None = None


class LearningGain(BaseModel):
    item_id: uuid.UUID
    statement: str
    objective_id: uuid.UUID | None
    side: Side
    compared: str = Field(description="The waves compared: `baseline-end` or `baseline-mid`.")
    respondents: int = Field(description="People who answered both waves (paired).")
    shown: bool = Field(description=f"False below {MINIMUM_GROUP_SIZE} respondents.")
    mean_before: float | None
    mean_after: float | None
    mean_change: float | None
    ci_low: float | None = Field(description="95 % confidence interval of the mean change.")
    ci_high: float | None
    p_value: float | None = Field(description="Paired t-test; null when every change is equal.")
    improved: int | None
    improved_share: float | None
    note: str | None = None


class GroupOutcome(BaseModel):
    size: int
    shown: bool = Field(description=f"False below {MINIMUM_GROUP_SIZE} people.")
    retained_6m: int | None = None
    observed_6m: int | None = Field(
        default=None, description="People whose 6 months have passed: the rate's denominator."
    )
    retention_6m: float | None = None
    retained_12m: int | None = None
    observed_12m: int | None = None
    retention_12m: float | None = None
    moved: int | None = Field(
        default=None, description="People whose department or job title changed since the start."
    )
    mobility: float | None = None


class Retention(BaseModel):
    starts_on: date | None
    participants: GroupOutcome
    comparison: GroupOutcome
    strata: int = Field(description="Department and seniority band pairs compared.")
    method: str
    limits: str
    note: str | None = None


class ImpactReport(BaseModel):
    program_id: uuid.UUID
    program_name: str
    status: str
    starts_on: date | None
    ends_on: date | None
    generated_at: datetime
    minimum_group_size: int = MINIMUM_GROUP_SIZE
    indicators: list[IndicatorTrajectory]
    learning: list[LearningGain]
    retention: Retention

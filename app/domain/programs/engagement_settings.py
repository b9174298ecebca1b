"""How a program wants its people reminded: the thresholds the engagement rules read.

Every member has a default, explained in the README ("Engagement rules"); a program that
never set the document (or set part of it) gets the defaults for the rest. The rules read
the stored document in SQL (``app/domain/engagement``), so the defaults live here once and
are the ones :data:`DEFAULTS` hands to those queries.
"""

from enum import StrEnum
from typing import Any

from pydantic import Field, model_validator

from app.domain.errors import Invalid, field_error
from app.domain.schemas import InputPart


class InactivityAction(StrEnum):
    """What happens to a pair that stays inactive past ``inactive_action_days``."""

    PAUSE = "pause"  # the pair is paused; either side or a manager resumes it
    END = "end"  # the pair ends early, reason `inactive`


class EngagementSettings(InputPart):
    """When each engagement rule puts an item on someone's agenda. Every member has a default."""

    model_config = InputPart.model_config | {
        "json_schema_extra": {
            "examples": [
                {
                    "first_session_days": 10,
                    "inactive_warning_days": 21,
                    "inactive_action_days": 35,
                    "inactive_action": "end",
                }
            ]
        }
    }

    profile_incomplete_days: int = Field(
        default=7,
        ge=1,
        le=365,
        description="Days after enrolling that a profile without topics or languages is due.",
    )
    unmatched_days: int = Field(
        default=21,
        ge=1,
        le=365,
        description="Days an approved participant waits for a partner before managers are told.",
    )
    enrolment_review_days: int = Field(
        default=5, ge=1, le=365, description="Days an enrolment may wait for a manager's decision."
    )
    proposals_review_days: int = Field(
        default=3,
        ge=1,
        le=365,
        description="Days a completed matching run's proposals may wait for a manager's review.",
    )
    agreement_acknowledgement_days: int = Field(
        default=5,
        ge=1,
        le=365,
        description="Days after the agreement was written that a side's acknowledgement is due.",
    )
    first_session_days: int = Field(
        default=14,
        ge=1,
        le=365,
        description="Days after the pair started that its first session is due.",
    )
    session_grace_days: int = Field(
        default=3,
        ge=0,
        le=90,
        description=(
            "Days of grace after the pair's own cadence (its agreement's, else the program's) "
            "before the next session is overdue."
        ),
    )
    log_confirmation_days: int = Field(
        default=3,
        ge=1,
        le=365,
        description="Days a logged session may wait for the other side's confirmation.",
    )
    mid_feedback_days: int = Field(
        default=90,
        ge=1,
        le=365,
        description="Days after the pair started that mid feedback is due.",
    )
    end_feedback_days_before: int = Field(
        default=14,
        ge=0,
        le=365,
        description=(
            "Days before the program's end date that end feedback is due (at once when a "
            "pair completes earlier)."
        ),
    )
    feedback_response_target: float = Field(
        default=0.7,
        ge=0,
        le=1,
        description="Share of due feedback forms below which managers are told.",
    )
    meeting_answer_days_before: int = Field(
        default=3,
        ge=1,
        le=365,
        description="Days before a circle meeting that a member's answer (RSVP) is due.",
    )
    workshop_reminder_hours: int = Field(
        default=24,
        ge=1,
        le=168,
        description="Hours before a workshop its registrants are reminded.",
    )
    inactive_warning_days: int = Field(
        default=30,
        ge=1,
        le=365,
        description="Days without a session after which an active pair is warned as inactive.",
    )
    inactive_action_days: int = Field(
        default=45,
        ge=2,
        le=730,
        description="Days without a session after which the pair is paused or ended.",
    )
    inactive_action: InactivityAction = Field(
        default=InactivityAction.PAUSE,
        description="`pause`, or `end` (ended early, reason `inactive`).",
    )
    urgent_after_days: int = Field(
        default=7, ge=0, le=90, description="Days after an item is due that it becomes urgent."
    )

    @model_validator(mode="after")
    def _warning_before_action(self) -> "EngagementSettings":
        # A rule across members, which a JSON Schema cannot state: a business rule (409).
        if self.inactive_action_days <= self.inactive_warning_days:
            raise Invalid(
                "A pair is warned before it is paused or ended.",
                code="inactive_action_before_warning",
                errors=[
                    field_error(
                        "engagement_settings.inactive_action_days",
                        "must be more than inactive_warning_days",
                        "inactive_action_before_warning",
                    )
                ],
            )
        return self

    def to_document(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


DEFAULTS = EngagementSettings()

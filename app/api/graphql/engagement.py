"""GraphQL types of engagement: agenda items, and a program's engagement settings."""

import strawberry

from app.api.graphql.derived import derived, from_read, plain_type
from app.domain.engagement.models import (
    AgendaAction,
    AgendaItem,
    AgendaKind,
    AgendaStage,
    AgendaSubject,
    SubjectType,
)
from app.domain.programs.engagement_settings import EngagementSettings, InactivityAction

AgendaKindEnum = strawberry.enum(AgendaKind, name="AgendaKind")
AgendaStageEnum = strawberry.enum(AgendaStage, name="AgendaStage")
SubjectTypeEnum = strawberry.enum(SubjectType, name="AgendaSubjectType")
InactivityActionEnum = strawberry.enum(InactivityAction, name="InactivityAction")


plain_type(AgendaSubject, "AgendaSubject")
plain_type(AgendaAction, "AgendaAction")


@derived(AgendaItem, name="AgendaItem")
class AgendaItemType:
    pass


@derived(EngagementSettings, name="EngagementSettings")
class EngagementSettingsType:
    pass


@strawberry.input(description="The whole document; members left out take their defaults.")
class EngagementSettingsInput:
    profile_incomplete_days: int | None = strawberry.UNSET
    unmatched_days: int | None = strawberry.UNSET
    enrolment_review_days: int | None = strawberry.UNSET
    proposals_review_days: int | None = strawberry.UNSET
    agreement_acknowledgement_days: int | None = strawberry.UNSET
    first_session_days: int | None = strawberry.UNSET
    session_grace_days: int | None = strawberry.UNSET
    log_confirmation_days: int | None = strawberry.UNSET
    mid_feedback_days: int | None = strawberry.UNSET
    end_feedback_days_before: int | None = strawberry.UNSET
    feedback_response_target: float | None = strawberry.UNSET
    meeting_answer_days_before: int | None = strawberry.UNSET
    workshop_reminder_hours: int | None = strawberry.UNSET
    inactive_warning_days: int | None = strawberry.UNSET
    inactive_action_days: int | None = strawberry.UNSET
    inactive_action: InactivityActionEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    urgent_after_days: int | None = strawberry.UNSET


def agenda_types(items: list[AgendaItem]) -> list[AgendaItemType]:
    return [from_read(AgendaItemType, item) for item in items]

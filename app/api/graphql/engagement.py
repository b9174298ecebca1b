"""GraphQL types of engagement: agenda items, and a program's engagement settings."""

import strawberry

from app.api.graphql.derived import derived, from_read, plain_type
from app.api.graphql.inputs import input_from
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


@input_from(
    EngagementSettings, description="The whole document; members left out take their defaults."
)
class EngagementSettingsInput:
    pass


def agenda_types(items: list[AgendaItem]) -> list[AgendaItemType]:
    return [from_read(AgendaItemType, item) for item in items]

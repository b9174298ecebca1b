"""GraphQL adapter of notifications: the caller's own notification preferences."""

from functools import partial

import strawberry

from app.api.graphql.context import Info
from app.api.graphql.derived import derived, from_read, plain_type
from app.api.graphql.inputs import input_from
from app.api.graphql.operations import mutation_of
from app.domain.notifications import service
from app.domain.notifications.schemas import (
    NotificationPreferencesRead,
    NotificationPreferencesUpdate,
    QuietHours,
    QuietHoursRead,
)

plain_type(QuietHoursRead, "QuietHours")


@derived(NotificationPreferencesRead, name="NotificationPreferences")
class NotificationPreferencesType:
    pass


@input_from(QuietHours)
class QuietHoursInput:
    start: str = strawberry.field(description="Local time, HH:MM (24 h).")
    end: str = strawberry.field(description="Local time, HH:MM (24 h); not equal to start.")


@input_from(
    NotificationPreferencesUpdate,
    description="The whole set of preferences; fields left out take defaults.",
)
class NotificationPreferencesInput:
    quiet_hours: QuietHoursInput | None = strawberry.field(
        default=strawberry.UNSET, description="null: e-mails at any hour; left out: 20:00-08:00."
    )


async def preferences_of_viewer(info: Info) -> NotificationPreferencesType | None:
    """The viewer's preferences; null for callers who are not a person (API keys)."""
    principal = info.context.principal
    if principal.is_machine or principal.employee_id is None:
        return None
    found = await service.get_preferences(info.context.session, principal)
    return from_read(NotificationPreferencesType, found)


@strawberry.type
class NotificationMutation:
    @mutation_of(service.update_preferences, partial(from_read, NotificationPreferencesType))
    def update_notification_preferences(
        self, input: NotificationPreferencesInput, version: int | None = None
    ) -> NotificationPreferencesType | None:
        """Set your notification preferences (all of them; `version`: optional, the one you
        read, 0 before the first change)."""

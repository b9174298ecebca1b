"""What the notification preferences API reads and writes."""

from typing import Annotated

from pydantic import AfterValidator, BaseModel, StringConstraints
from sqlmodel import Field

from app.domain.schemas import InputPart, InputSchema

# The kinds of nudges the engagement rules send (more may come: any such name is accepted).
KNOWN_KINDS = (
    "profile_incomplete",
    "unmatched",
    "review_waiting",
    "agreement_unacknowledged",
    "first_session_missing",
    "session_overdue",
    "log_confirmation",
    "feedback_due",
    "circle_meeting_unanswered",
    "workshop_tomorrow",
    "pair_inactive",
)
KIND_PATTERN = r"^[a-z][a-z0-9_]{0,59}$"
LOCAL_TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"

NudgeKind = Annotated[str, StringConstraints(max_length=60, pattern=KIND_PATTERN)]
LocalTime = Annotated[
    str, StringConstraints(min_length=5, max_length=5, pattern=LOCAL_TIME_PATTERN)
]


def _sorted_distinct(values: list[str]) -> list[str]:
    return sorted(set(values))


class QuietHours(InputPart):
    """A local time span, in the person's time zone, when no e-mail is sent. It may run past
    midnight (20:00 to 08:00)."""

    start: LocalTime = Field(description="Local time, HH:MM (24 h).")
    end: LocalTime = Field(description="Local time, HH:MM (24 h); not equal to `start`.")


class NotificationPreferencesUpdate(InputSchema):
    """The whole set of preferences: fields left out take their defaults."""

    model_config = InputSchema.model_config | {
        "json_schema_extra": {
            "examples": [
                {
                    "email_enabled": True,
                    "muted_kinds": ["workshop_tomorrow"],
                    "quiet_hours": {"start": "19:00", "end": "08:30"},
                }
            ]
        }
    }

    email_enabled: bool = Field(default=True, description="Whether nudges come by e-mail.")
    muted_kinds: Annotated[list[NudgeKind], AfterValidator(_sorted_distinct)] = Field(
        default_factory=list,
        max_length=50,
        description="Kinds of nudges never e-mailed, e.g. " + ", ".join(KNOWN_KINDS) + ".",
    )
    quiet_hours: QuietHours | None = Field(
        default_factory=lambda: QuietHours(start="20:00", end="08:00"),
        description="Null: e-mails at any hour. Default 20:00 to 08:00.",
    )


class QuietHoursRead(BaseModel):
    start: str
    end: str


class NotificationPreferencesRead(BaseModel):
    email_enabled: bool
    muted_kinds: list[str]
    quiet_hours: QuietHoursRead | None
    timezone: str = Field(description="The time zone quiet hours apply in (the directory's).")
    language: str = Field(description="The language of e-mails: fr or en.")
    version: int

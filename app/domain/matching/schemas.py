"""What the API takes and gives for enrolments: the profile a participant fills in."""

import re
import uuid
from datetime import datetime

from pydantic import field_validator, model_validator
from sqlmodel import Field, SQLModel

from app.domain.employees.models import _check_timezone, _normalise_languages
from app.domain.matching.models import MeetingFormat, ParticipantRole, ParticipantStatus
from app.domain.programs.models import _normalise_tags
from app.domain.schemas import InputPart, InputSchema

MAX_TOPICS = 30
MAX_WINDOWS = 40
MAX_PEOPLE = 20
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")


class AvailabilityWindow(InputPart):
    """A weekly window in the participant's time zone; day 0 is Monday."""

    day: int = Field(ge=0, le=6)
    start: str = Field(
        description="HH:MM, local time.",
    )
    end: str = Field(
        description="HH:MM, after `start`; 24:00 ends the day.",
    )

    @field_validator("start", "end")
    @classmethod
    def _time(cls, value: str) -> str:
        if not _HHMM.match(value):
            raise ValueError("must be a time of day as HH:MM")
        return value

    @model_validator(mode="after")
    def _order(self) -> "AvailabilityWindow":
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


def _check_levels(value: dict[str, int] | None) -> dict[str, int] | None:
    if value is None:
        return None
    if len(value) > MAX_TOPICS:
        raise ValueError(f"at most {MAX_TOPICS} topics")
    result: dict[str, int] = {}
    for raw, level in value.items():
        tags = _normalise_tags([raw])
        assert tags is not None
        if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 5:
            raise ValueError(f"the level of {raw!r} must be an integer from 1 to 5")
        result[tags[0]] = level
    return result


def _distinct_people(value: list[uuid.UUID] | None) -> list[uuid.UUID] | None:
    if value is not None and len(set(value)) != len(value):
        raise ValueError("each employee may be named once")
    return value


class ProfileFields(SQLModel):
    """The profile both roles fill in; reverse mentoring is learning both ways."""

    teaches: dict[str, int] | None = Field(
        default=None,
        description="Topics the person can teach: {tag: proficiency 1-5}.",
    )
    learns: dict[str, int] | None = Field(
        default=None,
        description="Topics the person wants to learn: {tag: priority 1-5}.",
    )
    mindset: int | None = Field(
        default=None,
        ge=1,
        le=5,
        description="Self-assessed motivation (mentors) or openness (mentees), 1-5.",
    )
    mindset_statement: str | None = Field(default=None, max_length=2000)
    availability: list[AvailabilityWindow] | None = Field(default=None, max_length=MAX_WINDOWS)
    timezone: str | None = Field(
        default=None, max_length=64, description="IANA zone; defaults to the employee's."
    )
    languages: list[str] | None = Field(
        default=None, max_length=20, description="Defaults to the employee's languages."
    )
    format: MeetingFormat | None = None
    capacity: int | None = Field(
        default=None, ge=1, le=20, description="Mentors only: mentees at once."
    )
    avoid: list[uuid.UUID] | None = Field(
        default=None, max_length=MAX_PEOPLE, description="Employees not to be paired with."
    )
    prefer: list[uuid.UUID] | None = Field(
        default=None, max_length=MAX_PEOPLE, description="Employees the person would like."
    )

    _levels = field_validator("teaches", "learns")(_check_levels)
    _tz = field_validator("timezone")(_check_timezone)
    _people = field_validator("avoid", "prefer")(_distinct_people)

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str] | None) -> list[str] | None:
        return _normalise_languages(value)


class ParticipantCreate(ProfileFields, InputSchema):
    role: ParticipantRole
    employee_id: uuid.UUID | None = Field(
        default=None,
        description="Who enrols; defaults to the calling employee. Managers enrol others.",
    )


class ParticipantUpdate(ProfileFields, InputSchema):
    """A partial update of the profile: only the fields sent change."""


class ParticipantDecision(InputSchema):
    reason: str | None = Field(
        default=None, max_length=2000, description="Required to reject; optional otherwise."
    )


class ParticipantFilter(SQLModel):
    role: ParticipantRole | None = None
    status: ParticipantStatus | None = None


class ParticipantRead(SQLModel):
    id: uuid.UUID
    program_id: uuid.UUID
    employee_id: uuid.UUID
    role: ParticipantRole
    status: ParticipantStatus
    capacity: int | None
    teaches: dict[str, int]
    learns: dict[str, int]
    mindset: int
    mindset_statement: str | None
    availability: list[AvailabilityWindow]
    timezone: str | None
    languages: list[str]
    format: MeetingFormat
    avoid: list[uuid.UUID]
    prefer: list[uuid.UUID]
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None
    created_at: datetime
    updated_at: datetime
    version: int

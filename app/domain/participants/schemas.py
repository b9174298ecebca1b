"""What the API takes and gives for enrolments: the profile a participant fills in."""

import uuid
from datetime import datetime
from typing import ClassVar

from pydantic import Field as PydanticField
from pydantic import model_validator
from sqlmodel import Field, SQLModel

from app.domain import examples
from app.domain.errors import Invalid, field_error
from app.domain.participants.models import MeetingFormat, ParticipantRole, ParticipantStatus
from app.domain.schemas import (
    IdSchema,
    InputPart,
    InputSchema,
    LanguageTags,
    ReadSchema,
    TimeZoneName,
    TopicLevels,
    UniqueList,
    VersionedSchema,
    request_examples,
)

MAX_TOPICS = 30
MAX_WINDOWS = 40
MAX_PEOPLE = 20
HHMM_PATTERN = r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"


class AvailabilityWindow(InputPart):
    """A weekly window in the participant's time zone; day 0 is Monday."""

    day: int = Field(ge=0, le=6)
    start: str = PydanticField(pattern=HHMM_PATTERN, description="HH:MM, local time.")
    end: str = PydanticField(
        pattern=HHMM_PATTERN, description="HH:MM, after `start`; 24:00 ends the day."
    )

    @model_validator(mode="after")
    def _order(self) -> "AvailabilityWindow":
        if self.end <= self.start:
            raise Invalid(
                "A window ends after it starts.",
                code="window_order",
                errors=[field_error("availability", "end must be after start", "order")],
            )
        return self


class ProfileFields(SQLModel):
    """The profile both roles fill in; reverse mentoring is learning both ways."""

    teaches: TopicLevels | None = Field(
        default=None,
        max_length=MAX_TOPICS,
        description="Topics the person can teach: {tag: proficiency 1-5}.",
    )
    learns: TopicLevels | None = Field(
        default=None,
        max_length=MAX_TOPICS,
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
    timezone: TimeZoneName | None = Field(
        default=None, max_length=64, description="IANA zone; defaults to the employee's."
    )
    languages: LanguageTags | None = Field(
        default=None, max_length=20, description="Defaults to the employee's languages."
    )
    format: MeetingFormat | None = None
    capacity: int | None = Field(
        default=None, ge=1, le=20, description="Mentors only: mentees at once."
    )
    avoid: UniqueList[uuid.UUID] | None = Field(
        default=None, max_length=MAX_PEOPLE, description="Employees not to be paired with."
    )
    prefer: UniqueList[uuid.UUID] | None = Field(
        default=None, max_length=MAX_PEOPLE, description="Employees the person would like."
    )


class ParticipantCreate(ProfileFields, InputSchema):
    model_config = request_examples(
        {
            "role": "mentee",
            "employee_id": examples.EMPLOYEE_ID,
            "learns": {"generative-ai": 5, "social-media": 3},
            "languages": ["fr", "en"],
            "timezone": "Europe/Paris",
            "format": "either",
            "mindset": 4,
            "mindset_statement": "I want to understand how my younger colleagues work.",
            "availability": [{"day": 1, "start": "12:00", "end": "14:00"}],
        }
    )

    never_null: ClassVar[frozenset[str]] = frozenset({"mindset", "format"})

    role: ParticipantRole
    employee_id: uuid.UUID | None = Field(
        default=None,
        description="Who enrols; defaults to the calling employee. Managers enrol others.",
    )


class ParticipantUpdate(ProfileFields, InputSchema):
    """A partial update of the profile: only the fields sent change."""

    model_config = request_examples({"teaches": {"generative-ai": 4, "tiktok": 5}, "capacity": 2})

    never_null: ClassVar[frozenset[str]] = frozenset({"mindset", "format"})


class ParticipantDecision(InputSchema):
    model_config = request_examples({"reason": "Confirmed by the line manager."})

    reason: str | None = Field(
        default=None, max_length=2000, description="Required to reject; optional otherwise."
    )


class ParticipantFilter(SQLModel):
    role: ParticipantRole | None = None
    status: ParticipantStatus | None = None


class ParticipantReadFields(ReadSchema):
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


class ParticipantRead(VersionedSchema, ParticipantReadFields, IdSchema):
    pass

"""What the support network's API reads and writes."""

import uuid
from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, model_validator
from pydantic import Field as PydanticField
from sqlmodel import Field

from app.domain import examples
from app.domain.errors import Invalid, field_error
from app.domain.schemas import InputSchema, Timestamp, TopicTags, request_examples
from app.domain.support.models import RegistrationStatus, Rsvp, ThreadKind


class PersonRef(BaseModel):
    """An employee or a guest mentor; one of the two ids is set."""

    employee_id: uuid.UUID | None = None
    guest_id: uuid.UUID | None = None


# --- circles -------------------------------------------------------------------------------


class CircleCreate(InputSchema):
    model_config = request_examples(
        {
            "name": "AI mentors circle",
            "description": "Mentors who teach generative AI share what works.",
            "facilitator_employee_id": examples.MENTOR_EMPLOYEE_ID,
            "member_employee_ids": [examples.MENTOR_EMPLOYEE_ID],
        }
    )

    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    facilitator_employee_id: uuid.UUID | None = Field(
        default=None, description="An approved mentor or a manager of the program."
    )
    member_employee_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=50, description="Approved mentors of the program."
    )


class CircleUpdate(InputSchema):
    """A partial update: only the fields sent change; ``null`` clears optional ones."""

    model_config = request_examples(
        {"description": ("Mentors who teach generative AI share prompts, exercises and doubts.")}
    )

    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    facilitator_employee_id: uuid.UUID | None = Field(
        default=None, description="A member of the circle or a manager of the program."
    )
    facilitator_guest_id: uuid.UUID | None = Field(
        default=None, description="A guest mentor who is a member of the circle."
    )

    never_null: ClassVar[frozenset[str]] = frozenset({"name"})


class CircleAutoForm(InputSchema):
    model_config = request_examples({"target_size": 6, "name_prefix": "Mentor circle"})

    target_size: int = Field(ge=2, le=20, description="Members per circle, as near as possible.")
    name_prefix: str = Field(default="Circle", min_length=1, max_length=150)


class CircleRead(BaseModel):
    id: uuid.UUID
    program_id: uuid.UUID
    name: str
    description: str | None
    facilitator: PersonRef | None
    member_count: int
    created_at: datetime
    version: int


class CircleJoin(InputSchema):
    model_config = request_examples({"confidence": 3})

    employee_id: uuid.UUID | None = Field(
        default=None,
        description="A mentor to add (managers only); omitted: the caller joins.",
    )
    confidence: int | None = Field(
        default=None, ge=1, le=5, description="How confident the mentor feels now, 1-5."
    )


class JoiningConfidence(InputSchema):
    model_config = request_examples({"confidence": 4})

    confidence: int = Field(ge=1, le=5, description="How confident the mentor felt on joining.")


class CircleMemberRead(BaseModel):
    id: uuid.UUID
    circle_id: uuid.UUID
    employee_id: uuid.UUID | None
    guest_id: uuid.UUID | None
    joined_at: datetime
    confidence_at_joining: int | None


# --- discussions ---------------------------------------------------------------------------


class ThreadCreate(InputSchema):
    model_config = request_examples(
        {
            "kind": "question",
            "title": "How do you handle a mentee who never prepares?",
            "body": "My mentee arrives without questions. What has worked for you?",
            "tags": ["preparation"],
            "anonymous": False,
        }
    )

    kind: ThreadKind
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=20_000)
    tags: TopicTags = Field(default_factory=list, max_length=20)
    anonymous: bool = Field(
        default=False, description="Hide the author from members; administrators still see it."
    )


class ThreadUpdate(InputSchema):
    """A partial update by the thread's author: only the fields sent change."""

    model_config = request_examples({"tags": ["preparation", "first-sessions"]})

    title: str | None = Field(default=None, min_length=1, max_length=200)
    body: str | None = Field(default=None, min_length=1, max_length=20_000)
    tags: TopicTags | None = Field(default=None, max_length=20)

    never_null: ClassVar[frozenset[str]] = frozenset({"title", "body"})


class ThreadRead(BaseModel):
    id: uuid.UUID
    circle_id: uuid.UUID
    kind: ThreadKind
    title: str | None = Field(description="Null once the thread is deleted.")
    body: str | None = Field(description="Null once the thread is deleted.")
    tags: list[str]
    anonymous: bool
    author: PersonRef | None = Field(description="Null when anonymous, except for administrators.")
    mine: bool = Field(description="Written by the caller (true even when anonymous).")
    created_at: datetime
    edited_at: datetime | None = Field(description="When its author last edited it.")
    deleted: bool = Field(description="Deleted by its author or a moderator; kept in place.")
    version: int


class PostCreate(InputSchema):
    model_config = request_examples(
        {"body": "I send two questions the day before; it helped a lot."}
    )

    body: str = Field(min_length=1, max_length=20_000)
    reply_to_id: uuid.UUID | None = Field(default=None, description="The post this answers.")
    anonymous: bool = False


class PostUpdate(InputSchema):
    model_config = request_examples(
        {"body": ("I send two questions the day before and we start with them; it helped a lot.")}
    )

    body: str = Field(min_length=1, max_length=20_000)


class PostRead(BaseModel):
    id: uuid.UUID
    thread_id: uuid.UUID
    reply_to_id: uuid.UUID | None
    body: str | None = Field(description="Null once the post is deleted.")
    anonymous: bool
    author: PersonRef | None
    mine: bool
    helpful: bool
    created_at: datetime
    edited_at: datetime | None = Field(description="When its author last edited it.")
    deleted: bool = Field(description="Deleted by its author or a moderator; kept in place.")
    version: int


# --- meetings ------------------------------------------------------------------------------


class MeetingCreate(InputSchema):
    model_config = request_examples(
        {
            "starts_at": "2027-01-12T12:30:00+01:00",
            "duration_minutes": 60,
            "location": "Paris, room Lovelace",
            "link": "https://teams.example.com/l/meetup-join/mentors",
            "agenda": "First sessions: what surprised you?",
        }
    )

    starts_at: Timestamp
    duration_minutes: int = Field(ge=5, le=600)
    location: str | None = Field(default=None, max_length=300)
    link: str | None = PydanticField(default=None, max_length=2000, pattern=r"^https?://[!-~]+$")
    agenda: str | None = Field(default=None, max_length=10_000)


class MeetingUpdate(InputSchema):
    model_config = request_examples(
        {
            "agenda": "First sessions: what surprised you? Then: exercises that worked.",
            "duration_minutes": 75,
        }
    )

    starts_at: Timestamp | None = None
    duration_minutes: int | None = Field(default=None, ge=5, le=600)
    location: str | None = Field(default=None, max_length=300)
    link: str | None = PydanticField(default=None, max_length=2000, pattern=r"^https?://[!-~]+$")
    agenda: str | None = Field(default=None, max_length=10_000)
    notes: str | None = Field(default=None, max_length=20_000)

    never_null: ClassVar[frozenset[str]] = frozenset({"starts_at", "duration_minutes"})


class MeetingRead(BaseModel):
    id: uuid.UUID
    circle_id: uuid.UUID
    starts_at: datetime
    duration_minutes: int
    location: str | None
    link: str | None
    agenda: str | None
    notes: str | None
    version: int


class MeetingResponse(InputSchema):
    """The caller's own answer: RSVP and/or the confidence they feel after the meeting."""

    model_config = request_examples({"rsvp": "yes", "confidence": 4})

    rsvp: Rsvp | None = None
    confidence: int | None = Field(default=None, ge=1, le=5)

    # Rules across fields are business rules (409): a JSON Schema cannot compare values.
    @model_validator(mode="after")
    def _something(self) -> "MeetingResponse":
        if self.rsvp is None and self.confidence is None:
            raise Invalid(
                "Send an RSVP, a confidence or both.",
                code="empty_response",
                errors=[field_error("rsvp", "send rsvp, confidence or both", "required")],
            )
        return self


class AttendanceMark(InputSchema):
    model_config = request_examples({"employee_id": examples.MENTOR_EMPLOYEE_ID, "attended": True})

    employee_id: uuid.UUID | None = None
    guest_id: uuid.UUID | None = None
    attended: bool

    @model_validator(mode="after")
    def _one(self) -> "AttendanceMark":
        if (self.employee_id is None) == (self.guest_id is None):
            raise Invalid(
                "Name exactly one person: an employee or a guest mentor.",
                code="one_person",
                errors=[
                    field_error(
                        "employee_id", "name exactly one of employee_id and guest_id", "one_of"
                    )
                ],
            )
        return self


class AttendanceRead(BaseModel):
    meeting_id: uuid.UUID
    employee_id: uuid.UUID | None
    guest_id: uuid.UUID | None
    rsvp: Rsvp | None
    attended: bool | None
    confidence: int | None


class ConfidencePoint(BaseModel):
    at: datetime
    value: int
    source: Literal["joining", "meeting"]


class MentorConfidence(BaseModel):
    employee_id: uuid.UUID
    first: int
    latest: int
    change: int
    points: list[ConfidencePoint]


class ConfidenceSummary(BaseModel):
    program_id: uuid.UUID
    mentors_reporting: int
    average_first: float | None
    average_latest: float | None
    mentors_improved: int
    mentors_declined: int
    mentors: list[MentorConfidence]


# --- workshops -----------------------------------------------------------------------------


class WorkshopCreate(InputSchema):
    model_config = request_examples(
        {
            "title": "Prompting for managers",
            "description": "A hands-on hour with an AI assistant on your own documents.",
            "starts_at": "2027-01-20T14:00:00+01:00",
            "ends_at": "2027-01-20T15:30:00+01:00",
            "location": "Lyon, auditorium",
            "capacity": 30,
        }
    )

    program_id: uuid.UUID | None = Field(
        default=None, description="Omitted: open to the whole organisation."
    )
    title: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=10_000)
    facilitator_employee_id: uuid.UUID | None = None
    facilitator_guest_id: uuid.UUID | None = None
    starts_at: Timestamp
    ends_at: Timestamp
    capacity: int = Field(ge=1, le=1000)
    location: str | None = Field(default=None, max_length=300)

    @model_validator(mode="after")
    def _checks(self) -> "WorkshopCreate":
        if self.ends_at <= self.starts_at:
            raise Invalid(
                "A workshop ends after it starts.",
                code="date_order",
                errors=[field_error("ends_at", "must be after starts_at", "date_order")],
            )
        if self.facilitator_employee_id is not None and self.facilitator_guest_id is not None:
            raise Invalid(
                "A workshop has one facilitator: an employee or a guest mentor.",
                code="one_facilitator",
                errors=[field_error("facilitator_guest_id", "name one facilitator", "one_of")],
            )
        return self


class WorkshopUpdate(InputSchema):
    """A partial update: only the fields sent change; ``null`` clears optional ones."""

    model_config = request_examples({"capacity": 40, "location": "Lyon, auditorium and Teams"})

    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=10_000)
    starts_at: Timestamp | None = None
    ends_at: Timestamp | None = None
    capacity: int | None = Field(
        default=None,
        ge=1,
        le=1000,
        description="More seats go to those waiting; fewer must still seat everyone (409).",
    )
    location: str | None = Field(default=None, max_length=300)

    never_null: ClassVar[frozenset[str]] = frozenset({"title", "starts_at", "ends_at", "capacity"})


class WorkshopRead(BaseModel):
    id: uuid.UUID
    program_id: uuid.UUID | None
    title: str
    description: str | None
    facilitator: PersonRef | None
    starts_at: datetime
    ends_at: datetime
    capacity: int
    location: str | None
    registered: int
    waitlisted: int
    ratings: int = Field(description="Feedback ratings received.")
    average_rating: float | None = Field(description="Their average, 1-5.")
    version: int


class RegistrationRead(BaseModel):
    id: uuid.UUID
    workshop_id: uuid.UUID
    employee_id: uuid.UUID | None
    guest_id: uuid.UUID | None
    status: RegistrationStatus
    waitlist_position: int | None = Field(description="1 is next in line; null unless waitlisted.")
    attended: bool | None
    rating: int | None
    feedback: str | None
    created_at: datetime


class RegistrationAttendance(InputSchema):
    model_config = request_examples({"attended": True})

    attended: bool


class WorkshopFeedback(InputSchema):
    model_config = request_examples(
        {"rating": 5, "feedback": "Practical, and I left with prompts I use every week."}
    )

    rating: int = Field(ge=1, le=5)
    feedback: str | None = Field(default=None, max_length=5000)


# --- guests --------------------------------------------------------------------------------


class GuestMentorCreate(InputSchema):
    model_config = request_examples(
        {
            "name": "Inès Moreau",
            "partner_organization": "Globex",
            "email": "ines.moreau@globex.example",
            "expertise": ["social-selling", "linkedin"],
            "consent": True,
            "consent_statement": (
                "I agree that my name, e-mail and expertise are kept for this mentoring program."
            ),
        }
    )

    name: str = Field(min_length=1, max_length=200)
    partner_organization: str = Field(min_length=1, max_length=200)
    email: str = PydanticField(
        min_length=3, max_length=320, pattern=r"^[^@ \t\n\r\f\v\x00]+@[^@ \t\n\r\f\v\x00]+$"
    )
    expertise: TopicTags = Field(default_factory=list, max_length=20)
    consent: Literal[True] = Field(
        description="The guest agreed to their data being held; must be true."
    )
    consent_statement: str = Field(
        min_length=3, max_length=2000, description="What the guest agreed to, in their words."
    )


class GuestMentorRead(BaseModel):
    id: uuid.UUID
    name: str
    partner_organization: str
    email: str
    expertise: list[str]
    consent_recorded_at: datetime
    consent_statement: str
    token_prefix: str | None
    revoked_at: datetime | None
    created_at: datetime


class GuestMentorCreated(GuestMentorRead):
    token: str = Field(description="The invitation token (`mg_...`); shown once.")


class GuestHome(BaseModel):
    """What a guest mentor sees of the organisation: themself and what they were invited to."""

    guest: GuestMentorRead
    circles: list[CircleRead]
    workshops: list[WorkshopRead]


class GuestInvitation(InputSchema):
    model_config = request_examples({"workshop_id": examples.WORKSHOP_ID})

    circle_id: uuid.UUID | None = None
    workshop_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _one(self) -> "GuestInvitation":
        if (self.circle_id is None) == (self.workshop_id is None):
            raise Invalid(
                "Invite to one thing: a circle or a workshop.",
                code="one_invitation",
                errors=[
                    field_error(
                        "circle_id", "name exactly one of circle_id and workshop_id", "one_of"
                    )
                ],
            )
        return self


class GuestInvitationRead(BaseModel):
    guest_id: uuid.UUID
    circle_id: uuid.UUID | None
    workshop_id: uuid.UUID | None


# --- calendar ------------------------------------------------------------------------------


class CalendarFeedCreate(InputSchema):
    model_config = request_examples({"circle_id": examples.CIRCLE_ID})

    circle_id: uuid.UUID | None = Field(
        default=None, description="A circle's meetings; omitted: the caller's own calendar."
    )


class CalendarFeedCreated(BaseModel):
    id: uuid.UUID
    circle_id: uuid.UUID | None
    url: str = Field(description="Secret address to subscribe to; shown once.")


class HelpfulMark(InputSchema):
    model_config = request_examples({"helpful": True})

    helpful: bool = True

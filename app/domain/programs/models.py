"""Programs and their objectives: what a mentoring program is for, who runs it, and when."""

import re
import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import ConfigDict, FiniteFloat
from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

from app.db.base import IdMixin, TenantMixin, TimestampMixin, VersionMixin, empty_dict, empty_list
from app.db.types import JSONDocument, UTCDateTime
from app.domain import examples
from app.domain.programs.engagement_settings import EngagementSettings
from app.domain.programs.matching_settings import MatchingSettings
from app.domain.schemas import (
    CalendarDate,
    IdSchema,
    InputPart,
    InputSchema,
    ReadSchema,
    TopicTags,
    UniqueList,
    VersionedSchema,
    request_examples,
)

MAX_MANAGERS = 20
MAX_OBJECTIVES = 50
_TAG = re.compile(r"^[a-z0-9][a-z0-9+#.-]{0,49}$")


class ProgramKind(StrEnum):
    REVERSE = "reverse"
    TRADITIONAL = "traditional"
    PEER = "peer"


class ProgramStatus(StrEnum):
    DRAFT = "draft"
    CONSULTATION = "consultation"
    ENROLLING = "enrolling"
    MATCHING = "matching"
    ACTIVE = "active"
    COMPLETED = "completed"
    ARCHIVED = "archived"


class ObjectiveCategory(StrEnum):
    DIGITAL_TRANSFORMATION = "digital_transformation"
    DIVERSITY_INCLUSION = "diversity_inclusion"
    TECHNOLOGY_SKILLS = "technology_skills"
    CULTURE = "culture"
    CUSTOM = "custom"


# --- programs ------------------------------------------------------------------------------


class ProgramFields(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=10_000)
    kind: ProgramKind = Field(default=ProgramKind.REVERSE)
    starts_on: date | None = None
    ends_on: date | None = Field(default=None, description="On or after `starts_on`.")
    cadence_days: int | None = Field(
        default=None,
        ge=1,
        le=365,
        description="Recommended days between meetings; guidance only, pairs set their own pace.",
    )
    meeting_minutes: int | None = Field(
        default=None, ge=5, le=480, description="Recommended length of a meeting; guidance only."
    )
    default_mentor_capacity: int = Field(
        default=1, ge=1, le=20, description="How many mentees a mentor takes unless they say."
    )


class ProgramManager(IdMixin, TenantMixin, table=True):
    """An employee who runs a program."""

    __tablename__ = "program_managers"
    __table_args__ = (
        UniqueConstraint("program_id", "employee_id"),
        Index("ix_program_managers_employee_id", "employee_id"),
    )

    program_id: uuid.UUID = Field(foreign_key="programs.id", ondelete="CASCADE")
    employee_id: uuid.UUID = Field(foreign_key="employees.id", ondelete="CASCADE")
    program: "Program" = Relationship(back_populates="manager_links")


class ProgramEligibleGroup(IdMixin, TenantMixin, table=True):
    """A group whose members may enrol in the program; a program naming none is open to all.

    Deleting the group deletes this row: the group stops restricting new enrolments.
    """

    __tablename__ = "program_eligible_groups"
    __table_args__ = (
        UniqueConstraint("program_id", "group_id"),
        Index("ix_program_eligible_groups_group_id", "group_id"),
    )

    program_id: uuid.UUID = Field(foreign_key="programs.id", ondelete="CASCADE")
    group_id: uuid.UUID = Field(foreign_key="directory_groups.id", ondelete="CASCADE")
    program: "Program" = Relationship(back_populates="eligibility_links")


class Program(ProgramFields, IdMixin, TenantMixin, TimestampMixin, VersionMixin, table=True):
    __tablename__ = "programs"
    __table_args__ = (Index("ix_programs_organization_id_status", "organization_id", "status"),)

    description: str | None = Field(default=None, sa_type=Text)
    kind: ProgramKind = Field(default=ProgramKind.REVERSE, sa_type=String(20))
    status: ProgramStatus = Field(default=ProgramStatus.DRAFT, sa_type=String(20))
    status_changed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The status a program was archived from: an archived draft stays hidden like a draft.
    archived_from: ProgramStatus | None = Field(default=None, sa_type=String(20))
    matching_settings: dict[str, Any] = Field(
        default_factory=empty_dict, sa_type=JSONDocument, nullable=False
    )
    # Members left out (an older program's empty document) take EngagementSettings' defaults.
    engagement_settings: dict[str, Any] = Field(
        default_factory=empty_dict, sa_type=JSONDocument, nullable=False
    )
    # An administrator's waiver of the conditions to enter enrolling: who, when and why.
    enrolling_waiver_reason: str | None = Field(default=None, sa_type=Text)
    enrolling_waived_by: str | None = Field(default=None, sa_type=String(80))
    enrolling_waived_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    # Loaded with the program (one query per batch of programs), ordered as they were named.
    manager_links: list[ProgramManager] = Relationship(
        back_populates="program",
        sa_relationship_kwargs={
            "lazy": "selectin",
            "cascade": "all, delete-orphan",
            "order_by": "ProgramManager.id",
        },
    )

    # Who may enrol: members of these groups; none named, anyone.
    eligibility_links: list[ProgramEligibleGroup] = Relationship(
        back_populates="program",
        sa_relationship_kwargs={
            "lazy": "selectin",
            "cascade": "all, delete-orphan",
            "passive_deletes": True,
            "order_by": "ProgramEligibleGroup.id",
        },
    )

    @property
    def manager_ids(self) -> list[uuid.UUID]:
        return [link.employee_id for link in self.manager_links]

    @property
    def eligible_group_ids(self) -> list[uuid.UUID]:
        return [link.group_id for link in self.eligibility_links]

    @property
    def enrolling_waiver(self) -> "Program | None":
        """The row itself, read as its waiver (``EnrollingWaiver``), once one was given."""
        return None if self.enrolling_waiver_reason is None else self


MAX_ELIGIBLE_GROUPS = 50
_ELIGIBLE_GROUPS = (
    "Only members of these groups (pushed by the identity provider through SCIM, see "
    "`/api/v1/groups`) may enrol; empty: anyone. A deleted group stops restricting new "
    "enrolments; people already enrolled stay."
)


class ProgramCreate(ProgramFields, InputSchema):
    model_config = request_examples(
        {
            "name": "Digital Mentors 2027",
            "description": (
                "Juniors show senior leaders the tools and habits of a digital workplace; "
                "seniors share how the company decides."
            ),
            "kind": "reverse",
            "starts_on": "2027-01-11",
            "ends_on": "2027-06-30",
            "cadence_days": 14,
            "meeting_minutes": 45,
            "default_mentor_capacity": 1,
            "manager_ids": [examples.PROGRAM_MANAGER_ID],
        }
    )

    starts_on: CalendarDate | None = None
    ends_on: CalendarDate | None = Field(default=None, description="On or after `starts_on`.")
    manager_ids: UniqueList[uuid.UUID] | None = Field(
        default=None,
        max_length=MAX_MANAGERS,
        description="Employees who run the program; defaults to the employee creating it.",
    )
    matching_settings: MatchingSettings | None = Field(
        default=None, description="Omitted: the defaults for the program's kind."
    )
    engagement_settings: EngagementSettings | None = Field(
        default=None, description="When people are reminded; omitted: the defaults."
    )
    eligible_group_ids: UniqueList[uuid.UUID] | None = Field(
        default=None, max_length=MAX_ELIGIBLE_GROUPS, description=_ELIGIBLE_GROUPS
    )


class ProgramUpdate(InputSchema):
    """A partial update: only the fields sent change; ``null`` clears optional ones."""

    model_config = request_examples(
        {
            "description": (
                "Six months of reverse mentoring between juniors and the leadership team."
            ),
            "cadence_days": 21,
            "meeting_minutes": 60,
        }
    )

    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=10_000)
    kind: ProgramKind | None = None
    starts_on: CalendarDate | None = None
    ends_on: CalendarDate | None = None
    cadence_days: int | None = Field(default=None, ge=1, le=365)
    meeting_minutes: int | None = Field(default=None, ge=5, le=480)
    default_mentor_capacity: int | None = Field(default=None, ge=1, le=20)
    manager_ids: UniqueList[uuid.UUID] | None = Field(
        default=None, max_length=MAX_MANAGERS, description="Replaces the list of managers."
    )
    matching_settings: MatchingSettings | None = Field(
        default=None, description="Replaces the whole document; omitted members take defaults."
    )
    engagement_settings: EngagementSettings | None = Field(
        default=None, description="Replaces the whole document; omitted members take defaults."
    )
    eligible_group_ids: UniqueList[uuid.UUID] | None = Field(
        default=None,
        max_length=MAX_ELIGIBLE_GROUPS,
        description="Replaces the list; empty or null lets anyone enrol. " + _ELIGIBLE_GROUPS,
    )

    never_null: ClassVar[frozenset[str]] = frozenset(
        {
            "name",
            "kind",
            "default_mentor_capacity",
            "manager_ids",
            "matching_settings",
            "engagement_settings",
        }
    )


PROGRAM_REQUIRED_ON_UPDATE = ProgramUpdate.never_null


class EnrollingWaiver(ReadSchema):
    # Read from the program's row (``Program.enrolling_waiver``).
    reason: str = Field(validation_alias="enrolling_waiver_reason")
    waived_by: str = Field(
        validation_alias="enrolling_waived_by",
        description="The administrator (or admin key) who waived.",
    )
    waived_at: datetime = Field(validation_alias="enrolling_waived_at")


class ProgramReadFields(ReadSchema):
    name: str
    description: str | None
    kind: ProgramKind
    status: ProgramStatus
    starts_on: date | None
    ends_on: date | None
    cadence_days: int | None
    meeting_minutes: int | None
    default_mentor_capacity: int
    manager_ids: list[uuid.UUID]
    eligible_group_ids: list[uuid.UUID] = Field(description=_ELIGIBLE_GROUPS)
    matching_settings: MatchingSettings
    engagement_settings: EngagementSettings = Field(
        description="When the program's people are reminded (agendas and `nudge.due` events)."
    )
    enrolling_waiver: EnrollingWaiver | None = Field(
        description="Set when an administrator let the program enroll without its conditions."
    )
    status_changed_at: datetime | None


class ProgramRead(VersionedSchema, ProgramReadFields, IdSchema):
    pass


class ProgramFilter(SQLModel):
    status: ProgramStatus | None = None
    kind: ProgramKind | None = None


class ProgramTransition(InputSchema):
    model_config = request_examples({"to": "consultation"})

    to: ProgramStatus = Field(description="The state to move to.")
    waiver_reason: str | None = Field(
        default=None,
        min_length=3,
        max_length=2000,
        description=(
            "Administrators only: enter `enrolling` without an objective or a closed "
            "consultation, for this recorded reason."
        ),
    )


# --- objectives ----------------------------------------------------------------------------


class SuccessIndicator(InputPart):
    """How the program will know the objective is met, e.g. '80 % of mentees use the tool'."""

    name: str = Field(min_length=1, max_length=200)
    # Finite: the document is stored as JSON, which has no NaN or infinity.
    target_value: FiniteFloat
    unit: str = Field(min_length=1, max_length=40, description="e.g. '%', 'people', 'score'.")
    baseline: FiniteFloat | None = Field(
        default=None, description="The value when the program starts."
    )

    model_config = ConfigDict(extra="forbid")


def _normalise_tags(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    tags: list[str] = []
    for raw in values:
        tag = "-".join(raw.strip().lower().split())
        if not _TAG.match(tag):
            raise ValueError(
                f"{raw!r} is not a topic tag: up to 50 letters, digits, '+', '#', '.' or '-'"
            )
        if tag not in tags:
            tags.append(tag)
    return tags


class ObjectiveFields(SQLModel):
    title: str = Field(min_length=1, max_length=200)
    category: ObjectiveCategory
    description: str | None = Field(default=None, max_length=5000)
    topic_tags: TopicTags = Field(
        default_factory=list,
        max_length=30,
        description="Topics that matching uses, e.g. ['generative-ai', 'accessibility'].",
    )
    priority: int = Field(default=3, ge=1, le=5, description="1 is the highest priority.")


class Objective(ObjectiveFields, IdMixin, TenantMixin, TimestampMixin, VersionMixin, table=True):
    __tablename__ = "program_objectives"
    __table_args__ = (Index("ix_program_objectives_program_id_position", "program_id", "position"),)

    program_id: uuid.UUID = Field(foreign_key="programs.id", ondelete="CASCADE")
    category: ObjectiveCategory = Field(sa_type=String(40))
    description: str | None = Field(default=None, sa_type=Text)
    success_indicators: list[dict[str, Any]] = Field(
        default_factory=empty_list, sa_type=JSONDocument, nullable=False
    )
    topic_tags: list[str] = Field(default_factory=empty_list, sa_type=JSONDocument, nullable=False)
    position: int = Field(default=0, nullable=False)


class ObjectiveCreate(ObjectiveFields, InputSchema):
    model_config = request_examples(
        {
            "title": "Leaders use generative AI with confidence",
            "category": "digital_transformation",
            "description": (
                "Each senior mentee tries an AI assistant on real work and shares what "
                "they learned."
            ),
            "success_indicators": [
                {
                    "name": "Mentees using an AI assistant weekly",
                    "baseline": 10,
                    "target_value": 60,
                    "unit": "%",
                }
            ],
            "topic_tags": ["generative-ai", "prompting"],
            "priority": 1,
        }
    )

    success_indicators: list[SuccessIndicator] = Field(default_factory=list, max_length=20)


class ObjectiveUpdate(InputSchema):
    model_config = request_examples(
        {"priority": 2, "topic_tags": ["generative-ai", "prompting", "data-privacy"]}
    )

    title: str | None = Field(default=None, min_length=1, max_length=200)
    category: ObjectiveCategory | None = None
    description: str | None = Field(default=None, max_length=5000)
    success_indicators: list[SuccessIndicator] | None = Field(default=None, max_length=20)
    topic_tags: TopicTags | None = Field(default=None, max_length=30)
    priority: int | None = Field(default=None, ge=1, le=5)

    never_null: ClassVar[frozenset[str]] = frozenset(
        {"title", "category", "success_indicators", "topic_tags", "priority"}
    )


OBJECTIVE_REQUIRED_ON_UPDATE = ObjectiveUpdate.never_null


class ObjectiveReadFields(ReadSchema):
    program_id: uuid.UUID
    title: str
    category: ObjectiveCategory
    description: str | None
    success_indicators: list[SuccessIndicator]
    topic_tags: list[str]
    priority: int
    position: int = Field(description="Order among the program's objectives, from 1.")


class ObjectiveRead(VersionedSchema, ObjectiveReadFields, IdSchema):
    pass


class ObjectiveOrder(InputSchema):
    model_config = request_examples(
        {"objective_ids": [examples.SECOND_OBJECTIVE_ID, examples.OBJECTIVE_ID]}
    )

    objective_ids: UniqueList[uuid.UUID] = Field(
        max_length=MAX_OBJECTIVES,
        description="Every objective of the program, in the new order.",
    )

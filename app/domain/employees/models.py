"""Employees: the people who mentor, are mentored, manage programs and are consulted."""

import uuid
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import ClassVar

from pydantic import field_validator
from sqlalchemy import Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db.base import IdMixin, TenantMixin, TimestampMixin, VersionMixin, empty_list
from app.db.types import JSONDocument, UTCDateTime
from app.domain import examples
from app.domain.access.principal import Role
from app.domain.errors import Invalid, field_error
from app.domain.schemas import (
    CalendarDate,
    EmailAddress,
    InputSchema,
    LanguageTags,
    TimeZoneName,
    request_examples,
)

MINIMUM_AGE = 14


class EmployeeStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    TERMINATED = "terminated"


def _lower_user_name(value: str | None) -> str | None:
    return value.strip().lower() if value is not None else None


def _check_birth_year(value: int | None) -> int | None:
    # The schema's bound is 1900; the other moves with the calendar: a business rule (409).
    if value is not None and value > datetime.now(UTC).year - MINIMUM_AGE:
        raise Invalid(
            f"An employee is at least {MINIMUM_AGE} years old.",
            code="implausible_birth_year",
            errors=[field_error("birth_year", f"at most {MINIMUM_AGE} years ago", "too_recent")],
        )
    return value


def display_name(given_name: str | None, family_name: str | None, fallback: str | None) -> str:
    """How to name a person whose name the directory may not hold yet."""
    named = " ".join(part for part in (given_name, family_name) if part)
    return named or fallback or "Unnamed employee"


class EmployeeFields(SQLModel):
    """Fields an HRIS or an administrator sets, shared by the table and the API schemas."""

    external_id: str | None = Field(
        default=None, max_length=255, description="The employee's id in the HRIS."
    )
    email: EmailAddress
    user_name: str | None = Field(
        default=None,
        min_length=1,
        max_length=320,
        description="Login name at the identity provider (SCIM `userName`); case-insensitive.",
    )
    given_name: str = Field(min_length=1, max_length=200)
    family_name: str = Field(min_length=1, max_length=200)
    job_title: str | None = Field(default=None, max_length=200)
    department: str | None = Field(default=None, max_length=200)
    location: str | None = Field(default=None, max_length=200)
    manager_id: uuid.UUID | None = Field(default=None, description="The employee's manager.")
    seniority_level: int = Field(
        default=0, ge=0, le=20, description="0 = entry level; higher is more senior."
    )
    birth_year: int | None = Field(
        default=None,
        ge=1900,
        description=f"Used for reverse matching only; visible to administrators. At least "
        f"{MINIMUM_AGE} years ago.",
    )
    hire_date: date | None = None
    languages: LanguageTags = Field(
        default_factory=list, max_length=20, description="Language tags, e.g. ['en', 'fr']."
    )
    timezone: TimeZoneName = Field(default="UTC", max_length=64)

    @field_validator("email", mode="after")
    @classmethod
    def _lower_email(cls, value: str) -> str:
        return value.lower()

    _by = field_validator("birth_year")(_check_birth_year)
    _un = field_validator("user_name")(_lower_user_name)


class Employee(EmployeeFields, IdMixin, TenantMixin, TimestampMixin, VersionMixin, table=True):
    __tablename__ = "employees"
    __table_args__ = (
        UniqueConstraint("organization_id", "email"),
        UniqueConstraint("organization_id", "external_id"),
        UniqueConstraint("organization_id", "user_name"),
        Index("ix_employees_organization_id_department", "organization_id", "department"),
        Index("ix_employees_organization_id_manager_id", "organization_id", "manager_id"),
        Index(
            "ix_employees_organization_id_pending_manager_external_id",
            "organization_id",
            "pending_manager_external_id",
        ),
    )

    # An identity provider may provision someone before the HRIS knows their e-mail or name:
    # the directory holds them without (SCIM); people created by hand or by the HRIS have both.
    email: str | None = Field(default=None, max_length=320)  # type: ignore[assignment]
    given_name: str | None = Field(default=None, max_length=200)  # type: ignore[assignment]
    family_name: str | None = Field(default=None, max_length=200)  # type: ignore[assignment]
    manager_id: uuid.UUID | None = Field(
        default=None, foreign_key="employees.id", ondelete="SET NULL"
    )
    languages: list[str] = Field(default_factory=empty_list, sa_type=JSONDocument, nullable=False)
    # Enums are stored as plain strings: no database enum types to migrate.
    status: EmployeeStatus = Field(default=EmployeeStatus.ACTIVE, sa_type=String(20))
    role: Role = Field(default=Role.EMPLOYEE, sa_type=String(20))
    terminated_on: date | None = None
    # When the source of truth (the HRIS) last described this employee: an older event
    # arriving late must not overwrite what a newer one set.
    source_updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The manager's HRIS id while that manager is not in the directory yet; linked when
    # they arrive.
    pending_manager_external_id: str | None = Field(default=None, max_length=255)
    # Set when the person's personal data was erased: the row stays for aggregate counts.
    erased_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def display_name(self) -> str:
        return display_name(self.given_name, self.family_name, self.user_name or self.email)


class EmployeeCreate(EmployeeFields, InputSchema):
    model_config = request_examples(
        {
            "email": "camille.durand@example.com",
            "given_name": "Camille",
            "family_name": "Durand",
            "external_id": "WD-104233",
            "job_title": "Data analyst",
            "department": "Finance",
            "location": "Lyon",
            "manager_id": examples.MANAGER_ID,
            "hire_date": "2024-09-02",
            "languages": ["fr", "en"],
            "timezone": "Europe/Paris",
            "seniority_level": 2,
            "birth_year": 1999,
        }
    )

    hire_date: CalendarDate | None = None
    role: Role = Field(default=Role.EMPLOYEE, description="Access role in the organisation.")


class ProvisionedEmployee(EmployeeCreate):
    """An employee as an identity provider (SCIM) describes them: perhaps without an e-mail
    or a name yet, which the HRIS or the provider fills in later."""

    email: EmailAddress | None = None  # type: ignore[assignment]
    given_name: str | None = Field(default=None, min_length=1, max_length=200)  # type: ignore[assignment]
    family_name: str | None = Field(default=None, min_length=1, max_length=200)  # type: ignore[assignment]

    @field_validator("email", mode="after")
    @classmethod
    def _lower_email(cls, value: str | None) -> str | None:  # type: ignore[override]
        return value.lower() if value is not None else None


class EmployeeUpdate(InputSchema):
    """A partial update: only the fields sent are changed; ``null`` clears optional ones."""

    model_config = request_examples(
        {"job_title": "Senior data analyst", "department": "Finance", "seniority_level": 3}
    )

    external_id: str | None = Field(default=None, max_length=255)
    email: EmailAddress | None = None
    user_name: str | None = Field(default=None, min_length=1, max_length=320)
    given_name: str | None = Field(default=None, min_length=1, max_length=200)
    family_name: str | None = Field(default=None, min_length=1, max_length=200)
    job_title: str | None = Field(default=None, max_length=200)
    department: str | None = Field(default=None, max_length=200)
    location: str | None = Field(default=None, max_length=200)
    manager_id: uuid.UUID | None = None
    seniority_level: int | None = Field(default=None, ge=0, le=20)
    birth_year: int | None = Field(default=None, ge=1900)
    hire_date: CalendarDate | None = None
    languages: LanguageTags | None = Field(default=None, max_length=20)
    timezone: TimeZoneName | None = Field(default=None, max_length=64)
    status: EmployeeStatus | None = None
    role: Role | None = None

    # What the directory needs: left out it stays, but it is never cleared.
    never_null: ClassVar[frozenset[str]] = frozenset(
        {
            "email",
            "given_name",
            "family_name",
            "seniority_level",
            "languages",
            "timezone",
            "status",
            "role",
        }
    )

    @field_validator("email", mode="after")
    @classmethod
    def _lower_email(cls, value: str | None) -> str | None:
        return value.lower() if value is not None else None

    _by = field_validator("birth_year")(_check_birth_year)
    _un = field_validator("user_name")(_lower_user_name)


# An identity provider (SCIM) may clear the e-mail and names, as it may create without them.
PROVIDER_MAY_CLEAR = frozenset({"email", "given_name", "family_name"})
REQUIRED_ON_UPDATE = EmployeeUpdate.never_null


class ProviderEmployeeUpdate(EmployeeUpdate):
    """An identity provider's change (SCIM), which may clear the e-mail and the names."""

    never_null = EmployeeUpdate.never_null - PROVIDER_MAY_CLEAR


class EmployeeRead(SQLModel):
    id: uuid.UUID
    external_id: str | None
    email: str | None = Field(
        description="Null for someone an identity provider created without an e-mail yet."
    )
    user_name: str | None
    given_name: str | None = Field(description="Null until a source of truth provides it.")
    family_name: str | None = Field(description="Null until a source of truth provides it.")
    job_title: str | None
    department: str | None
    location: str | None
    manager_id: uuid.UUID | None
    seniority_level: int
    birth_year: int | None = Field(description="Shown to administrators, managers and the person.")
    hire_date: date | None
    languages: list[str]
    timezone: str
    status: EmployeeStatus
    terminated_on: date | None
    erased_at: datetime | None = None
    role: Role
    created_at: datetime
    updated_at: datetime
    version: int


class EmployeeFilter(SQLModel):
    department: str | None = None
    status: EmployeeStatus | None = None
    manager_id: uuid.UUID | None = None
    q: str | None = Field(default=None, max_length=200)


class EmployeeSyncRecord(SQLModel):
    """An employee as a source of truth (an HRIS, a CSV export) describes them.

    Only the fields that were sent change; the others keep their value. The manager is
    named by their own external id, because the source knows no other.
    """

    external_id: str = Field(min_length=1, max_length=255)
    email: EmailAddress | None = None
    user_name: str | None = Field(default=None, min_length=1, max_length=320)
    given_name: str | None = Field(default=None, min_length=1, max_length=200)
    family_name: str | None = Field(default=None, min_length=1, max_length=200)
    job_title: str | None = Field(default=None, max_length=200)
    department: str | None = Field(default=None, max_length=200)
    location: str | None = Field(default=None, max_length=200)
    manager_external_id: str | None = Field(default=None, min_length=1, max_length=255)
    hire_date: CalendarDate | None = None
    termination_date: CalendarDate | None = None
    status: EmployeeStatus | None = None

    @field_validator("email", mode="after")
    @classmethod
    def _lower_email(cls, value: str | None) -> str | None:
        return value.lower() if value is not None else None

    _un = field_validator("user_name")(_lower_user_name)


class EmployeeMove(IdMixin, TenantMixin, table=True):
    """A change of department or job title, as the directory learned it (HRIS, SCIM, an
    administrator): the history that internal mobility is counted from."""

    __tablename__ = "employee_moves"
    __table_args__ = (
        Index("ix_employee_moves_employee_id_changed_at", "employee_id", "changed_at"),
    )

    employee_id: uuid.UUID = Field(foreign_key="employees.id", ondelete="CASCADE")
    field: str = Field(sa_type=String(20))
    from_value: str | None = Field(default=None, max_length=200)
    to_value: str | None = Field(default=None, max_length=200)
    changed_at: datetime = Field(sa_type=UTCDateTime)


MOVE_FIELDS = ("department", "job_title")

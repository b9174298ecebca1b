"""HRIS sync records: signing secrets, field mapping, and the log of inbound deliveries."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import StringConstraints
from sqlalchemy import Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db.base import IdMixin, TenantMixin, TimestampMixin, VersionMixin, empty_dict, utcnow
from app.db.types import JSONDocument, UTCDateTime
from app.domain.schemas import InputSchema, request_examples


class HrisWebhookSecret(IdMixin, TenantMixin, table=True):
    """A Standard Webhooks secret (``whsec_...``) the HRIS signs its deliveries with.

    Kept as written, not hashed: verifying an HMAC needs the key itself. Several may be
    active at once so the HRIS can rotate without a gap.
    """

    __tablename__ = "hris_webhook_secrets"

    name: str = Field(max_length=200)
    secret: str = Field(max_length=100)
    prefix: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class HrisWebhookSecretCreate(InputSchema):
    model_config = request_examples({"name": "Workday production"})

    name: str = Field(default="HRIS", min_length=1, max_length=200)


class HrisWebhookSecretRead(SQLModel):
    id: uuid.UUID
    name: str
    prefix: str = Field(description="The first characters of the secret, to recognise it.")
    created_at: datetime
    revoked_at: datetime | None


class HrisWebhookSecretCreated(HrisWebhookSecretRead):
    secret: str = Field(description="The signing secret. It is shown once and never again.")


class UnifiedField(StrEnum):
    """The fields of a unified HRIS employee, whatever the HRIS calls them."""

    ID = "id"
    EMAIL = "email"
    USER_NAME = "user_name"
    GIVEN_NAME = "given_name"
    FAMILY_NAME = "family_name"
    JOB_TITLE = "job_title"
    DEPARTMENT = "department"
    LOCATION = "location"
    MANAGER_ID = "manager_id"
    HIRE_DATE = "hire_date"
    TERMINATION_DATE = "termination_date"
    EMPLOYMENT_STATUS = "employment_status"
    UPDATED_AT = "updated_at"


class HrisFieldMapping(IdMixin, TenantMixin, TimestampMixin, VersionMixin, table=True):
    """Where an organisation's HRIS puts each unified field in its payloads."""

    __tablename__ = "hris_field_mappings"
    __table_args__ = (UniqueConstraint("organization_id"),)

    fields: dict[str, str] = Field(default_factory=empty_dict, sa_type=JSONDocument, nullable=False)


# A field name in the HRIS's payloads (or a CSV export's column): no surrounding spaces.
HrisFieldName = Annotated[
    str,
    StringConstraints(
        min_length=1,
        max_length=200,
        pattern=r"^[^ \t\n\r\f\v\x00](?:[^\n\r\x00]*[^ \t\n\r\f\v\x00])?$",
    ),
]


class HrisFieldMappingUpdate(InputSchema):
    model_config = request_examples(
        {
            "fields": {
                "id": "employee_number",
                "email": "work.email",
                "given_name": "first_name",
                "family_name": "last_name",
                "manager_id": "manager.employee_number",
            }
        }
    )

    fields: dict[UnifiedField, HrisFieldName] = Field(
        description=(
            "Unified field → the HRIS's name for it; a dotted name such as `work.email` "
            "reads a nested object. Fields left out keep their unified name."
        ),
        max_length=len(UnifiedField),
    )


class HrisFieldMappingRead(SQLModel):
    fields: dict[UnifiedField, str] = Field(description="The effective mapping, every field.")
    version: int


class HrisDeliveryStatus(StrEnum):
    RECEIVED = "received"
    APPLIED = "applied"
    STALE = "stale"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


class HrisDelivery(IdMixin, TenantMixin, table=True):
    """One signed delivery from the HRIS, as received, and what became of it."""

    __tablename__ = "hris_webhook_deliveries"
    __table_args__ = (
        # The first delivery of a webhook-id holds it as dedupe_key; later ones (NULL there)
        # are duplicates. The constraint, not a lookup, decides under concurrency.
        UniqueConstraint("organization_id", "dedupe_key"),
        Index("ix_hris_webhook_deliveries_status_received_at", "status", "received_at"),
    )

    webhook_id: str = Field(max_length=255)
    dedupe_key: str | None = Field(default=None, max_length=255)
    event_type: str | None = Field(default=None, max_length=80)
    event_timestamp: datetime | None = Field(default=None, sa_type=UTCDateTime)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    processed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status: HrisDeliveryStatus = Field(default=HrisDeliveryStatus.RECEIVED, sa_type=String(20))
    outcome: str | None = Field(default=None, max_length=40)
    reason: str | None = Field(default=None, max_length=2000)
    employee_id: uuid.UUID | None = Field(
        default=None, foreign_key="employees.id", ondelete="SET NULL"
    )
    duplicate_of_id: uuid.UUID | None = Field(default=None)
    attempts: int = Field(default=0)
    payload: dict[str, Any] = Field(
        default_factory=empty_dict, sa_type=JSONDocument, nullable=False
    )


class HrisDeliveryRead(SQLModel):
    id: uuid.UUID
    webhook_id: str
    event_type: str | None
    event_timestamp: datetime | None
    received_at: datetime
    processed_at: datetime | None
    status: HrisDeliveryStatus
    outcome: str | None = Field(
        description="What applying it did: created, updated, unchanged, terminated."
    )
    reason: str | None = Field(description="Why it was rejected or not applied.")
    employee_id: uuid.UUID | None
    duplicate_of_id: uuid.UUID | None
    payload: dict[str, Any]


class HrisDeliveryAccepted(SQLModel):
    id: uuid.UUID = Field(description="The delivery record, listable by administrators.")
    status: HrisDeliveryStatus

"""Groups and their members, as the identity provider pushes them."""

import uuid
from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db.base import IdMixin, TenantMixin, TimestampMixin, VersionMixin, utcnow
from app.db.types import UTCDateTime


class Group(IdMixin, TenantMixin, TimestampMixin, VersionMixin, table=True):
    __tablename__ = "directory_groups"
    __table_args__ = (
        Index(
            "ix_directory_groups_organization_id_display_name", "organization_id", "display_name"
        ),
    )

    display_name: str = Field(max_length=200)
    # The identity provider's own id for the group.
    external_id: str | None = Field(default=None, max_length=255)


class GroupMember(IdMixin, TenantMixin, table=True):
    __tablename__ = "directory_group_members"
    __table_args__ = (
        UniqueConstraint("group_id", "employee_id"),
        Index("ix_directory_group_members_employee_id", "employee_id"),
    )

    group_id: uuid.UUID = Field(foreign_key="directory_groups.id", ondelete="CASCADE")
    employee_id: uuid.UUID = Field(foreign_key="employees.id", ondelete="CASCADE")
    added_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class GroupFields(SQLModel):
    """A group as its identity provider describes it: the members are employee ids."""

    display_name: str = Field(min_length=1, max_length=200)
    external_id: str | None = Field(default=None, max_length=255)


class GroupRead(SQLModel):
    id: uuid.UUID
    display_name: str
    external_id: str | None = Field(description="The identity provider's id for the group.")
    member_count: int
    created_at: datetime
    updated_at: datetime
    version: int


class GroupMemberRead(SQLModel):
    employee_id: uuid.UUID
    added_at: datetime


class GroupFilter(SQLModel):
    display_name: str | None = Field(
        default=None, max_length=200, description="Exact name, case-insensitive."
    )

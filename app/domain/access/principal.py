"""Who is acting on a request: an API key of a machine client or an employee with a JWT."""

import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal


class Role(StrEnum):
    """An employee's role in their organisation."""

    ADMIN = "admin"
    PROGRAM_MANAGER = "program_manager"
    EMPLOYEE = "employee"


class Scope(StrEnum):
    """What an API key may do. ``admin`` implies every other scope."""

    ADMIN = "admin"
    READ = "read"
    EMPLOYEES_WRITE = "employees:write"
    PROGRAMS_WRITE = "programs:write"
    HRIS_SYNC = "hris:sync"
    SCIM = "scim"
    WEBHOOKS_MANAGE = "webhooks:manage"


@dataclass(frozen=True, slots=True)
class Principal:
    organization_id: uuid.UUID
    kind: Literal["api_key", "user"]
    role: Role
    scopes: frozenset[Scope] = field(default_factory=frozenset)
    employee_id: uuid.UUID | None = None
    api_key_id: uuid.UUID | None = None
    # Set for the service acting on an integration's behalf (a signed HRIS webhook, a CSV
    # import): there is no API key to name in audit trails, so this names the channel.
    label: str | None = None
    # A guest mentor from a partner organisation (app/domain/support/guests.py), never an employee.
    guest_id: uuid.UUID | None = None

    @property
    def is_guest(self) -> bool:
        return self.guest_id is not None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_machine(self) -> bool:
        return self.kind == "api_key"

    def has_scope(self, *wanted: Scope) -> bool:
        """True when an API key holds one of ``wanted`` (or ``admin``); users hold no scopes."""
        if not self.is_machine:
            return False
        return Scope.ADMIN in self.scopes or any(s in self.scopes for s in wanted)

    @property
    def actor(self) -> str:
        """A short label for logs and audit trails."""
        if self.label is not None:
            return self.label
        if self.is_machine:
            return f"api_key:{self.api_key_id}"
        return f"employee:{self.employee_id}"

    @classmethod
    def for_api_key(
        cls, organization_id: uuid.UUID, api_key_id: uuid.UUID, scopes: frozenset[Scope]
    ) -> "Principal":
        role = Role.ADMIN if Scope.ADMIN in scopes else Role.EMPLOYEE
        return cls(
            organization_id=organization_id,
            kind="api_key",
            role=role,
            scopes=scopes,
            api_key_id=api_key_id,
        )

    @classmethod
    def for_integration(cls, organization_id: uuid.UUID, label: str, *scopes: Scope) -> "Principal":
        """The service itself, applying what an authenticated integration sent."""
        return cls(
            organization_id=organization_id,
            kind="api_key",
            role=Role.EMPLOYEE,
            scopes=frozenset(scopes),
            label=label,
        )

    @classmethod
    def for_employee(
        cls, organization_id: uuid.UUID, employee_id: uuid.UUID, role: Role
    ) -> "Principal":
        return cls(organization_id=organization_id, kind="user", role=role, employee_id=employee_id)

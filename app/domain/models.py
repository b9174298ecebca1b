"""Every table of the service, imported in one place so the metadata is complete."""

from app.db.base import metadata
from app.domain.access.models import ApiKey, IdentityProvider, Organization
from app.domain.employees.models import Employee
from app.domain.events.models import OutboxEvent

__all__ = ["ApiKey", "Employee", "IdentityProvider", "Organization", "OutboxEvent", "metadata"]

"""Every table of the service, imported in one place so the metadata is complete."""

from app.db.base import metadata
from app.domain.access.models import ApiKey, IdentityProvider, Organization
from app.domain.employees.models import Employee
from app.domain.events.models import OutboxEvent
from app.domain.integrations.hris.models import HrisDelivery, HrisFieldMapping, HrisWebhookSecret
from app.domain.integrations.subscriptions.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)

__all__ = [
    "ApiKey",
    "Employee",
    "HrisDelivery",
    "HrisFieldMapping",
    "HrisWebhookSecret",
    "IdentityProvider",
    "Organization",
    "OutboxEvent",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSubscription",
    "metadata",
]

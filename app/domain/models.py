"""Every table of the service, imported in one place so the metadata is complete."""

from app.db.base import metadata
from app.domain.access.models import ApiKey, IdentityProvider, Organization
from app.domain.audit.models import AuditEntry
from app.domain.employees.models import Employee
from app.domain.events.models import OutboxEvent
from app.domain.integrations.hris.models import HrisDelivery, HrisFieldMapping, HrisWebhookSecret
from app.domain.integrations.subscriptions.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from app.domain.matching.models import Participant
from app.domain.pairs.models import Pair, PairSeat
from app.domain.programs.consultation_models import Consultation, Contribution, Stakeholder
from app.domain.programs.models import Objective, Program, ProgramManager
from app.domain.support import models as support_models  # noqa: F401

__all__ = [
    "ApiKey",
    "AuditEntry",
    "Consultation",
    "Contribution",
    "Employee",
    "HrisDelivery",
    "HrisFieldMapping",
    "HrisWebhookSecret",
    "IdentityProvider",
    "Objective",
    "Organization",
    "OutboxEvent",
    "Pair",
    "PairSeat",
    "Participant",
    "Program",
    "ProgramManager",
    "Stakeholder",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSubscription",
    "metadata",
]

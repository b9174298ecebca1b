"""Every table of the service, imported in one place so the metadata is complete."""

from app.db.base import metadata
from app.domain.access.models import ApiKey, IdentityProvider, Organization
from app.domain.audit.models import AuditEntry
from app.domain.employees.models import Employee
from app.domain.events.models import OutboxEvent
from app.domain.groups.models import Group, GroupMember
from app.domain.integrations.hris.models import HrisDelivery, HrisFieldMapping, HrisWebhookSecret
from app.domain.integrations.subscriptions.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from app.domain.matching.run_models import MatchingProposal, MatchingRun, MatchRequest
from app.domain.notifications import models as notification_models  # noqa: F401
from app.domain.pairs.models import Pair, PairGoal, PairSeat
from app.domain.participants.models import Participant
from app.domain.programs.consultation_models import Consultation, Contribution, Stakeholder
from app.domain.programs.models import Objective, Program, ProgramEligibleGroup, ProgramManager
from app.domain.progress.models import PairFeedback
from app.domain.session_logs.models import SessionLog, SessionLogNote
from app.domain.support import models as support_models  # noqa: F401

__all__ = [
    "ApiKey",
    "AuditEntry",
    "Consultation",
    "Contribution",
    "Employee",
    "Group",
    "GroupMember",
    "HrisDelivery",
    "HrisFieldMapping",
    "HrisWebhookSecret",
    "IdentityProvider",
    "MatchRequest",
    "MatchingProposal",
    "MatchingRun",
    "Objective",
    "Organization",
    "OutboxEvent",
    "Pair",
    "PairFeedback",
    "PairGoal",
    "PairSeat",
    "Participant",
    "Program",
    "ProgramEligibleGroup",
    "ProgramManager",
    "SessionLog",
    "SessionLogNote",
    "Stakeholder",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSubscription",
    "metadata",
]

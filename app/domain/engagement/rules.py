"""What every rule shares: the scope it runs in, the program's settings in SQL, item building.

A rule's query reads the program's stored ``engagement_settings`` in SQL (with the defaults
of :data:`~app.domain.programs.engagement_settings.DEFAULTS` for members left out), so one
statement covers every program whatever its settings.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, false, func, literal

from app.db.functions import days_between
from app.db.types import UTCDateTime
from app.domain.engagement.models import (
    AgendaAction,
    AgendaItem,
    AgendaKind,
    AgendaStage,
    AgendaSubject,
    Due,
    Recipient,
    SubjectType,
)
from app.domain.programs.engagement_settings import DEFAULTS
from app.domain.programs.models import Program

API = "/api/v1"


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a rule looks: one organisation or all, one person's items or everyone's."""

    now: datetime
    organization_id: uuid.UUID | None = None
    employee_id: uuid.UUID | None = None
    guest_id: uuid.UUID | None = None

    @property
    def everyone(self) -> bool:
        return self.employee_id is None and self.guest_id is None

    def tenant(self, column: Any) -> list[ColumnElement[bool]]:
        return [] if self.organization_id is None else [column == self.organization_id]

    def for_employee(self, column: Any) -> list[ColumnElement[bool]]:
        """Rows whose recipient ``column`` is this scope's person (any, for everyone)."""
        if self.everyone:
            return []
        if self.employee_id is None:
            return [false()]
        return [column == self.employee_id]

    def for_person(self, employee: Any, guest: Any) -> list[ColumnElement[bool]]:
        """Rows naming this scope's employee or guest in ``employee`` or ``guest``."""
        if self.everyone:
            return []
        if self.employee_id is not None:
            return [employee == self.employee_id]
        return [guest == self.guest_id]

    def elapsed(self, since: Any) -> ColumnElement[float]:
        """Days from ``since`` to now."""
        return days_between(since, literal(self.now, UTCDateTime()))


def setting(name: str) -> ColumnElement[Any]:
    """A member of the program's engagement settings, or its default, as SQL."""
    default = getattr(DEFAULTS, name)
    member = Program.__table__.c.engagement_settings[name]  # type: ignore[attr-defined]
    if isinstance(default, int):
        return func.coalesce(member.as_integer(), default)
    if isinstance(default, float):
        return func.coalesce(member.as_float(), default)
    return func.coalesce(member.as_string(), str(default))


def at(value: date | datetime) -> datetime:
    """A timestamp for a date (its midnight, UTC) or a timestamp."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return datetime.combine(value, time(), UTC)


def pair_start(
    started_on: date | None, agreement_starts_on: date | None, created_at: datetime
) -> datetime:
    """When a pair started, as its health counts it (``progress/health.py``)."""
    return at(started_on or agreement_starts_on or created_at)


def stamp(value: datetime) -> str:
    """A compact, stable token for a moment, used in item keys."""
    return str(int(value.timestamp()))


def item(
    scope: Scope,
    organization_id: uuid.UUID,
    recipient: Recipient,
    *,
    kind: AgendaKind,
    subject: tuple[SubjectType, uuid.UUID],
    program_id: uuid.UUID | None,
    reason: str,
    due_at: datetime,
    urgent_at: datetime | None,
    action: tuple[str, str],
    round: str = "",
) -> Due:
    """One item for one person; ``round`` tells apart successive occurrences of an item."""
    person = recipient.employee_id or recipient.guest_id
    key = ":".join(part for part in (kind.value, str(subject[1]), round, str(person)) if part)
    urgent = urgent_at is not None and scope.now >= urgent_at
    # Built from values the rules computed: no validation to run (model_construct), which
    # matters at tens of thousands of items per evaluation.
    return Due(
        organization_id=organization_id,
        recipient=recipient,
        item=AgendaItem.model_construct(
            key=key,
            kind=kind,
            subject=AgendaSubject.model_construct(type=subject[0], id=subject[1]),
            program_id=program_id,
            reason=reason,
            due_at=due_at,
            stage=AgendaStage.URGENT if urgent else AgendaStage.DUE,
            action=AgendaAction.model_construct(method=action[0], path=f"{API}{action[1]}"),
        ),
    )


def days(count: float) -> timedelta:
    return timedelta(days=count)


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def employees(*ids: uuid.UUID | None) -> Sequence[Recipient]:
    return [Recipient(employee_id=i) for i in ids if i is not None]

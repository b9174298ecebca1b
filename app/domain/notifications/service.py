"""Each person's notification preferences: read and replaced by the person themself."""

import uuid
from datetime import time

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.access.principal import Principal
from app.domain.concurrency import check_version, flush_versioned
from app.domain.employees.models import Employee
from app.domain.errors import Forbidden, Invalid, NotFound, PreconditionFailed, field_error
from app.domain.notifications.models import (
    DEFAULT_QUIET_END,
    DEFAULT_QUIET_START,
    NotificationPreference,
    NudgeMail,
    NudgeMailStatus,
)
from app.domain.notifications.schemas import (
    NotificationPreferencesRead,
    NotificationPreferencesUpdate,
    QuietHoursRead,
)

LANGUAGES = ("en", "fr")


def email_language(languages: list[str]) -> str | None:
    """The first of the person's languages that e-mails are written in (None: none is)."""
    for tag in languages:
        primary = tag.split("-", 1)[0].lower()
        if primary in LANGUAGES:
            return primary
    return None


def parse_local_time(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def _person(principal: Principal) -> uuid.UUID:
    if principal.is_machine or principal.is_guest or principal.employee_id is None:
        raise Forbidden("Notification preferences belong to a person.", code="not_a_person")
    return principal.employee_id


async def preference_of(
    session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID
) -> NotificationPreference:
    """The stored preferences, or the defaults (not stored) for someone who chose nothing."""
    found = (
        await session.exec(
            select(NotificationPreference).where(
                NotificationPreference.organization_id == organization_id,
                NotificationPreference.employee_id == employee_id,
            )
        )
    ).first()
    if found is not None:
        return found
    return NotificationPreference(
        organization_id=organization_id,
        employee_id=employee_id,
        quiet_hours_start=DEFAULT_QUIET_START,
        quiet_hours_end=DEFAULT_QUIET_END,
        version=0,
    )


async def _employee(
    session: AsyncSession, principal: Principal, employee_id: uuid.UUID
) -> Employee:
    employee = await session.get(Employee, employee_id)
    if employee is None or employee.organization_id != principal.organization_id:
        raise NotFound("No such employee.")
    return employee


def to_read(preference: NotificationPreference, employee: Employee) -> NotificationPreferencesRead:
    quiet = None
    if preference.quiet_hours_start is not None and preference.quiet_hours_end is not None:
        quiet = QuietHoursRead(start=preference.quiet_hours_start, end=preference.quiet_hours_end)
    return NotificationPreferencesRead(
        email_enabled=preference.email_enabled,
        muted_kinds=list(preference.muted_kinds),
        quiet_hours=quiet,
        timezone=employee.timezone,
        language=email_language(employee.languages),
        version=preference.version,
    )


async def get_preferences(
    session: AsyncSession, principal: Principal
) -> NotificationPreferencesRead:
    employee_id = _person(principal)
    employee = await _employee(session, principal, employee_id)
    preference = await preference_of(session, principal.organization_id, employee_id)
    return to_read(preference, employee)


async def update_preferences(
    session: AsyncSession,
    principal: Principal,
    data: NotificationPreferencesUpdate,
    expected_version: int | None = None,
) -> NotificationPreferencesRead:
    """Replace the caller's preferences; a version, when sent, must be the current one (0
    before the first change)."""
    employee_id = _person(principal)
    employee = await _employee(session, principal, employee_id)
    quiet = data.quiet_hours
    if quiet is not None and quiet.start == quiet.end:
        raise Invalid(
            "Quiet hours must end at another time than they start.",
            code="empty_quiet_hours",
            errors=[field_error("quiet_hours.end", "equal to start", "empty_span")],
        )
    preference = await preference_of(session, principal.organization_id, employee_id)
    if expected_version is not None:
        check_version(preference.version, expected_version, "notification preferences")
    if preference.version == 0:
        preference.version = 1
        session.add(preference)
    preference.email_enabled = data.email_enabled
    preference.muted_kinds = list(data.muted_kinds)
    preference.quiet_hours_start = quiet.start if quiet is not None else None
    preference.quiet_hours_end = quiet.end if quiet is not None else None
    try:
        await flush_versioned(session, "notification preferences")
    except IntegrityError as exc:  # a first change made twice at once
        raise PreconditionFailed(
            "The notification preferences were changed at the same time; read them again.",
            code="version_mismatch",
        ) from exc
    # Nudges held back by the former quiet hours are weighed again under the new ones.
    await session.exec(
        update(NudgeMail)
        .where(
            col(NudgeMail.organization_id) == principal.organization_id,
            col(NudgeMail.employee_id) == employee_id,
            col(NudgeMail.status) == NudgeMailStatus.PENDING,
        )
        .values(not_before=None)
    )
    return to_read(preference, employee)

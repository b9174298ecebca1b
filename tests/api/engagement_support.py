"""Shortcuts for tests of the engagement rules: an injected clock, agendas, nudges."""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import col

from app.db.engine import unit_of_work
from app.domain.access.principal import Principal, Role
from app.domain.engagement import service
from app.domain.engagement.models import AgendaItem
from app.domain.engagement.service import Evaluation
from app.domain.events.models import OutboxEvent
from app.domain.programs.models import Program, ProgramStatus
from tests.api.programs_support import events_of
from tests.conftest import Tenant

AGENDA = "/api/v1/me/agenda"


def today() -> datetime:
    """Midnight (UTC) of today: a pair activated today started then."""
    return datetime.combine(date.today(), time(), UTC)


def later(**delta: float) -> datetime:
    return datetime.now(UTC) + timedelta(**delta)


def principal(tenant: Tenant, employee: dict[str, Any]) -> Principal:
    return Principal.for_employee(
        tenant.organization_id, uuid.UUID(employee["id"]), Role(employee.get("role", "employee"))
    )


async def agenda(tenant: Tenant, employee: dict[str, Any], now: datetime) -> list[AgendaItem]:
    """``employee``'s agenda as it will be at ``now``."""
    async with unit_of_work(tenant.app.state.session_factory) as session:
        return await service.agenda_for(session, principal(tenant, employee), now)


async def kinds(tenant: Tenant, employee: dict[str, Any], now: datetime) -> list[str]:
    return [i.kind.value for i in await agenda(tenant, employee, now)]


async def evaluate(tenant: Tenant, now: datetime) -> Evaluation:
    """The worker's evaluation at ``now``, for this test's organisation only."""
    async with unit_of_work(tenant.app.state.session_factory) as session:
        return await service.evaluate(session, now, tenant.organization_id)


async def nudges(tenant: Tenant, subject_id: str) -> list[OutboxEvent]:
    return await events_of(tenant, subject_id, "nudge.due")


def for_person(events: list[OutboxEvent], employee: dict[str, Any]) -> list[OutboxEvent]:
    return [e for e in events if e.data["recipient_employee_id"] == employee["id"]]


async def set_program_status(tenant: Tenant, program: dict[str, Any], status: str) -> None:
    async with unit_of_work(tenant.app.state.session_factory) as session:
        await session.exec(
            update(Program)
            .where(col(Program.id) == uuid.UUID(program["id"]))
            .values(status=ProgramStatus(status).value)
        )

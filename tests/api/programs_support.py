"""Shortcuts for tests of programs, objectives and consultations through REST."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import update
from sqlmodel import col, select

from app.db.engine import unit_of_work
from app.domain.events.models import OutboxEvent
from app.domain.programs.consultation_models import Consultation
from tests.conftest import Tenant

PROGRAMS = "/api/v1/programs"


def url(program: dict[str, Any], *parts: str) -> str:
    return "/".join([PROGRAMS, program["id"], *parts])


def versioned(headers: dict[str, str], version: int) -> dict[str, str]:
    return headers | {"If-Match": f'"{version}"'}


def in_days(days: float) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


async def program_manager(tenant: Tenant) -> tuple[dict[str, Any], dict[str, str]]:
    """An employee with the program_manager role, and their JWT headers."""
    person = await tenant.employee(role="program_manager")
    return person, tenant.as_user(person)


async def create_program(
    tenant: Tenant, headers: dict[str, str] | None = None, **fields: Any
) -> dict[str, Any]:
    body = {"name": "Digital fluency 2027", "starts_on": "2027-01-04", "ends_on": "2027-06-30"}
    response = await tenant.client.post(
        PROGRAMS, json=body | fields, headers=headers or tenant.admin
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def get_program(
    tenant: Tenant, program: dict[str, Any], headers: dict[str, str] | None = None
) -> dict[str, Any]:
    response = await tenant.client.get(url(program), headers=headers or tenant.admin)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def add_objective(
    tenant: Tenant,
    program: dict[str, Any],
    headers: dict[str, str] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    body = {
        "title": "Everyone can use the new collaboration suite",
        "category": "digital_transformation",
    }
    response = await tenant.client.post(
        url(program, "objectives"), json=body | fields, headers=headers or tenant.admin
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def transition(
    tenant: Tenant,
    program: dict[str, Any],
    to: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> httpx.Response:
    return await tenant.client.post(
        url(program, "transitions"), json={"to": to} | extra, headers=headers or tenant.admin
    )


async def move_to(tenant: Tenant, program: dict[str, Any], *stages: str) -> dict[str, Any]:
    """Move the program through ``stages`` as an administrator; answer it as it ends up."""
    for stage in stages:
        response = await transition(tenant, program, stage)
        assert response.status_code == 200, response.text
    return await get_program(tenant, program)


async def open_consultation(
    tenant: Tenant,
    program: dict[str, Any],
    headers: dict[str, str] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    body = {"question": "What should this program change for you?", "deadline": in_days(14)}
    response = await tenant.client.post(
        url(program, "consultation"), json=body | fields, headers=headers or tenant.admin
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def invite(
    tenant: Tenant,
    program: dict[str, Any],
    headers: dict[str, str] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    response = await tenant.client.post(
        url(program, "consultation", "stakeholders"),
        json={"role": "future_mentor"} | fields,
        headers=headers or tenant.admin,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def contribute(
    tenant: Tenant, program: dict[str, Any], headers: dict[str, str], **fields: Any
) -> httpx.Response:
    return await tenant.client.post(
        url(program, "consultation", "contributions"), json=fields, headers=headers
    )


async def close_consultation(
    tenant: Tenant, program: dict[str, Any], summary: str = "We agreed on the goals."
) -> httpx.Response:
    return await tenant.client.post(
        url(program, "consultation", "close"), json={"summary": summary}, headers=tenant.admin
    )


async def ready_to_enroll(tenant: Tenant, **fields: Any) -> dict[str, Any]:
    """A program in consultation with an objective and a closed consultation."""
    program = await create_program(tenant, **fields)
    await open_consultation(tenant, program)
    await add_objective(tenant, program)
    assert (await close_consultation(tenant, program)).status_code == 200
    return await get_program(tenant, program)


async def events_of(tenant: Tenant, subject_id: str, prefix: str = "") -> list[OutboxEvent]:
    async with unit_of_work(tenant.app.state.session_factory) as session:
        rows = await session.exec(
            select(OutboxEvent)
            .where(
                OutboxEvent.subject_id == uuid.UUID(subject_id),
                col(OutboxEvent.type).startswith(prefix),
            )
            .order_by(col(OutboxEvent.id))
        )
        return list(rows.all())


async def expire_deadline(tenant: Tenant, consultation_id: str) -> None:
    """Move a deadline into the past, as time passing would."""
    async with unit_of_work(tenant.app.state.session_factory) as session:
        await session.exec(
            update(Consultation)
            .where(col(Consultation.id) == uuid.UUID(consultation_id))
            .values(deadline=datetime.now(UTC) - timedelta(minutes=1))
        )

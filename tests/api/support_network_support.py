"""Shortcuts for tests of the mentor support network.

Enrolment has its own API; here the program's mentors are written straight to the
database as approved Participant rows.
"""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import col

from app.db.engine import unit_of_work
from app.domain.participants.models import Participant, ParticipantRole, ParticipantStatus
from app.domain.programs.models import Program, ProgramStatus
from tests.api.programs_support import create_program, program_manager
from tests.conftest import Tenant

WORKSHOPS = "/api/v1/workshops"
GUESTS = "/api/v1/guest-mentors"


def circles_url(program: dict[str, Any], *parts: str) -> str:
    return "/".join([f"/api/v1/programs/{program['id']}/circles", *parts])


def at(days: float) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0).isoformat()


async def active_program(tenant: Tenant, **fields: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """A program past the draft stage, run by a program manager; and the manager's headers."""
    _manager, headers = await program_manager(tenant)
    program = await create_program(tenant, headers, **fields)
    async with unit_of_work(tenant.app.state.session_factory) as session:
        await session.exec(
            update(Program)
            .where(col(Program.id) == uuid.UUID(program["id"]))
            .values(status=ProgramStatus.ACTIVE.value)
        )
    return program, headers


async def enrol(
    tenant: Tenant,
    program: dict[str, Any],
    employee: dict[str, Any],
    role: ParticipantRole = ParticipantRole.MENTOR,
    status: ParticipantStatus = ParticipantStatus.APPROVED,
) -> None:
    async with unit_of_work(tenant.app.state.session_factory) as session:
        session.add(
            Participant(
                organization_id=tenant.organization_id,
                program_id=uuid.UUID(program["id"]),
                employee_id=uuid.UUID(employee["id"]),
                role=role,
                status=status,
            )
        )


async def mentor(tenant: Tenant, program: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A new employee enrolled as an approved mentor of ``program``, with their headers."""
    person = await tenant.employee(**fields)
    await enrol(tenant, program, person)
    return person | {"headers": tenant.as_user(person)}


async def circle(
    tenant: Tenant,
    program: dict[str, Any],
    headers: dict[str, str],
    members: list[dict[str, Any]],
    **fields: Any,
) -> dict[str, Any]:
    body = {"name": "Newcomers", "member_employee_ids": [m["id"] for m in members]} | fields
    response = await tenant.client.post(circles_url(program), json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def guest(tenant: Tenant, headers: dict[str, str] | None = None) -> dict[str, Any]:
    body = {
        "name": "Ada Partner",
        "partner_organization": "Partner Bank",
        "email": "ada@partner.example",
        "expertise": ["reverse-mentoring"],
        "consent": True,
        "consent_statement": "I agree that my name and e-mail are held for the program.",
    }
    response = await tenant.client.post(GUESTS, json=body, headers=headers or tenant.admin)
    assert response.status_code == 201, response.text
    created = dict(response.json())
    return created | {"headers": {"Authorization": f"Bearer {created['token']}"}}

"""Shortcuts for tests of the impact report: a program in a given state, with participants."""

import uuid
from datetime import date
from typing import Any

import httpx
from sqlmodel import select

from app.db.engine import unit_of_work
from app.domain.programs.models import Program, ProgramStatus
from tests.api.pairs_support import enrol
from tests.api.programs_support import add_objective, create_program, program_manager, url
from tests.conftest import Tenant

INDICATORS = [
    {
        "name": "Mentees using the collaboration suite",
        "target_value": 80,
        "unit": "%",
        "baseline": 20,
    },
    {
        "name": "Tickets about the suite per month",
        "target_value": 10,
        "unit": "tickets",
        "baseline": 30,
    },
]


async def set_status(tenant: Tenant, program: dict[str, Any], status: str) -> None:
    """Put the program in ``status`` (its lifecycle has tests of its own)."""
    async with unit_of_work(tenant.app.state.session_factory) as session:
        found = (
            await session.exec(select(Program).where(Program.id == uuid.UUID(program["id"])))
        ).one()
        found.status = ProgramStatus(status)


async def impact_program(
    tenant: Tenant, *, status: str = "active", starts_on: str = "2025-01-06", **fields: Any
) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """A program run by a manager, with one objective holding ``INDICATORS``."""
    _person, manager = await program_manager(tenant)
    program = await create_program(
        tenant, manager, starts_on=starts_on, ends_on="2025-12-19", **fields
    )
    objective = await add_objective(tenant, program, manager, success_indicators=INDICATORS)
    await set_status(tenant, program, status)
    return program, objective, manager


async def participants(
    tenant: Tenant, program: dict[str, Any], role: str, count: int, **employee: Any
) -> list[dict[str, Any]]:
    people = []
    for _ in range(count):
        person = await tenant.employee(**employee)
        await enrol(tenant, program, person, role)
        people.append(person)
    return people


def indicator_url(
    program: dict[str, Any], objective: dict[str, Any], index: int, *parts: str
) -> str:
    return url(program, "objectives", objective["id"], "indicators", str(index), *parts)


async def answer(
    tenant: Tenant,
    program: dict[str, Any],
    person: dict[str, Any],
    wave: str,
    scores: dict[str, int],
) -> httpx.Response:
    body = {"answers": [{"item_id": item, "score": score} for item, score in scores.items()]}
    return await tenant.client.put(
        url(program, "assessment-answers", wave), json=body, headers=tenant.as_user(person)
    )


async def add_item(
    tenant: Tenant, program: dict[str, Any], headers: dict[str, str], side: str, statement: str
) -> dict[str, Any]:
    response = await tenant.client.post(
        url(program, "assessment-items"),
        json={"side": side, "statement": statement},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def today() -> date:
    return date.today()

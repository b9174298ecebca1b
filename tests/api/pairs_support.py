"""Shortcuts for tests of pairs, session logs and progress.

Participants are written straight to the database (enrolment has its own API); everything
else goes through the REST routes under test.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlmodel import col, select

from app.db.engine import unit_of_work
from app.domain.pairs.models import Pair
from app.domain.participants.models import Participant, ParticipantRole, ParticipantStatus
from app.domain.session_logs.models import SessionLog
from tests.api.programs_support import create_program, program_manager, versioned
from tests.conftest import Tenant

PAIRS = "/api/v1/pairs"


def pair_url(pair: dict[str, Any], *parts: str) -> str:
    return "/".join([PAIRS, pair["id"], *parts])


def ago(**delta: float) -> str:
    return (datetime.now(UTC) - timedelta(**delta)).isoformat()


async def enrol(
    tenant: Tenant,
    program: dict[str, Any],
    employee: dict[str, Any],
    role: str,
    *,
    status: str = "approved",
    capacity: int | None = None,
) -> str:
    async with unit_of_work(tenant.app.state.session_factory) as session:
        participant = Participant(
            organization_id=tenant.organization_id,
            program_id=uuid.UUID(program["id"]),
            employee_id=uuid.UUID(employee["id"]),
            role=ParticipantRole(role),
            status=ParticipantStatus(status),
            capacity=capacity,
            languages=["en"],
        )
        session.add(participant)
        await session.flush()
        return str(participant.id)


@dataclass
class PairSetup:
    tenant: Tenant
    program: dict[str, Any]
    manager: dict[str, str]
    mentor: dict[str, str]
    mentee: dict[str, str]
    mentor_employee: dict[str, Any]
    mentee_employee: dict[str, Any]
    pair: dict[str, Any]

    async def get(self, *parts: str, headers: dict[str, str] | None = None) -> httpx.Response:
        return await self.tenant.client.get(
            pair_url(self.pair, *parts), headers=headers or self.mentor
        )

    async def refresh(self) -> dict[str, Any]:
        response = await self.get(headers=self.tenant.admin)
        assert response.status_code == 200, response.text
        self.pair = dict(response.json())
        return self.pair

    async def log(self, headers: dict[str, str] | None = None, **fields: Any) -> httpx.Response:
        body = {"held_at": ago(days=1), "duration_minutes": 45, "format": "video"} | fields
        return await self.tenant.client.post(
            pair_url(self.pair, "session-logs"), json=body, headers=headers or self.mentee
        )

    async def move(
        self, to: str, headers: dict[str, str] | None = None, **extra: Any
    ) -> httpx.Response:
        response = await self.tenant.client.post(
            pair_url(self.pair, "transitions"),
            json={"to": to} | extra,
            headers=headers or self.manager,
        )
        if response.status_code == 200:
            self.pair = dict(response.json())
        return response


async def make_pair(
    tenant: Tenant,
    *,
    activate: bool = True,
    program: dict[str, Any] | None = None,
    manager: dict[str, str] | None = None,
    **program_fields: Any,
) -> PairSetup:
    """A program run by a manager, a mentor and a mentee enrolled, paired by the manager.

    Pass ``program`` and its ``manager`` to add another pair to an existing program.
    """
    if manager is None:
        _person, manager = await program_manager(tenant)
    if program is None:
        program = await create_program(tenant, manager, **program_fields)
    mentor_employee = await tenant.employee(seniority_level=1)
    mentee_employee = await tenant.employee(seniority_level=5)
    mentor_id = await enrol(tenant, program, mentor_employee, "mentor")
    mentee_id = await enrol(tenant, program, mentee_employee, "mentee")
    response = await tenant.client.post(
        f"/api/v1/programs/{program['id']}/pairs",
        json={"mentor_participant_id": mentor_id, "mentee_participant_id": mentee_id}
        | ({"status": "active"} if activate else {}),
        headers=manager,
    )
    assert response.status_code == 201, response.text
    return PairSetup(
        tenant=tenant,
        program=program,
        manager=manager,
        mentor=tenant.as_user(mentor_employee),
        mentee=tenant.as_user(mentee_employee),
        mentor_employee=mentor_employee,
        mentee_employee=mentee_employee,
        pair=dict(response.json()),
    )


async def age_logs(tenant: Tenant, pair_id: str, **delta: float) -> None:
    """Move a pair's logs (held and created) back in time, as time passing would."""
    async with unit_of_work(tenant.app.state.session_factory) as session:
        logs = await session.exec(
            select(SessionLog).where(col(SessionLog.pair_id) == uuid.UUID(pair_id))
        )
        for log in logs.all():
            log.held_at -= timedelta(**delta)
            log.created_at -= timedelta(**delta)


async def backdate_pair(tenant: Tenant, pair_id: str, days: int) -> None:
    """Make a pair look as if it started ``days`` ago."""
    async with unit_of_work(tenant.app.state.session_factory) as session:
        pair = (await session.exec(select(Pair).where(Pair.id == uuid.UUID(pair_id)))).one()
        pair.started_on = (datetime.now(UTC) - timedelta(days=days)).date()
        pair.created_at -= timedelta(days=days)


__all__ = [
    "PAIRS",
    "PairSetup",
    "age_logs",
    "ago",
    "backdate_pair",
    "enrol",
    "make_pair",
    "pair_url",
    "versioned",
]

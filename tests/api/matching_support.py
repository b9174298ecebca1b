"""Shortcuts for tests of enrolment and matching through REST."""

import uuid
from typing import Any

import httpx

from app.domain.matching.job import MatchingJobs
from tests.api.programs_support import move_to, ready_to_enroll, url
from tests.conftest import Tenant


async def enrolling_program(tenant: Tenant, **fields: Any) -> dict[str, Any]:
    """A program open for enrolment, with an objective (topic tags from ``tags``)."""
    program = await ready_to_enroll(tenant, **fields)
    return await move_to(tenant, program, "enrolling")


async def enrol(
    tenant: Tenant,
    program: dict[str, Any],
    headers: dict[str, str] | None = None,
    **fields: Any,
) -> httpx.Response:
    return await tenant.client.post(
        url(program, "participants"), json=fields, headers=headers or tenant.admin
    )


async def enrolled(
    tenant: Tenant,
    program: dict[str, Any],
    employee: dict[str, Any],
    role: str,
    *,
    approve: bool = True,
    **fields: Any,
) -> dict[str, Any]:
    """``employee`` enrolled by an administrator (and approved)."""
    response = await enrol(tenant, program, employee_id=employee["id"], role=role, **fields)
    assert response.status_code == 201, response.text
    participant = dict(response.json())
    if approve:
        decided = await tenant.client.post(
            url(program, "participants", participant["id"], "approve"),
            json={},
            headers=tenant.admin,
        )
        assert decided.status_code == 200, decided.text
        participant = dict(decided.json())
    return participant


async def queue(
    tenant: Tenant,
    program: dict[str, Any],
    headers: dict[str, str] | None = None,
    **options: Any,
) -> httpx.Response:
    """Ask for a run (202 with the run queued, or the refusal)."""
    return await tenant.client.post(
        url(program, "matching-runs"), json=options, headers=headers or tenant.admin
    )


async def work(tenant: Tenant, run_id: str, jobs: MatchingJobs | None = None) -> int:
    """A worker's pass over this run: it runs it if it is due. The number of runs run."""
    worker = jobs or MatchingJobs(tenant.app.state.session_factory)
    return await worker.run_once(uuid.UUID(run_id))


async def run(
    tenant: Tenant,
    program: dict[str, Any],
    headers: dict[str, str] | None = None,
    **options: Any,
) -> httpx.Response:
    """Queue a run and have a worker run it: the run as it ended (or the refusal)."""
    queued = await queue(tenant, program, headers, **options)
    if queued.status_code != 202:
        return queued
    await work(tenant, queued.json()["id"])
    return await tenant.client.get(queued.headers["Location"], headers=tenant.admin)


async def proposals(tenant: Tenant, program: dict[str, Any], run_id: str) -> list[dict[str, Any]]:
    response = await tenant.client.get(
        url(program, "matching-runs", run_id, "proposals"), headers=tenant.admin
    )
    assert response.status_code == 200, response.text
    return list(response.json()["items"])

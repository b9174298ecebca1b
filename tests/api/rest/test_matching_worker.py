"""The worker loop runs queued matching runs in a process of its own, with its own database
engine, as it does inside the API process and in ``mentorship worker``."""

import asyncio
from typing import Any

from app.domain.integrations.worker import Worker
from tests.api.matching_support import queue
from tests.api.programs_support import url
from tests.api.rest.test_matching_jobs import a_program_to_match
from tests.conftest import Tenant, live_settings


async def test_the_worker_loop_runs_queued_runs_in_a_process_of_its_own(
    tenant: Tenant, database_url: str
) -> None:
    program = await a_program_to_match(tenant)
    body = (await queue(tenant, program)).json()
    worker = Worker(
        tenant.app.state.session_factory,
        poll_seconds=0.05,
        settings=live_settings(database_url, worker_poll_seconds=0.05),
    )
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run_matching(stop))
    seen: dict[str, Any] = {}
    try:
        # Another thread does the work: wait for it, for at most 60 seconds.
        for _ in range(1200):
            response = await tenant.client.get(
                url(program, "matching-runs", body["id"]), headers=tenant.admin
            )
            seen = response.json()
            if seen["status"] not in ("queued", "running"):
                break
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=30)
    assert seen["status"] == "completed", seen
    assert seen["summary"]["pairs"] == 3

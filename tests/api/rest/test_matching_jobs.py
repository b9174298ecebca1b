"""Matching runs as jobs: queued, run by a worker with progress, completed, failed,
cancelled, taken over when a worker dies, and each state announced in the outbox."""

import asyncio
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import col

from app.db.base import utcnow
from app.db.engine import unit_of_work
from app.domain.matching.job import Claim, MatchingJobs, Tracker
from app.domain.matching.run_models import MatchingRun
from tests.api.matching_support import enrolling_program, proposals, queue, run, work
from tests.api.programs_support import events_of, move_to, program_manager, url
from tests.api.rest.test_matching_runs import mentee_of, mentor_of
from tests.conftest import Tenant, problem


async def a_program_to_match(tenant: Tenant, **fields: Any) -> dict[str, Any]:
    program = await enrolling_program(tenant, **fields)
    for _ in range(3):
        await mentee_of(tenant, program)
    await mentor_of(tenant, program, capacity=2)
    await mentor_of(tenant, program, capacity=1)
    return program


async def get_run(tenant: Tenant, program: dict[str, Any], run_id: str) -> dict[str, Any]:
    response = await tenant.client.get(url(program, "matching-runs", run_id), headers=tenant.admin)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def event_types(tenant: Tenant, run_id: str) -> list[str]:
    return [e.type for e in await events_of(tenant, run_id)]


def jobs(tenant: Tenant, **options: Any) -> MatchingJobs:
    return MatchingJobs(tenant.app.state.session_factory, **options)


class Watched(MatchingJobs):
    """A worker that reads the run through the API each time it reports its progress."""

    def __init__(self, tenant: Tenant, program: dict[str, Any], **options: Any) -> None:
        super().__init__(tenant.app.state.session_factory, **options)
        self.tenant, self.program = tenant, program
        self.seen: list[dict[str, Any]] = []

    async def report(self, claim: Claim, tracker: Tracker) -> None:
        await super().report(claim, tracker)
        self.seen.append(await get_run(self.tenant, self.program, str(claim.run_id)))


async def test_a_run_is_queued_then_run_by_a_worker_with_progress(tenant: Tenant) -> None:
    manager, headers = await program_manager(tenant)
    program = await a_program_to_match(tenant, manager_ids=[manager["id"]])
    queued = await queue(tenant, program, headers)
    assert queued.status_code == 202, queued.text
    body = queued.json()
    assert queued.headers["Location"] == url(program, "matching-runs", body["id"])
    assert body["status"] == "queued"
    assert body["progress"] == {
        "stage": "queued",
        "pairs_to_score": 0,
        "pairs_scored": 0,
        "candidate_pairs": 0,
    }
    assert body["started_at"] is body["finished_at"] is None
    assert await proposals(tenant, program, body["id"]) == []
    problem(
        await tenant.client.post(
            url(program, "matching-runs", body["id"], "accept"), json={}, headers=headers
        ),
        409,
        "matching_run_not_completed",
    )
    assert await event_types(tenant, body["id"]) == []

    worker = Watched(tenant, program)
    claim = await worker.claim(uuid.UUID(body["id"]))
    assert claim is not None
    loading = await get_run(tenant, program, body["id"])
    assert (loading["status"], loading["progress"]["stage"]) == ("running", "loading")
    assert loading["started_at"] is not None
    await worker.execute(claim)

    stages = [(seen["status"], seen["progress"]["stage"]) for seen in worker.seen]
    assert stages == [
        ("running", "scoring"),
        ("running", "solving"),
        ("running", "explaining"),
        ("running", "saving"),
    ]
    scoring, solving = worker.seen[0]["progress"], worker.seen[1]["progress"]
    assert scoring["pairs_to_score"] == 3 * 2
    assert solving["pairs_scored"] == solving["pairs_to_score"] == 3 * 2
    assert solving["candidate_pairs"] == 6
    done = await get_run(tenant, program, body["id"])
    assert done["status"] == "completed"
    assert done["progress"]["stage"] == "done"
    assert done["finished_at"] >= done["started_at"]
    assert len(await proposals(tenant, program, body["id"])) == 3
    assert done["summary"]["pairs"] == 3
    assert await event_types(tenant, body["id"]) == ["matching_run.completed"]
    [event] = await events_of(tenant, body["id"])
    assert event.data["summary"]["pairs"] == 3
    assert event.data["status"] == "completed"
    assert event.actor == done["requested_by"]
    # Done is done: another pass finds nothing to do.
    assert await work(tenant, body["id"]) == 0


async def test_a_queued_run_can_be_cancelled(tenant: Tenant) -> None:
    manager, headers = await program_manager(tenant)
    program = await a_program_to_match(tenant, manager_ids=[manager["id"]])
    body = (await queue(tenant, program, headers)).json()
    cancel = url(program, "matching-runs", body["id"], "cancel")
    someone = await tenant.employee()
    problem(await tenant.client.post(cancel, headers=tenant.as_user(someone)), 403)
    cancelled = await tenant.client.post(cancel, headers=headers)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancelled_by"] == f"employee:{manager['id']}"
    assert cancelled.json()["finished_at"] is not None
    assert await work(tenant, body["id"]) == 0
    assert (await get_run(tenant, program, body["id"]))["status"] == "cancelled"
    assert await event_types(tenant, body["id"]) == ["matching_run.cancelled"]
    problem(await tenant.client.post(cancel, headers=headers), 409, "matching_run_ended")

    finished = (await run(tenant, program)).json()
    assert finished["status"] == "completed"
    problem(
        await tenant.client.post(
            url(program, "matching-runs", finished["id"], "cancel"), headers=headers
        ),
        409,
        "matching_run_ended",
    )


class CancelledWhileScoring(Watched):
    async def report(self, claim: Claim, tracker: Tracker) -> None:
        await super().report(claim, tracker)
        if tracker.progress.stage == "scoring":
            cancel = url(self.program, "matching-runs", str(claim.run_id), "cancel")
            response = await self.tenant.client.post(cancel, headers=self.tenant.admin)
            assert response.status_code == 200, response.text


async def test_a_running_run_can_be_cancelled_and_saves_nothing(tenant: Tenant) -> None:
    program = await a_program_to_match(tenant)
    body = (await queue(tenant, program)).json()
    worker = CancelledWhileScoring(tenant, program)
    assert await work(tenant, body["id"], worker) == 1
    assert [seen["progress"]["stage"] for seen in worker.seen] == ["scoring"]
    ended = await get_run(tenant, program, body["id"])
    assert ended["status"] == "cancelled"
    assert ended["summary"]["pairs"] == 0
    assert await proposals(tenant, program, body["id"]) == []
    assert await event_types(tenant, body["id"]) == ["matching_run.cancelled"]


async def test_a_run_that_cannot_be_computed_fails_with_a_reason(tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    mentee = await mentee_of(tenant, program)
    mentor = await mentor_of(tenant, program)
    other = await mentee_of(tenant, program)
    keep = [{"mentee_id": mentee["id"], "mentor_id": mentor["id"]}]
    queued = (await queue(tenant, program, keep=keep)).json()
    # Before a worker gets to it, a manager pairs the mentee by hand.
    paired = await tenant.client.post(
        url(program, "pairs"),
        json={"mentee_participant_id": mentee["id"], "mentor_participant_id": mentor["id"]},
        headers=tenant.admin,
    )
    assert paired.status_code == 201, paired.text
    assert await work(tenant, queued["id"]) == 1
    failed = await get_run(tenant, program, queued["id"])
    assert failed["status"] == "failed"
    assert failed["error_code"] == "keep_unavailable"
    assert "already paired" in failed["error"]
    assert failed["finished_at"] is not None
    assert await proposals(tenant, program, queued["id"]) == []
    assert await event_types(tenant, queued["id"]) == ["matching_run.failed"]
    [event] = await events_of(tenant, queued["id"])
    assert event.data["error_code"] == "keep_unavailable"

    # The same request is refused at once while the pair holds the mentee.
    problem(await queue(tenant, program, keep=keep), 409, "keep_unavailable")
    assert other["id"]

    closed = (await queue(tenant, program)).json()
    await move_to(tenant, program, "archived")
    assert await work(tenant, closed["id"]) == 1
    failed = await get_run(tenant, program, closed["id"])
    assert (failed["status"], failed["error_code"]) == ("failed", "program_not_matching")


async def expire_lease(tenant: Tenant, run_id: str, **values: Any) -> None:
    """Move a run's lease into the past, as a worker that died would leave it."""
    async with unit_of_work(tenant.app.state.session_factory) as session:
        await session.exec(
            update(MatchingRun)
            .where(col(MatchingRun.id) == uuid.UUID(run_id))
            .values(lease_expires_at=utcnow() - timedelta(seconds=1), **values)
        )


async def test_a_run_whose_worker_died_is_taken_over(tenant: Tenant) -> None:
    program = await a_program_to_match(tenant)
    body = (await queue(tenant, program)).json()
    first, second = jobs(tenant), jobs(tenant)
    dead = await first.claim(uuid.UUID(body["id"]))
    assert dead is not None
    # While its lease runs, nobody else takes the run.
    assert await second.claim(uuid.UUID(body["id"])) is None
    await expire_lease(tenant, body["id"])
    assert await work(tenant, body["id"], second) == 1
    done = await get_run(tenant, program, body["id"])
    assert done["status"] == "completed"
    found = await proposals(tenant, program, body["id"])
    assert len(found) == 3
    # The first worker wakes up: the run is no longer its own, it writes nothing.
    await first.execute(dead)
    assert await proposals(tenant, program, body["id"]) == found
    assert await event_types(tenant, body["id"]) == ["matching_run.completed"]


async def test_a_run_whose_workers_keep_dying_fails(tenant: Tenant) -> None:
    program = await a_program_to_match(tenant)
    body = (await queue(tenant, program)).json()
    worker = jobs(tenant, max_attempts=2)
    for _ in range(2):
        assert await worker.claim(uuid.UUID(body["id"])) is not None
        await expire_lease(tenant, body["id"])
    assert await worker.claim(uuid.UUID(body["id"])) is None
    failed = await get_run(tenant, program, body["id"])
    assert (failed["status"], failed["error_code"]) == ("failed", "worker_lost")
    assert await event_types(tenant, body["id"]) == ["matching_run.failed"]


async def test_a_stopping_worker_puts_its_run_back_in_the_queue(tenant: Tenant) -> None:
    program = await a_program_to_match(tenant)
    body = (await queue(tenant, program)).json()
    assert await work(tenant, body["id"], jobs(tenant, stopping=lambda: True)) == 1
    back = await get_run(tenant, program, body["id"])
    assert back["status"] == "queued"
    assert back["progress"]["stage"] == "queued"
    assert await event_types(tenant, body["id"]) == []
    assert await work(tenant, body["id"]) == 1
    assert (await get_run(tenant, program, body["id"]))["status"] == "completed"


async def test_one_run_is_claimed_by_one_worker(tenant: Tenant) -> None:
    program = await a_program_to_match(tenant)
    body = (await queue(tenant, program)).json()
    run_id = uuid.UUID(body["id"])
    claims = await asyncio.gather(*(jobs(tenant).claim(run_id) for _ in range(4)))
    assert len([c for c in claims if c is not None]) == 1


async def test_proposals_are_saved_in_batches(tenant: Tenant) -> None:
    program = await a_program_to_match(tenant)
    body = (await queue(tenant, program)).json()
    assert await work(tenant, body["id"], jobs(tenant, batch_size=2)) == 1
    found = await proposals(tenant, program, body["id"])
    assert len(found) == 3
    assert len({p["id"] for p in found}) == 3


async def test_heartbeats_report_the_stage_under_way(tenant: Tenant) -> None:
    program = await a_program_to_match(tenant)
    body = (await queue(tenant, program)).json()
    worker = Watched(tenant, program, heartbeat_seconds=0.001)
    assert await work(tenant, body["id"], worker) == 1
    order = ["loading", "scoring", "solving", "explaining", "saving"]
    stages = [seen["progress"]["stage"] for seen in worker.seen]
    assert {seen["status"] for seen in worker.seen} == {"running"}
    assert stages == sorted(stages, key=order.index)
    assert (await get_run(tenant, program, body["id"]))["status"] == "completed"

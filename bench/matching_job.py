"""The API while a large matching run executes: latency of the run's progress read.

Seeds a temporary database (PostgreSQL by default, or a SQLite file) with one program of
--mentors mentors and --mentees mentees (bench/matching.py's profiles, as enrolments and
directory entries), then:

1. serves the API (`mentorship serve`, one process) with the worker inside it, the
   default; after a warm-up, reads a finished run at a constant rate for --baseline
   seconds (the idle figure), then queues --runs dry runs one after the other and reads
   each, at the same rate, until it ends;
2. (--separate-worker) the same with the worker in a process of its own
   (`mentorship worker`, MENTOR_RUN_WORKER_IN_PROCESS=false), as in production.

Prints p50, p90, p99 and max of the read's latency idle and during the runs (overall and by
the stage the read saw), and when each run reached each stage. Bounded: each read loop
stops after --timeout seconds; servers are stopped and the database dropped at the end.

    .venv/bin/python -m bench.matching_job --mentors 2000 --mentees 3000
"""

import argparse
import asyncio
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from app.config import Settings
from app.db.engine import unit_of_work
from app.db.migrations import upgrade
from app.domain.access import service as access
from app.domain.employees.models import Employee
from app.domain.matching.run_models import RunStage
from app.domain.participants.models import Participant, ParticipantRole, ParticipantStatus
from app.domain.programs.models import Program, ProgramStatus
from app.main import create_app
from bench.load import PG_ADMIN, free_port, start, stop
from bench.matching import DEPARTMENTS, TOPICS, _topics

ZONES = {
    "Paris": "Europe/Paris",
    "Lyon": "Europe/Paris",
    "Berlin": "Europe/Berlin",
    "London": "Europe/London",
    "Montreal": "America/Toronto",
}


def _windows(rng: random.Random) -> list[dict[str, Any]]:
    windows = []
    for _ in range(rng.randint(0, 4)):
        start = rng.choice(range(16, 34))  # 08:00 to 16:30 local, in half-hours
        length = rng.choice([2, 3, 4])
        end = start + length
        windows.append(
            {
                "day": rng.randint(0, 4),
                "start": f"{start // 2:02d}:{start % 2 * 30:02d}",
                "end": f"{end // 2:02d}:{end % 2 * 30:02d}",
            }
        )
    return windows


async def seed(url: str, mentors: int, mentees: int) -> tuple[str, str]:
    """An organisation and its admin key; a program of approved participants, enrolling."""
    rng = random.Random(2026)
    app = create_app(Settings(database_url=url, run_worker_in_process=False))
    async with unit_of_work(app.state.session_factory) as session:
        organization, _key, token = await access.create_organization(session, "Bench Org")
        org = organization.id
        program = Program(
            organization_id=org, name="Matching at scale", status=ProgramStatus.ENROLLING
        )
        executives = [
            Employee(
                organization_id=org,
                email=f"exec{i}@bench.example",
                given_name="Exec",
                family_name=str(i),
                seniority_level=20,
                birth_year=1960,
            )
            for i in range(40)
        ]
        session.add(program)
        session.add_all(executives)
        await session.flush()
        people: list[Employee] = []
        enrolments: list[Participant] = []
        for n in range(mentors + mentees):
            junior = n < mentors
            location = rng.choice(list(ZONES))
            languages = ["en"] + (["fr"] if location in ("Paris", "Lyon", "Montreal") else [])
            if location == "Berlin":
                languages = ["de"] + (["en"] if rng.random() < 0.8 else [])
            person = Employee(
                organization_id=org,
                email=f"person{n}@bench.example",
                given_name="Person",
                family_name=str(n),
                department=rng.choice(DEPARTMENTS),
                location=location,
                timezone=ZONES[location],
                languages=languages,
                birth_year=rng.randint(1995, 2004) if junior else rng.randint(1962, 1985),
                seniority_level=rng.randint(0, 5) if junior else rng.randint(8, 18),
                manager_id=rng.choice(executives).id,
            )
            people.append(person)
            enrolments.append(
                Participant(
                    organization_id=org,
                    program_id=program.id,
                    employee_id=person.id,
                    role=ParticipantRole.MENTOR if junior else ParticipantRole.MENTEE,
                    status=ParticipantStatus.APPROVED,
                    capacity=rng.randint(1, 3) if junior else None,
                    teaches=_topics(rng, rng.randint(2, 6) if junior else rng.randint(1, 4)),
                    learns=_topics(rng, rng.randint(1, 3) if junior else rng.randint(2, 5)),
                    mindset=rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 5, 8, 6])[0],
                    availability=_windows(rng),
                    format=rng.choice(["in_person", "remote", "either", "either"]),
                )
            )
        session.add_all(people)
        await session.flush()
        session.add_all(enrolments)
        program_id = program.id
    await app.state.engine.dispose()
    assert TOPICS
    return token, str(program_id)


def percentiles(samples: list[float]) -> str:
    if not samples:
        return "no samples"
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return (
        f"{len(samples)} reads: p50 {at(0.5):.1f} ms, p90 {at(0.9):.1f} ms, "
        f"p99 {at(0.99):.1f} ms, max {ordered[-1] * 1000:.1f} ms "
        f"(mean {statistics.mean(samples) * 1000:.1f})"
    )


async def read_at_rate(
    client: httpx.AsyncClient, path: str, rate: float, seconds: float, until_done: bool
) -> tuple[list[tuple[float, str]], list[tuple[float, str, str]]]:
    """GET ``path`` every 1/rate s (skipping ticks a slow answer overran) for ``seconds``,
    or until the run has ended; (latency, stage seen) of each read, and (time, status,
    stage) whenever they change."""
    latencies: list[tuple[float, str]] = []
    changes: list[tuple[float, str, str]] = []
    started = time.perf_counter()
    tick = started
    while time.perf_counter() - started < seconds:
        sent = time.perf_counter()
        response = await client.get(path)
        assert response.status_code == 200, response.text
        body = response.json()
        latencies.append((time.perf_counter() - sent, body["progress"]["stage"]))
        seen = (body["status"], body["progress"]["stage"])
        if not changes or changes[-1][1:] != seen:
            changes.append((sent - started, *seen))
        if until_done and body["status"] not in ("queued", "running"):
            break
        tick += 1 / rate
        while tick < time.perf_counter():
            tick += 1 / rate
        await asyncio.sleep(tick - time.perf_counter())
    return latencies, changes


async def read_runs(
    base: str, token: str, program_id: str, idle_path: str, args: argparse.Namespace
) -> tuple[list[tuple[float, str]], list[tuple[float, str]]]:
    """Warm up, read a finished run for --baseline seconds (the idle figure), then queue
    --runs runs one after the other and read each until it ends."""
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
        for _ in range(20):
            await client.get(idle_path)
        idle, _ = await read_at_rate(client, idle_path, args.rate, args.baseline, False)
        during: list[tuple[float, str]] = []
        for _ in range(args.runs):
            queued = await client.post(
                f"/api/v1/programs/{program_id}/matching-runs", json={"dry_run": True}
            )
            assert queued.status_code == 202, queued.text
            seen, changes = await read_at_rate(
                client, queued.headers["Location"], args.rate, args.timeout, True
            )
            during += seen
            print("    " + ", ".join(f"{at:.2f} s {stage}" for at, _, stage in changes[1:]))
        return idle, during


def phase(
    title: str,
    env: dict[str, str],
    args: argparse.Namespace,
    token: str,
    program_id: str,
    idle_path: str,
    separate_worker: bool = False,
) -> None:
    """Serve the API (and a worker process); the read's latency idle, then during runs."""
    port = free_port()
    server = start([sys.executable, "-m", "app.cli", "serve", "--port", str(port)], env, port)
    worker = start_worker(env) if separate_worker else None
    print(title)
    try:
        idle, during = asyncio.run(
            read_runs(f"http://127.0.0.1:{port}", token, program_id, idle_path, args)
        )
    finally:
        if worker is not None:
            stop(worker)
        stop(server)
    print(f"  idle:       {percentiles([latency for latency, _ in idle])}")
    print(f"  during:     {percentiles([latency for latency, _ in during])}")
    stages = sorted({stage for _, stage in during}, key=[s.value for s in RunStage].index)
    for stage in stages:
        print(f"  {stage:11s} {percentiles([a for a, b in during if b == stage])}")


def start_worker(env: dict[str, str]) -> Any:
    import subprocess

    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


async def cancelled_run(url: str, token: str, program_id: str) -> str:
    """A run queued then cancelled: what the idle figure reads."""
    app = create_app(Settings(database_url=url, run_worker_in_process=False))
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        response = await client.post(
            f"/api/v1/programs/{program_id}/matching-runs", json={}, headers=headers
        )
        assert response.status_code == 202, response.text
        path = str(response.headers["Location"])
        cancelled = await client.post(f"{path}/cancel", headers=headers)
        assert cancelled.status_code == 200, cancelled.text
    await app.state.engine.dispose()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mentors", type=int, default=2000)
    parser.add_argument("--mentees", type=int, default=3000)
    parser.add_argument("--backend", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--rate", type=float, default=20.0, help="reads per second")
    parser.add_argument("--baseline", type=float, default=10.0, help="seconds")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per phase")
    parser.add_argument("--runs", type=int, default=5, help="runs, one after the other")
    parser.add_argument("--separate-worker", action="store_true")
    args = parser.parse_args()

    folder = tempfile.TemporaryDirectory()
    if args.backend == "sqlite":
        url = f"sqlite+aiosqlite:///{Path(folder.name) / 'bench.db'}"
    else:
        name = f"mentorship_matching_{secrets.token_hex(4)}"

        async def create() -> None:
            admin = await asyncpg.connect(PG_ADMIN)
            await admin.execute(f'CREATE DATABASE "{name}"')
            await admin.close()

        asyncio.run(create())
        url = f"postgresql+asyncpg://{PG_ADMIN.split('://', 1)[1].rsplit('/', 1)[0]}/{name}"
    try:
        upgrade(url)
        began = time.perf_counter()
        token, program_id = asyncio.run(seed(url, args.mentors, args.mentees))
        print(
            f"seeded {args.mentors} mentors and {args.mentees} mentees in {time.perf_counter() - began:.1f} s ({args.backend})"
        )
        env = {
            **os.environ,
            "MENTOR_DATABASE_URL": url,
            "MENTOR_RATE_LIMIT": "1000000000/minute",
            "MENTOR_LOG_LEVEL": "WARNING",
            "MENTOR_WORKER_POLL_SECONDS": "0.2",
            "MENTOR_RUN_WORKER_IN_PROCESS": "false",
        }
        idle_path = asyncio.run(cancelled_run(url, token, program_id))
        in_process = env | {"MENTOR_RUN_WORKER_IN_PROCESS": "true"}
        phase("worker in the API process", in_process, args, token, program_id, idle_path)
        if args.separate_worker:
            title = "worker in its own process (mentorship worker)"
            phase(title, env, args, token, program_id, idle_path, separate_worker=True)
    finally:
        if args.backend == "postgresql":

            async def drop() -> None:
                admin = await asyncpg.connect(PG_ADMIN)
                await admin.execute(
                    f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'
                )
                await admin.close()

            asyncio.run(drop())
        folder.cleanup()


if __name__ == "__main__":
    main()

"""Session logs at scale: list pages and the program dashboard over 100,000 logs.

Seeds one organisation with a program of P pairs and L session logs spread over them
(held over the last year, with ratings, topics and action items) in a fresh database, then
sends requests in-process (no network) and prints median and p95 latency and the SQL
statements each request ran:

- REST `GET /api/v1/session-logs?limit=100`: the first page and the 1,000th page (keyset);
- REST `GET /api/v1/pairs/{id}/session-logs`, first page, for one pair;
- REST `GET /api/v1/programs/{id}/dashboard` and its CSV export;
- GraphQL `pairs(first: 50)` with each pair's last 5 logs and progress.

    .venv/bin/python -m bench.pairs --backend sqlite --logs 100000 --pairs 1000
    .venv/bin/python -m bench.pairs --backend postgresql --logs 100000 --pairs 1000
"""

import argparse
import asyncio
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event, insert, text

from app.config import Settings
from app.db.base import new_id
from app.db.engine import unit_of_work
from app.db.migrations import upgrade
from app.domain.access import service as access
from app.domain.employees.models import Employee
from app.domain.pairs.models import Pair, PairOrigin, PairStatus
from app.domain.participants.models import Participant, ParticipantRole, ParticipantStatus
from app.domain.programs.models import Program, ProgramStatus
from app.domain.session_logs.models import SessionLog
from app.main import create_app
from app.observability import configure_logging
from bench.directory import _database

TOPICS = ["generative-ai", "teams", "excel", "tiktok", "prompting", "power-bi", "figma", "slack"]
GRAPHQL_PAIRS = """query($program: UUID!) { pairs(first: 50, programId: $program) {
  edges { node { id status mentor { id } lastLogs(count: 5) { id heldAt privateNote }
  progress { sessions health } } } } }"""


async def _seed(app: Any, pairs: int, logs: int) -> tuple[str, uuid.UUID, uuid.UUID]:
    rng = random.Random(2026)
    now = datetime.now(UTC)
    async with unit_of_work(app.state.session_factory) as session:
        organization, _key, token = await access.create_organization(session, "Bench Org")
        org = organization.id
        program = Program(
            organization_id=org, name="Bench program", status=ProgramStatus.ACTIVE, cadence_days=14
        )
        session.add(program)
        await session.flush()
        people = [
            Employee(
                organization_id=org,
                email=f"person{i}@bench.example",
                given_name=f"Given{i}",
                family_name=f"Family{i}",
                languages=["en"],
                seniority_level=i % 15,
            )
            for i in range(2 * pairs)
        ]
        session.add_all(people)
        await session.flush()
        participants = [
            Participant(
                organization_id=org,
                program_id=program.id,
                employee_id=person.id,
                role=ParticipantRole.MENTOR if i % 2 == 0 else ParticipantRole.MENTEE,
                status=ParticipantStatus.APPROVED,
            )
            for i, person in enumerate(people)
        ]
        session.add_all(participants)
        await session.flush()
        rows = [
            Pair(
                organization_id=org,
                program_id=program.id,
                mentor_id=participants[2 * i].id,
                mentee_id=participants[2 * i + 1].id,
                mentor_employee_id=people[2 * i].id,
                mentee_employee_id=people[2 * i + 1].id,
                status=PairStatus.ACTIVE,
                origin=PairOrigin.MANUAL,
                started_on=(now - timedelta(days=365)).date(),
            )
            for i in range(pairs)
        ]
        session.add_all(rows)
        await session.flush()
        pair_rows = [(p.id, p.mentor_employee_id, p.mentee_employee_id) for p in rows]
        program_id = program.id
    batch: list[dict[str, Any]] = []
    for n in range(logs):
        pair_id, mentor, mentee = pair_rows[n % pairs]
        author_is_mentee = rng.random() < 0.6
        held = now - timedelta(days=rng.uniform(1, 365))
        batch.append(
            {
                "id": new_id(),
                "organization_id": org,
                "pair_id": pair_id,
                "program_id": program_id,
                "author_employee_id": mentee if author_is_mentee else mentor,
                "author_side": "mentee" if author_is_mentee else "mentor",
                "held_at": held,
                "duration_minutes": rng.choice([30, 45, 60]),
                "format": rng.choice(["video", "in_person", "phone", "chat"]),
                "topics": rng.sample(TOPICS, 2),
                "summary": "We went through the week's questions.",
                "action_items": [
                    {"text": "Practise", "owner": "mentee", "due": None, "done": False}
                ],
                "open_action_items": 1,
                "mentor_rating": rng.randint(2, 5),
                "mentee_rating": rng.randint(2, 5),
                "status": "confirmed",
                "created_at": held,
                "updated_at": held,
                "version": 1,
            }
        )
        if len(batch) == 5000 or n == logs - 1:
            async with unit_of_work(app.state.session_factory) as session:
                await session.exec(insert(SessionLog), params=batch)
            batch = []
    # Statistics, as autovacuum (PostgreSQL) or a periodic ANALYZE (SQLite) would keep them.
    async with app.state.engine.connect() as connection:
        await connection.execute(text("ANALYZE"))
        await connection.commit()
    return token, program_id, pair_rows[0][0]


async def _measure(
    label: str, runs: int, request: Callable[[], Awaitable[None]], statements: list[str]
) -> None:
    durations: list[float] = []
    counts: list[int] = []
    for _ in range(runs):
        statements.clear()
        start = time.perf_counter()
        await request()
        durations.append((time.perf_counter() - start) * 1000)
        counts.append(len(statements))
    durations.sort()
    p95 = durations[max(0, int(len(durations) * 0.95) - 1)]
    print(
        f"  {label:<46} median {statistics.median(durations):8.2f} ms   p95 {p95:8.2f} ms"
        f"   statements/request {min(counts)}-{max(counts)}"
    )


async def main(backend: str, pairs: int, logs: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url, drop = await _database(backend, Path(tmp))
        try:
            await asyncio.to_thread(upgrade, url)
            app = create_app(
                Settings(
                    database_url=url,
                    api_key_touch_interval_seconds=3600,
                    run_worker_in_process=False,
                    rate_limit="1000000/minute",
                )
            )
            started = time.perf_counter()
            token, program_id, pair_id = await _seed(app, pairs, logs)
            print(f"seeded {pairs} pairs and {logs} logs in {time.perf_counter() - started:.1f} s")
            statements: list[str] = []
            event.listen(
                app.state.engine.sync_engine,
                "before_cursor_execute",
                lambda *args: statements.append(args[2]),
            )
            headers = {"Authorization": f"Bearer {token}"}
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                listing = "/api/v1/session-logs?limit=100"
                cursor: str | None = None
                walk = time.perf_counter()
                deepest = 1
                for _ in range(999):
                    page = await client.get(
                        listing + (f"&cursor={cursor}" if cursor else ""), headers=headers
                    )
                    assert page.status_code == 200, page.text
                    following = page.json()["next_cursor"]
                    if following is None:
                        break  # a small smoke run: measure its last page instead
                    cursor = following
                    deepest += 1
                print(f"walked to page {deepest:,} in {time.perf_counter() - walk:.1f} s")
                deep = f"{listing}&cursor={cursor}"

                async def get(path: str) -> None:
                    response = await client.get(path, headers=headers)
                    assert response.status_code == 200, response.text

                async def graphql_pairs() -> None:
                    response = await client.post(
                        "/graphql",
                        json={"query": GRAPHQL_PAIRS, "variables": {"program": str(program_id)}},
                        headers=headers,
                    )
                    assert response.status_code == 200
                    assert "errors" not in response.json(), response.text

                print(f"{backend}, {pairs} pairs, {logs} logs, {runs} runs each (in-process)")
                await _measure(
                    "GET /session-logs, page 1 of 100", runs, lambda: get(listing), statements
                )
                await _measure(
                    f"GET /session-logs, page {deepest:,} of 100",
                    runs,
                    lambda: get(deep),
                    statements,
                )
                await _measure(
                    "GET /pairs/{id}/session-logs, page 1",
                    runs,
                    lambda: get(f"/api/v1/pairs/{pair_id}/session-logs?limit=100"),
                    statements,
                )
                await _measure(
                    "GET /programs/{id}/dashboard",
                    runs,
                    lambda: get(f"/api/v1/programs/{program_id}/dashboard"),
                    statements,
                )
                await _measure(
                    "GET /programs/{id}/dashboard/pairs.csv",
                    max(3, runs // 4),
                    lambda: get(f"/api/v1/programs/{program_id}/dashboard/pairs.csv"),
                    statements,
                )
                await _measure(
                    "GraphQL pairs(first: 50) + lastLogs(5), progress",
                    runs,
                    graphql_pairs,
                    statements,
                )
            await app.state.engine.dispose()
        finally:
            await drop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--logs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    configure_logging("WARNING")
    asyncio.run(main(args.backend, args.pairs, args.logs, args.runs))

"""Fit checks at scale: what is due across an organisation of 10,000 active pairs.

Seeds one organisation with a program of P active pairs in a fresh database; each pair has
a few session logs, most of them confirmed (so its fit check is open), and some sides have
answered; a share of earlier pairs ended as not a fit (their avoidances, half of them
reviewed). Then times the two set-based functions an agenda calls
(``fit_checks_due``, ``mismatch_reviews``), a manager's ``GET /pairs/{id}/fit-check``, and
the pool a matching run loads (which now reads the avoidances too), printing median and p95
latency and the SQL statements each ran.

    .venv/bin/python -m bench.fit_checks --backend sqlite --pairs 10000
    .venv/bin/python -m bench.fit_checks --backend postgresql --pairs 10000
"""

import argparse
import asyncio
import random
import statistics
import tempfile
import time
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
from app.domain.matching.candidates import pool_rows
from app.domain.pairs import fit
from app.domain.pairs.models import Pair, PairAvoidance, PairFitCheck, PairOrigin, PairStatus
from app.domain.participants.models import Participant, ParticipantRole, ParticipantStatus
from app.domain.programs.models import Program, ProgramStatus
from app.domain.session_logs.models import SessionLog
from app.main import create_app
from app.observability import configure_logging
from bench.directory import _database

BATCH = 5000


async def _insert(app: Any, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        async with unit_of_work(app.state.session_factory) as session:
            await session.exec(insert(model), params=rows[start : start + BATCH])


async def _seed(app: Any, pairs: int, mismatches: int) -> tuple[str, Any, Any, Any]:
    rng = random.Random(2026)
    now = datetime.now(UTC)
    async with unit_of_work(app.state.session_factory) as session:
        organization, _key, token = await access.create_organization(session, "Bench Org")
        org = organization.id
        program = Program(organization_id=org, name="Bench program", status=ProgramStatus.ACTIVE)
        session.add(program)
        await session.flush()
        program_id = program.id
    people: list[dict[str, Any]] = []
    pair_rows: list[dict[str, Any]] = []
    # The directory, the enrolments and the pairs as the ORM writes them (defaults included),
    # a slice at a time; logs and answers below go in as plain rows.
    for first in range(0, pairs, BATCH // 2):
        async with unit_of_work(app.state.session_factory) as session:
            last = min(pairs, first + BATCH // 2)
            employees = [
                Employee(
                    organization_id=org,
                    email=f"person{i}@bench.example",
                    given_name=f"Given{i}",
                    family_name=f"Family{i}",
                    languages=["en"],
                    seniority_level=i % 15,
                )
                for i in range(2 * first, 2 * last)
            ]
            session.add_all(employees)
            await session.flush()
            enrolled = [
                Participant(
                    organization_id=org,
                    program_id=program_id,
                    employee_id=person.id,
                    role=ParticipantRole.MENTOR if i % 2 == 0 else ParticipantRole.MENTEE,
                    status=ParticipantStatus.APPROVED,
                )
                for i, person in enumerate(employees)
            ]
            session.add_all(enrolled)
            await session.flush()
            made = [
                Pair(
                    organization_id=org,
                    program_id=program_id,
                    mentor_id=enrolled[2 * i].id,
                    mentee_id=enrolled[2 * i + 1].id,
                    mentor_employee_id=employees[2 * i].id,
                    mentee_employee_id=employees[2 * i + 1].id,
                    status=PairStatus.ACTIVE,
                    origin=PairOrigin.MANUAL,
                    started_on=(now - timedelta(days=60)).date(),
                )
                for i in range(last - first)
            ]
            session.add_all(made)
            await session.flush()
            people += [{"id": e.id} for e in employees]
            pair_rows += [
                {
                    "id": p.id,
                    "mentor_employee_id": p.mentor_employee_id,
                    "mentee_employee_id": p.mentee_employee_id,
                }
                for p in made
            ]
    logs: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []
    for pair in pair_rows:
        for n in range(rng.randint(1, 4)):
            held = now - timedelta(days=rng.uniform(1, 60))
            confirmed = rng.random() < 0.8
            logs.append(
                {
                    "id": new_id(),
                    "organization_id": org,
                    "pair_id": pair["id"],
                    "program_id": program_id,
                    "author_employee_id": pair["mentee_employee_id"],
                    "author_side": "mentee",
                    "held_at": held,
                    "duration_minutes": 45,
                    "format": "video",
                    "status": "confirmed" if confirmed else "pending",
                    "responded_at": held + timedelta(days=1) if confirmed else None,
                    "created_at": held,
                    "updated_at": held,
                    "version": 1,
                    "topics": [],
                    "action_items": [],
                    "open_action_items": 0,
                }
            )
            del n
        for side in ("mentor", "mentee"):
            if rng.random() < 0.5:
                answers.append(
                    {
                        "id": new_id(),
                        "organization_id": org,
                        "pair_id": pair["id"],
                        "program_id": program_id,
                        "employee_id": pair[f"{side}_employee_id"],
                        "side": side,
                        "answer": rng.choice(["good_fit", "good_fit", "unsure"]),
                        "note": None,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
    await _insert(app, SessionLog, logs)
    await _insert(app, PairFitCheck, answers)
    avoidances = []
    for i in range(mismatches):
        a, b = people[2 * i]["id"], people[(2 * i + 3) % len(people)]["id"]
        first, second = (a, b) if str(a) < str(b) else (b, a)
        avoidances.append(
            {
                "id": new_id(),
                "organization_id": org,
                "first_employee_id": first,
                "second_employee_id": second,
                "pair_id": pair_rows[i]["id"],
                "program_id": program_id,
                "reason": "mismatch",
                "reviewed_at": now if i % 2 else None,
                "created_at": now,
                "updated_at": now,
            }
        )
    await _insert(app, PairAvoidance, avoidances)
    async with app.state.engine.connect() as connection:
        await connection.execute(text("ANALYZE"))
        await connection.commit()
    print(f"  {len(logs)} session logs, {len(answers)} fit check answers, {mismatches} mismatches")
    return token, org, program_id, pair_rows[-1]["id"]


async def _measure(
    label: str, runs: int, call: Callable[[], Awaitable[int]], statements: list[str]
) -> None:
    durations: list[float] = []
    counts: list[int] = []
    rows = 0
    for _ in range(runs):
        statements.clear()
        start = time.perf_counter()
        rows = await call()
        durations.append((time.perf_counter() - start) * 1000)
        counts.append(len([s for s in statements if "SELECT" in s.upper()]))
    durations.sort()
    p95 = durations[max(0, int(len(durations) * 0.95) - 1)]
    print(
        f"  {label:<40} median {statistics.median(durations):8.1f} ms   p95 {p95:8.1f} ms"
        f"   SELECTs {min(counts)}-{max(counts)}   rows {rows}"
    )


async def main(backend: str, pairs: int, mismatches: int, runs: int) -> None:
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
            token, org, program_id, pair_id = await _seed(app, pairs, mismatches)
            print(f"seeded {pairs} pairs in {time.perf_counter() - started:.1f} s ({backend})")
            statements: list[str] = []
            event.listen(
                app.state.engine.sync_engine,
                "before_cursor_execute",
                lambda *args: statements.append(args[2]),
            )
            factory = app.state.session_factory

            async def due() -> int:
                async with unit_of_work(factory) as session:
                    return len(await fit.fit_checks_due(session, org, datetime.now(UTC)))

            async def reviews() -> int:
                async with unit_of_work(factory) as session:
                    return len(await fit.mismatch_reviews(session, org))

            async def pool() -> int:
                async with unit_of_work(factory) as session:
                    program = await session.get(Program, program_id)
                    assert program is not None
                    return len((await pool_rows(session, program)).not_a_fit)

            headers = {"Authorization": f"Bearer {token}"}
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

                async def one() -> int:
                    answer = await client.get(f"/api/v1/pairs/{pair_id}/fit-check", headers=headers)
                    assert answer.status_code == 200, answer.text
                    return 1

                await _measure("fit_checks_due (whole organisation)", runs, due, statements)
                await _measure("mismatch_reviews (whole organisation)", runs, reviews, statements)
                await _measure("GET /pairs/{id}/fit-check (admin key)", runs, one, statements)
                await _measure("a matching run's pool_rows", max(3, runs // 4), pool, statements)
            await app.state.engine.dispose()
        finally:
            await drop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pairs", type=int, default=10_000)
    parser.add_argument("--mismatches", type=int, default=500)
    parser.add_argument("--runs", type=int, default=20)
    arguments = parser.parse_args()
    configure_logging("WARNING", json=False)
    asyncio.run(main(arguments.backend, arguments.pairs, arguments.mismatches, arguments.runs))

"""The engagement rules over 10,000 active pairs: one full evaluation, its time and statements.

Seeds one organisation with P programs (settings varied), 2 x N people and N active pairs in
a fresh database: a third of the pairs have written an agreement one side has not
acknowledged, most have one or two session logs (held over the last 44 days, some still
pending), some gave mid feedback, a few started long ago and never met. Then it runs:

- a full evaluation (every rule over every program, the nudges, the pairs paused) twice:
  the first sends the nudges and pauses the pairs inactive too long; the second finds the
  same items and sends nothing;
- one person's agenda (a mentor), and one program manager's.

It prints the wall time and the SQL statements each ran (SQLAlchemy's
``before_cursor_execute``), with the statements of the rules alone.

    .venv/bin/python -m bench.engagement --backend sqlite --pairs 10000
    .venv/bin/python -m bench.engagement --backend postgresql --pairs 10000
"""

import argparse
import asyncio
import random
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert, text

from app.config import Settings
from app.db.base import new_id
from app.db.engine import create_engine, create_session_factory, unit_of_work
from app.db.migrations import upgrade
from app.domain.access import service as access
from app.domain.access.principal import Principal, Role
from app.domain.employees.models import Employee
from app.domain.engagement import service
from app.domain.engagement.rules import Scope
from app.domain.engagement.sources import due_items
from app.domain.pairs.models import Pair
from app.domain.participants.models import Participant
from app.domain.programs.models import Program, ProgramManager
from app.domain.progress.models import PairFeedback
from app.domain.session_logs.models import SessionLog
from bench.directory import _database

BATCH = 5000


async def _insert(factory: Any, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        async with unit_of_work(factory) as session:
            await session.exec(insert(model), params=rows[start : start + BATCH])


async def _seed(factory: Any, pairs: int, programs: int) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    rng = random.Random(2026)
    now = datetime.now(UTC)
    async with unit_of_work(factory) as session:
        organization, _key, _token = await access.create_organization(session, "Bench Org")
    org = organization.id
    stamp = {"created_at": now, "updated_at": now, "version": 1}
    people = [
        {
            "id": new_id(),
            "organization_id": org,
            "email": f"person{i}@bench.example",
            "given_name": f"Given{i}",
            "family_name": f"Family{i}",
            "languages": ["en"],
            "seniority_level": i % 15,
            "role": "program_manager" if i < programs else "employee",
        }
        | stamp
        for i in range(2 * pairs + programs)
    ]
    await _insert(factory, Employee, people)
    program_rows = [
        {
            "id": new_id(),
            "organization_id": org,
            "name": f"Bench program {p}",
            "kind": "reverse",
            "status": "active",
            "cadence_days": rng.choice([None, 14, 21]),
            "default_mentor_capacity": 1,
            "matching_settings": {},
            # Half the programs keep the defaults; the others set their own delays.
            "engagement_settings": {}
            if p % 2 == 0
            else {
                "first_session_days": 10,
                "inactive_warning_days": 21,
                "inactive_action_days": 40,
            },
        }
        | stamp
        for p in range(programs)
    ]
    await _insert(factory, Program, program_rows)
    await _insert(
        factory,
        ProgramManager,
        [
            {
                "id": new_id(),
                "organization_id": org,
                "program_id": program["id"],
                "employee_id": people[p]["id"],
            }
            for p, program in enumerate(program_rows)
        ],
    )
    members = people[programs:]
    participants = [
        {
            "id": new_id(),
            "organization_id": org,
            "program_id": program_rows[(i // 2) % programs]["id"],
            "employee_id": person["id"],
            "role": "mentor" if i % 2 == 0 else "mentee",
            "status": "approved",
            "teaches": {"generative-ai": 4},
            "learns": {"excel": 3},
            "languages": ["en"],
        }
        | stamp
        for i, person in enumerate(members)
    ]
    await _insert(factory, Participant, participants)
    pair_rows, log_rows, feedback_rows = [], [], []
    for i in range(pairs):
        mentor, mentee = participants[2 * i], participants[2 * i + 1]
        # As the worker keeps it: pairs of up to 100 days, few past the delay to pause.
        started = now - timedelta(days=rng.uniform(5, 100))
        agreed = rng.random() < 0.33
        pair = {
            "id": new_id(),
            "organization_id": org,
            "program_id": mentor["program_id"],
            "mentor_id": mentor["id"],
            "mentee_id": mentee["id"],
            "mentor_employee_id": mentor["employee_id"],
            "mentee_employee_id": mentee["employee_id"],
            "status": "active",
            "origin": "manual",
            "explanation": {},
            "started_on": started.date(),
            "agreement_format": "video" if agreed else None,
            "agreement_cadence_days": rng.choice([7, 14, 30]) if agreed else None,
            "agreement_updated_at": started if agreed else None,
            "mentor_acknowledged_at": started if agreed else None,
        } | stamp
        pair_rows.append(pair)
        # Most pairs met once or twice; one in ten never did.
        never = rng.random() < 0.1
        if never:
            started = now - timedelta(days=rng.uniform(5, 44))
            pair["started_on"] = started.date()
        for _ in range(0 if never else rng.choice([1, 2])):
            held = now - timedelta(days=rng.uniform(1, 44))
            author = rng.random() < 0.6
            log_rows.append(
                {
                    "id": new_id(),
                    "organization_id": org,
                    "pair_id": pair["id"],
                    "program_id": pair["program_id"],
                    "author_employee_id": mentee["employee_id"]
                    if author
                    else mentor["employee_id"],
                    "author_side": "mentee" if author else "mentor",
                    "held_at": held,
                    "duration_minutes": 45,
                    "format": "video",
                    "topics": [],
                    "action_items": [],
                    "open_action_items": 0,
                    "status": "pending" if rng.random() < 0.2 else "confirmed",
                    "created_at": held,
                    "updated_at": held,
                    "version": 1,
                }
            )
        if rng.random() < 0.3:
            feedback_rows.append(
                {
                    "id": new_id(),
                    "organization_id": org,
                    "pair_id": pair["id"],
                    "program_id": pair["program_id"],
                    "employee_id": mentor["employee_id"],
                    "side": "mentor",
                    "stage": "mid",
                    "rating": 4,
                    "would_recommend": 8,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    await _insert(factory, Pair, pair_rows)
    await _insert(factory, SessionLog, log_rows)
    await _insert(factory, PairFeedback, feedback_rows)
    return org, members[0]["id"], people[0]["id"]


async def main(backend: str, pairs: int, programs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url, drop = await _database(backend, Path(tmp))
        try:
            await asyncio.to_thread(upgrade, url)
            engine = create_engine(Settings(database_url=url, run_worker_in_process=False))
            factory = create_session_factory(engine)
            started = time.perf_counter()
            org, mentor, manager = await _seed(factory, pairs, programs)
            print(
                f"seeded {pairs} active pairs in {programs} programs in "
                f"{time.perf_counter() - started:.1f} s"
            )
            async with engine.connect() as connection:
                await connection.execute(text("ANALYZE"))
                await connection.commit()
            statements: list[str] = []
            event.listen(
                engine.sync_engine,
                "before_cursor_execute",
                lambda *args: statements.append(args[2]),
            )
            now = datetime.now(UTC)

            for label in ("first evaluation (sends)", "second evaluation (nothing new)"):
                statements.clear()
                begin = time.perf_counter()
                async with unit_of_work(factory) as session:
                    found = await service.evaluate(session, now)
                took = time.perf_counter() - begin
                kinds = Counter(s.split()[0] for s in statements)
                print(
                    f"{label}: {took:.2f} s, {len(statements)} statements "
                    f"({dict(kinds)}); {found.items} items, {found.nudges} nudges, "
                    f"{found.paused} pairs paused"
                )

            statements.clear()
            begin = time.perf_counter()
            async with unit_of_work(factory) as session:
                items = await due_items(session, Scope(now=now))
            took = time.perf_counter() - begin
            by_kind = Counter(d.item.kind.value for d in items)
            print(
                f"the rules alone: {took:.2f} s, {len(statements)} statements, "
                f"{len(items)} items: {dict(sorted(by_kind.items()))}"
            )

            for who, employee_id, role in (
                ("a mentor's agenda", mentor, Role.EMPLOYEE),
                ("a program manager's agenda", manager, Role.PROGRAM_MANAGER),
            ):
                principal = Principal.for_employee(org, employee_id, role)
                timings = []
                for _ in range(5):  # the first builds and caches the statements
                    statements.clear()
                    begin = time.perf_counter()
                    async with unit_of_work(factory) as session:
                        agenda = await service.agenda_for(session, principal, now)
                    timings.append((time.perf_counter() - begin) * 1000)
                print(
                    f"{who}: first {timings[0]:.1f} ms, then {min(timings[1:]):.1f} ms, "
                    f"{len(statements)} statements, {len(agenda)} items"
                )
            await engine.dispose()
        finally:
            await drop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pairs", type=int, default=10_000)
    parser.add_argument("--programs", type=int, default=20)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.backend, arguments.pairs, arguments.programs))

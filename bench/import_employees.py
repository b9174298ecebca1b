"""Loading a company's directory: `mentorship import-employees` of a large HRIS export.

Writes a CSV of N people (the unified columns, a random reporting tree whose managers come
before or after their reports in the file, a few people on leave), creates a fresh
database (a temporary SQLite file, or a temporary PostgreSQL database on 127.0.0.1:5432
that is dropped afterwards) with one organisation, then runs the command as an operator
would, each time in a process of its own:

1. the first import (everyone is created, managers linked);
2. the same file again (nothing changed);
3. the file with 1 % of the people changed (a new title, a new manager).

It prints the wall time and the CPU time of each run, and checks what the database holds
afterwards: employees, manager links, people left waiting for a manager, outbox events.

    .venv/bin/python -m bench.import_employees --backend sqlite --rows 20000,100000
    .venv/bin/python -m bench.import_employees --backend postgresql --rows 20000,100000
"""

import argparse
import asyncio
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bench.directory import _database

HEADER = [
    "id",
    "email",
    "given_name",
    "family_name",
    "job_title",
    "department",
    "location",
    "manager_id",
    "hire_date",
    "employment_status",
]
TITLES = ["Engineer", "Analyst", "Designer", "Accountant", "Sales rep", "Recruiter", "Lawyer"]
DEPARTMENTS = ["Engineering", "Finance", "Sales", "Marketing", "People", "Legal", "Operations"]
LOCATIONS = ["Paris", "Berlin", "Lisbon", "New York", "Singapore", "Nairobi"]


def directory(rows: int, seed: int) -> list[dict[str, str]]:
    """N people in a random reporting tree (each reports to someone hired before them)."""
    rng = random.Random(seed)
    people: list[dict[str, str]] = []
    for i in range(rows):
        manager = "" if i == 0 else f"E{rng.randrange(max(1, i // 8), i) if i > 8 else 0:06d}"
        people.append(
            {
                "id": f"E{i:06d}",
                "email": f"person{i}@bench.example",
                "given_name": f"Given{i}",
                "family_name": f"Family{i}",
                "job_title": rng.choice(TITLES),
                "department": rng.choice(DEPARTMENTS),
                "location": rng.choice(LOCATIONS),
                "manager_id": manager,
                "hire_date": f"20{rng.randrange(5, 26):02d}-{rng.randrange(1, 13):02d}-01",
                "employment_status": "leave" if rng.random() < 0.02 else "active",
            }
        )
    # HRIS exports come sorted by name or id, not by rank: managers often come after reports.
    rng.shuffle(people)
    return people


def write(path: Path, people: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(people)


def changed(people: list[dict[str, str]], share: float, seed: int) -> list[dict[str, str]]:
    """The same people, ``share`` of them promoted (new title) or moved to a new manager."""
    rng = random.Random(seed)
    out = [dict(p) for p in people]
    for person in rng.sample(out, int(len(out) * share)):
        number = int(person["id"][1:])
        if number > 8 and rng.random() < 0.5:
            person["manager_id"] = f"E{rng.randrange(0, number // 8):06d}"
        else:
            person["job_title"] = "Senior " + person["job_title"].removeprefix("Senior ")
    return out


def mentorship(url: str, *args: str) -> tuple[float, float, str]:
    """Run the command in a process of its own: wall seconds, CPU seconds, output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [str(Path(sys.executable).parent / "mentorship"), *args],
        env={**os.environ, "MENTOR_DATABASE_URL": url, "MENTOR_LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"mentorship {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    lines = done.stdout.strip().splitlines()
    return (
        wall,
        cpu,
        next((line for line in lines if " rows: " in line), lines[-1] if lines else ""),
    )


async def census(url: str) -> dict[str, int]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            figures = {}
            for name, sql in {
                "employees": "SELECT count(*) FROM employees",
                "with a manager": "SELECT count(*) FROM employees WHERE manager_id IS NOT NULL",
                "waiting": "SELECT count(*) FROM employees "
                "WHERE pending_manager_external_id IS NOT NULL",
                "events": "SELECT count(*) FROM outbox_events",
            }.items():
                figures[name] = (await conn.execute(text(sql))).scalar_one()
            return figures
    finally:
        await engine.dispose()


def run(backend: str, rows: int, seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        url, drop = asyncio.run(_database(backend, workdir))
        try:
            people = directory(rows, seed)
            first = workdir / "directory.csv"
            write(first, people)
            third = workdir / "directory-changed.csv"
            write(third, changed(people, 0.01, seed + 1))
            mentorship(url, "migrate")
            mentorship(url, "create-org", "Bench Org", "--slug", "bench")
            print(f"{backend}, {rows:,} rows")
            for label, path in (
                ("first import", first),
                ("same file again", first),
                ("1 % changed", third),
            ):
                wall, cpu, summary = mentorship(
                    url, "import-employees", str(path), "--org", "bench"
                )
                print(f"  {label:<16} {wall:7.1f} s wall {cpu:7.1f} s CPU   {summary}")
                print(f"  {'':<16} {asyncio.run(census(url))}")
        finally:
            asyncio.run(_drop(drop))


async def _drop(drop: Callable[[], Awaitable[None]]) -> None:
    await drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rows", default="20000", help="comma-separated sizes")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    for rows in (int(r) for r in args.rows.split(",")):
        run(args.backend, rows, args.seed)


if __name__ == "__main__":
    main()

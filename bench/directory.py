"""Directory reads: latency and SQL statements per request, REST against GraphQL.

Seeds an organisation with N employees (a realistic hierarchy) in a fresh database, then
pages through the directory in-process (no network) and prints, per kind of read, the median
and p95 latency and the number of SQL statements each request ran.

    .venv/bin/python -m bench.directory --employees 2000 --backend sqlite
    .venv/bin/python -m bench.directory --employees 2000 --backend postgresql
"""

import argparse
import asyncio
import secrets
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy import event

from app.config import Settings
from app.db.engine import unit_of_work
from app.db.migrations import upgrade
from app.domain.access import service as access
from app.domain.employees.models import Employee
from app.main import create_app
from app.observability import configure_logging

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"

GRAPHQL_PAGE = """query($after: String) { employees(first: 50, after: $after) {
  edges { node { id displayName department manager { id displayName } } }
  pageInfo { hasNextPage endCursor } } }"""


async def _database(backend: str, workdir: Path) -> tuple[str, Callable[[], Awaitable[None]]]:
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{workdir / 'bench.db'}"

        async def nothing() -> None:
            return None

        return url, nothing
    name = f"mentorship_bench_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(PG_ADMIN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()

    async def drop() -> None:
        conn = await asyncpg.connect(PG_ADMIN)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()

    return f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}", drop


async def _seed(app: Any, employees: int) -> str:
    async with unit_of_work(app.state.session_factory) as session:
        organization, _key, token = await access.create_organization(session, "Bench Org")
        rows: list[Employee] = []
        for i in range(employees):
            manager = rows[(i - 1) // 8].id if i else None
            rows.append(
                Employee(
                    organization_id=organization.id,
                    email=f"person{i}@bench.example",
                    given_name=f"Given{i}",
                    family_name=f"Family{i}",
                    department=f"Dept{i % 12}",
                    manager_id=manager,
                    languages=["en"],
                    seniority_level=i % 15,
                )
            )
        session.add_all(rows)
    return token


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
    p95 = durations[int(len(durations) * 0.95) - 1]
    print(
        f"  {label:<38} median {statistics.median(durations):7.2f} ms   p95 {p95:7.2f} ms"
        f"   statements/request {min(counts)}-{max(counts)}"
    )


async def main(backend: str, employees: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url, drop = await _database(backend, Path(tmp))
        try:
            await asyncio.to_thread(upgrade, url)
            app = create_app(Settings(database_url=url, api_key_touch_interval_seconds=3600))
            token = await _seed(app, employees)
            statements: list[str] = []
            event.listen(
                app.state.engine.sync_engine,
                "before_cursor_execute",
                lambda *args: statements.append(args[2]),
            )
            headers = {"Authorization": f"Bearer {token}"}
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                first = await client.get("/api/v1/employees?limit=50", headers=headers)
                middle_cursor = first.json()["next_cursor"]
                for _ in range(employees // 100):
                    page = await client.get(
                        f"/api/v1/employees?limit=50&cursor={middle_cursor}", headers=headers
                    )
                    middle_cursor = page.json()["next_cursor"] or middle_cursor

                async def rest_first() -> None:
                    r = await client.get("/api/v1/employees?limit=50", headers=headers)
                    assert r.status_code == 200

                async def rest_middle() -> None:
                    r = await client.get(
                        f"/api/v1/employees?limit=50&cursor={middle_cursor}", headers=headers
                    )
                    assert r.status_code == 200

                async def rest_one() -> None:
                    r = await client.get(
                        f"/api/v1/employees/{first.json()['items'][7]['id']}", headers=headers
                    )
                    assert r.status_code == 200

                async def graphql_page() -> None:
                    r = await client.post(
                        "/graphql",
                        json={"query": GRAPHQL_PAGE, "variables": {"after": middle_cursor}},
                        headers=headers,
                    )
                    assert r.status_code == 200
                    assert "errors" not in r.json()

                print(
                    f"{backend}, {employees} employees, {runs} runs each (in-process, no network)"
                )
                await _measure(
                    "REST GET /employees (first page of 50)", runs, rest_first, statements
                )
                await _measure(
                    "REST GET /employees (middle page of 50)", runs, rest_middle, statements
                )
                await _measure("REST GET /employees/{id}", runs, rest_one, statements)
                await _measure(
                    "GraphQL employees(first: 50) + manager", runs, graphql_page, statements
                )
            await app.state.engine.dispose()
        finally:
            await drop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--employees", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    configure_logging("WARNING")
    asyncio.run(main(args.backend, args.employees, args.runs))

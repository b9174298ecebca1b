"""The database goes away under load: 503 problems meanwhile, recovery on its own after.

Runs on a PostgreSQL cluster the test creates and kills itself, never the shared server.
"""

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI

from app.config import Settings
from app.db.migrations import upgrade
from app.main import create_app
from tests.conftest import make_tenant
from tests.integration.throwaway_postgres import ThrowawayCluster, throwaway_cluster


@pytest.fixture(scope="module")
def cluster() -> Iterator[ThrowawayCluster]:
    with throwaway_cluster() as c:
        upgrade(c.url)
        yield c


@pytest.fixture
async def app(cluster: ThrowawayCluster) -> AsyncIterator[FastAPI]:
    application = create_app(
        Settings(database_url=cluster.url, db_pool_timeout_seconds=2, db_statement_timeout_ms=5000)
    )
    yield application
    await application.state.engine.dispose()


async def test_statement_timeout_is_set(app: FastAPI) -> None:
    async with app.state.engine.connect() as connection:
        value = (await connection.exec_driver_sql("SHOW statement_timeout")).scalar()
    assert value == "5s"


async def test_outage_answers_503_and_recovers(app: FastAPI, cluster: ThrowawayCluster) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://faults") as client:
        tenant = await make_tenant(app, client, "Faults")
        for _ in range(5):
            await tenant.employee()

        statuses: Counter[int] = Counter()
        bodies: list[dict[str, object]] = []
        stop_at = time.monotonic() + 30
        outage_over: float | None = None
        recovered_after: float | None = None

        async def load() -> None:
            nonlocal recovered_after
            while time.monotonic() < stop_at:
                response = await client.get("/api/v1/employees?limit=5", headers=tenant.admin)
                statuses[response.status_code] += 1
                if response.status_code != 200:
                    assert response.headers["content-type"] == "application/problem+json"
                    bodies.append(response.json())
                elif outage_over is not None and recovered_after is None:
                    recovered_after = time.monotonic() - outage_over
                    return
                await asyncio.sleep(0.02)

        worker = asyncio.create_task(load())
        await asyncio.sleep(1)
        await asyncio.to_thread(cluster.stop)
        await asyncio.sleep(2)
        ready = await client.get("/ready")
        assert ready.status_code == 503
        assert ready.json()["code"] == "database_unavailable"
        await asyncio.to_thread(cluster.start)
        outage_over = time.monotonic()
        await worker

    assert statuses[200] > 0
    assert statuses[503] > 0, statuses
    assert set(statuses) <= {200, 503}, statuses  # never a 500
    assert all(b["code"] == "database_unavailable" for b in bodies)
    assert recovered_after is not None
    assert recovered_after < 10, recovered_after
    print(f"outage: {dict(statuses)} answers; recovered {recovered_after:.2f} s after restart")
    async with httpx.AsyncClient(transport=transport, base_url="http://faults") as client:
        assert (await client.get("/ready")).status_code == 200


async def test_idle_connections_are_checked_before_use(cluster: ThrowawayCluster) -> None:
    """A restart while the service is quiet costs no request: stale idle connections are
    pinged, found dead and replaced before a request uses them."""
    application = create_app(
        Settings(
            database_url=cluster.url, db_pool_timeout_seconds=2, db_ping_after_idle_seconds=0.5
        )
    )
    transport = httpx.ASGITransport(app=application)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://faults") as client:
            tenant = await make_tenant(application, client, "Idle")
            # Several connections in the pool, all idle after this.
            await asyncio.gather(
                *(client.get("/api/v1/employees?limit=5", headers=tenant.admin) for _ in range(5))
            )
            await asyncio.to_thread(cluster.stop)
            await asyncio.to_thread(cluster.start)
            await asyncio.sleep(1)
            for _ in range(5):
                response = await client.get("/api/v1/employees?limit=5", headers=tenant.admin)
                assert response.status_code == 200, response.text
    finally:
        await application.state.engine.dispose()

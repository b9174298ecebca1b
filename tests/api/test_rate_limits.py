"""Rate limits per API key or employee: 429 with Retry-After, budgets shared through Redis."""

import os
import secrets
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from app.config import Settings
from app.main import create_app
from tests.conftest import Tenant, make_tenant, problem

REDIS_URL = os.environ.get("MENTOR_TEST_REDIS_URL")


async def _limited_app(database_url: str, storage: str) -> FastAPI:
    return create_app(
        Settings(database_url=database_url, rate_limit="5/minute", rate_limit_storage_url=storage)
    )


@pytest.fixture
async def limited(database_url: str) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    app = await _limited_app(database_url, "async+memory://")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://rl") as c:
        yield app, c
    await app.state.engine.dispose()


async def test_budget_per_key_then_429(limited: tuple[FastAPI, httpx.AsyncClient]) -> None:
    app, client = limited
    # Setting the tenant up spends part of the admin key's budget: use fresh keys below.
    tenant: Tenant = await make_tenant(app, client, "Limited")
    first = await tenant.api_key("read")
    second = await tenant.api_key("read")
    responses = [await client.get("/api/v1/employees", headers=first) for _ in range(6)]
    assert [r.status_code for r in responses[:5]] == [200] * 5
    assert responses[0].headers["ratelimit-limit"] == "5"
    assert [r.headers["ratelimit-remaining"] for r in responses[:5]] == ["4", "3", "2", "1", "0"]
    refused = problem(responses[5], 429, "rate_limited")
    assert int(responses[5].headers["retry-after"]) >= 1
    assert refused["retry_after"] >= 1
    # Another key has its own budget.
    assert (await client.get("/api/v1/employees", headers=second)).status_code == 200
    # GraphQL spends the same budget.
    graphql = await client.post("/graphql", json={"query": "{ viewer { kind } }"}, headers=first)
    problem(graphql, 429)


@pytest.mark.skipif(REDIS_URL is None, reason="set MENTOR_TEST_REDIS_URL (make test does)")
async def test_replicas_share_the_budget_through_redis(database_url: str) -> None:
    storage = str(REDIS_URL)
    replicas = [await _limited_app(database_url, storage) for _ in range(2)]
    clients = [
        httpx.AsyncClient(transport=httpx.ASGITransport(app=a), base_url="http://replica")
        for a in replicas
    ]
    try:
        tenant = await make_tenant(replicas[0], clients[0], f"Shared {secrets.token_hex(2)}")
        key = await tenant.api_key("read")
        statuses = [
            (await clients[i % 2].get("/api/v1/employees", headers=key)).status_code
            for i in range(7)
        ]
        assert statuses == [200] * 5 + [429, 429]
    finally:
        for client, app in zip(clients, replicas, strict=True):
            await client.aclose()
            await app.state.engine.dispose()


async def test_unreachable_storage_fails_open(database_url: str) -> None:
    app = await _limited_app(database_url, "async+redis://127.0.0.1:1")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://rl") as c:
        tenant = await make_tenant(app, c, "Open")
        statuses = {
            (await c.get("/api/v1/employees", headers=tenant.admin)).status_code for _ in range(8)
        }
    await app.state.engine.dispose()
    assert statuses == {200}

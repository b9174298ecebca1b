"""Test fixtures: every API test runs once on SQLite and once on PostgreSQL.

Each backend gets a freshly migrated database for the session. Tests isolate themselves by
creating their own organisation (tenant), so they need no cleanup and can exercise real
concurrency with several connections.
"""

import asyncio
import os
import secrets
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import jwt
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import event

from app.api.problems import problem_observers
from app.config import Settings
from app.db.engine import unit_of_work
from app.db.migrations import upgrade
from app.demo import DemoResult, seed
from app.domain.access import service as access
from app.main import create_app
from tests.problem_codes import RECORDER

POSTGRES_ADMIN_URL = os.environ.get(
    "MENTOR_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = [
    b.strip() for b in os.environ.get("MENTOR_TEST_BACKENDS", "sqlite,postgresql").split(",")
]


@pytest.fixture(scope="session", autouse=True)
def record_problems() -> Iterator[None]:
    """Every problem answered during the run, checked against the document at the end."""
    problem_observers.append(RECORDER)
    yield
    problem_observers.remove(RECORDER)
    RECORDER.write_report()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The check of the problems observed needs the whole run behind it: it goes last.
    last = [item for item in items if item.nodeid.startswith("tests/test_problem_codes.py")]
    items[:] = [item for item in items if item not in last] + last


def _asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
async def database_url(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """A new, migrated database for this session. PostgreSQL being down is a failure."""
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("db") / "test.db"
        url = f"sqlite+aiosqlite:///{path}"
        await asyncio.to_thread(upgrade, url)
        yield url
        return
    name = f"mentorship_test_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(_asyncpg_dsn(POSTGRES_ADMIN_URL))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base, _, _ = POSTGRES_ADMIN_URL.rpartition("/")
    url = f"{base}/{name}"
    await asyncio.to_thread(upgrade, url)
    yield url
    admin = await asyncpg.connect(_asyncpg_dsn(POSTGRES_ADMIN_URL))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(scope="session")
async def app(database_url: str) -> AsyncIterator[FastAPI]:
    application = create_app(
        Settings(
            database_url=database_url,
            environment="test",
            metrics_token="metrics-secret-for-tests",
            api_key_touch_interval_seconds=0,
            # Statement-count tests must not depend on whether a credential is cached.
            auth_cache_seconds=0,
            rate_limit="100000/minute",
            db_pool_size=20,
        )
    )
    yield application
    await application.state.engine.dispose()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@dataclass
class Tenant:
    """An organisation made for one test, with an admin key and an HS256 identity provider."""

    client: httpx.AsyncClient
    app: FastAPI
    organization_id: uuid.UUID
    slug: str
    admin_token: str
    issuer: str
    audience: str = "mentorship-tests"
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(40))
    _counter: int = 0

    @property
    def admin(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.admin_token}"}

    async def api_key(self, *scopes: str) -> dict[str, str]:
        response = await self.client.post(
            "/api/v1/api-keys",
            json={"name": "test key", "scopes": list(scopes)},
            headers=self.admin,
        )
        assert response.status_code == 201, response.text
        return {"Authorization": f"Bearer {response.json()['token']}"}

    async def employee(self, **overrides: Any) -> dict[str, Any]:
        self._counter += 1
        n = self._counter
        body = {
            "email": f"person{n}@{self.slug}.example",
            "given_name": f"Given{n}",
            "family_name": f"Family{n}",
            "external_id": f"EXT-{n}",
            "department": "Engineering",
            "languages": ["en"],
            "timezone": "Europe/Paris",
            "seniority_level": 3,
            "birth_year": 1990,
        } | overrides
        response = await self.client.post("/api/v1/employees", json=body, headers=self.admin)
        assert response.status_code == 201, response.text
        return dict(response.json())

    def token(self, email: str, **claims: Any) -> str:
        now = datetime.now(UTC)
        payload = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": email,
            "email": email,
            "iat": now,
            "exp": now + timedelta(minutes=5),
        } | claims
        return jwt.encode(payload, self.secret, algorithm="HS256")

    def as_user(self, employee: dict[str, Any]) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(employee['email'])}"}


async def make_tenant(app: FastAPI, client: httpx.AsyncClient, name: str = "Org") -> Tenant:
    async with unit_of_work(app.state.session_factory) as session:
        organization, _key, token = await access.create_organization(
            session, f"{name} {secrets.token_hex(4)}"
        )
    tenant = Tenant(
        client=client,
        app=app,
        organization_id=organization.id,
        slug=organization.slug,
        admin_token=token,
        issuer=f"https://idp.{organization.slug}.example",
    )
    response = await client.post(
        "/api/v1/identity-providers",
        json={
            "name": "Test IdP",
            "issuer": tenant.issuer,
            "audience": tenant.audience,
            "shared_secret": tenant.secret,
        },
        headers=tenant.admin,
    )
    assert response.status_code == 201, response.text
    return tenant


@pytest.fixture
async def tenant(app: FastAPI, client: httpx.AsyncClient) -> Tenant:
    return await make_tenant(app, client, "Alpha")


@pytest.fixture
async def other_tenant(app: FastAPI, client: httpx.AsyncClient) -> Tenant:
    return await make_tenant(app, client, "Beta")


@pytest.fixture(scope="session")
async def demo_org(app: FastAPI) -> DemoResult:
    """One demo organisation per database, as `mentorship seed-demo` builds it.

    Shared by the tests of the demo and of the tour, which read it or add their own program.
    """
    async with unit_of_work(app.state.session_factory) as session:
        return await seed(session, f"Acme Demo {secrets.token_hex(3)}")


@dataclass
class LiveServer:
    """The app served by uvicorn on a loopback port, in a thread with its own event loop."""

    url: str
    app: FastAPI
    loop: asyncio.AbstractEventLoop

    def run(self, coroutine: Any, timeout: float = 30) -> Any:
        """Run a coroutine on the server's loop (where its database pool lives)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def new_organization(self, name: str) -> tuple[uuid.UUID, str]:
        async def create() -> tuple[uuid.UUID, str]:
            async with unit_of_work(self.app.state.session_factory) as session:
                organization, _key, token = await access.create_organization(
                    session, f"{name} {secrets.token_hex(4)}"
                )
            return organization.id, token

        result: tuple[uuid.UUID, str] = self.run(create())
        return result


@contextmanager
def serve(settings: Settings) -> Iterator[LiveServer]:
    """The app with these settings, served by uvicorn on a loopback port until the block ends."""
    application = create_app(settings)
    config = uvicorn.Config(
        application, host="127.0.0.1", port=0, log_config=None, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_until_complete, args=(server.serve(),), daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "the test server did not start"
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}", app=application, loop=loop)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def live_settings(database_url: str, **overrides: Any) -> Settings:
    return Settings(
        database_url=database_url,
        environment="test",
        api_key_touch_interval_seconds=0,
        rate_limit="100000/minute",
        # The tests that deliver webhooks run their own dispatchers on this database.
        run_worker_in_process=False,
        **overrides,
    )


@pytest.fixture(scope="session")
def live_server(database_url: str) -> Iterator[LiveServer]:
    with serve(live_settings(database_url)) as server:
        yield server


class StatementCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_statements(app: FastAPI) -> Iterator[StatementCounter]:
    counter = StatementCounter()
    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", counter)
    yield counter
    event.remove(engine, "before_cursor_execute", counter)


def problem(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """Assert that ``response`` is a problem document with this status (and code)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = dict(response.json())
    assert body["status"] == status
    assert body["type"].startswith("urn:mentorship:problem:")
    assert "Traceback" not in response.text
    if code is not None:
        assert body["code"] == code, body
    return body


def scim_error(
    response: httpx.Response, status: int, scim_type: str | None = None
) -> dict[str, Any]:
    """Assert that ``response`` is a SCIM error document (RFC 7644 §3.12)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/scim+json")
    body = dict(response.json())
    assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert body["status"] == str(status)
    assert "Traceback" not in response.text
    if scim_type is not None:
        assert body.get("scimType") == scim_type, body
    return body


REPO_ROOT = Path(__file__).resolve().parents[1]

"""Security headers and request ids on every kind of answer: JSON, problems, CSV, GraphQL."""

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from app.config import Settings
from app.main import create_app
from tests.api.pairs_support import make_pair
from tests.conftest import Tenant, problem


def assert_secured(response: httpx.Response, *, private: bool = True) -> None:
    assert response.headers["x-content-type-options"] == "nosniff", response.headers
    assert response.headers["referrer-policy"] == "no-referrer"
    if private:
        assert response.headers["cache-control"] == "no-store"
    # Off unless the service says it is served over HTTPS.
    assert "strict-transport-security" not in response.headers


async def test_authenticated_answers_are_never_stored(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    client, manager = tenant.client, setup.manager

    listing = await client.get("/api/v1/employees?limit=2", headers=tenant.admin)
    assert listing.status_code == 200
    assert_secured(listing)

    missing = await client.get(f"/api/v1/employees/{uuid.uuid4()}", headers=tenant.admin)
    problem(missing, 404)
    assert_secured(missing)

    export = await client.get(
        f"/api/v1/programs/{setup.program['id']}/dashboard/pairs.csv", headers=manager
    )
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("text/csv")
    assert_secured(export)

    personal = await client.get(
        f"/api/v1/employees/{setup.mentee_employee['id']}/personal-data", headers=tenant.admin
    )
    assert personal.status_code == 200
    assert_secured(personal)

    graphql = await client.post(
        "/graphql", json={"query": "{ viewer { kind } }"}, headers=tenant.admin
    )
    assert graphql.status_code == 200
    assert_secured(graphql)

    refused = await client.get("/api/v1/employees", headers={"Authorization": "Bearer mk_no"})
    problem(refused, 401)
    assert_secured(refused)


async def test_public_answers_are_not_sniffed_but_may_be_cached(
    client: httpx.AsyncClient,
) -> None:
    health = await client.get("/health")
    assert health.status_code == 200
    assert_secured(health, private=False)
    assert "cache-control" not in health.headers
    document = await client.get("/openapi.json")
    assert_secured(document, private=False)


@pytest.fixture
async def https_client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        Settings(database_url=database_url, environment="test", served_over_https=True)
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        yield client
    await app.state.engine.dispose()


async def test_strict_transport_security_when_served_over_https(
    https_client: httpx.AsyncClient,
) -> None:
    for response in (
        await https_client.get("/health"),
        await https_client.get("/api/v1/employees"),  # a problem: no credentials
    ):
        assert response.headers["strict-transport-security"] == "max-age=31536000"
        assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "sent",
    [
        "3f2a6c3e5b1d4e8f9a0b1c2d3e4f5a6b",  # nginx's $request_id
        "Root=1-67891233-abcdef012345678912345678",  # an AWS load balancer's trace id
        "req 42/alpha:beta",
        "x" * 128,
    ],
)
async def test_a_client_request_id_is_kept_echoed_and_in_problems(
    tenant: Tenant, sent: str
) -> None:
    ok = await tenant.client.get("/api/v1/employees", headers=tenant.admin | {"X-Request-ID": sent})
    assert ok.headers["x-request-id"] == sent
    missing = await tenant.client.get(
        f"/api/v1/employees/{uuid.uuid4()}", headers=tenant.admin | {"X-Request-ID": sent}
    )
    assert problem(missing, 404)["request_id"] == sent
    assert missing.headers["x-request-id"] == sent


@pytest.mark.parametrize("sent", ["", "x" * 129, "caf\u00e9", "tab\there", "new\x7fline"])
async def test_a_missing_or_invalid_request_id_is_replaced(tenant: Tenant, sent: str) -> None:
    headers = [(name.encode(), value.encode()) for name, value in tenant.admin.items()]
    headers.append((b"X-Request-ID", sent.encode("utf-8")))
    response = await tenant.client.get("/api/v1/employees", headers=headers)
    assert response.status_code == 200
    given = response.headers["x-request-id"]
    assert given != sent
    assert len(given) == 32
    assert all(c in "0123456789abcdef" for c in given)

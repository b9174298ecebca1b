"""API keys: created once, stored hashed, scoped, revocable, with a last-used time."""

import hashlib

import httpx
from sqlmodel import select

from app.db.engine import unit_of_work
from app.domain.access.models import ApiKey
from tests.conftest import Tenant, problem


async def test_key_lifecycle(tenant: Tenant) -> None:
    response = await tenant.client.post(
        "/api/v1/api-keys",
        json={"name": "HRIS connector", "scopes": ["hris:sync", "read"]},
        headers=tenant.admin,
    )
    assert response.status_code == 201, response.text
    created = response.json()
    token = created["token"]
    assert token.startswith("mk_")
    assert len(token) > 40
    assert created["prefix"] == token[:11]
    assert created["scopes"] == ["hris:sync", "read"]
    assert created["last_used_at"] is None

    # Only the hash is stored.
    async with unit_of_work(tenant.app.state.session_factory) as session:
        rows = (
            await session.exec(
                select(ApiKey).where(ApiKey.organization_id == tenant.organization_id)
            )
        ).all()
    assert all(token not in repr(row.model_dump()) for row in rows)
    assert hashlib.sha256(token.encode()).hexdigest() in {row.key_hash for row in rows}

    key_headers = {"Authorization": f"Bearer {token}"}
    assert (await tenant.client.get("/api/v1/employees", headers=key_headers)).status_code == 200
    fetched = (
        await tenant.client.get(f"/api/v1/api-keys/{created['id']}", headers=tenant.admin)
    ).json()
    assert fetched["last_used_at"] is not None
    assert "token" not in fetched

    listed = (await tenant.client.get("/api/v1/api-keys", headers=tenant.admin)).json()
    assert created["id"] in {k["id"] for k in listed["items"]}
    assert all("token" not in k and "key_hash" not in k for k in listed["items"])

    revoked = await tenant.client.delete(f"/api/v1/api-keys/{created['id']}", headers=tenant.admin)
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    problem(
        await tenant.client.get("/api/v1/employees", headers=key_headers), 401, "invalid_api_key"
    )


async def test_scopes_are_enforced(tenant: Tenant) -> None:
    reader = await tenant.api_key("read")
    problem(
        await tenant.client.post(
            "/api/v1/employees",
            json={"email": "a@b.example", "given_name": "A", "family_name": "B"},
            headers=reader,
        ),
        403,
    )
    assert (await tenant.client.get("/api/v1/employees", headers=reader)).status_code == 200
    problem(await tenant.client.get("/api/v1/api-keys", headers=reader), 403)

    writer = await tenant.api_key("employees:write")
    created = await tenant.client.post(
        "/api/v1/employees",
        json={"email": "a@b.example", "given_name": "A", "family_name": "B"},
        headers=writer,
    )
    assert created.status_code == 201
    # Granting roles is an administrator's decision, not a sync client's.
    problem(
        await tenant.client.post(
            "/api/v1/employees",
            json={"email": "c@b.example", "given_name": "C", "family_name": "D", "role": "admin"},
            headers=writer,
        ),
        403,
        "role_change_forbidden",
    )


async def test_unknown_scope_names_allowed_values(tenant: Tenant) -> None:
    response = await tenant.client.post(
        "/api/v1/api-keys", json={"name": "x", "scopes": ["superuser"]}, headers=tenant.admin
    )
    body = problem(response, 422)
    assert "admin" in body["errors"][0]["message"]
    assert "hris:sync" in body["errors"][0]["message"]
    problem(
        await tenant.client.post(
            "/api/v1/api-keys", json={"name": "x", "scopes": []}, headers=tenant.admin
        ),
        422,
    )


async def test_expired_keys_are_refused(tenant: Tenant) -> None:
    response = await tenant.client.post(
        "/api/v1/api-keys",
        json={"name": "old", "scopes": ["read"], "expires_at": "2020-01-01T00:00:00Z"},
        headers=tenant.admin,
    )
    # Fits the schema, but the time has passed: a business rule.
    assert problem(response, 409)["errors"][0]["field"] == "expires_at"
    naive = await tenant.client.post(
        "/api/v1/api-keys",
        json={"name": "naive", "scopes": ["read"], "expires_at": "2099-01-01T00:00:00"},
        headers=tenant.admin,
    )
    problem(naive, 422)


async def test_keys_of_other_tenants_are_invisible(tenant: Tenant, other_tenant: Tenant) -> None:
    response = await tenant.client.post(
        "/api/v1/api-keys", json={"name": "mine", "scopes": ["read"]}, headers=tenant.admin
    )
    key_id = response.json()["id"]
    problem(
        await other_tenant.client.get(f"/api/v1/api-keys/{key_id}", headers=other_tenant.admin), 404
    )
    problem(
        await other_tenant.client.delete(f"/api/v1/api-keys/{key_id}", headers=other_tenant.admin),
        404,
    )
    listed = (await other_tenant.client.get("/api/v1/api-keys", headers=other_tenant.admin)).json()
    assert key_id not in {k["id"] for k in listed["items"]}


async def test_employees_cannot_manage_keys(tenant: Tenant) -> None:
    person = await tenant.employee()
    problem(await tenant.client.get("/api/v1/api-keys", headers=tenant.as_user(person)), 403)


async def test_bad_credentials(client: httpx.AsyncClient) -> None:
    for header in ("Bearer mk_unknown", "Bearer not.a.jwt", "Basic dXNlcjpwYXNz", "Bearer "):
        response = await client.get("/api/v1/employees", headers={"Authorization": header})
        problem(response, 401)
        assert response.headers["www-authenticate"].startswith("Bearer")


async def test_cached_credentials_are_evicted_on_revocation(database_url: str) -> None:
    from app.config import Settings
    from app.main import create_app
    from tests.conftest import make_tenant

    app = create_app(Settings(database_url=database_url, auth_cache_seconds=60))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://cache") as client:
        tenant = await make_tenant(app, client, "Cache")
        response = await client.post(
            "/api/v1/api-keys", json={"name": "c", "scopes": ["read"]}, headers=tenant.admin
        )
        key = {"Authorization": f"Bearer {response.json()['token']}"}
        person = await tenant.employee()
        as_person = tenant.as_user(person)
        for headers in (key, as_person):  # now cached
            assert (await client.get("/api/v1/employees", headers=headers)).status_code == 200
        await client.delete(f"/api/v1/api-keys/{response.json()['id']}", headers=tenant.admin)
        problem(await client.get("/api/v1/employees", headers=key), 401)
        await client.post(f"/api/v1/employees/{person['id']}/deactivate", headers=tenant.admin)
        problem(await client.get("/api/v1/employees", headers=as_person), 401)
    await app.state.engine.dispose()

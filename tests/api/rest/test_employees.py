"""The employee directory through REST: CRUD, versions, lists, validation, tenancy, events."""

import asyncio
import dataclasses
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
from sqlmodel import select

from app.db.engine import unit_of_work
from app.domain.events.models import OutboxEvent
from tests.conftest import Tenant, problem


async def test_create_and_get_employee(tenant: Tenant) -> None:
    created = await tenant.employee(
        email="Ada.Lovelace@Example.com",
        given_name="Ada",
        family_name="Lovelace",
        languages=["EN", "fr_FR", "en"],
        hire_date="2024-03-01",
    )
    assert created["email"] == "ada.lovelace@example.com"
    assert created["languages"] == ["en", "fr-fr"]
    assert created["status"] == "active"
    assert created["role"] == "employee"
    assert created["version"] == 1
    uuid.UUID(created["id"])

    response = await tenant.client.get(f"/api/v1/employees/{created['id']}", headers=tenant.admin)
    assert response.status_code == 200
    assert response.headers["etag"] == '"1"'
    assert response.json() == created


async def test_create_answers_location_and_etag(tenant: Tenant) -> None:
    response = await tenant.client.post(
        "/api/v1/employees",
        json={"email": "x@example.com", "given_name": "X", "family_name": "Y"},
        headers=tenant.admin,
    )
    assert response.status_code == 201
    assert response.headers["location"] == f"/api/v1/employees/{response.json()['id']}"
    assert response.headers["etag"] == '"1"'


async def test_patch_requires_matching_version(tenant: Tenant) -> None:
    employee = await tenant.employee()
    url = f"/api/v1/employees/{employee['id']}"

    problem(await tenant.client.patch(url, json={"job_title": "CTO"}, headers=tenant.admin), 428)
    stale = tenant.admin | {"If-Match": '"7"'}
    body = problem(await tenant.client.patch(url, json={"job_title": "CTO"}, headers=stale), 412)
    assert body["current_version"] == 1
    garbled = tenant.admin | {"If-Match": "v1"}
    problem(await tenant.client.patch(url, json={"job_title": "CTO"}, headers=garbled), 412)

    ok = await tenant.client.patch(
        url,
        json={"job_title": "CTO", "department": None},
        headers=tenant.admin | {"If-Match": '"1"'},
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["job_title"] == "CTO"
    assert ok.json()["department"] is None
    assert ok.json()["version"] == 2
    assert ok.headers["etag"] == '"2"'
    # A no-op change keeps the version.
    same = await tenant.client.patch(
        url, json={"job_title": "CTO"}, headers=tenant.admin | {"If-Match": '"2"'}
    )
    assert same.json()["version"] == 2


async def test_patch_cannot_clear_required_fields(tenant: Tenant) -> None:
    employee = await tenant.employee()
    response = await tenant.client.patch(
        f"/api/v1/employees/{employee['id']}",
        json={"email": None, "given_name": None},
        headers=tenant.admin | {"If-Match": '"1"'},
    )
    body = problem(response, 422)
    assert {e["field"] for e in body["errors"]} == {"email", "given_name"}


async def test_concurrent_updates_with_same_version_one_wins(tenant: Tenant) -> None:
    employee = await tenant.employee()
    url = f"/api/v1/employees/{employee['id']}"
    headers = tenant.admin | {"If-Match": '"1"'}
    responses = await asyncio.gather(
        *(tenant.client.patch(url, json={"job_title": f"T{i}"}, headers=headers) for i in range(6))
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(200) == 1, statuses
    assert set(statuses) == {200, 412}
    winner = next(r for r in responses if r.status_code == 200).json()
    final = (await tenant.client.get(url, headers=tenant.admin)).json()
    assert final["version"] == 2
    assert final["job_title"] == winner["job_title"]


async def test_validation_errors_name_the_fields(tenant: Tenant) -> None:
    response = await tenant.client.post(
        "/api/v1/employees",
        json={
            "email": "not-an-email",
            "given_name": "",
            "family_name": "B",
            "timezone": "Mars/Olympus",
            "languages": ["english!"],
            "seniority_level": 99,
            "birth_year": 1700,
            "unknown_field": 1,
        },
        headers=tenant.admin,
    )
    body = problem(response, 422, "validation_failed")
    fields = {e["field"] for e in body["errors"]}
    assert {
        "email",
        "given_name",
        "timezone",
        "languages.0",
        "seniority_level",
        "birth_year",
    } <= fields
    assert all(e["location"] == "body" for e in body["errors"])


async def test_a_birth_year_too_recent_is_refused_as_a_rule(tenant: Tenant) -> None:
    # The schema bounds the year from below; the upper bound moves with the calendar.
    too_recent = datetime.now(UTC).year - 10
    body = {"email": "young@example.com", "given_name": "A", "family_name": "B"}
    response = await tenant.client.post(
        "/api/v1/employees", json=body | {"birth_year": too_recent}, headers=tenant.admin
    )
    refused = problem(response, 409, "implausible_birth_year")
    assert [e["field"] for e in refused["errors"]] == ["birth_year"]
    listed = await tenant.client.get(
        "/api/v1/employees", params={"q": "young@example.com"}, headers=tenant.admin
    )
    assert listed.json()["items"] == []


async def test_malformed_json_and_wrong_types(tenant: Tenant) -> None:
    headers = tenant.admin | {"Content-Type": "application/json"}
    problem(
        await tenant.client.post("/api/v1/employees", content=b"{not json", headers=headers),
        400,
        "malformed_json",
    )
    problem(
        await tenant.client.post("/api/v1/employees", json=["a", "list"], headers=tenant.admin), 422
    )
    problem(await tenant.client.get("/api/v1/employees/not-a-uuid", headers=tenant.admin), 422)
    problem(await tenant.client.get("/api/v1/employees?limit=0", headers=tenant.admin), 422)
    problem(await tenant.client.get("/api/v1/employees?limit=10000", headers=tenant.admin), 422)
    problem(await tenant.client.get("/api/v1/employees?status=retired", headers=tenant.admin), 422)
    # A cursor fits the schema (text) but is not one of ours: malformed, as AIP-158 says.
    problem(await tenant.client.get("/api/v1/employees?cursor=%%%", headers=tenant.admin), 400)
    body = problem(
        await tenant.client.get(
            "/api/v1/employees?cursor=WyJub3QtYS11dWlkIl0", headers=tenant.admin
        ),
        400,
        "invalid_cursor",
    )
    assert body["errors"][0]["field"] == "cursor"


async def test_oversized_body_is_refused(tenant: Tenant) -> None:
    huge = {"email": "a@b.example", "given_name": "x" * 2_000_000, "family_name": "y"}
    problem(await tenant.client.post("/api/v1/employees", json=huge, headers=tenant.admin), 413)

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"email": "a@b.example", "given_name": "'
        for _ in range(40):
            yield b"x" * 65536
        yield b'", "family_name": "y"}'

    headers = tenant.admin | {"Content-Type": "application/json"}
    streamed = await tenant.client.post("/api/v1/employees", content=chunks(), headers=headers)
    assert "content-length" not in streamed.request.headers
    problem(streamed, 413)
    long_name = {"email": "a@b.example", "given_name": "x" * 5000, "family_name": "y"}
    body = problem(
        await tenant.client.post("/api/v1/employees", json=long_name, headers=tenant.admin), 422
    )
    assert body["errors"][0]["field"] == "given_name"


async def test_unknown_fields_and_parameters_are_refused(tenant: Tenant) -> None:
    body = {"email": "u@x.example", "given_name": "U", "family_name": "V", "nickname": "uv"}
    response = await tenant.client.post("/api/v1/employees", json=body, headers=tenant.admin)
    assert problem(response, 422)["errors"][0]["field"] == "nickname"
    response = await tenant.client.get("/api/v1/employees?departmnet=Sales", headers=tenant.admin)
    error = problem(response, 422, "unknown_parameter")["errors"][0]
    assert (error["field"], error["location"]) == ("departmnet", "query")


async def test_duplicates_conflict(tenant: Tenant) -> None:
    await tenant.employee(email="dup@example.com", external_id="HR-1")
    response = await tenant.client.post(
        "/api/v1/employees",
        json={"email": "DUP@example.com", "given_name": "A", "family_name": "B"},
        headers=tenant.admin,
    )
    body = problem(response, 409, "employee_exists")
    assert body["errors"][0]["field"] == "email"
    response = await tenant.client.post(
        "/api/v1/employees",
        json={
            "email": "other@example.com",
            "given_name": "A",
            "family_name": "B",
            "external_id": "HR-1",
        },
        headers=tenant.admin,
    )
    assert problem(response, 409)["errors"][0]["field"] == "external_id"


async def test_same_email_allowed_in_another_organisation(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    await tenant.employee(email="shared@example.com", external_id="E1")
    await other_tenant.employee(email="shared@example.com", external_id="E1")


async def test_manager_rules(tenant: Tenant, other_tenant: Tenant) -> None:
    boss = await tenant.employee()
    lead = await tenant.employee(manager_id=boss["id"])
    dev = await tenant.employee(manager_id=lead["id"])
    assert dev["manager_id"] == lead["id"]

    foreign = await other_tenant.employee()
    response = await tenant.client.post(
        "/api/v1/employees",
        json={
            "email": "z@example.com",
            "given_name": "Z",
            "family_name": "Z",
            "manager_id": foreign["id"],
        },
        headers=tenant.admin,
    )
    # Another organisation's employee is nobody in this one.
    assert problem(response, 404, "manager_not_found")["errors"][0]["field"] == "manager_id"

    # boss -> lead -> dev: making dev the boss's manager would close a loop.
    response = await tenant.client.patch(
        f"/api/v1/employees/{boss['id']}",
        json={"manager_id": dev["id"]},
        headers=tenant.admin | {"If-Match": '"1"'},
    )
    assert problem(response, 409)["errors"][0]["type"] == "cycle"
    response = await tenant.client.patch(
        f"/api/v1/employees/{boss['id']}",
        json={"manager_id": boss["id"]},
        headers=tenant.admin | {"If-Match": '"1"'},
    )
    assert problem(response, 409)["errors"][0]["type"] == "cycle"


async def test_list_pagination_is_complete_and_stable(tenant: Tenant) -> None:
    created = [await tenant.employee() for _ in range(7)]
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        response = await tenant.client.get("/api/v1/employees", params=params, headers=tenant.admin)
        assert response.status_code == 200
        page = response.json()
        seen += [e["id"] for e in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == [e["id"] for e in created]


async def test_list_filters(tenant: Tenant) -> None:
    boss = await tenant.employee(department="Sales", given_name="Zoé", family_name="Martin")
    a = await tenant.employee(department="Sales", manager_id=boss["id"], given_name="Hugo")
    b = await tenant.employee(department="Finance", manager_id=boss["id"], email="hugo.b@x.example")
    c = await tenant.employee(department="Finance")
    await tenant.client.post(f"/api/v1/employees/{c['id']}/deactivate", headers=tenant.admin)

    async def ids(**params: str) -> list[str]:
        response = await tenant.client.get("/api/v1/employees", params=params, headers=tenant.admin)
        assert response.status_code == 200, response.text
        return [e["id"] for e in response.json()["items"]]

    assert await ids(department="Sales") == [boss["id"], a["id"]]
    assert await ids(manager_id=boss["id"]) == [a["id"], b["id"]]
    assert await ids(status="inactive") == [c["id"]]
    assert await ids(q="hugo") == [a["id"], b["id"]]
    assert await ids(q="zoé mar") == [boss["id"]]
    assert await ids(q="100%") == []
    assert await ids(department="Finance", status="active") == [b["id"]]


async def test_deactivate(tenant: Tenant) -> None:
    employee = await tenant.employee()
    url = f"/api/v1/employees/{employee['id']}/deactivate"
    response = await tenant.client.post(url, headers=tenant.admin)
    assert response.status_code == 200
    assert response.json()["status"] == "inactive"
    assert response.json()["version"] == 2
    again = await tenant.client.post(url, headers=tenant.admin)
    assert again.json()["version"] == 2
    # Deactivated employees can no longer sign in.
    problem(
        await tenant.client.get("/api/v1/me", headers=tenant.as_user(employee)),
        401,
        "inactive_employee",
    )


async def test_other_tenant_sees_nothing(tenant: Tenant, other_tenant: Tenant) -> None:
    employee = await tenant.employee()
    url = f"/api/v1/employees/{employee['id']}"
    problem(await other_tenant.client.get(url, headers=other_tenant.admin), 404)
    problem(
        await other_tenant.client.patch(
            url, json={"job_title": "x"}, headers=other_tenant.admin | {"If-Match": '"1"'}
        ),
        404,
    )
    problem(await other_tenant.client.post(f"{url}/deactivate", headers=other_tenant.admin), 404)
    listed = await other_tenant.client.get("/api/v1/employees", headers=other_tenant.admin)
    assert employee["id"] not in {e["id"] for e in listed.json()["items"]}
    # Unknown ids look exactly like other tenants' ids.
    unknown = await other_tenant.client.get(
        f"/api/v1/employees/{uuid.uuid4()}", headers=other_tenant.admin
    )
    assert (
        problem(unknown, 404)["code"]
        == problem(await other_tenant.client.get(url, headers=other_tenant.admin), 404)["code"]
    )


async def test_changes_are_written_to_the_outbox(tenant: Tenant) -> None:
    employee = await tenant.employee()
    await tenant.client.patch(
        f"/api/v1/employees/{employee['id']}",
        json={"job_title": "Lead"},
        headers=tenant.admin | {"If-Match": '"1"'},
    )
    await tenant.client.post(f"/api/v1/employees/{employee['id']}/deactivate", headers=tenant.admin)
    async with unit_of_work(tenant.app.state.session_factory) as session:
        events = (
            await session.exec(
                select(OutboxEvent)
                .where(OutboxEvent.subject_id == uuid.UUID(employee["id"]))
                .order_by(OutboxEvent.id)  # type: ignore[arg-type]
            )
        ).all()
    assert [e.type for e in events] == [
        "employee.created",
        "employee.updated",
        "employee.deactivated",
    ]
    assert all(e.organization_id == tenant.organization_id for e in events)
    assert events[1].data["changed"] == ["job_title"]
    assert events[1].data["employee"]["job_title"] == "Lead"


async def test_failed_request_writes_nothing(tenant: Tenant) -> None:
    """A rule broken after other checks passed leaves neither the row nor its event."""
    await tenant.employee(email="taken@example.com")
    before = await tenant.client.get("/api/v1/employees", headers=tenant.admin)
    response = await tenant.client.post(
        "/api/v1/employees",
        json={"email": "taken@example.com", "given_name": "A", "family_name": "B"},
        headers=tenant.admin,
    )
    assert response.status_code == 409
    after = await tenant.client.get("/api/v1/employees", headers=tenant.admin)
    assert after.json() == before.json()


async def test_request_id_is_echoed(client: httpx.AsyncClient, tenant: Tenant) -> None:
    rid = "3f2a6c3e5b1d4e8f9a0b1c2d3e4f5a6b"
    response = await client.get("/api/v1/employees", headers=tenant.admin | {"X-Request-ID": rid})
    assert response.headers["x-request-id"] == rid
    missing = await client.get(
        f"/api/v1/employees/{uuid.uuid4()}", headers=tenant.admin | {"X-Request-ID": rid}
    )
    assert problem(missing, 404)["request_id"] == rid


async def test_terminate(tenant: Tenant) -> None:
    person = await tenant.employee()
    url = f"/api/v1/employees/{person['id']}"
    # A plain update cannot terminate: termination has consequences beyond the directory.
    refused = problem(
        await tenant.client.patch(
            url, json={"status": "terminated"}, headers=tenant.admin | {"If-Match": '"1"'}
        ),
        409,
        "invalid",
    )
    assert refused["errors"][0]["field"] == "status"

    # Credentials are cached; terminating forgets them at once.
    settings = tenant.app.state.auth
    tenant.app.state.auth = dataclasses.replace(settings, cache_seconds=60)
    try:
        as_person = tenant.as_user(person)
        assert (await tenant.client.get("/api/v1/me", headers=as_person)).status_code == 200
        problem(await tenant.client.post(f"{url}/terminate", headers=as_person), 403)
        terminated = await tenant.client.post(
            f"{url}/terminate", json={"terminated_on": "2026-10-31"}, headers=tenant.admin
        )
        assert terminated.status_code == 200, terminated.text
        assert terminated.json()["status"] == "terminated"
        assert terminated.json()["terminated_on"] == "2026-10-31"
        problem(await tenant.client.get("/api/v1/me", headers=as_person), 401)
    finally:
        tenant.app.state.auth = settings
    again = await tenant.client.post(f"{url}/terminate", headers=tenant.admin)
    assert again.json()["version"] == terminated.json()["version"]  # twice changes nothing
    problem(
        await tenant.client.post(
            f"/api/v1/employees/{uuid.uuid4()}/terminate", headers=tenant.admin
        ),
        404,
    )


async def test_only_admins_change_an_admins_sign_in_identity(tenant: Tenant) -> None:
    boss = await tenant.employee(role="admin", email="boss@example.com")
    url = f"/api/v1/employees/{boss['id']}"
    writer = await tenant.api_key("employees:write")
    takeover = await tenant.client.patch(
        url, json={"email": "mallory@example.com"}, headers=writer | {"If-Match": '"1"'}
    )
    assert problem(takeover, 403, "admin_identity_protected")["errors"][0]["field"] == "email"
    # Other fields stay a writer's to change; the identity, an administrator's.
    titled = await tenant.client.patch(
        url, json={"job_title": "CTO"}, headers=writer | {"If-Match": '"1"'}
    )
    assert titled.status_code == 200, titled.text
    moved = await tenant.client.patch(
        url, json={"email": "boss2@example.com"}, headers=tenant.admin | {"If-Match": '"2"'}
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["email"] == "boss2@example.com"


async def test_text_the_database_cannot_hold_is_refused(tenant: Tenant) -> None:
    # PostgreSQL's text cannot hold NUL: the schema says so, and both databases refuse it the
    # same way, before anything is looked up or written.
    listed = await tenant.client.get(
        "/api/v1/employees", params={"department": "Fin\x00ance"}, headers=tenant.admin
    )
    assert problem(listed, 422, "validation_failed")["errors"][0]["field"] == "department"
    created = await tenant.client.post(
        "/api/v1/employees",
        json={"email": "nul@example.com", "given_name": "N\x00", "family_name": "L"},
        headers=tenant.admin,
    )
    assert problem(created, 422, "validation_failed")["errors"][0]["field"] == "given_name"
    missing = await tenant.client.get(
        "/api/v1/employees", params={"q": "nul@"}, headers=tenant.admin
    )
    assert missing.json()["items"] == []

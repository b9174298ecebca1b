"""Inbound HRIS webhooks: signatures, exactly-once effect, ordering, managers, termination."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from sqlmodel import col, select
from standardwebhooks.webhooks import Webhook

from app.db.engine import unit_of_work
from app.domain.events.models import OutboxEvent
from app.domain.integrations.hris.models import HrisDelivery
from tests.conftest import Tenant, problem

T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


async def new_secret(tenant: Tenant) -> str:
    response = await tenant.client.post(
        "/api/v1/integrations/hris/secrets", json={"name": "Workday"}, headers=tenant.admin
    )
    assert response.status_code == 201, response.text
    secret = str(response.json()["secret"])
    assert secret.startswith("whsec_")
    return secret


def signed(
    secret: str, payload: Any, *, msg_id: str | None = None, sent_at: datetime | None = None
) -> tuple[bytes, dict[str, str]]:
    body = orjson.dumps(payload)
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    sent_at = sent_at or datetime.now(UTC)
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, sent_at, body.decode()),
        "content-type": "application/json",
    }
    return body, headers


def event(kind: str, when: datetime, **data: Any) -> dict[str, Any]:
    return {"type": kind, "timestamp": when.isoformat(), "data": data}


def person(n: int, **fields: Any) -> dict[str, Any]:
    return {
        "id": f"W-{n}",
        "email": f"worker{n}@example.com",
        "given_name": f"Given{n}",
        "family_name": f"Family{n}",
        "job_title": "Analyst",
        "department": "Finance",
    } | fields


async def post(tenant: Tenant, body: bytes, headers: dict[str, str], org: Any = None) -> Any:
    url = f"/api/v1/integrations/hris/webhooks/{org or tenant.organization_id}"
    return await tenant.client.post(url, content=body, headers=headers)


async def send(tenant: Tenant, secret: str, payload: Any, **kwargs: Any) -> dict[str, Any]:
    response = await post(tenant, *signed(secret, payload, **kwargs))
    assert response.status_code == 202, response.text
    return dict(response.json())


async def by_external_id(tenant: Tenant, external_id: str) -> dict[str, Any] | None:
    response = await tenant.client.get("/api/v1/employees?limit=200", headers=tenant.admin)
    found = [e for e in response.json()["items"] if e["external_id"] == external_id]
    return found[0] if found else None


async def deliveries(tenant: Tenant, **params: str) -> list[dict[str, Any]]:
    response = await tenant.client.get(
        "/api/v1/integrations/hris/deliveries", params=params, headers=tenant.admin
    )
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def event_types(tenant: Tenant) -> list[str]:
    async with unit_of_work(tenant.app.state.session_factory) as session:
        rows = await session.exec(
            select(OutboxEvent.type)
            .where(OutboxEvent.organization_id == tenant.organization_id)
            .order_by(col(OutboxEvent.id))
        )
        return list(rows.all())


async def test_signed_event_creates_the_employee(tenant: Tenant) -> None:
    secret = await new_secret(tenant)
    accepted = await send(tenant, secret, event("employee.created", T0, **person(1)))
    assert accepted["status"] == "received"
    employee = await by_external_id(tenant, "W-1")
    assert employee is not None
    assert employee["email"] == "worker1@example.com"
    assert employee["job_title"] == "Analyst"
    [delivery] = await deliveries(tenant)
    assert delivery["id"] == accepted["id"]
    assert delivery["status"] == "applied"
    assert delivery["outcome"] == "created"
    assert delivery["employee_id"] == employee["id"]
    assert "employee.synced" in await event_types(tenant)


async def test_bad_signatures_are_refused_and_nothing_is_stored(tenant: Tenant) -> None:
    secret = await new_secret(tenant)
    payload = event("employee.created", T0, **person(1))

    body, headers = signed(secret, payload)
    problem(await post(tenant, body + b" ", headers), 401, "invalid_signature")  # tampered
    other = "whsec_" + "A" * 43 + "="
    problem(await post(tenant, *signed(other, payload)), 401, "invalid_signature")
    stale = datetime.now(UTC) - timedelta(minutes=6)
    refused = problem(await post(tenant, *signed(secret, payload, sent_at=stale)), 401)
    assert "too old" in refused["detail"]
    future = datetime.now(UTC) + timedelta(minutes=6)
    problem(await post(tenant, *signed(secret, payload, sent_at=future)), 401)
    body, headers = signed(secret, payload)
    problem(await post(tenant, body, {k: v for k, v in headers.items() if k != "webhook-id"}), 401)
    problem(await post(tenant, body, headers | {"webhook-signature": "garbage"}), 401)
    problem(await post(tenant, *signed(secret, payload), org=uuid.uuid4()), 401)

    assert await deliveries(tenant) == []
    assert await by_external_id(tenant, "W-1") is None


async def test_rotated_secrets_both_verify_until_revoked(tenant: Tenant) -> None:
    old = await new_secret(tenant)
    new = await new_secret(tenant)
    await send(tenant, old, event("employee.created", T0, **person(1)))
    await send(tenant, new, event("employee.created", T0, **person(2)))
    listed = await tenant.client.get("/api/v1/integrations/hris/secrets", headers=tenant.admin)
    ids = {s["prefix"]: s["id"] for s in listed.json()["items"]}
    assert "secret" not in listed.json()["items"][0]
    revoked = await tenant.client.delete(
        f"/api/v1/integrations/hris/secrets/{ids[old[:12]]}", headers=tenant.admin
    )
    assert revoked.json()["revoked_at"] is not None
    problem(await post(tenant, *signed(old, event("employee.created", T0, **person(3)))), 401)
    await send(tenant, new, event("employee.created", T0, **person(3)))


async def test_a_webhook_id_has_one_effect_even_concurrently(tenant: Tenant) -> None:
    secret = await new_secret(tenant)
    body, headers = signed(secret, event("employee.created", T0, **person(1)))
    responses = await asyncio.gather(*(post(tenant, body, headers) for _ in range(6)))
    assert [r.status_code for r in responses] == [202] * 6
    statuses = sorted(r.json()["status"] for r in responses)
    assert statuses == ["duplicate"] * 5 + ["received"]
    recorded = await deliveries(tenant)
    assert sorted(d["status"] for d in recorded) == ["applied"] + ["duplicate"] * 5
    original = next(d for d in recorded if d["status"] == "applied")
    assert {d["duplicate_of_id"] for d in recorded if d["status"] == "duplicate"} == {
        original["id"]
    }
    assert (await event_types(tenant)).count("employee.created") == 1
    # A later redelivery of the same id is a duplicate too.
    assert (await post(tenant, body, headers)).json()["status"] == "duplicate"


async def test_an_older_event_never_overwrites_newer_data(tenant: Tenant) -> None:
    secret = await new_secret(tenant)
    await send(tenant, secret, event("employee.created", T0, **person(1)))
    later = T0 + timedelta(hours=2)
    await send(tenant, secret, event("employee.updated", later, id="W-1", job_title="Director"))
    await send(
        tenant,
        secret,
        event("employee.updated", T0 + timedelta(hours=1), id="W-1", job_title="Manager"),
    )
    employee = await by_external_id(tenant, "W-1")
    assert employee is not None
    assert employee["job_title"] == "Director"
    assert [d["status"] for d in await deliveries(tenant)] == ["applied", "applied", "stale"]
    # The source's own updated_at wins over the envelope time when it is mapped.
    await send(
        tenant,
        secret,
        event(
            "employee.updated",
            later + timedelta(hours=5),
            id="W-1",
            job_title="Intern",
            updated_at=(T0 + timedelta(minutes=30)).isoformat(),
        ),
    )
    employee = await by_external_id(tenant, "W-1")
    assert employee is not None
    assert employee["job_title"] == "Director"


async def test_a_manager_is_linked_when_they_arrive(tenant: Tenant) -> None:
    secret = await new_secret(tenant)
    await send(tenant, secret, event("employee.created", T0, **person(2, manager_id="W-1")))
    report = await by_external_id(tenant, "W-2")
    assert report is not None
    assert report["manager_id"] is None
    await send(tenant, secret, event("employee.created", T0, **person(1)))
    manager = await by_external_id(tenant, "W-1")
    report = await by_external_id(tenant, "W-2")
    assert manager is not None
    assert report is not None
    assert report["manager_id"] == manager["id"]
    # An employee whose manager exists is linked at once.
    await send(tenant, secret, event("employee.created", T0, **person(3, manager_id="W-1")))
    third = await by_external_id(tenant, "W-3")
    assert third is not None
    assert third["manager_id"] == manager["id"]


async def test_termination_keeps_the_employee_and_announces_it(tenant: Tenant) -> None:
    secret = await new_secret(tenant)
    await send(tenant, secret, event("employee.created", T0, **person(1)))
    later = T0 + timedelta(days=30)
    await send(
        tenant,
        secret,
        event("employee.terminated", later, id="W-1", termination_date="2026-05-31"),
    )
    employee = await by_external_id(tenant, "W-1")
    assert employee is not None
    assert employee["status"] == "terminated"
    assert employee["terminated_on"] == "2026-05-31"
    assert employee["email"] == "worker1@example.com"  # nothing deleted
    types = await event_types(tenant)
    assert "employee.terminated" in types
    assert types[-1] == "employee.synced"
    # A late update from before the termination changes nothing.
    await send(tenant, secret, event("employee.updated", later - timedelta(days=1), id="W-1"))
    assert (await deliveries(tenant))[-1]["status"] == "stale"
    # employee.deleted is a termination too: the record stays.
    await send(tenant, secret, event("employee.created", T0, **person(2)))
    await send(tenant, secret, event("employee.deleted", later, id="W-2"))
    gone = await by_external_id(tenant, "W-2")
    assert gone is not None
    assert gone["status"] == "terminated"
    assert gone["terminated_on"] == later.date().isoformat()


async def test_terminating_an_unknown_employee_is_rejected(tenant: Tenant) -> None:
    secret = await new_secret(tenant)
    await send(tenant, secret, event("employee.terminated", T0, id="nobody"))
    [delivery] = await deliveries(tenant)
    assert delivery["status"] == "rejected"
    assert "nobody" in delivery["reason"]


async def test_field_mapping_reads_the_hris_own_names(tenant: Tenant) -> None:
    secret = await new_secret(tenant)
    url = "/api/v1/integrations/hris/field-mapping"
    current = await tenant.client.get(url, headers=tenant.admin)
    assert current.json() == {"fields": current.json()["fields"], "version": 0}
    assert current.json()["fields"]["email"] == "email"
    mapping = {
        "id": "employeeNumber",
        "email": "work.email",
        "given_name": "firstName",
        "family_name": "lastName",
        "manager_id": "managerNumber",
        "employment_status": "status",
    }
    problem(await tenant.client.put(url, json={"fields": mapping}, headers=tenant.admin), 428)
    saved = await tenant.client.put(
        url, json={"fields": mapping}, headers=tenant.admin | {"If-Match": '"0"'}
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["version"] == 1
    assert saved.json()["fields"]["id"] == "employeeNumber"
    clash = await tenant.client.put(
        url,
        json={"fields": {"email": "x", "given_name": "x"}},
        headers=tenant.admin | {"If-Match": '"1"'},
    )
    problem(clash, 409)
    problem(
        await tenant.client.put(
            url, json={"fields": {"salary": "pay"}}, headers=tenant.admin | {"If-Match": '"1"'}
        ),
        422,
    )

    data = {
        "employeeNumber": 4711,
        "work": {"email": "Grace@Example.com"},
        "firstName": "Grace",
        "lastName": "Hopper",
        "status": "Active",
    }
    await send(tenant, secret, event("employee.created", T0, **data))
    employee = await by_external_id(tenant, "4711")
    assert employee is not None
    assert employee["email"] == "grace@example.com"
    assert employee["given_name"] == "Grace"

    bad = data | {"employeeNumber": 4712, "work": {"email": "not-an-email"}}
    await send(tenant, secret, event("employee.created", T0, **bad))
    rejected = (await deliveries(tenant))[-1]
    assert rejected["status"] == "rejected"
    assert "work.email" in rejected["reason"]


async def test_unreadable_events_are_recorded_and_refused(tenant: Tenant) -> None:
    secret = await new_secret(tenant)
    response = await post(tenant, *signed(secret, {"type": "payroll.run", "data": {}}))
    body = problem(response, 422, "event_rejected")
    response = await post(tenant, *signed(secret, ["not", "an", "object"]))
    problem(response, 422, "event_rejected")
    response = await post(tenant, *signed(secret, {"type": "employee.updated", "data": {}}))
    assert response.status_code == 202
    recorded = await deliveries(tenant, status="rejected")
    assert recorded[0]["id"] == body["delivery_id"]
    assert len(recorded) == 3
    assert "payroll.run" in recorded[0]["reason"]
    assert "id" in recorded[2]["reason"]


async def test_deliveries_and_secrets_are_for_admins_of_the_organisation(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    secret = await new_secret(tenant)
    await send(tenant, secret, event("employee.created", T0, **person(1)))
    # The other organisation's address does not accept this organisation's secret.
    problem(await post(tenant, *signed(secret, {}), org=other_tenant.organization_id), 401)
    assert await deliveries(other_tenant) == []
    [delivery] = await deliveries(tenant)
    url = f"/api/v1/integrations/hris/deliveries/{delivery['id']}"
    problem(await other_tenant.client.get(url, headers=other_tenant.admin), 404)
    hris_key = await tenant.api_key("hris:sync")
    problem(await tenant.client.get(url, headers=hris_key), 403)
    problem(
        await tenant.client.post("/api/v1/integrations/hris/secrets", json={}, headers=hris_key),
        403,
    )
    assert (await tenant.client.get(url, headers=tenant.admin)).json()["payload"]["type"] == (
        "employee.created"
    )


async def test_erasure_covers_every_delivery_about_the_person(tenant: Tenant) -> None:
    secret = await new_secret(tenant)
    created = await send(tenant, secret, event("employee.created", T0, **person(7)), msg_id="m-7")
    await send(tenant, secret, event("employee.created", T0, **person(7)), msg_id="m-7")
    # Rejected (no such e-mail can be stored), so never linked to the employee.
    await send(
        tenant,
        secret,
        event("employee.updated", T0 + timedelta(hours=1), **person(7, email="not-an-address")),
    )
    bystander = await send(tenant, secret, event("employee.created", T0, **person(8)))
    statuses = sorted(d["status"] for d in await deliveries(tenant))
    assert statuses == ["applied", "applied", "duplicate", "rejected"], statuses
    worker = await by_external_id(tenant, "W-7")
    assert worker is not None
    assert created["status"] in ("received", "applied")

    url = f"/api/v1/employees/{worker['id']}/personal-data"
    exported = (await tenant.client.get(url, headers=tenant.admin)).json()
    assert len(exported["hris_deliveries"]) == 3  # applied, duplicate, rejected
    assert (await tenant.client.delete(url, headers=tenant.admin)).status_code == 204
    async with unit_of_work(tenant.app.state.session_factory) as session:
        statement = select(HrisDelivery).where(
            HrisDelivery.organization_id == tenant.organization_id
        )
        mine = (await session.exec(statement)).all()
    assert "worker7" not in str([d.payload for d in mine])
    assert "worker8" in str([d.payload for d in mine if str(d.id) == bystander["id"]])


async def test_an_update_for_someone_not_known_yet_creates_them(tenant: Tenant) -> None:
    # Unified HRIS APIs send updates for people who existed before the connection.
    secret = await new_secret(tenant)
    await send(tenant, secret, event("employee.updated", T0, **person(31)))
    employee = await by_external_id(tenant, "W-31")
    assert employee is not None
    assert (employee["email"], employee["job_title"]) == ("worker31@example.com", "Analyst")
    [delivery] = await deliveries(tenant)
    assert (delivery["status"], delivery["outcome"]) == ("applied", "created")
    assert delivery["employee_id"] == employee["id"]


async def test_an_update_for_someone_unknown_without_enough_data_names_what_is_missing(
    tenant: Tenant,
) -> None:
    secret = await new_secret(tenant)
    mapping = {"given_name": "firstName", "family_name": "lastName"}
    saved = await tenant.client.put(
        "/api/v1/integrations/hris/field-mapping",
        json={"fields": mapping},
        headers=tenant.admin | {"If-Match": '"0"'},
    )
    assert saved.status_code == 200, saved.text
    # Only what changed, as an update often carries: not enough to create the person.
    await send(tenant, secret, event("employee.updated", T0, id="W-32", firstName="Ada"))
    assert await by_external_id(tenant, "W-32") is None
    [delivery] = await deliveries(tenant)
    assert delivery["status"] == "rejected"
    assert delivery["employee_id"] is None
    reason = delivery["reason"]
    # Named as the HRIS names them, so its administrators know what to send.
    assert "email: required to create an employee" in reason, reason
    assert "lastName: required to create an employee" in reason, reason
    assert "firstName" not in reason
    assert "given_name" not in reason

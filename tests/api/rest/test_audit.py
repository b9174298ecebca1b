"""The audit trail records administrators' actions and only administrators read it."""

from tests.conftest import Tenant, problem


async def test_admin_actions_are_recorded(tenant: Tenant, other_tenant: Tenant) -> None:
    created = await tenant.client.post(
        "/api/v1/api-keys", json={"name": "HRIS", "scopes": ["hris:sync"]}, headers=tenant.admin
    )
    key_id = created.json()["id"]
    await tenant.client.delete(f"/api/v1/api-keys/{key_id}", headers=tenant.admin)
    person = await tenant.employee()
    admin = await tenant.employee(role="admin")
    await tenant.client.patch(
        f"/api/v1/employees/{person['id']}",
        json={"role": "program_manager"},
        headers=tenant.as_user(admin) | {"If-Match": '"1"'},
    )

    response = await tenant.client.get("/api/v1/audit-log?limit=200", headers=tenant.admin)
    assert response.status_code == 200, response.text
    entries = response.json()["items"]
    actions = [e["action"] for e in entries]
    for expected in (
        "identity_provider.created",
        "api_key.created",
        "api_key.revoked",
        "employee.role_changed",
    ):
        assert expected in actions, actions
    role_change = next(e for e in entries if e["action"] == "employee.role_changed")
    assert role_change["actor"] == f"employee:{admin['id']}"
    assert role_change["actor_role"] == "admin"
    assert role_change["subject_id"] == person["id"]
    assert role_change["details"] == {"role": "program_manager"}

    only_revocations = await tenant.client.get(
        "/api/v1/audit-log", params={"action": "api_key.revoked"}, headers=tenant.admin
    )
    assert [e["subject_id"] for e in only_revocations.json()["items"]] == [key_id]
    by_subject = await tenant.client.get(
        "/api/v1/audit-log", params={"subject_id": person["id"]}, headers=tenant.admin
    )
    assert [e["action"] for e in by_subject.json()["items"]] == ["employee.role_changed"]

    # Other organisations see none of it; non-administrators are refused.
    theirs = await other_tenant.client.get(
        "/api/v1/audit-log?limit=200", headers=other_tenant.admin
    )
    assert key_id not in {e["subject_id"] for e in theirs.json()["items"]}
    problem(await tenant.client.get("/api/v1/audit-log", headers=tenant.as_user(person)), 403)
    reader = await tenant.api_key("read")
    problem(await tenant.client.get("/api/v1/audit-log", headers=reader), 403)

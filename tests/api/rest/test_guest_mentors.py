"""Guest mentors: consent, invitation tokens limited to what they were invited to."""

from tests.api.programs_support import PROGRAMS
from tests.api.support_network_support import (
    GUESTS,
    WORKSHOPS,
    active_program,
    at,
    circle,
    circles_url,
    guest,
    mentor,
)
from tests.conftest import Tenant, problem


async def test_guest_needs_consent_and_managers_record_them(tenant: Tenant) -> None:
    body = {
        "name": "Ada",
        "partner_organization": "Partner Bank",
        "email": "ada@partner.example",
        "consent": False,
        "consent_statement": "Not yet",
    }
    problem(await tenant.client.post(GUESTS, json=body, headers=tenant.admin), 422)
    employee = tenant.as_user(await tenant.employee())
    problem(await tenant.client.post(GUESTS, json=body | {"consent": True}, headers=employee), 403)
    created = await guest(tenant)
    assert created["token"].startswith("mg_")
    assert created["consent_recorded_at"]
    read = await tenant.client.get(f"{GUESTS}/{created['id']}", headers=tenant.admin)
    assert "token" not in read.json()
    assert read.json()["token_prefix"] == created["token"][:10]


async def test_guest_sees_only_what_they_were_invited_to(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    program, manager = await active_program(tenant)
    alice = await mentor(tenant, program)
    invited_circle = await circle(tenant, program, manager, [alice], name="With a guest")
    other_circle = await circle(tenant, program, manager, [alice], name="Employees only")
    visitor = await guest(tenant)
    invite = await tenant.client.post(
        f"{GUESTS}/{visitor['id']}/invitations",
        json={"circle_id": invited_circle["id"]},
        headers=manager,
    )
    assert invite.status_code == 201, invite.text
    headers = visitor["headers"]

    seen = await tenant.client.get(circles_url(program, invited_circle["id"]), headers=headers)
    assert seen.status_code == 200, seen.text
    listed = await tenant.client.get(circles_url(program), headers=headers)
    assert [c["id"] for c in listed.json()["items"]] == [invited_circle["id"]]
    thread = await tenant.client.post(
        circles_url(program, invited_circle["id"], "threads"),
        json={"kind": "experience", "title": "How we started", "body": "Our story."},
        headers=headers,
    )
    assert thread.status_code == 201, thread.text
    assert thread.json()["author"] == {"employee_id": None, "guest_id": visitor["id"]}

    # Nothing else of the organisation exists for the guest.
    problem(await tenant.client.get(circles_url(program, other_circle["id"]), headers=headers), 404)
    problem(await tenant.client.get(f"/api/v1/employees/{alice['id']}", headers=headers), 404)
    problem(await tenant.client.get("/api/v1/employees", headers=headers), 404)
    problem(await tenant.client.get(f"{PROGRAMS}/{program['id']}", headers=headers), 404)
    problem(await tenant.client.get(PROGRAMS, headers=headers), 404)
    problem(await tenant.client.get(GUESTS, headers=headers), 404)
    other_program, _ = await active_program(tenant)
    problem(await tenant.client.get(circles_url(other_program), headers=headers), 404)
    graphql = await tenant.client.post(
        "/graphql", json={"query": "{ __typename }"}, headers=headers
    )
    assert graphql.status_code == 404

    # Workshops: only the invited one.
    open_one = await tenant.client.post(
        WORKSHOPS,
        json={"title": "Open", "starts_at": at(3), "ends_at": at(3.1), "capacity": 2},
        headers=tenant.admin,
    )
    invited_one = await tenant.client.post(
        WORKSHOPS,
        json={
            "title": "Guest-led",
            "starts_at": at(4),
            "ends_at": at(4.1),
            "capacity": 2,
            "facilitator_guest_id": visitor["id"],
        },
        headers=tenant.admin,
    )
    listed = await tenant.client.get(WORKSHOPS, headers=headers)
    assert [w["id"] for w in listed.json()["items"]] == [invited_one.json()["id"]]
    problem(await tenant.client.get(f"{WORKSHOPS}/{open_one.json()['id']}", headers=headers), 404)
    await tenant.client.post(
        f"{GUESTS}/{visitor['id']}/invitations",
        json={"workshop_id": open_one.json()["id"]},
        headers=tenant.admin,
    )
    registered = await tenant.client.post(
        f"{WORKSHOPS}/{open_one.json()['id']}/registration", headers=headers
    )
    assert registered.json()["guest_id"] == visitor["id"]
    assert registered.json()["status"] == "registered"

    home = await tenant.client.get(f"{GUESTS}/me", headers=headers)
    assert home.status_code == 200, home.text
    assert home.json()["guest"]["id"] == visitor["id"]
    assert [c["id"] for c in home.json()["circles"]] == [invited_circle["id"]]
    assert {w["id"] for w in home.json()["workshops"]} == {
        invited_one.json()["id"],
        open_one.json()["id"],
    }
    problem(await tenant.client.get(f"{GUESTS}/me", headers=tenant.admin), 404)

    # A revoked token opens nothing; another tenant never sees the guest.
    problem(await tenant.client.get(f"{GUESTS}/{visitor['id']}", headers=other_tenant.admin), 404)
    revoked = await tenant.client.delete(f"{GUESTS}/{visitor['id']}/token", headers=tenant.admin)
    assert revoked.status_code == 200
    problem(await tenant.client.get(circles_url(program), headers=headers), 401)


async def test_erasing_a_guest_who_withdrew_consent(tenant: Tenant) -> None:
    program, manager = await active_program(tenant)
    alice = await mentor(tenant, program)
    made = await circle(tenant, program, manager, [alice])
    visitor = await guest(tenant)
    await tenant.client.post(
        f"{GUESTS}/{visitor['id']}/invitations", json={"circle_id": made["id"]}, headers=manager
    )
    threads = circles_url(program, made["id"], "threads")
    posted = await tenant.client.post(
        threads,
        json={"kind": "resource", "title": "Ada's checklist", "body": "From Partner Bank"},
        headers=visitor["headers"],
    )
    assert posted.status_code == 201
    url = f"{GUESTS}/{visitor['id']}"
    problem(await tenant.client.delete(url, headers=manager), 403)
    assert (await tenant.client.delete(url, headers=tenant.admin)).status_code == 204
    read = (await tenant.client.get(url, headers=tenant.admin)).json()
    assert (read["name"], read["email"]) == ("[erased]", "[erased]")
    listed = (await tenant.client.get(threads, headers=alice["headers"])).json()["items"]
    assert [(t["title"], t["body"]) for t in listed] == [("[erased]", "[erased]")]
    circle_now = await tenant.client.get(circles_url(program, made["id"]), headers=manager)
    assert circle_now.json()["member_count"] == 1
    problem(await tenant.client.get(threads, headers=visitor["headers"]), 401)

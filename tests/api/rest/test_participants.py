"""Enrolment through REST: who may enrol whom and when, profiles, decisions, visibility."""

import asyncio
from typing import Any

from tests.api.matching_support import enrol, enrolled, enrolling_program
from tests.api.programs_support import (
    create_program,
    events_of,
    move_to,
    program_manager,
    url,
    versioned,
)
from tests.conftest import Tenant, problem

PROFILE = {
    "teaches": {"Generative AI": 5, "tiktok": 4},
    "learns": {"negotiation": 3},
    "mindset": 5,
    "mindset_statement": "I love explaining new tools.",
    "availability": [{"day": 1, "start": "09:00", "end": "10:30"}],
    "timezone": "Europe/Paris",
    "languages": ["en", "FR"],
    "format": "remote",
    "capacity": 2,
}


async def test_an_employee_enrols_themself_with_a_full_profile(tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    person = await tenant.employee()
    response = await enrol(tenant, program, tenant.as_user(person), role="mentor", **PROFILE)
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["ETag"] == f'"{body["version"]}"'
    assert response.headers["Location"].endswith(f"/participants/{body['id']}")
    assert body["employee_id"] == person["id"]
    assert body["status"] == "pending"
    assert body["teaches"] == {"generative-ai": 5, "tiktok": 4}
    assert body["languages"] == ["en", "fr"]
    assert body["availability"] == [{"day": 1, "start": "09:00", "end": "10:30"}]
    assert body["capacity"] == 2
    events = await events_of(tenant, body["id"], "participant.")
    assert [e.type for e in events] == ["participant.enrolled"]

    again = await enrol(tenant, program, tenant.as_user(person), role="mentee")
    problem(again, 409, "already_enrolled")


async def test_languages_default_to_the_employees(tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    person = await tenant.employee(languages=["de", "en"])
    response = await enrol(tenant, program, tenant.as_user(person), role="mentee")
    assert response.status_code == 201, response.text
    assert response.json()["languages"] == ["de", "en"]
    assert response.json()["mindset"] == 3


async def test_enrolment_only_while_enrolling(tenant: Tenant) -> None:
    draft = await create_program(tenant)
    person = await tenant.employee()
    problem(
        await enrol(tenant, draft, tenant.admin, employee_id=person["id"], role="mentor"),
        409,
        "program_not_enrolling",
    )


async def test_only_managers_enrol_other_people(tenant: Tenant) -> None:
    manager, manager_headers = await program_manager(tenant)
    program = await enrolling_program(tenant, manager_ids=[manager["id"]])
    person, other = await tenant.employee(), await tenant.employee()
    problem(
        await enrol(
            tenant, program, tenant.as_user(person), employee_id=other["id"], role="mentee"
        ),
        403,
        "not_program_manager",
    )
    response = await enrol(tenant, program, manager_headers, employee_id=other["id"], role="mentee")
    assert response.status_code == 201, response.text
    # An API key must name the person.
    problem(await enrol(tenant, program, tenant.admin, role="mentee"), 409)


async def test_invalid_profiles_are_refused(tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    person = await tenant.employee()
    headers = tenant.as_user(person)
    # What the schema states: 422.
    bad: list[dict[str, Any]] = [
        {"teaches": {"ai": 6}},
        {"learns": {"not a tag!": 3}},
        {"mindset": 0},
        {"availability": [{"day": 7, "start": "09:00", "end": "10:00"}]},
        {"availability": [{"day": 1, "start": "9:00", "end": "10:00"}]},
        {"timezone": "Mars/Olympus"},
        {"format": "telepathy"},
        {"avoid": [person["id"], person["id"]]},
        {"unknown": 1},
    ]
    for fields in bad:
        problem(await enrol(tenant, program, headers, role="mentor", **fields), 422)
    # Business rules about the values, which the schema cannot state: 409.
    rules: list[dict[str, Any]] = [
        {"availability": [{"day": 1, "start": "11:00", "end": "10:00"}]},
        {"avoid": [person["id"]]},
        {"prefer": ["00000000-0000-7000-8000-000000000000"]},
    ]
    for fields in rules:
        problem(await enrol(tenant, program, headers, role="mentor", **fields), 409)
    problem(await enrol(tenant, program, headers, role="mentee", capacity=2), 409)


async def test_inactive_employees_cannot_enrol(tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    person = await tenant.employee()
    changed = await tenant.client.patch(
        f"/api/v1/employees/{person['id']}",
        json={"status": "inactive"},
        headers=versioned(tenant.admin, person["version"]),
    )
    assert changed.status_code == 200, changed.text
    problem(
        await enrol(tenant, program, employee_id=person["id"], role="mentor"),
        409,
        "employee_not_active",
    )


async def test_visibility_own_enrolment_for_employees_all_for_managers(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    manager, manager_headers = await program_manager(tenant)
    program = await enrolling_program(tenant, manager_ids=[manager["id"]])
    alice, bob = await tenant.employee(), await tenant.employee()
    mine = await enrolled(tenant, program, alice, "mentor", approve=False)
    theirs = await enrolled(tenant, program, bob, "mentee", approve=False)

    own = await tenant.client.get(url(program, "participants"), headers=tenant.as_user(alice))
    assert [p["id"] for p in own.json()["items"]] == [mine["id"]]
    problem(
        await tenant.client.get(
            url(program, "participants", theirs["id"]), headers=tenant.as_user(alice)
        ),
        404,
        "participant_not_found",
    )
    listed = await tenant.client.get(url(program, "participants"), headers=manager_headers)
    assert {p["id"] for p in listed.json()["items"]} == {mine["id"], theirs["id"]}
    mentors = await tenant.client.get(
        url(program, "participants"), params={"role": "mentor"}, headers=manager_headers
    )
    assert [p["id"] for p in mentors.json()["items"]] == [mine["id"]]
    first = await tenant.client.get(
        url(program, "participants"), params={"limit": 1}, headers=manager_headers
    )
    assert len(first.json()["items"]) == 1
    assert first.json()["next_cursor"]
    second = await tenant.client.get(
        url(program, "participants"),
        params={"limit": 1, "cursor": first.json()["next_cursor"]},
        headers=manager_headers,
    )
    assert len(second.json()["items"]) == 1
    assert second.json()["items"][0]["id"] != first.json()["items"][0]["id"]
    # Another organisation sees nothing.
    problem(
        await other_tenant.client.get(
            url(program, "participants", mine["id"]), headers=other_tenant.admin
        ),
        404,
    )
    # A person reading their own profile leaves no trace; a manager reading it is audited.
    own_read = await tenant.client.get(
        url(program, "participants", mine["id"]), headers=tenant.as_user(alice)
    )
    assert own_read.status_code == 200
    audited = {"subject_id": mine["id"]}
    log = await tenant.client.get("/api/v1/audit-log", params=audited, headers=tenant.admin)
    assert log.json()["items"] == []
    read = await tenant.client.get(
        url(program, "participants", mine["id"]), headers=manager_headers
    )
    assert read.status_code == 200
    log = await tenant.client.get("/api/v1/audit-log", params=audited, headers=tenant.admin)
    [entry] = log.json()["items"]
    assert entry["action"] == "participant.read"
    assert entry["actor"] == f"employee:{manager['id']}"


async def test_update_needs_if_match_and_an_owner_or_manager(tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    alice, bob = await tenant.employee(), await tenant.employee()
    mine = await enrolled(tenant, program, alice, "mentee", approve=False)
    path = url(program, "participants", mine["id"])
    problem(
        await tenant.client.patch(path, json={"mindset": 5}, headers=tenant.as_user(alice)), 428
    )
    problem(
        await tenant.client.patch(
            path, json={"mindset": 5}, headers=versioned(tenant.as_user(alice), 99)
        ),
        412,
    )
    problem(
        await tenant.client.patch(
            path, json={"mindset": 5}, headers=versioned(tenant.as_user(bob), mine["version"])
        ),
        404,
    )
    updated = await tenant.client.patch(
        path,
        json={"mindset": 5, "learns": {"tiktok": 5}},
        headers=versioned(tenant.as_user(alice), mine["version"]),
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["mindset"] == 5
    assert updated.json()["learns"] == {"tiktok": 5}
    assert updated.json()["version"] == mine["version"] + 1


async def test_approve_reject_withdraw(tenant: Tenant) -> None:
    manager, manager_headers = await program_manager(tenant)
    program = await enrolling_program(tenant, manager_ids=[manager["id"]])
    alice = await tenant.employee()
    mine = await enrolled(tenant, program, alice, "mentor", approve=False)
    base = url(program, "participants", mine["id"])
    problem(
        await tenant.client.post(f"{base}/approve", json={}, headers=tenant.as_user(alice)),
        403,
        "not_program_manager",
    )
    problem(await tenant.client.post(f"{base}/reject", json={}, headers=manager_headers), 409)
    rejected = await tenant.client.post(
        f"{base}/reject", json={"reason": "Not this year"}, headers=manager_headers
    )
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["decision_reason"] == "Not this year"
    approved = await tenant.client.post(f"{base}/approve", json={}, headers=manager_headers)
    assert approved.json()["status"] == "approved"
    withdrawn = await tenant.client.post(f"{base}/withdraw", json={}, headers=tenant.as_user(alice))
    assert withdrawn.json()["status"] == "withdrawn"
    problem(
        await tenant.client.post(f"{base}/approve", json={}, headers=manager_headers),
        409,
        "invalid_participant_transition",
    )
    events = await events_of(tenant, mine["id"], "participant.status_changed")
    assert [e.data["status"] for e in events] == ["rejected", "approved", "withdrawn"]

    # Someone who withdrew may enrol again, in another role, starting over.
    back = await enrol(tenant, program, tenant.as_user(alice), role="mentee", mindset=4)
    assert back.status_code == 201, back.text
    assert back.json()["id"] == mine["id"]
    assert back.json()["role"] == "mentee"
    assert back.json()["status"] == "pending"
    assert back.json()["decision_reason"] is None
    assert back.json()["capacity"] is None


async def test_two_simultaneous_enrolments_make_one(tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    person = await tenant.employee()
    responses = await asyncio.gather(
        *(enrol(tenant, program, tenant.as_user(person), role="mentor") for _ in range(2))
    )
    assert sorted(r.status_code for r in responses) == [201, 409]


async def test_offboarding_withdraws_open_enrolments(tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    person = await tenant.employee()
    mine = await enrolled(tenant, program, person, "mentee")
    scim = await tenant.api_key("scim")
    deleted = await tenant.client.delete(f"/scim/v2/Users/{person['id']}", headers=scim)
    assert deleted.status_code == 204, deleted.text
    found = await tenant.client.get(url(program, "participants", mine["id"]), headers=tenant.admin)
    assert found.json()["status"] == "withdrawn"


async def test_profiles_lock_once_the_program_runs(tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    person = await tenant.employee()
    mine = await enrolled(tenant, program, person, "mentee")
    path = url(program, "participants", mine["id"])
    await move_to(tenant, program, "matching")
    during = await tenant.client.patch(
        path, json={"mindset": 4}, headers=versioned(tenant.as_user(person), mine["version"])
    )
    assert during.status_code == 200, during.text
    await move_to(tenant, program, "active", "completed")
    problem(
        await tenant.client.patch(
            path,
            json={"mindset": 5},
            headers=versioned(tenant.as_user(person), during.json()["version"]),
        ),
        409,
        "profile_locked",
    )
    problem(
        await tenant.client.post(url(program, "matching-runs"), json={}, headers=tenant.admin),
        409,
        "program_not_matching",
    )
    # Read-only keys see every participant but cannot enrol anyone.
    reader = await tenant.api_key("read")
    listed = await tenant.client.get(url(program, "participants"), headers=reader)
    assert [p["id"] for p in listed.json()["items"]] == [mine["id"]]

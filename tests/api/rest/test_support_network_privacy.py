"""Leaving the company and personal data, for the support network."""

from tests.api.support_network_support import (
    WORKSHOPS,
    active_program,
    at,
    circle,
    circles_url,
    mentor,
)
from tests.conftest import Tenant, problem


async def test_offboarding_releases_circles_and_workshop_places(tenant: Tenant) -> None:
    program, manager = await active_program(tenant)
    leaving = await mentor(tenant, program)
    staying = await mentor(tenant, program)
    made = await circle(
        tenant, program, manager, [leaving, staying], facilitator_employee_id=leaving["id"]
    )
    workshop = await tenant.client.post(
        WORKSHOPS,
        json={"title": "One seat", "starts_at": at(5), "ends_at": at(5.1), "capacity": 1},
        headers=tenant.admin,
    )
    url = f"{WORKSHOPS}/{workshop.json()['id']}/registration"
    assert (await tenant.client.post(url, headers=leaving["headers"])).json()["status"] == (
        "registered"
    )
    assert (await tenant.client.post(url, headers=staying["headers"])).json()["status"] == (
        "waitlisted"
    )

    response = await tenant.client.post(
        f"/api/v1/employees/{leaving['id']}/terminate", headers=tenant.admin
    )
    assert response.status_code == 200, response.text

    read = await tenant.client.get(circles_url(program, made["id"]), headers=manager)
    assert read.json()["member_count"] == 1
    assert read.json()["facilitator"] is None
    promoted = await tenant.client.get(url, headers=staying["headers"])
    assert promoted.json()["status"] == "registered"


async def test_export_and_erase_what_they_wrote(tenant: Tenant) -> None:
    program, manager = await active_program(tenant)
    author = await mentor(tenant, program)
    made = await circle(tenant, program, manager, [author])
    threads = circles_url(program, made["id"], "threads")
    thread = await tenant.client.post(
        threads,
        json={"kind": "question", "title": "Secret worry", "body": "I fear my CFO mentee"},
        headers=author["headers"],
    )
    await tenant.client.post(
        f"{threads}/{thread.json()['id']}/posts",
        json={"body": "Following up on the CFO"},
        headers=author["headers"],
    )
    personal = f"/api/v1/employees/{author['id']}/personal-data"
    exported = (await tenant.client.get(personal, headers=author["headers"])).json()
    assert exported["discussion_threads"][0]["body"] == "I fear my CFO mentee"
    assert exported["discussion_posts"][0]["body"] == "Following up on the CFO"
    assert len(exported["circle_memberships"]) == 1

    assert (await tenant.client.delete(personal, headers=tenant.admin)).status_code == 204
    after = (await tenant.client.get(personal, headers=tenant.admin)).json()
    assert "CFO" not in str(after)
    assert [t["title"] for t in after["discussion_threads"]] == ["[erased]"]
    assert len(after["discussion_posts"]) == 1  # counts stay
    posts = await tenant.client.get(f"{threads}/{thread.json()['id']}/posts", headers=tenant.admin)
    assert posts.json()["items"][0]["body"] == "[erased]"


async def test_leaving_a_program_leaves_its_circles(tenant: Tenant) -> None:
    program, manager = await active_program(tenant)
    alice = await mentor(tenant, program)
    bob = await mentor(tenant, program)
    made = await circle(tenant, program, manager, [alice, bob])
    enrolments = await tenant.client.get(
        f"/api/v1/programs/{program['id']}/participants", headers=alice["headers"]
    )
    [own] = enrolments.json()["items"]
    withdrawn = await tenant.client.post(
        f"/api/v1/programs/{program['id']}/participants/{own['id']}/withdraw",
        json={"reason": "too busy"},
        headers=alice["headers"],
    )
    assert withdrawn.status_code == 200, withdrawn.text
    problem(
        await tenant.client.get(circles_url(program, made["id"]), headers=alice["headers"]), 404
    )
    read = await tenant.client.get(circles_url(program, made["id"]), headers=bob["headers"])
    assert read.json()["member_count"] == 1

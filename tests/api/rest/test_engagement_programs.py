"""Engagement rules about taking part and running programs, and the settings document."""

from datetime import timedelta
from typing import Any

from app.domain.programs.engagement_settings import EngagementSettings
from tests.api.engagement_support import (
    agenda,
    evaluate,
    for_person,
    kinds,
    later,
    nudges,
    set_program_status,
    today,
)
from tests.api.matching_support import enrolled, enrolling_program, run
from tests.api.pairs_support import enrol, make_pair, pair_url
from tests.api.programs_support import create_program, program_manager, url, versioned
from tests.conftest import Tenant, problem

DEFAULTS = EngagementSettings().model_dump(mode="json")


async def test_settings_have_documented_defaults_and_can_change(tenant: Tenant) -> None:
    _person, manager = await program_manager(tenant)
    program = await create_program(tenant, manager)
    assert program["engagement_settings"] == DEFAULTS
    assert DEFAULTS["inactive_action"] == "pause"
    changed = await tenant.client.patch(
        url(program),
        json={"engagement_settings": {"inactive_action": "end", "unmatched_days": 45}},
        headers=versioned(manager, program["version"]),
    )
    assert changed.status_code == 200, changed.text
    settings = changed.json()["engagement_settings"]
    assert settings == DEFAULTS | {"inactive_action": "end", "unmatched_days": 45}
    # A rule across members is a business rule (409); a value out of range does not fit (422).
    refused = await tenant.client.patch(
        url(program),
        json={"engagement_settings": {"inactive_warning_days": 60, "inactive_action_days": 30}},
        headers=versioned(manager, changed.json()["version"]),
    )
    problem(refused, 409, "inactive_action_before_warning")
    problem(
        await tenant.client.patch(
            url(program),
            json={"engagement_settings": {"unmatched_days": 0}},
            headers=versioned(manager, changed.json()["version"]),
        ),
        422,
    )
    problem(
        await tenant.client.patch(
            url(program),
            json={"engagement_settings": {"unknown": 1}},
            headers=versioned(manager, changed.json()["version"]),
        ),
        422,
    )
    # GraphQL reads and writes the same document.
    mutation = """mutation($id: UUID!, $v: Int!) {
      updateProgram(id: $id, version: $v, input: {engagementSettings: {inactiveAction: PAUSE,
        firstSessionDays: 10}}) { engagementSettings { inactiveAction firstSessionDays
        unmatchedDays } } }"""
    answer = await tenant.client.post(
        "/graphql",
        json={
            "query": mutation,
            "variables": {"id": program["id"], "v": changed.json()["version"]},
        },
        headers=manager,
    )
    assert answer.json()["data"]["updateProgram"]["engagementSettings"] == {
        "inactiveAction": "PAUSE",
        "firstSessionDays": 10,
        "unmatchedDays": DEFAULTS["unmatched_days"],
    }, answer.text


async def test_an_incomplete_profile_and_a_waiting_enrolment(tenant: Tenant) -> None:
    manager_person, manager = await program_manager(tenant)
    program = await create_program(tenant, manager)
    await set_program_status(tenant, program, "enrolling")
    person = await tenant.employee()
    # Enrolled with a language but no topic at all.
    participant_id = await enrol(tenant, program, person, "mentee", status="pending")
    due = later(days=7, minutes=1)
    assert "profile_incomplete" not in await kinds(tenant, person, later(days=6))
    [item] = [i for i in await agenda(tenant, person, due) if i.kind == "profile_incomplete"]
    assert (item.subject.type, str(item.subject.id)) == ("program", program["id"])
    assert item.action.path == url(program, "participants", participant_id)
    assert item.action.method == "PATCH"
    # The manager has the enrolment to review after 5 days.
    assert "enrolment_review" not in await kinds(tenant, manager_person, later(days=4))
    [review] = await agenda(tenant, manager_person, later(days=5, minutes=1))
    assert review.kind == "enrolment_review"
    assert review.reason.startswith("1 enrolment has waited")
    await evaluate(tenant, due)
    sent = await nudges(tenant, program["id"])
    assert len(for_person(sent, person)) == 1
    assert len(for_person(sent, manager_person)) == 1

    # The person adds topics: their item is gone; the manager approves: theirs too.
    response = await tenant.client.get(
        url(program, "participants", participant_id), headers=tenant.admin
    )
    updated = await tenant.client.patch(
        url(program, "participants", participant_id),
        json={"learns": {"generative-ai": 4}},
        headers=versioned(tenant.as_user(person), response.json()["version"]),
    )
    assert updated.status_code == 200, updated.text
    assert "profile_incomplete" not in await kinds(tenant, person, due)
    approved = await tenant.client.post(
        url(program, "participants", participant_id, "approve"), json={}, headers=manager
    )
    assert approved.status_code == 200, approved.text
    assert "enrolment_review" not in await kinds(tenant, manager_person, due)


async def test_unmatched_people_and_proposals_waiting_for_review(tenant: Tenant) -> None:
    manager_person, manager = await program_manager(tenant)
    program = await enrolling_program(tenant, manager_ids=[manager_person["id"]])
    mentee = await tenant.employee(seniority_level=12, birth_year=1968)
    mentor = await tenant.employee(seniority_level=1, birth_year=2000)
    wants = {"generative-ai": 5}
    await enrolled(tenant, program, mentee, "mentee", learns=wants, mindset=5)
    await enrolled(tenant, program, mentor, "mentor", teaches=wants, mindset=5)
    await set_program_status(tenant, program, "matching")
    unmatched = later(days=21, minutes=1)
    assert "unmatched" not in await kinds(tenant, manager_person, later(days=20))
    [item] = await agenda(tenant, manager_person, unmatched)
    assert item.kind == "unmatched"
    assert item.reason.startswith("2 approved participants have waited")
    assert item.action.path == url(program, "matching-runs")

    completed = (await run(tenant, program, manager)).json()
    assert completed["status"] == "completed", completed
    review = later(days=3, minutes=1)
    waiting = list(await agenda(tenant, manager_person, review))
    assert [i.kind for i in waiting] == ["proposals_review"]
    assert waiting[0].action.path == url(program, "matching-runs", completed["id"], "accept")
    await evaluate(tenant, review)
    assert [e.data["kind"] for e in await nudges(tenant, program["id"])] == ["proposals_review"]
    accepted = await tenant.client.post(
        url(program, "matching-runs", completed["id"], "accept"), json={}, headers=manager
    )
    assert accepted.status_code == 200, accepted.text
    # Reviewed and paired: nothing left for the manager.
    assert await kinds(tenant, manager_person, unmatched) == []


async def test_managers_see_low_feedback_response_rates(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    await set_program_status(tenant, setup.program, "active")
    manager_person = await _manager_of(tenant, setup.program)
    mid = today() + timedelta(days=90)
    [item] = [i for i in await agenda(tenant, manager_person, mid) if i.kind.startswith("feed")]
    assert item.reason.startswith("0 of 2 mid feedback forms")
    assert item.action.path == url(setup.program, "dashboard")
    for headers in (setup.mentor, setup.mentee):
        given = await tenant.client.post(
            pair_url(setup.pair, "feedback"),
            json={"stage": "mid", "rating": 4, "would_recommend": 8},
            headers=headers,
        )
        assert given.status_code == 201, given.text
    assert "feedback_responses" not in await kinds(tenant, manager_person, mid)


async def _manager_of(tenant: Tenant, program: dict[str, Any]) -> dict[str, Any]:
    response = await tenant.client.get(url(program), headers=tenant.admin)
    manager_id = response.json()["manager_ids"][0]
    employee = await tenant.client.get(f"/api/v1/employees/{manager_id}", headers=tenant.admin)
    return dict(employee.json())

"""Self-matching through REST: ranked suggestions, requests, the mentor's answer."""

import asyncio
from typing import Any

from tests.api.matching_support import enrolled, enrolling_program
from tests.api.programs_support import events_of, url
from tests.api.rest.test_matching_runs import WANTS, junior, senior
from tests.conftest import Tenant, problem

CHOICE = {"modes": ["mentee_choice", "automatic"]}


async def setup(
    tenant: Tenant, **settings: Any
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    program = await enrolling_program(tenant, matching_settings=CHOICE | settings)
    person = await senior(tenant)
    mentee = await enrolled(tenant, program, person, "mentee", learns=WANTS, mindset=5)
    mentors = []
    for level in (5, 3, 4):
        mentors.append(
            await enrolled(
                tenant,
                program,
                await junior(tenant),
                "mentor",
                teaches={"generative-ai": level},
                mindset=5,
            )
        )
    return program, person, mentee, mentors


async def test_a_mentee_sees_eligible_mentors_ranked_and_explained(tenant: Tenant) -> None:
    program, person, _mentee, mentors = await setup(tenant)
    response = await tenant.client.get(
        url(program, "mentor-suggestions"), headers=tenant.as_user(person)
    )
    assert response.status_code == 200, response.text
    found = response.json()
    assert [s["mentor_id"] for s in found] == [mentors[0]["id"], mentors[2]["id"], mentors[1]["id"]]
    scores = [s["score"] for s in found]
    assert scores == sorted(scores, reverse=True)
    assert found[0]["explanation"]["reasons"][0] == "covers 1 of 1 wanted topics: generative-ai"
    assert found[0]["free_seats"] == 1
    assert not any(s["preferred"] for s in found)


async def test_preferred_mentors_score_higher(tenant: Tenant) -> None:
    program, person, mentee, mentors = await setup(tenant)
    weakest = mentors[1]
    changed = await tenant.client.patch(
        url(program, "participants", mentee["id"]),
        json={"prefer": [weakest["employee_id"]]},
        headers=tenant.as_user(person) | {"If-Match": f'"{mentee["version"]}"'},
    )
    assert changed.status_code == 200, changed.text
    found = (
        await tenant.client.get(
            url(program, "mentor-suggestions"),
            headers=tenant.admin,
            params={"mentee_id": mentee["id"]},
        )
    ).json()
    by_id = {s["mentor_id"]: s for s in found}
    assert by_id[weakest["id"]]["preferred"]
    assert "the mentee asked for this mentor" in by_id[weakest["id"]]["explanation"]["reasons"]
    assert by_id[weakest["id"]]["explanation"]["components"]["preference"] > 0


async def test_request_accept_opens_a_self_matched_pair(tenant: Tenant) -> None:
    program, person, mentee, mentors = await setup(tenant)
    chosen = mentors[2]
    response = await tenant.client.post(
        url(program, "match-requests"),
        json={"mentor_id": chosen["id"], "message": "I'd love to learn from you"},
        headers=tenant.as_user(person),
    )
    assert response.status_code == 201, response.text
    request = response.json()
    assert request["status"] == "pending"
    assert request["explanation"]["eligible"]
    problem(
        await tenant.client.post(
            url(program, "match-requests"),
            json={"mentor_id": mentors[0]["id"]},
            headers=tenant.as_user(person),
        ),
        409,
        "request_pending",
    )
    employee = await tenant.client.get(
        f"/api/v1/employees/{chosen['employee_id']}", headers=tenant.admin
    )
    mentor_headers = tenant.as_user(employee.json())
    inbox = await tenant.client.get(url(program, "match-requests"), headers=mentor_headers)
    assert [r["id"] for r in inbox.json()["items"]] == [request["id"]]
    other = await tenant.employee()
    problem(
        await tenant.client.get(
            url(program, "match-requests", request["id"]), headers=tenant.as_user(other)
        ),
        404,
    )
    problem(
        await tenant.client.post(
            url(program, "match-requests", request["id"], "accept"),
            json={},
            headers=tenant.as_user(person),
        ),
        403,
    )
    accepted = await tenant.client.post(
        url(program, "match-requests", request["id"], "accept"), json={}, headers=mentor_headers
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    pair_id = accepted.json()["pair_id"]
    [event] = await events_of(tenant, pair_id)
    assert event.type == "pair.created"
    assert event.data["origin"] == "self_match"
    assert event.data["mentee_id"] == mentee["id"]
    # Paired now: no more suggestions to ask.
    problem(
        await tenant.client.post(
            url(program, "match-requests"),
            json={"mentor_id": mentors[0]["id"]},
            headers=tenant.as_user(person),
        ),
        409,
        "mentee_paired",
    )


async def test_decline_and_withdraw(tenant: Tenant) -> None:
    program, person, _mentee, mentors = await setup(tenant)
    first = (
        await tenant.client.post(
            url(program, "match-requests"),
            json={"mentor_id": mentors[0]["id"]},
            headers=tenant.as_user(person),
        )
    ).json()
    declined = await tenant.client.post(
        url(program, "match-requests", first["id"], "decline"),
        json={"reason": "No time this term"},
        headers=tenant.admin,
    )
    assert declined.json()["status"] == "declined"
    second = (
        await tenant.client.post(
            url(program, "match-requests"),
            json={"mentor_id": mentors[1]["id"]},
            headers=tenant.as_user(person),
        )
    ).json()
    withdrawn = await tenant.client.post(
        url(program, "match-requests", second["id"], "withdraw"),
        json={},
        headers=tenant.as_user(person),
    )
    assert withdrawn.json()["status"] == "withdrawn"
    problem(
        await tenant.client.post(
            url(program, "match-requests", second["id"], "accept"), json={}, headers=tenant.admin
        ),
        409,
        "request_decided",
    )


async def test_self_matching_needs_the_mode(tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    person = await senior(tenant)
    await enrolled(tenant, program, person, "mentee", learns=WANTS)
    problem(
        await tenant.client.get(url(program, "mentor-suggestions"), headers=tenant.as_user(person)),
        409,
        "mentee_choice_disabled",
    )


async def test_two_mentees_racing_for_one_seat_get_one_pair(tenant: Tenant) -> None:
    program = await enrolling_program(tenant, matching_settings=CHOICE)
    mentor = await enrolled(
        tenant, program, await junior(tenant), "mentor", teaches=WANTS, mindset=5
    )
    requests = []
    for _ in range(2):
        person = await senior(tenant)
        await enrolled(tenant, program, person, "mentee", learns=WANTS, mindset=5)
        response = await tenant.client.post(
            url(program, "match-requests"),
            json={"mentor_id": mentor["id"]},
            headers=tenant.as_user(person),
        )
        assert response.status_code == 201, response.text
        requests.append(response.json())
    outcomes = await asyncio.gather(
        *(
            tenant.client.post(
                url(program, "match-requests", r["id"], "accept"), json={}, headers=tenant.admin
            )
            for r in requests
        )
    )
    assert sorted(o.status_code for o in outcomes) == [200, 409]


async def test_requests_are_exported_and_erased_with_the_person(tenant: Tenant) -> None:
    program, person, mentee, mentors = await setup(tenant)
    note = "I am Carla and I fear spreadsheets"
    response = await tenant.client.post(
        url(program, "match-requests"),
        json={"mentor_id": mentors[0]["id"], "message": note},
        headers=tenant.as_user(person),
    )
    assert response.status_code == 201, response.text
    data_url = f"/api/v1/employees/{person['id']}/personal-data"
    exported = (await tenant.client.get(data_url, headers=tenant.as_user(person))).json()
    assert exported["match_requests"][0]["message"] == note
    assert (await tenant.client.delete(data_url, headers=tenant.admin)).status_code == 204
    after = (await tenant.client.get(data_url, headers=tenant.admin)).json()
    assert after["match_requests"][0]["message"] is None
    for subject in (mentee["id"], response.json()["id"]):
        for event in await events_of(tenant, subject):
            assert event.data["erased"] is True
            assert note not in str(event.data)


async def test_a_mentor_who_withdraws_declines_what_waits_for_them(tenant: Tenant) -> None:
    program, person, _mentee, mentors = await setup(tenant)
    request = (
        await tenant.client.post(
            url(program, "match-requests"),
            json={"mentor_id": mentors[0]["id"]},
            headers=tenant.as_user(person),
        )
    ).json()
    withdrawn = await tenant.client.post(
        url(program, "participants", mentors[0]["id"], "withdraw"), json={}, headers=tenant.admin
    )
    assert withdrawn.status_code == 200, withdrawn.text
    found = await tenant.client.get(
        url(program, "match-requests", request["id"]), headers=tenant.as_user(person)
    )
    assert found.json()["status"] == "declined"
    suggestions = await tenant.client.get(
        url(program, "mentor-suggestions"), headers=tenant.as_user(person)
    )
    assert mentors[0]["id"] not in {s["mentor_id"] for s in suggestions.json()}

"""One door opens a pair: each path that forms one tries to pair people a hard exclusion
forbids, and is refused with the same 409, whatever the path and however late the directory
changed (a new manager arriving through the HRIS after the run, the request, the swap)."""

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.api.matching_support import enrolled, enrolling_program, proposals, run
from tests.api.programs_support import url
from tests.api.rest.test_hris_webhooks import event, new_secret, send
from tests.api.rest.test_matching_runs import WANTS, junior, mentee_of, mentor_of, senior
from tests.conftest import Tenant, problem


async def new_manager_from_hris(
    tenant: Tenant, report: dict[str, Any], manager: dict[str, Any]
) -> None:
    """The HRIS says ``manager`` now manages ``report``."""
    secret = await new_secret(tenant)
    when = datetime.now(UTC) + timedelta(seconds=1)
    data = {
        "id": report["external_id"],
        "email": report["email"],
        "given_name": report["given_name"],
        "family_name": report["family_name"],
        "manager_id": manager["external_id"],
        "updated_at": when.isoformat(),
    }
    await send(tenant, secret, event("employee.updated", when, **data))
    now = await tenant.client.get(f"/api/v1/employees/{report['id']}", headers=tenant.admin)
    assert now.json()["manager_id"] == manager["id"], now.text


def refused_as_reporting_line(
    response: Any, mentee: dict[str, Any], mentor: dict[str, Any]
) -> None:
    body = problem(response, 409, "pair_ineligible")
    assert body["reason"] == "same reporting line"
    assert body["reason_code"] == "reporting_line"
    assert (body["mentee_id"], body["mentor_id"]) == (mentee["id"], mentor["id"])


async def open_pairs(tenant: Tenant, program: dict[str, Any]) -> list[dict[str, Any]]:
    listed = await tenant.client.get(url(program, "pairs"), headers=tenant.admin)
    assert listed.status_code == 200, listed.text
    return list(listed.json()["items"])


async def employee_of(tenant: Tenant, participant: dict[str, Any]) -> dict[str, Any]:
    found = await tenant.client.get(
        f"/api/v1/employees/{participant['employee_id']}", headers=tenant.admin
    )
    return dict(found.json())


async def test_hand_pairing_refuses_a_mentee_and_their_own_manager(tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    boss = await senior(tenant)
    mentee = await enrolled(tenant, program, boss, "mentee", learns=WANTS, mindset=5)
    report = await junior(tenant, manager_id=boss["id"])
    mentor = await enrolled(tenant, program, report, "mentor", teaches=WANTS, mindset=5)
    response = await tenant.client.post(
        url(program, "pairs"),
        json={"mentee_participant_id": mentee["id"], "mentor_participant_id": mentor["id"]},
        headers=tenant.admin,
    )
    refused_as_reporting_line(response, mentee, mentor)
    assert await open_pairs(tenant, program) == []


async def test_a_kept_pair_an_exclusion_refuses_is_reported_and_never_proposed(
    tenant: Tenant,
) -> None:
    program = await enrolling_program(tenant)
    boss = await senior(tenant)
    mentee = await enrolled(tenant, program, boss, "mentee", learns=WANTS, mindset=5)
    report = await junior(tenant, manager_id=boss["id"])
    own_report = await enrolled(tenant, program, report, "mentor", teaches=WANTS, mindset=5)
    other = await mentor_of(tenant, program)
    forbidden_too = await mentee_of(tenant, program)

    keep = [
        {"mentee_id": mentee["id"], "mentor_id": own_report["id"]},
        {"mentee_id": forbidden_too["id"], "mentor_id": other["id"]},
    ]
    response = await run(tenant, program, keep=keep, forbid=keep[1:])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["refused"] == [
        keep[0] | {"reason": "reporting_line", "detail": "same reporting line"},
        keep[1] | {"reason": "forbidden", "detail": "a manager excluded this pair"},
    ]
    found = await proposals(tenant, program, body["id"])
    made = {(p["mentee_id"], p["mentor_id"]) for p in found}
    assert (mentee["id"], own_report["id"]) not in made
    assert (forbidden_too["id"], other["id"]) not in made
    assert not any(p["kept"] for p in found)
    # Refused, they are matched like everyone else, each with the mentor left allowed.
    assert made == {(mentee["id"], other["id"]), (forbidden_too["id"], own_report["id"])}
    got = await tenant.client.get(url(program, "matching-runs", body["id"]), headers=tenant.admin)
    assert got.json()["refused"] == body["refused"]
    # A pair kept and allowed is still kept.
    fine = await run(tenant, program, keep=[{"mentee_id": mentee["id"], "mentor_id": other["id"]}])
    assert fine.json()["refused"] == []
    [kept] = [p for p in await proposals(tenant, program, fine.json()["id"]) if p["kept"]]
    assert (kept["mentee_id"], kept["mentor_id"]) == (mentee["id"], other["id"])


async def test_accepting_checks_the_directory_again(tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    first = await mentee_of(tenant, program)
    second = await mentee_of(tenant, program, learns={"generative-ai": 5, "excel": 2})
    first_mentor = await mentor_of(tenant, program)
    second_mentor = await mentor_of(tenant, program, teaches={"generative-ai": 4, "excel": 5})
    body = (await run(tenant, program)).json()
    found = {p["mentee_id"]: p for p in await proposals(tenant, program, body["id"])}
    assert found[first["id"]]["mentor_id"] == first_mentor["id"]
    assert found[second["id"]]["mentor_id"] == second_mentor["id"]
    assert found[first["id"]]["explanation"]["eligible"]

    # After the run, the HRIS makes the first mentee the manager of their proposed mentor.
    await new_manager_from_hris(
        tenant, await employee_of(tenant, first_mentor), await employee_of(tenant, first)
    )
    accept = url(program, "matching-runs", body["id"], "accept")
    refused_as_reporting_line(
        await tenant.client.post(accept, json={}, headers=tenant.admin), first, first_mentor
    )
    # All or none: the other proposal, fine on its own, did not open either.
    assert await open_pairs(tenant, program) == []
    still = await proposals(tenant, program, body["id"])
    assert {p["status"] for p in still} == {"proposed"}
    alone = await tenant.client.post(
        accept, json={"proposal_ids": [found[second["id"]]["id"]]}, headers=tenant.admin
    )
    assert alone.status_code == 200, alone.text
    assert [p["mentee_participant_id"] for p in await open_pairs(tenant, program)] == [second["id"]]


async def test_a_swap_cannot_propose_an_excluded_pair(tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    ai = await mentee_of(tenant, program, learns={"generative-ai": 5})
    video = await mentee_of(tenant, program, learns={"tiktok": 5})
    ai_mentor = await mentor_of(tenant, program, teaches={"generative-ai": 5})
    video_mentor = await mentor_of(tenant, program, teaches={"tiktok": 5, "generative-ai": 2})
    body = (await run(tenant, program)).json()
    found = {p["mentee_id"]: p for p in await proposals(tenant, program, body["id"])}
    assert found[ai["id"]]["mentor_id"] == ai_mentor["id"]
    await new_manager_from_hris(
        tenant, await employee_of(tenant, video_mentor), await employee_of(tenant, ai)
    )
    swap = url(program, "matching-runs", body["id"], "swap")
    ids = [found[ai["id"]]["id"], found[video["id"]]["id"]]
    response = await tenant.client.post(swap, json={"proposal_ids": ids}, headers=tenant.admin)
    refused_as_reporting_line(response, ai, video_mentor)
    still = await proposals(tenant, program, body["id"])
    assert {p["status"] for p in still} == {"proposed"}
    assert len(still) == 2


async def test_a_mentor_accepting_a_request_checks_the_directory_again(tenant: Tenant) -> None:
    program = await enrolling_program(
        tenant, matching_settings={"modes": ["mentee_choice", "automatic"]}
    )
    person = await senior(tenant)
    mentee = await enrolled(tenant, program, person, "mentee", learns=WANTS, mindset=5)
    mentor = await mentor_of(tenant, program)
    asked = await tenant.client.post(
        url(program, "match-requests"),
        json={"mentor_id": mentor["id"]},
        headers=tenant.as_user(person),
    )
    assert asked.status_code == 201, asked.text
    mentor_person = await employee_of(tenant, mentor)
    await new_manager_from_hris(tenant, mentor_person, person)
    answer = url(program, "match-requests", asked.json()["id"], "accept")
    response = await tenant.client.post(answer, json={}, headers=tenant.as_user(mentor_person))
    refused_as_reporting_line(response, mentee, mentor)
    request = await tenant.client.get(
        url(program, "match-requests", asked.json()["id"]), headers=tenant.admin
    )
    assert request.json()["status"] == "pending"
    assert request.json()["pair_id"] is None
    assert await open_pairs(tenant, program) == []

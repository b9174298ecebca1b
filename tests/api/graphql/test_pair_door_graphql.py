"""The door that opens a pair, through GraphQL: the same refusals, codes and reasons as REST."""

from typing import Any

from tests.api.graphql.test_employees_graphql import gql
from tests.api.graphql.test_matching_graphql import ACCEPT, ANSWER, REQUEST, run_matching
from tests.api.graphql.test_programs_graphql import error_of
from tests.api.matching_support import enrolled, enrolling_program, proposals, run
from tests.api.programs_support import url
from tests.api.rest.test_matching_runs import WANTS, junior, mentee_of, mentor_of, senior
from tests.api.rest.test_pair_door import employee_of, new_manager_from_hris, open_pairs
from tests.conftest import Tenant


def refused_as_reporting_line(
    result: dict[str, Any], mentee: dict[str, Any], mentor: dict[str, Any]
) -> None:
    error = error_of(result)
    assert error["code"] == "pair_ineligible"
    assert error["status"] == 409
    assert error["reason"] == "same reporting line"
    assert error["reason_code"] == "reporting_line"
    assert (error["mentee_id"], error["mentor_id"]) == (mentee["id"], mentor["id"])


async def test_a_refused_kept_pair_is_reported_in_graphql(tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    boss = await senior(tenant)
    mentee = await enrolled(tenant, program, boss, "mentee", learns=WANTS, mindset=5)
    report = await junior(tenant, manager_id=boss["id"])
    own_report = await enrolled(tenant, program, report, "mentor", teaches=WANTS, mindset=5)
    keep = {"menteeId": mentee["id"], "mentorId": own_report["id"]}
    made = await run_matching(tenant, program, {"keep": [keep]})
    assert made["refused"] == [keep | {"reason": "reporting_line", "detail": "same reporting line"}]
    assert made["proposals"]["nodes"] == []


async def test_accepting_proposals_checks_the_directory_again_in_graphql(tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    mentee = await mentee_of(tenant, program)
    mentor = await mentor_of(tenant, program)
    body = (await run(tenant, program)).json()
    [proposal] = await proposals(tenant, program, body["id"])
    await new_manager_from_hris(
        tenant, await employee_of(tenant, mentor), await employee_of(tenant, mentee)
    )
    result = await gql(tenant, ACCEPT, {"program": program["id"], "run": body["id"]})
    refused_as_reporting_line(result, mentee, mentor)
    assert await open_pairs(tenant, program) == []
    assert [p["status"] for p in await proposals(tenant, program, body["id"])] == ["proposed"]
    assert proposal["explanation"]["eligible"]


async def test_a_mentor_accepting_a_request_is_refused_the_same_way(tenant: Tenant) -> None:
    program = await enrolling_program(tenant, matching_settings={"modes": ["mentee_choice"]})
    person = await senior(tenant)
    mentee = await enrolled(tenant, program, person, "mentee", learns=WANTS, mindset=5)
    mentor = await mentor_of(tenant, program)
    asked = await gql(
        tenant, REQUEST, {"program": program["id"], "mentor": mentor["id"]}, tenant.as_user(person)
    )
    request = asked["data"]["requestMentor"]
    mentor_person = await employee_of(tenant, mentor)
    await new_manager_from_hris(tenant, mentor_person, person)
    result = await gql(
        tenant,
        ANSWER,
        {"program": program["id"], "id": request["id"], "answer": "ACCEPT"},
        tenant.as_user(mentor_person),
    )
    refused_as_reporting_line(result, mentee, mentor)
    rest = await tenant.client.get(
        url(program, "match-requests", request["id"]), headers=tenant.admin
    )
    assert rest.json()["status"] == "pending"

"""A program open to members of named groups only, the groups being pushed through SCIM."""

from typing import Any

from tests.api.graphql.test_employees_graphql import gql
from tests.api.matching_support import enrol
from tests.api.programs_support import move_to, ready_to_enroll, url, versioned
from tests.api.test_scim import BASE, GROUP, scim_headers
from tests.conftest import Tenant, problem


async def scim_group(tenant: Tenant, name: str, *members: dict[str, Any]) -> str:
    created = await tenant.client.post(
        f"{BASE}/Groups",
        json={
            "schemas": [GROUP],
            "displayName": name,
            "members": [{"value": m["id"]} for m in members],
        },
        headers=await scim_headers(tenant),
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def test_only_members_of_eligible_groups_enrol(tenant: Tenant) -> None:
    member, outsider, late = [await tenant.employee() for _ in range(3)]
    mentors = await scim_group(tenant, "Mentors", member)
    juniors = await scim_group(tenant, "Juniors")
    program = await ready_to_enroll(tenant, eligible_group_ids=[mentors, juniors])
    assert program["eligible_group_ids"] == [mentors, juniors]
    program = await move_to(tenant, program, "enrolling")

    refused = await enrol(tenant, program, employee_id=outsider["id"], role="mentor")
    body = problem(refused, 409, "not_eligible")
    assert body["reason"] == "not_in_eligible_group"
    assert body["eligible_group_ids"] == [mentors, juniors]
    # The same answer when the person enrols themself.
    self_refused = await enrol(tenant, program, tenant.as_user(outsider), role="mentee")
    problem(self_refused, 409, "not_eligible")
    accepted = await enrol(tenant, program, employee_id=member["id"], role="mentor")
    assert accepted.status_code == 201, accepted.text

    # Joining a group through SCIM makes someone eligible.
    await tenant.client.patch(
        f"{BASE}/Groups/{juniors}",
        json={
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "add", "path": "members", "value": [{"value": late["id"]}]}],
        },
        headers=await scim_headers(tenant),
    )
    late_enrolled = await enrol(tenant, program, tenant.as_user(late), role="mentee")
    assert late_enrolled.status_code == 201, late_enrolled.text

    # Deleting a group lifts its restriction for new enrolments; those enrolled stay.
    for group in (mentors, juniors):
        deleted = await tenant.client.delete(
            f"{BASE}/Groups/{group}", headers=await scim_headers(tenant)
        )
        assert deleted.status_code == 204
    now_open = await enrol(tenant, program, employee_id=outsider["id"], role="mentee")
    assert now_open.status_code == 201, now_open.text
    participants = await tenant.client.get(url(program, "participants"), headers=tenant.admin)
    assert {p["employee_id"] for p in participants.json()["items"]} == {
        member["id"],
        late["id"],
        outsider["id"],
    }
    read = await tenant.client.get(url(program), headers=tenant.admin)
    assert read.json()["eligible_group_ids"] == []


async def test_the_rule_is_set_and_read_through_rest_and_graphql(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    group = await scim_group(tenant, "Engineers")
    foreign = await scim_group(other_tenant, "Theirs")
    program = await ready_to_enroll(tenant)
    assert program["eligible_group_ids"] == []
    # Groups of another organisation, or unknown ones, are refused like any invalid field.
    wrong = await tenant.client.patch(
        url(program),
        json={"eligible_group_ids": [foreign]},
        headers=versioned(tenant.admin, program["version"]),
    )
    assert problem(wrong, 409, "group_not_found")["errors"][0]["field"] == "eligible_group_ids.0"
    repeated = await tenant.client.patch(
        url(program),
        json={"eligible_group_ids": [group, group]},
        headers=versioned(tenant.admin, program["version"]),
    )
    problem(repeated, 422)
    changed = await tenant.client.patch(
        url(program),
        json={"eligible_group_ids": [group]},
        headers=versioned(tenant.admin, program["version"]),
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["eligible_group_ids"] == [group]
    assert changed.json()["version"] == program["version"] + 1

    shown = await gql(
        tenant,
        "query($id: UUID!) { program(id: $id) { eligibleGroupIds } }",
        {"id": program["id"]},
    )
    assert shown["data"]["program"]["eligibleGroupIds"] == [group]
    lifted = await gql(
        tenant,
        """mutation($id: UUID!, $version: Int!) {
             updateProgram(id: $id, version: $version, input: {eligibleGroupIds: []}) {
               eligibleGroupIds version } }""",
        {"id": program["id"], "version": changed.json()["version"]},
    )
    assert lifted["data"]["updateProgram"]["eligibleGroupIds"] == []
    created = await gql(
        tenant,
        """mutation($groups: [UUID!]) {
             createProgram(input: {name: "Restricted", eligibleGroupIds: $groups}) {
               eligibleGroupIds } }""",
        {"groups": [group]},
    )
    assert created["data"]["createProgram"]["eligibleGroupIds"] == [group]
    refused = await gql(
        tenant,
        """mutation($groups: [UUID!]) {
             createProgram(input: {name: "Wrong", eligibleGroupIds: $groups}) { id } }""",
        {"groups": [foreign]},
    )
    assert refused["errors"][0]["extensions"]["code"] == "group_not_found"

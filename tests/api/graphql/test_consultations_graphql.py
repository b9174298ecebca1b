"""Changing a consultation and listing consultations through GraphQL, as REST does."""

from typing import Any

from tests.api.graphql.test_employees_graphql import gql
from tests.api.graphql.test_pair_agreement_graphql import plain_answer
from tests.api.graphql.test_pairs_graphql import error_of
from tests.api.programs_support import (
    create_program,
    in_days,
    invite,
    open_consultation,
    program_manager,
    url,
    versioned,
)
from tests.conftest import Tenant

FIELDS = """
id programId question deadline status openedBy summary closedBy closedAt createdAt updatedAt
version
"""

UPDATE = f"""
mutation($p: UUID!, $version: Int!, $input: ConsultationUpdateInput!) {{
  updateConsultation(programId: $p, version: $version, input: $input) {{ {FIELDS} }}
}}
"""

LIST = f"""
query($first: Int!, $after: String, $filter: ConsultationFilterInput) {{
  consultations(first: $first, after: $after, filter: $filter) {{
    edges {{ cursor node {{ {FIELDS} }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""


async def _rest(tenant: Tenant, program: dict[str, Any], headers: dict[str, str]) -> Any:
    response = await tenant.client.get(url(program, "consultation"), headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_update_consultation_as_rest_does(tenant: Tenant) -> None:
    _owner, as_owner = await program_manager(tenant)
    program = await create_program(tenant, as_owner)
    opened = await open_consultation(tenant, program, as_owner)
    assert opened["version"] == 1

    # Only the question is sent: the deadline stays as it was.
    asked = await gql(
        tenant,
        UPDATE,
        {"p": program["id"], "version": 1, "input": {"question": "What matters most?"}},
        as_owner,
    )
    changed = asked["data"]["updateConsultation"]
    assert changed["question"] == "What matters most?"
    assert changed["version"] == 2
    assert plain_answer(changed["deadline"]) == plain_answer(opened["deadline"])
    assert plain_answer(changed) == plain_answer(await _rest(tenant, program, as_owner))

    # Only the deadline is sent: the question stays.
    later = in_days(30)
    moved = await gql(
        tenant, UPDATE, {"p": program["id"], "version": 2, "input": {"deadline": later}}, as_owner
    )
    changed = moved["data"]["updateConsultation"]
    assert changed["question"] == "What matters most?"
    assert plain_answer(changed["deadline"]) == plain_answer(later)
    assert changed["version"] == 3
    assert plain_answer(changed) == plain_answer(await _rest(tenant, program, as_owner))

    # A required field cannot be cleared, as in REST.
    cleared = await gql(
        tenant, UPDATE, {"p": program["id"], "version": 3, "input": {"question": None}}, as_owner
    )
    assert cleared["data"]["updateConsultation"] is None
    assert error_of(cleared)["status"] == 422
    rest = await tenant.client.patch(
        url(program, "consultation"), json={"question": None}, headers=versioned(as_owner, 3)
    )
    assert rest.status_code == 422, rest.text
    assert (await _rest(tenant, program, as_owner))["version"] == 3


async def test_update_consultation_refuses_stale_versions_and_outsiders(tenant: Tenant) -> None:
    _owner, as_owner = await program_manager(tenant)
    program = await create_program(tenant, as_owner)
    await open_consultation(tenant, program, as_owner)
    invitee = await tenant.employee()
    await invite(tenant, program, as_owner, employee_id=invitee["id"])
    before = await _rest(tenant, program, as_owner)

    stale = await gql(
        tenant, UPDATE, {"p": program["id"], "version": 7, "input": {"question": "Stale?"}}
    )
    assert stale["data"]["updateConsultation"] is None
    assert error_of(stale)["code"] == "version_mismatch"
    assert error_of(stale)["status"] == 412
    rest = await tenant.client.patch(
        url(program, "consultation"),
        json={"question": "Stale?"},
        headers=versioned(tenant.admin, 7),
    )
    assert rest.status_code == 412
    assert rest.json()["code"] == error_of(stale)["code"]

    # The invitee sees the consultation but does not run it; a bystander does not see it.
    for person, status in ((invitee, 403), (await tenant.employee(), 403)):
        refused = await gql(
            tenant,
            UPDATE,
            {"p": program["id"], "version": 1, "input": {"question": "Mine now?"}},
            tenant.as_user(person),
        )
        assert refused["data"]["updateConsultation"] is None
        assert error_of(refused)["status"] == status
        assert error_of(refused)["code"] == "not_program_manager"
    assert await _rest(tenant, program, as_owner) == before


async def test_consultations_are_listed_as_rest_lists_them(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    _owner, as_owner = await program_manager(tenant)
    invitee, bystander = await tenant.employee(), await tenant.employee()
    programs = [await create_program(tenant, as_owner, name=f"Consulted {i}") for i in range(3)]
    for program in programs:
        await open_consultation(tenant, program, as_owner)
    await invite(tenant, programs[1], as_owner, employee_id=invitee["id"])
    theirs = await create_program(other_tenant, name="Beta consultation")
    hidden = await open_consultation(other_tenant, theirs)

    async def paged(headers: dict[str, str], **filter: str) -> list[list[dict[str, Any]]]:
        found: list[list[dict[str, Any]]] = []
        after = None
        while True:
            variables = {"first": 2, "after": after, "filter": filter or None}
            result = await gql(tenant, LIST, variables, headers)
            assert "errors" not in result, result
            connection = result["data"]["consultations"]
            found.append([e["node"] for e in connection["edges"]])
            if connection["edges"]:
                assert connection["pageInfo"]["endCursor"] == connection["edges"][-1]["cursor"]
            if not connection["pageInfo"]["hasNextPage"]:
                return found
            after = connection["pageInfo"]["endCursor"]

    async def rest_list(headers: dict[str, str], **params: str) -> list[Any]:
        response = await tenant.client.get("/api/v1/consultations", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return list(response.json()["items"])

    as_invitee, as_bystander = tenant.as_user(invitee), tenant.as_user(bystander)
    for headers in (as_owner, tenant.admin):
        pages = await paged(headers)
        assert [len(page) for page in pages] == [2, 1]
        nodes = [n for page in pages for n in page]
        assert {n["programId"] for n in nodes} == {p["id"] for p in programs}
        assert plain_answer(nodes) == plain_answer(await rest_list(headers))
    invited = await paged(as_invitee)
    assert [[n["programId"] for n in page] for page in invited] == [[programs[1]["id"]]]
    assert plain_answer(invited[0]) == plain_answer(await rest_list(as_invitee))
    assert await paged(as_bystander) == [[]]
    assert await rest_list(as_bystander) == []
    # The filter is REST's status filter.
    assert await paged(tenant.admin, status="CLOSED") == [[]]
    assert await rest_list(tenant.admin, status="closed") == []

    # Another organisation's consultation is never shown, nor ours to them.
    everything = await gql(tenant, LIST, {"first": 50}, tenant.admin)
    assert hidden["id"] not in str(everything)
    assert len(everything["data"]["consultations"]["edges"]) == 3
    foreign = await gql(other_tenant, LIST, {"first": 50}, other_tenant.admin)
    assert [e["node"]["id"] for e in foreign["data"]["consultations"]["edges"]] == [hidden["id"]]


async def test_listed_consultations_show_each_caller_their_part(tenant: Tenant) -> None:
    _owner, as_owner = await program_manager(tenant)
    program = await create_program(tenant, as_owner)
    await open_consultation(tenant, program, as_owner)
    invitee = await tenant.employee()
    await invite(tenant, program, as_owner, employee_id=invitee["id"])
    query = """
    query { consultations { nodes { id stakeholders { nodes { employeeId } } } } }
    """
    managed = await gql(tenant, query, None, as_owner)
    [node] = managed["data"]["consultations"]["nodes"]
    assert node["stakeholders"]["nodes"] == [{"employeeId": invitee["id"]}]
    # An invitee sees the consultation but not who else is consulted, as in REST.
    invited = await gql(tenant, query, None, tenant.as_user(invitee))
    [node] = invited["data"]["consultations"]["nodes"]
    assert node["stakeholders"] is None
    assert error_of(invited)["code"] == "not_program_manager"

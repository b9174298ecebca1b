"""The stakeholders of a consultation through GraphQL, paged as REST pages them."""

from typing import Any

from tests.api.graphql.test_employees_graphql import gql
from tests.api.graphql.test_pair_agreement_graphql import plain_answer
from tests.api.graphql.test_pairs_graphql import error_of
from tests.api.programs_support import (
    create_program,
    invite,
    open_consultation,
    program_manager,
    url,
)
from tests.conftest import StatementCounter, Tenant

STAKEHOLDERS = """
query($id: UUID!, $first: Int!, $after: String) {
  program(id: $id) {
    consultation {
      id status
      stakeholders(first: $first, after: $after) {
        edges { cursor node {
          id consultationId employeeId email name role invitedBy invitedAt respondedAt } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}
"""

INVITE = """
mutation($p: UUID!, $input: StakeholderInviteInput!) {
  inviteStakeholder(programId: $p, input: $input) { id employeeId email role }
}
"""


async def test_stakeholders_are_paged_for_managers_only(tenant: Tenant) -> None:
    _owner, as_owner = await program_manager(tenant)
    program = await create_program(tenant, as_owner)
    await open_consultation(tenant, program, as_owner)
    alice, bob = await tenant.employee(), await tenant.employee()
    invited = [
        await invite(tenant, program, as_owner, employee_id=alice["id"]),
        await invite(tenant, program, as_owner, employee_id=bob["id"], role="executive_sponsor"),
    ]
    outside = await gql(
        tenant,
        INVITE,
        {"p": program["id"], "input": {"email": "carol@partner.example", "role": "HR"}},
        as_owner,
    )
    invited.append(outside["data"]["inviteStakeholder"])
    assert invited[-1]["email"] == "carol@partner.example"
    ids = [s["id"] for s in invited]

    async def pages(headers: dict[str, str]) -> list[list[dict[str, Any]]]:
        found: list[list[dict[str, Any]]] = []
        after = None
        while True:
            result = await gql(
                tenant, STAKEHOLDERS, {"id": program["id"], "first": 2, "after": after}, headers
            )
            connection = result["data"]["program"]["consultation"]["stakeholders"]
            found.append([e["node"] for e in connection["edges"]])
            assert connection["pageInfo"]["endCursor"] == connection["edges"][-1]["cursor"]
            if not connection["pageInfo"]["hasNextPage"]:
                return found
            after = connection["pageInfo"]["endCursor"]

    for headers in (as_owner, tenant.admin):
        paged = await pages(headers)
        assert [[n["id"] for n in page] for page in paged] == [ids[:2], ids[2:]]
        nodes = [n for page in paged for n in page]
        assert [n["role"] for n in nodes] == ["FUTURE_MENTOR", "EXECUTIVE_SPONSOR", "HR"]
        assert nodes[0]["employeeId"] == alice["id"]
        rest = await tenant.client.get(
            url(program, "consultation", "stakeholders"), headers=headers
        )
        assert rest.status_code == 200, rest.text
        assert plain_answer(nodes) == plain_answer(rest.json()["items"])

    # An invitee sees the consultation but not who else is consulted, as in REST.
    as_alice = tenant.as_user(alice)
    refused = await gql(tenant, STAKEHOLDERS, {"id": program["id"], "first": 2}, as_alice)
    consultation = refused["data"]["program"]["consultation"]
    assert consultation["status"] == "OPEN"
    assert consultation["stakeholders"] is None
    assert error_of(refused)["code"] == "not_program_manager"
    assert error_of(refused)["status"] == 403
    rest = await tenant.client.get(url(program, "consultation", "stakeholders"), headers=as_alice)
    assert rest.status_code == 403
    assert rest.json()["code"] == "not_program_manager"
    stranger = tenant.as_user(await tenant.employee())
    hidden = await gql(tenant, STAKEHOLDERS, {"id": program["id"], "first": 2}, stranger)
    assert hidden["data"]["program"]["consultation"] is None
    assert "errors" not in hidden


async def test_inviting_twice_is_refused(tenant: Tenant) -> None:
    _owner, as_owner = await program_manager(tenant)
    program = await create_program(tenant, as_owner)
    await open_consultation(tenant, program, as_owner)
    person = await tenant.employee()
    variables = {
        "p": program["id"],
        "input": {"employeeId": person["id"], "role": "EXECUTIVE_SPONSOR"},
    }
    first = await gql(tenant, INVITE, variables, as_owner)
    assert first["data"]["inviteStakeholder"]["employeeId"] == person["id"]
    again = await gql(tenant, INVITE, variables, as_owner)
    assert error_of(again)["code"] == "stakeholder_exists"
    by_invitee = await gql(tenant, INVITE, variables, tenant.as_user(person))
    assert error_of(by_invitee)["status"] in {403, 404}
    listed = await gql(tenant, STAKEHOLDERS, {"id": program["id"], "first": 10}, as_owner)
    nodes = listed["data"]["program"]["consultation"]["stakeholders"]["edges"]
    assert [e["node"]["employeeId"] for e in nodes] == [person["id"]]


async def test_stakeholders_of_many_programs_cost_one_query(
    tenant: Tenant, count_statements: StatementCounter
) -> None:
    _owner, as_owner = await program_manager(tenant)
    invitee = await tenant.employee()
    for i in range(6):
        program = await create_program(tenant, as_owner, name=f"Consulted {i}")
        await open_consultation(tenant, program, as_owner)
        await invite(tenant, program, as_owner, employee_id=invitee["id"])
    query = """
    query($first: Int!) {
      programs(first: $first) {
        edges { node { consultation { stakeholders { nodes { employeeId } } } } }
      }
    }"""

    async def statements_for(first: int) -> int:
        count_statements.statements.clear()
        result = await gql(tenant, query, {"first": first}, as_owner)
        nodes = [e["node"] for e in result["data"]["programs"]["edges"]]
        assert [n["consultation"]["stakeholders"]["nodes"] for n in nodes] == [
            [{"employeeId": invitee["id"]}]
        ] * first
        return len([s for s in count_statements.statements if "FROM stakeholders" in s])

    # The caller's own invitations (to know what they see), then the page: whatever the count.
    assert await statements_for(2) == await statements_for(6) == 2

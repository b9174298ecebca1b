"""The employee directory through GraphQL, and its batching of related records."""

from typing import Any

import httpx

from tests.conftest import StatementCounter, Tenant, problem

LIST = """
query($first: Int!, $after: String, $filter: EmployeeFilterInput) {
  employees(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id displayName department manager { id displayName } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def gql(
    tenant: Tenant,
    query: str,
    variables: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    response = await tenant.client.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers=headers or tenant.admin,
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_employee_with_manager_and_reports(tenant: Tenant) -> None:
    boss = await tenant.employee(given_name="Grace", family_name="Hopper")
    a = await tenant.employee(manager_id=boss["id"])
    b = await tenant.employee(manager_id=boss["id"])
    result = await gql(
        tenant,
        "query($id: UUID!) { employee(id: $id) { id displayName version reports { nodes { id manager { id } } } } }",
        {"id": boss["id"]},
    )
    employee = result["data"]["employee"]
    assert employee["displayName"] == "Grace Hopper"
    assert [r["id"] for r in employee["reports"]["nodes"]] == [a["id"], b["id"]]
    assert all(r["manager"]["id"] == boss["id"] for r in employee["reports"]["nodes"])


async def test_connection_pages_and_filters(tenant: Tenant) -> None:
    sales = [await tenant.employee(department="Sales") for _ in range(3)]
    await tenant.employee(department="Finance")
    first = await gql(tenant, LIST, {"first": 2, "filter": {"department": "Sales"}})
    connection = first["data"]["employees"]
    assert [e["node"]["id"] for e in connection["edges"]] == [s["id"] for s in sales[:2]]
    assert connection["pageInfo"]["hasNextPage"] is True
    second = await gql(
        tenant,
        LIST,
        {
            "first": 2,
            "after": connection["pageInfo"]["endCursor"],
            "filter": {"department": "Sales"},
        },
    )
    rest = second["data"]["employees"]
    assert [e["node"]["id"] for e in rest["edges"]] == [sales[2]["id"]]
    assert rest["pageInfo"]["hasNextPage"] is False


PAGE_INFO = """
query($first: Int!, $after: String, $filter: EmployeeFilterInput) {
  employees(first: $first, after: $after, filter: $filter) {
    edges { cursor }
    pageInfo { hasPreviousPage hasNextPage startCursor endCursor }
  }
}
"""


async def test_page_info_follows_relay_forward_pagination(tenant: Tenant) -> None:
    for _ in range(3):
        await tenant.employee(department="Legal")
    only = {"department": "Legal"}
    first = (await gql(tenant, PAGE_INFO, {"first": 2, "filter": only}))["data"]["employees"]
    assert first["pageInfo"] == {
        "hasPreviousPage": False,  # no `after`: nothing before the first page
        "hasNextPage": True,
        "startCursor": first["edges"][0]["cursor"],
        "endCursor": first["edges"][1]["cursor"],
    }
    second = (
        await gql(
            tenant,
            PAGE_INFO,
            {"first": 2, "after": first["pageInfo"]["endCursor"], "filter": only},
        )
    )["data"]["employees"]
    assert second["pageInfo"] == {
        "hasPreviousPage": True,
        "hasNextPage": False,
        "startCursor": second["edges"][0]["cursor"],
        "endCursor": second["edges"][0]["cursor"],
    }
    # After the last item: an empty page, with the items before it.
    past = (
        await gql(
            tenant,
            PAGE_INFO,
            {"first": 2, "after": second["pageInfo"]["endCursor"], "filter": only},
        )
    )["data"]["employees"]
    assert past["edges"] == []
    assert past["pageInfo"] == {
        "hasPreviousPage": True,
        "hasNextPage": False,
        "startCursor": None,
        "endCursor": None,
    }
    # A cursor from another list (Sales has nothing before it): nothing before.
    await tenant.employee(department="Sales")
    elsewhere = (
        await gql(
            tenant,
            PAGE_INFO,
            {"first": 2, "after": first["edges"][0]["cursor"], "filter": {"department": "Sales"}},
        )
    )["data"]["employees"]
    assert len(elsewhere["edges"]) == 1
    assert elsewhere["pageInfo"]["hasPreviousPage"] is False


async def test_nested_page_info_has_previous_page_per_parent(tenant: Tenant) -> None:
    boss = await tenant.employee()
    lone = await tenant.employee()
    reports = [await tenant.employee(manager_id=boss["id"]) for _ in range(3)]
    page = (
        "reports(first: 1, after: $after) "
        "{ nodes { id } pageInfo { hasPreviousPage hasNextPage startCursor } }"
    )
    query = f"""query($boss: UUID!, $lone: UUID!, $after: String) {{
      boss: employee(id: $boss) {{ {page} }}
      lone: employee(id: $lone) {{ {page} }}
    }}"""
    result = await gql(tenant, query, {"boss": boss["id"], "lone": lone["id"], "after": None})
    first = result["data"]["boss"]["reports"]
    assert first["nodes"] == [{"id": reports[0]["id"]}]
    assert first["pageInfo"]["hasPreviousPage"] is False
    assert first["pageInfo"]["hasNextPage"] is True
    after = first["pageInfo"]["startCursor"]
    result = await gql(tenant, query, {"boss": boss["id"], "lone": lone["id"], "after": after})
    assert result["data"]["boss"]["reports"]["nodes"] == [{"id": reports[1]["id"]}]
    assert result["data"]["boss"]["reports"]["pageInfo"]["hasPreviousPage"] is True
    assert result["data"]["lone"]["reports"] == {
        "nodes": [],
        "pageInfo": {"hasPreviousPage": False, "hasNextPage": False, "startCursor": None},
    }


async def test_listing_with_managers_runs_a_constant_number_of_queries(
    tenant: Tenant, count_statements: StatementCounter
) -> None:
    managers = [await tenant.employee(department="Ops") for _ in range(5)]
    for i in range(50):
        await tenant.employee(department="Ops", manager_id=managers[i % 5]["id"])

    async def statements_for(first: int) -> int:
        count_statements.statements.clear()
        result = await gql(tenant, LIST, {"first": first, "filter": {"department": "Ops"}})
        assert len(result["data"]["employees"]["edges"]) == first
        assert all(
            e["node"]["manager"] or e["node"]["id"] in {m["id"] for m in managers}
            for e in result["data"]["employees"]["edges"]
        )
        return count_statements.count

    small, large = await statements_for(10), await statements_for(50)
    assert small == large, count_statements.statements
    # Authentication, the page, one batched manager lookup (and the transaction's edges).
    assert large <= 5, count_statements.statements


async def test_mutations_create_update_deactivate(tenant: Tenant) -> None:
    created = await gql(
        tenant,
        """mutation { createEmployee(input: {email: "Lin@Example.com", givenName: "Lin",
             familyName: "Wu", languages: ["EN"], timezone: "Asia/Shanghai"}) { id email languages version } }""",
    )
    employee = created["data"]["createEmployee"]
    assert employee["email"] == "lin@example.com"
    assert employee["languages"] == ["en"]

    updated = await gql(
        tenant,
        'mutation($id: UUID!) { updateEmployee(id: $id, version: 1, input: {jobTitle: "Analyst"}) { jobTitle version } }',
        {"id": employee["id"]},
    )
    assert updated["data"]["updateEmployee"] == {"jobTitle": "Analyst", "version": 2}

    stale = await gql(
        tenant,
        'mutation($id: UUID!) { updateEmployee(id: $id, version: 1, input: {jobTitle: "X"}) { version } }',
        {"id": employee["id"]},
    )
    assert stale["errors"][0]["extensions"]["code"] == "version_mismatch"
    assert stale["errors"][0]["extensions"]["status"] == 412

    deactivated = await gql(
        tenant,
        "mutation($id: UUID!) { deactivateEmployee(id: $id) { status } }",
        {"id": employee["id"]},
    )
    assert deactivated["data"]["deactivateEmployee"]["status"] == "INACTIVE"


async def test_errors_carry_codes_and_failed_mutations_write_nothing(tenant: Tenant) -> None:
    invalid = await gql(
        tenant,
        'mutation { createEmployee(input: {email: "nope", givenName: "", familyName: "B"}) { id } }',
    )
    error = invalid["errors"][0]
    assert error["extensions"]["code"] == "validation_failed"
    assert {e["field"] for e in error["extensions"]["errors"]} >= {"email", "givenName"}

    await tenant.employee(email="taken@example.com")
    # Two mutations in one operation: the failing one leaves no trace, the other stays.
    result = await gql(
        tenant,
        """mutation {
             ok: createEmployee(input: {email: "fresh@example.com", givenName: "F", familyName: "R"}) { id }
             dup: createEmployee(input: {email: "taken@example.com", givenName: "T", familyName: "K"}) { id }
           }""",
    )
    assert result["data"]["ok"]["id"]
    assert result["errors"][0]["extensions"]["code"] == "employee_exists"
    listed = await gql(tenant, LIST, {"first": 50})
    emails = [e["node"]["displayName"] for e in listed["data"]["employees"]["edges"]]
    assert emails.count("T K") == 0
    assert emails.count("F R") == 1

    missing = await gql(
        tenant, 'query { employee(id: "01900000-0000-7000-8000-000000000000") { id } }'
    )
    assert missing["errors"][0]["extensions"]["code"] == "employee_not_found"
    bad_cursor = await gql(tenant, LIST, {"first": 2, "after": "garbage"})
    assert bad_cursor["errors"][0]["extensions"]["code"] == "invalid_cursor"
    assert bad_cursor["errors"][0]["extensions"]["errors"][0]["field"] == "after"
    too_many = await gql(tenant, LIST, {"first": 5000})
    assert too_many["errors"][0]["extensions"]["code"] == "validation_failed"
    assert too_many["errors"][0]["extensions"]["errors"][0]["field"] == "first"


async def test_other_tenant_and_roles(tenant: Tenant, other_tenant: Tenant) -> None:
    employee = await tenant.employee(birth_year=1980)
    foreign = await gql(
        other_tenant, "query($id: UUID!) { employee(id: $id) { id } }", {"id": employee["id"]}
    )
    assert foreign["data"]["employee"] is None
    assert foreign["errors"][0]["extensions"]["status"] == 404

    person = await tenant.employee()
    as_person = tenant.as_user(person)
    seen = await gql(
        tenant,
        "query($id: UUID!) { employee(id: $id) { birthYear } }",
        {"id": employee["id"]},
        as_person,
    )
    assert seen["data"]["employee"]["birthYear"] is None
    denied = await gql(
        tenant,
        'mutation { createEmployee(input: {email: "a@b.example", givenName: "A", familyName: "B"}) { id } }',
        headers=as_person,
    )
    assert denied["errors"][0]["extensions"]["code"] == "forbidden"
    viewer = await gql(
        tenant, "{ viewer { kind role employee { id } organization { slug } } }", headers=as_person
    )
    assert viewer["data"]["viewer"] == {
        "kind": "user",
        "role": "EMPLOYEE",
        "employee": {"id": person["id"]},
        "organization": {"slug": tenant.slug},
    }


async def test_graphql_needs_credentials(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ viewer { kind } }"})
    problem(response, 401)


async def test_depth_limit(tenant: Tenant) -> None:
    nested = "manager { " * 12 + "id" + " }" * 12
    result = await gql(tenant, f"{{ employees(first: 1) {{ edges {{ node {{ {nested} }} }} }} }}")
    assert "exceeds maximum operation depth" in result["errors"][0]["message"]


async def test_alias_and_size_limits(tenant: Tenant) -> None:
    aliased = " ".join(f"a{n}: viewer {{ kind }}" for n in range(31))
    result = await gql(tenant, f"{{ {aliased} }}")
    assert "aliases" in result["errors"][0]["message"]
    assert result.get("data") is None
    huge = "{ employees(first: 1) { edges { node { " + "id " * 4000 + "} } } }"
    response = await tenant.client.post("/graphql", json={"query": huge}, headers=tenant.admin)
    assert response.status_code < 500
    body = response.json()
    assert "token" in str(body).lower()
    assert body.get("data") is None


async def test_malformed_bodies_are_problems(tenant: Tenant) -> None:
    headers = tenant.admin | {"Content-Type": "application/json"}
    for body in (b"\x02\xff", b"{not json", b'"a string"', b"[]"):
        response = await tenant.client.post("/graphql", content=body, headers=headers)
        assert 400 <= response.status_code < 500, (body, response.text)
        problem(response, response.status_code)
    wrong_type = await tenant.client.post(
        "/graphql", content=b"query", headers=tenant.admin | {"Content-Type": "text/plain"}
    )
    problem(wrong_type, 400)


async def test_terminate_employee(tenant: Tenant) -> None:
    person = await tenant.employee()
    result = await gql(
        tenant,
        f'mutation {{ terminateEmployee(id: "{person["id"]}", terminatedOn: "2026-10-31") '
        "{ status terminatedOn } }",
    )
    assert result["data"]["terminateEmployee"] == {
        "status": "TERMINATED",
        "terminatedOn": "2026-10-31",
    }
    colleague = await tenant.employee()
    other = await tenant.employee()
    refused = await gql(
        tenant,
        f'mutation {{ terminateEmployee(id: "{other["id"]}") {{ id }} }}',
        headers=tenant.as_user(colleague),
    )
    assert refused["errors"][0]["extensions"]["code"] == "forbidden"

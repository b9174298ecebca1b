"""Every GraphQL error carries a code, and the same mistake gets the same code as in REST.

Each stage that can refuse a document is tried: parsing, the size limits, validation against
the schema, the coercion of variables, paging arguments, input validation and business rules.
"""

from typing import Any

import pytest

from tests.conftest import Tenant, problem

CONNECTION = (
    "query($first: Int!, $after: String) { employees(first: $first, after: $after) "
    "{ edges { cursor } } }"
)


async def errors_of(tenant: Tenant, query: str, variables: dict[str, Any] | None = None) -> Any:
    response = await tenant.client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=tenant.admin
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["errors"], body
    assert body.get("data") is None or all(v is None for v in body["data"].values())
    for error in body["errors"]:
        assert error["extensions"]["code"], error
    return body["errors"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ viewer { kind }", "malformed_query"),
        ("query { employees(first: ) }", "malformed_query"),
        ("{ employees(first: 1) { edges { node { " + "id " * 4000 + "} } } }", "query_too_complex"),
        (
            "{ " + " ".join(f"a{n}: viewer {{ kind }}" for n in range(31)) + " }",
            "query_too_complex",
        ),
        (
            "{ employees { edges { node { " + "manager { " * 12 + "id" + " }" * 12 + " } } } }",
            "query_too_complex",
        ),
        ("{ nope }", "validation_failed"),
        ('{ employees(first: "a") { edges { cursor } } }', "validation_failed"),
        ("{ employees(size: 2) { edges { cursor } } }", "validation_failed"),
    ],
)
async def test_every_refused_document_has_a_code(tenant: Tenant, query: str, code: str) -> None:
    (error,) = await errors_of(tenant, query)
    assert error["extensions"]["code"] == code, error


async def test_variables_that_do_not_fit_their_type_fail_validation(tenant: Tenant) -> None:
    (error,) = await errors_of(tenant, CONNECTION, {"first": "x"})
    assert error["extensions"]["code"] == "validation_failed"
    assert "$first" in error["message"]
    (error,) = await errors_of(
        tenant,
        "mutation($input: EmployeeCreateInput!) { createEmployee(input: $input) { id } }",
        {"input": {"email": "a@example.com", "givenName": "A", "familyName": "B", "x": 1}},
    )
    assert error["extensions"]["code"] == "validation_failed"


async def test_paging_mistakes_get_the_codes_rest_gives_and_name_the_arguments(
    tenant: Tenant,
) -> None:
    rest = problem(
        await tenant.client.get("/api/v1/employees?limit=201", headers=tenant.admin),
        422,
        "validation_failed",
    )
    assert rest["errors"][0]["field"] == "limit"
    for first in (201, 0, -1):
        (error,) = await errors_of(tenant, CONNECTION, {"first": first})
        assert error["extensions"]["code"] == "validation_failed"
        assert error["extensions"]["errors"][0]["field"] == "first"

    rest_cursor = await tenant.client.get("/api/v1/employees?cursor=garbage", headers=tenant.admin)
    rest_code = rest_cursor.json()["code"]
    (error,) = await errors_of(tenant, CONNECTION, {"first": 2, "after": "garbage"})
    assert error["extensions"]["code"] == rest_code == "invalid_cursor"
    assert error["extensions"]["status"] == rest_cursor.status_code
    assert error["extensions"]["errors"][0]["field"] == "after"


async def test_a_bounded_list_refuses_first_past_its_bound_like_rest(tenant: Tenant) -> None:
    program = "01900000-0000-7000-8000-000000000000"
    rest = await tenant.client.get(
        f"/api/v1/programs/{program}/mentor-suggestions?limit=51", headers=tenant.admin
    )
    problem(rest, 422, "validation_failed")
    (error,) = await errors_of(
        tenant,
        "query($p: UUID!) { mentorSuggestions(programId: $p, first: 51) { score } }",
        {"p": program},
    )
    assert error["extensions"]["code"] == "validation_failed"
    assert error["extensions"]["errors"][0]["field"] == "first"


async def test_input_and_rule_errors_name_graphql_fields(tenant: Tenant) -> None:
    (error,) = await errors_of(
        tenant,
        'mutation { createEmployee(input: {email: "nope", givenName: "", familyName: "B"}) '
        "{ id } }",
    )
    assert error["extensions"]["code"] == "validation_failed"
    assert {e["field"] for e in error["extensions"]["errors"]} == {"email", "givenName"}

    (error,) = await errors_of(
        tenant,
        'mutation { createEmployee(input: {email: "x@example.com", givenName: "A", '
        'familyName: "B", managerId: "01900000-0000-7000-8000-000000000000"}) { id } }',
    )
    assert [e["field"] for e in error["extensions"]["errors"]] == ["managerId"]

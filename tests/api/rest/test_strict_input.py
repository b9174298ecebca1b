"""What the schema says is what the server takes: no value is converted from another type.

A JSON `false` is not the number 0, `"5"` is not 5, `1` is not `true` and epoch seconds are
not a time, in REST bodies, in query parameters and in GraphQL inputs alike; SCIM keeps
reading the `"False"` strings Entra sends, as its standard demands (tests/api/test_scim.py).
"""

import typing
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import BaseModel

from app.domain.schemas import InputPart, InputSchema
from tests.api.programs_support import PROGRAMS, create_program
from tests.conftest import Tenant, problem

PROGRAM = {"name": "Strict", "starts_on": "2027-01-04", "ends_on": "2027-06-30"}


def fields_of(body: dict[str, Any]) -> list[str]:
    return [e["field"] for e in body["errors"]]


@pytest.mark.parametrize(
    ("sent", "field"),
    [
        ({"matching_settings": {"minimum_score": False}}, "matching_settings.minimum_score"),
        ({"matching_settings": {"minimum_score": "0.5"}}, "matching_settings.minimum_score"),
        ({"matching_settings": {"reverse": {"hard": 1}}}, "matching_settings.reverse.hard"),
        ({"matching_settings": {"reverse": {"hard": "true"}}}, "matching_settings.reverse.hard"),
        (
            {"matching_settings": {"reverse": {"min_seniority_gap": True}}},
            "matching_settings.reverse.min_seniority_gap",
        ),
        ({"cadence_days": "14"}, "cadence_days"),
        ({"cadence_days": True}, "cadence_days"),
        ({"cadence_days": 14.5}, "cadence_days"),
        ({"starts_on": 1798761600}, "starts_on"),
        ({"name": 5}, "name"),
        ({"manager_ids": "not-a-list"}, "manager_ids"),
    ],
)
async def test_a_value_of_another_type_is_refused_not_converted(
    tenant: Tenant, sent: dict[str, Any], field: str
) -> None:
    response = await tenant.client.post(PROGRAMS, json=PROGRAM | sent, headers=tenant.admin)
    body = problem(response, 422, "validation_failed")
    assert fields_of(body) == [field], body


async def test_values_of_the_published_types_are_taken(tenant: Tenant) -> None:
    program = await create_program(
        tenant,
        cadence_days=14.0,  # JSON Schema's integers include 14.0
        matching_settings={"minimum_score": 0, "reverse": {"hard": False}},
    )
    assert program["cadence_days"] == 14
    assert program["matching_settings"]["minimum_score"] == 0.0
    assert program["matching_settings"]["reverse"]["hard"] is False


async def test_numbers_json_does_not_have_are_refused(tenant: Tenant) -> None:
    for constant in (b"NaN", b"Infinity"):
        response = await tenant.client.post(
            PROGRAMS,
            content=b'{"name": "N", "starts_on": "2027-01-04", "ends_on": "2027-06-30", '
            b'"matching_settings": {"minimum_score": ' + constant + b"}}",
            headers=tenant.admin | {"Content-Type": "application/json"},
        )
        assert 400 <= response.status_code < 500, response.text
        problem(response, response.status_code)


async def test_times_booleans_and_nested_objects_keep_their_types(tenant: Tenant) -> None:
    workshop = {"title": "W", "ends_at": "2030-01-01T10:00:00Z", "capacity": 2}
    epoch = await tenant.client.post(
        "/api/v1/workshops", json=workshop | {"starts_at": 1893456000}, headers=tenant.admin
    )
    assert fields_of(problem(epoch, 422, "validation_failed")) == ["starts_at"]
    guest = {
        "name": "G",
        "partner_organization": "P",
        "email": "g@partner.example",
        "consent_statement": "I agree.",
    }
    for consent in (1, "true", "yes"):
        refused = await tenant.client.post(
            "/api/v1/guest-mentors", json=guest | {"consent": consent}, headers=tenant.admin
        )
        assert fields_of(problem(refused, 422, "validation_failed")) == ["consent"]
    taken = await tenant.client.post(
        "/api/v1/guest-mentors", json=guest | {"consent": True}, headers=tenant.admin
    )
    assert taken.status_code == 201, taken.text


@pytest.mark.parametrize("limit", ["5.0", " 5", "+5", "1_0", "0x5", "five", "true"])
async def test_integer_query_parameters_are_digits(tenant: Tenant, limit: str) -> None:
    response = await tenant.client.get(
        "/api/v1/employees", params={"limit": limit}, headers=tenant.admin
    )
    body = problem(response, 422, "validation_failed")
    assert fields_of(body) == ["limit"]


async def test_digits_are_an_integer_query_parameter(tenant: Tenant) -> None:
    for _ in range(3):
        await tenant.employee()
    response = await tenant.client.get("/api/v1/employees?limit=2", headers=tenant.admin)
    assert len(response.json()["items"]) == 2


async def graphql(tenant: Tenant, query: str, variables: dict[str, Any]) -> Any:
    response = await tenant.client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=tenant.admin
    )
    assert response.status_code == 200, response.text
    return response.json()


CREATE = "mutation($input: ProgramCreateInput!) { createProgram(input: $input) { id } }"


async def test_graphql_inputs_follow_the_same_rules(tenant: Tenant) -> None:
    base = {"name": "G", "startsOn": "2027-01-04", "endsOn": "2027-06-30"}
    # GraphQL's own types refuse a boolean for a Float...
    typed = await graphql(
        tenant, CREATE, {"input": base | {"matchingSettings": {"minimumScore": False}}}
    )
    assert typed["errors"][0]["extensions"]["code"] == "validation_failed"
    # ... and the domain's input models, the same as REST's, refuse what they refuse in REST.
    out_of_range = await graphql(
        tenant, CREATE, {"input": base | {"matchingSettings": {"minimumScore": 5}}}
    )
    error = out_of_range["errors"][0]["extensions"]
    assert error["code"] == "validation_failed"
    assert [e["field"] for e in error["errors"]] == ["matchingSettings.minimumScore"]
    rest = await tenant.client.post(
        PROGRAMS,
        json=PROGRAM | {"matching_settings": {"minimum_score": 5}},
        headers=tenant.admin,
    )
    assert fields_of(problem(rest, 422, "validation_failed")) == ["matching_settings.minimum_score"]


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _bodies(app: FastAPI) -> set[type[BaseModel]]:
    found: set[type[BaseModel]] = set()

    def walk(routes: list[Any]) -> None:
        for route in routes:
            if hasattr(route, "original_router"):
                walk(route.original_router.routes)
            elif isinstance(route, APIRoute):
                for param in route.dependant.body_params:
                    found.update(_models_in(param.field_info.annotation))

    walk(app.router.routes)
    return found


async def test_every_body_and_every_object_in_it_refuses_other_types(app: FastAPI) -> None:
    bodies = _bodies(app)
    assert len(bodies) > 50
    unchecked: list[str] = []
    seen: set[type[BaseModel]] = set()
    pending = list(bodies)
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen.add(model)
        if model in bodies and not issubclass(model, InputSchema):
            unchecked.append(f"body {model.__name__} is not an InputSchema")
        elif not issubclass(model, InputSchema | InputPart):
            unchecked.append(f"{model.__name__} (nested) is not an InputPart")
        for field in model.model_fields.values():
            pending.extend(_models_in(field.annotation))
    assert unchecked == [], unchecked


async def test_scim_keeps_entras_boolean_strings(client: httpx.AsyncClient, tenant: Tenant) -> None:
    scim = await tenant.api_key("scim")
    created = await client.post(
        "/scim/v2/Users",
        json={
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "entra@example.com",
            "name": {"givenName": "E", "familyName": "Ntra"},
            "emails": [{"value": "entra@example.com", "type": "work", "primary": True}],
            "active": "True",
        },
        headers=scim,
    )
    assert created.status_code == 201, created.text
    patched = await client.patch(
        f"/scim/v2/Users/{created.json()['id']}",
        json={
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "Replace", "path": "active", "value": "False"}],
        },
        headers=scim,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["active"] is False


async def test_a_query_parameter_given_twice_is_refused(tenant: Tenant) -> None:
    response = await tenant.client.get(
        "/api/v1/employees?status=active&status=inactive", headers=tenant.admin
    )
    body = problem(response, 422, "validation_failed")
    assert fields_of(body) == ["status"]


async def test_no_query_parameter_takes_several_values(app: FastAPI) -> None:
    # Repeats are refused as a whole: that holds while no parameter is a list.
    for item in app.openapi()["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    assert "array" not in str(parameter["schema"]), parameter

"""Dates and times outside the years 1900-2200 are refused by name, and the schema says so."""

import json
import re
from typing import Any

import pytest

from app.domain.schemas import DATE_PATTERN, DATE_TIME_PATTERN
from tests.api.graphql.test_employees_graphql import gql
from tests.api.support_network_support import WORKSHOPS, at
from tests.conftest import REPO_ROOT, Tenant, problem


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"].rsplit("/", 1)[-1]] if "$ref" in node else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def _date_schemas(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        own = [node] if node.get("format") in ("date", "date-time") else []
        return own + [found for value in node.values() for found in _date_schemas(value)]
    if isinstance(node, list):
        return [found for value in node for found in _date_schemas(value)]
    return []


def test_every_date_the_api_accepts_states_its_range() -> None:
    document = json.loads((REPO_ROOT / "openapi" / "openapi.json").read_text())
    components = document["components"]["schemas"]
    inputs: list[Any] = []
    pending: list[str] = []
    for item in document["paths"].values():
        for operation in item.values():
            inputs.extend(operation.get("parameters", []))
            pending.extend(_refs(operation.get("requestBody", {})))
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name not in seen:
            seen.add(name)
            inputs.append(components[name])
            pending.extend(_refs(components[name]))
    dates = _date_schemas(inputs)
    assert len(dates) >= 20
    expected = {"date": DATE_PATTERN, "date-time": DATE_TIME_PATTERN}
    assert all(schema.get("pattern") == expected[schema["format"]] for schema in dates), dates
    assert re.match(DATE_PATTERN, "2200-12-31")
    assert not re.match(DATE_PATTERN, "2201-01-01")
    assert re.match(DATE_TIME_PATTERN, "1900-01-01T00:00:00.5+01:00")
    assert not re.match(DATE_TIME_PATTERN, "1899-12-31T23:59:59Z")
    assert not re.match(DATE_TIME_PATTERN, "2030-01-01T10:00:00")  # no zone


@pytest.mark.parametrize(
    ("starts_at", "accepted"),
    [
        ("0001-01-01T00:00:00+01:00", False),  # before year 1 in UTC: no conversion exists
        ("1899-12-31T23:59:59Z", False),
        ("9999-12-31T23:59:59-14:00", False),
        ("1900-01-01T00:00:00+01:00", True),
        ("2200-12-31T23:00:00-05:00", True),
    ],
)
async def test_workshop_times_out_of_range_are_refused_by_name(
    tenant: Tenant, starts_at: str, accepted: bool
) -> None:
    body: dict[str, Any] = {"title": "Range", "starts_at": starts_at, "capacity": 2}
    body["ends_at"] = "2201-06-01T00:00:00Z"
    response = await tenant.client.post(WORKSHOPS, json=body, headers=tenant.admin)
    fields = [e["field"] for e in response.json().get("errors", [])]
    if accepted:
        # The end is out of range: only it is named.
        problem(response, 422, "validation_failed")
        assert fields == ["ends_at"], response.text
        return
    problem(response, 422, "validation_failed")
    assert sorted(fields) == ["ends_at", "starts_at"], response.text


async def test_session_log_dates_and_deadlines_are_checked_the_same_way(tenant: Tenant) -> None:
    response = await tenant.client.post(
        "/api/v1/api-keys",
        json={"name": "old", "scopes": ["read"], "expires_at": "0001-01-01T00:00:00+01:00"},
        headers=tenant.admin,
    )
    body = problem(response, 422, "validation_failed")
    assert [e["field"] for e in body["errors"]] == ["expires_at"]
    employee = await tenant.client.post(
        "/api/v1/employees",
        json={
            "email": "range@example.com",
            "given_name": "Ada",
            "family_name": "Range",
            "hire_date": "0001-01-01",
        },
        headers=tenant.admin,
    )
    assert [e["field"] for e in problem(employee, 422)["errors"]] == ["hire_date"]


async def test_graphql_refuses_the_same_dates(tenant: Tenant) -> None:
    answer = await gql(
        tenant,
        """mutation($input: WorkshopCreateInput!) { createWorkshop(input: $input) { id } }""",
        {
            "input": {
                "title": "Range",
                "startsAt": "0001-01-01T00:00:00+01:00",
                "endsAt": at(2),
                "capacity": 1,
            }
        },
    )
    assert answer["data"] is None or answer["data"]["createWorkshop"] is None
    [error] = answer["errors"]
    assert error["extensions"]["code"] == "validation_failed", error
    assert "startsAt" in json.dumps(error["extensions"]), error

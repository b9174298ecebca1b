"""Groups through GraphQL: read as the identity provider pushed them, page by page."""

from typing import Any

from tests.api.graphql.test_employees_graphql import gql
from tests.api.graphql.test_pairs_graphql import error_of
from tests.api.test_scim import BASE, GROUP, scim_headers
from tests.api.test_scim_groups import provision
from tests.conftest import Tenant

GROUPS = """
query($first: Int!, $after: String, $name: String) {
  groups(first: $first, after: $after, displayName: $name) {
    nodes { id displayName externalId memberCount }
    pageInfo { hasNextPage endCursor }
  }
}
"""

ONE = """
query($id: UUID!) { group(id: $id) { id displayName externalId memberCount version } }
"""


async def _pushed(tenant: Tenant) -> tuple[list[dict[str, Any]], list[str]]:
    headers = await scim_headers(tenant)
    people = await provision(tenant, headers, "ada", "bob")
    groups = []
    for name, members in (("Allies", people), ("Builders", people[:1]), ("Curators", [])):
        created = await tenant.client.post(
            f"{BASE}/Groups",
            json={
                "schemas": [GROUP],
                "displayName": name,
                "externalId": f"ext-{name}",
                "members": [{"value": m} for m in members],
            },
            headers=headers,
        )
        assert created.status_code == 201, created.text
        groups.append(created.json())
    return groups, people


async def test_groups_come_in_pages_and_by_name(tenant: Tenant) -> None:
    groups, _people = await _pushed(tenant)
    first = (await gql(tenant, GROUPS, {"first": 2}))["data"]["groups"]
    assert [g["displayName"] for g in first["nodes"]] == ["Allies", "Builders"]
    assert [g["memberCount"] for g in first["nodes"]] == [2, 1]
    assert first["pageInfo"]["hasNextPage"] is True
    after = first["pageInfo"]["endCursor"]
    rest = (await gql(tenant, GROUPS, {"first": 2, "after": after}))["data"]["groups"]
    assert rest["nodes"] == [
        {
            "id": groups[2]["id"],
            "displayName": "Curators",
            "externalId": "ext-Curators",
            "memberCount": 0,
        }
    ]
    assert rest["pageInfo"]["hasNextPage"] is False

    named = (await gql(tenant, GROUPS, {"first": 10, "name": "builders"}))["data"]["groups"]
    assert [g["id"] for g in named["nodes"]] == [groups[1]["id"]]
    nobody = (await gql(tenant, GROUPS, {"first": 10, "name": "Nobody"}))["data"]["groups"]
    assert nobody["nodes"] == []


async def test_one_group_by_its_id(tenant: Tenant, other_tenant: Tenant) -> None:
    groups, _people = await _pushed(tenant)
    found = await gql(tenant, ONE, {"id": groups[0]["id"]})
    assert found["data"]["group"] == {
        "id": groups[0]["id"],
        "displayName": "Allies",
        "externalId": "ext-Allies",
        "memberCount": 2,
        "version": 1,
    }
    foreign = await gql(other_tenant, ONE, {"id": groups[0]["id"]})
    assert error_of(foreign)["status"] == 404

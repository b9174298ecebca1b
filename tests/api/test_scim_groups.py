"""SCIM Groups as Okta and Microsoft Entra push them, and how the service reads them back."""

import asyncio
from typing import Any

from tests.api.graphql.test_employees_graphql import gql
from tests.api.test_scim import BASE, GROUP, okta_user, scim_headers
from tests.api.test_scim_users import patch
from tests.conftest import Tenant, problem, scim_error


async def provision(tenant: Tenant, headers: dict[str, str], *names: str) -> list[str]:
    ids = []
    for name in names:
        created = await tenant.client.post(
            f"{BASE}/Users",
            json=okta_user(f"{name}@example.com", externalId=f"ext-{name}"),
            headers=headers,
        )
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])
    return ids


async def member_ids(tenant: Tenant, headers: dict[str, str], group_id: str) -> list[str]:
    found = await tenant.client.get(f"{BASE}/Groups/{group_id}", headers=headers)
    assert found.status_code == 200, found.text
    return [m["value"] for m in found.json().get("members", [])]


async def test_entra_group_flow(tenant: Tenant) -> None:
    headers = await scim_headers(tenant)
    ada, bob, cy = await provision(tenant, headers, "ada", "bob", "cy")
    # Entra looks the group up, creates it empty, then adds members one PATCH at a time.
    lookup = await tenant.client.get(
        f"{BASE}/Groups",
        params={"filter": 'displayName eq "Mentors"', "excludedAttributes": "members"},
        headers=headers,
    )
    assert lookup.json()["totalResults"] == 0
    created = await tenant.client.post(
        f"{BASE}/Groups",
        json={"schemas": [GROUP], "displayName": "Mentors", "externalId": "aad-1", "members": []},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    group = created.json()
    assert created.headers["location"].endswith(f"/scim/v2/Groups/{group['id']}")
    assert created.headers["etag"] == 'W/"1"'
    group_url = f"{BASE}/Groups/{group['id']}"
    added = await tenant.client.patch(
        group_url,
        json=patch({"op": "Add", "path": "members", "value": [{"value": ada}, {"value": bob}]}),
        headers=headers,
    )
    assert added.status_code == 200, added.text
    assert added.json()["members"] == [
        {"value": ada, "$ref": f"http://testserver/scim/v2/Users/{ada}", "type": "User"},
        {"value": bob, "$ref": f"http://testserver/scim/v2/Users/{bob}", "type": "User"},
    ]
    assert added.headers["etag"] == 'W/"2"'
    # Adding someone already in changes nothing.
    again = await tenant.client.patch(
        group_url,
        json=patch({"op": "Add", "path": "members", "value": [{"value": ada}]}),
        headers=headers,
    )
    assert again.headers["etag"] == 'W/"2"'
    # Entra asks whether a user is in the group with a members filter.
    asked = await tenant.client.get(
        f"{BASE}/Groups",
        params={
            "filter": f'id eq "{group["id"]}" and members[value eq "{bob}"]',
            "excludedAttributes": "members",
        },
        headers=headers,
    )
    assert asked.json()["totalResults"] == 1
    assert "members" not in asked.json()["Resources"][0]
    removed = await tenant.client.patch(
        group_url,
        json=patch({"op": "Remove", "path": f'members[value eq "{ada}"]'}),
        headers=headers,
    )
    assert removed.status_code == 200, removed.text
    assert await member_ids(tenant, headers, group["id"]) == [bob]
    # Entra's other form: a remove of members carrying the values to take out.
    await tenant.client.patch(
        group_url,
        json=patch({"op": "Add", "path": "members", "value": [{"value": cy}]}),
        headers=headers,
    )
    by_value = await tenant.client.patch(
        group_url,
        json=patch({"op": "Remove", "path": "members", "value": [{"value": bob}]}),
        headers=headers,
    )
    assert by_value.status_code == 200, by_value.text
    assert await member_ids(tenant, headers, group["id"]) == [cy]
    renamed = await tenant.client.patch(
        group_url,
        json=patch({"op": "Replace", "path": "displayName", "value": "Mentors 2027"}),
        headers=headers,
    )
    assert renamed.json()["displayName"] == "Mentors 2027"
    assert renamed.json()["members"] == [
        {"value": cy, "$ref": f"http://testserver/scim/v2/Users/{cy}", "type": "User"}
    ]
    deleted = await tenant.client.delete(group_url, headers=headers)
    assert deleted.status_code == 204
    scim_error(await tenant.client.get(group_url, headers=headers), 404)


async def test_okta_group_push(tenant: Tenant) -> None:
    headers = await scim_headers(tenant)
    ada, bob, cy = await provision(tenant, headers, "ada", "bob", "cy")
    created = await tenant.client.post(
        f"{BASE}/Groups",
        json={"schemas": [GROUP], "displayName": "Engineering", "members": [{"value": ada}]},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    group_url = f"{BASE}/Groups/{created.json()['id']}"
    # Okta's push: replace the members with the whole list, and rename with a bare value.
    replaced = await tenant.client.patch(
        group_url,
        json=patch(
            {
                "op": "replace",
                "path": "members",
                "value": [{"value": bob, "display": "bob@example.com"}, {"value": cy}],
            }
        ),
        headers=headers,
    )
    assert replaced.status_code == 200, replaced.text
    assert sorted(await member_ids(tenant, headers, created.json()["id"])) == sorted([bob, cy])
    renamed = await tenant.client.patch(
        group_url,
        json=patch({"op": "replace", "value": {"id": created.json()["id"], "displayName": "Eng"}}),
        headers=headers,
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["displayName"] == "Eng"
    # Okta's add and remove, with or without a path filter.
    await tenant.client.patch(
        group_url,
        json=patch(
            {"op": "add", "path": "members", "value": [{"value": ada}]},
            {"op": "remove", "path": f'members[value eq "{bob}"]'},
        ),
        headers=headers,
    )
    assert sorted(await member_ids(tenant, headers, created.json()["id"])) == sorted([ada, cy])
    # PUT replaces everything.
    put = await tenant.client.put(
        group_url,
        json={"schemas": [GROUP], "displayName": "Eng", "members": [{"value": bob}]},
        headers=headers,
    )
    assert put.status_code == 200, put.text
    assert await member_ids(tenant, headers, created.json()["id"]) == [bob]
    # Filters: by name (any case) and by externalId; listed members can be left out.
    for expression, total in (
        ('displayName eq "eng"', 1),
        ('displayName sw "E"', 1),
        ('displayName eq "Sales"', 0),
        ('externalId eq "none"', 0),
    ):
        listed = await tenant.client.get(
            f"{BASE}/Groups", params={"filter": expression}, headers=headers
        )
        assert listed.json()["totalResults"] == total, (expression, listed.text)
    scim_error(
        await tenant.client.get(f"{BASE}/Groups", params={"filter": "title pr"}, headers=headers),
        400,
        "invalidFilter",
    )


async def test_group_refusals(tenant: Tenant, other_tenant: Tenant) -> None:
    headers = await scim_headers(tenant)
    [ada] = await provision(tenant, headers, "ada")
    [stranger] = await provision(other_tenant, await scim_headers(other_tenant), "zed")

    async def create(body: dict[str, Any]) -> Any:
        return await tenant.client.post(
            f"{BASE}/Groups", json={"schemas": [GROUP]} | body, headers=headers
        )

    # A member of another organisation, an unknown id, a nested group: invalidValue.
    for members in (
        [{"value": stranger}],
        [{"value": "not-an-id"}],
        [{"value": ada, "type": "Group"}],
    ):
        scim_error(await create({"displayName": "G", "members": members}), 400, "invalidValue")
    scim_error(await create({"members": []}), 400, "invalidValue")
    scim_error(await create({"displayName": "x" * 201}), 400, "invalidValue")
    group = (await create({"displayName": "G", "members": [{"value": ada}]})).json()
    url = f"{BASE}/Groups/{group['id']}"
    scim_error(
        await tenant.client.patch(
            url, json=patch({"op": "remove", "path": "displayName"}), headers=headers
        ),
        400,
        "mutability",
    )
    stale = headers | {"If-Match": 'W/"7"'}
    scim_error(
        await tenant.client.put(url, json={"schemas": [GROUP], "displayName": "H"}, headers=stale),
        412,
    )
    # Another organisation's group does not exist for this one.
    other = await scim_headers(other_tenant)
    scim_error(await tenant.client.get(url, headers=other), 404)
    scim_error(await tenant.client.delete(url, headers=other), 404)
    # A user who leaves (SCIM DELETE) leaves their groups.
    await tenant.client.delete(f"{BASE}/Users/{ada}", headers=headers)
    after = await tenant.client.get(url, headers=headers)
    assert "members" not in after.json()
    assert after.headers["etag"] == 'W/"2"'


async def test_groups_through_rest_and_graphql(tenant: Tenant) -> None:
    headers = await scim_headers(tenant)
    people = await provision(tenant, headers, "a", "b", "c")
    created = await tenant.client.post(
        f"{BASE}/Groups",
        json={
            "schemas": [GROUP],
            "displayName": "Allies",
            "members": [{"value": p} for p in people],
        },
        headers=headers,
    )
    group_id = created.json()["id"]
    await tenant.client.post(
        f"{BASE}/Groups", json={"schemas": [GROUP], "displayName": "Others"}, headers=headers
    )
    listed = await tenant.client.get(
        "/api/v1/groups", params={"display_name": "ALLIES"}, headers=tenant.admin
    )
    assert listed.status_code == 200, listed.text
    [group] = listed.json()["items"]
    assert group["id"] == group_id
    assert group["member_count"] == 3
    one = await tenant.client.get(f"/api/v1/groups/{group_id}", headers=tenant.admin)
    assert one.headers["etag"] == '"1"'
    # Members come in pages, in the order they joined.
    first = await tenant.client.get(
        f"/api/v1/groups/{group_id}/members", params={"limit": 2}, headers=tenant.admin
    )
    assert [m["employee_id"] for m in first.json()["items"]] == people[:2]
    rest = await tenant.client.get(
        f"/api/v1/groups/{group_id}/members",
        params={"limit": 2, "cursor": first.json()["next_cursor"]},
        headers=tenant.admin,
    )
    assert [m["employee_id"] for m in rest.json()["items"]] == people[2:]
    assert rest.json()["next_cursor"] is None

    query = """
    query($after: String) {
      groups(first: 10, displayName: "allies") {
        nodes { id displayName memberCount members(first: 2, after: $after) {
          nodes { id userName } pageInfo { hasNextPage endCursor } } }
      }
    }
    """
    result = await gql(tenant, query)
    assert "errors" not in result, result
    [node] = result["data"]["groups"]["nodes"]
    assert node["memberCount"] == 3
    assert [m["id"] for m in node["members"]["nodes"]] == people[:2]
    cursor = node["members"]["pageInfo"]["endCursor"]
    result = await gql(tenant, query, {"after": cursor})
    assert [m["id"] for m in result["data"]["groups"]["nodes"][0]["members"]["nodes"]] == people[2:]
    named = await gql(
        tenant, "query($id: UUID!) { group(id: $id) { displayName } }", {"id": group_id}
    )
    assert named["data"]["group"] == {"displayName": "Allies"}

    # Program managers see groups (to restrict a program) but not who is in them.
    manager = await tenant.employee(role="program_manager")
    as_manager = tenant.as_user(manager)
    seen = await tenant.client.get("/api/v1/groups", headers=as_manager)
    assert len(seen.json()["items"]) == 2
    problem(await tenant.client.get(f"/api/v1/groups/{group_id}/members", headers=as_manager), 403)
    hidden = await gql(
        tenant,
        "query($id: UUID!) { group(id: $id) { memberCount members { nodes { id } } } }",
        {"id": group_id},
        headers=as_manager,
    )
    assert hidden["errors"][0]["extensions"]["code"] == "forbidden"
    employee = await tenant.employee()
    problem(await tenant.client.get("/api/v1/groups", headers=tenant.as_user(employee)), 403)


async def test_group_memberships_are_exported_and_erased(tenant: Tenant) -> None:
    headers = await scim_headers(tenant)
    person, other = await provision(tenant, headers, "pat", "kim")
    for name in ("Neurodiversity network", "Mentors"):
        created = await tenant.client.post(
            f"{BASE}/Groups",
            json={
                "schemas": [GROUP],
                "displayName": name,
                "members": [{"value": person}, {"value": other}],
            },
            headers=headers,
        )
        assert created.status_code == 201, created.text
    url = f"/api/v1/employees/{person}/personal-data"
    exported = await tenant.client.get(url, headers=tenant.admin)
    assert exported.status_code == 200, exported.text
    memberships = exported.json()["group_memberships"]
    assert [m["display_name"] for m in memberships] == ["Neurodiversity network", "Mentors"]
    assert all(m["added_at"] for m in memberships)

    assert (await tenant.client.delete(url, headers=tenant.admin)).status_code == 204
    after = await tenant.client.get(url, headers=tenant.admin)
    assert after.json()["group_memberships"] == []
    groups = await tenant.client.get("/api/v1/groups", headers=tenant.admin)
    assert [g["member_count"] for g in groups.json()["items"]] == [1, 1]
    listed = await tenant.client.get(f"{BASE}/Groups", headers=headers)
    for group in listed.json()["Resources"]:
        assert [m["value"] for m in group["members"]] == [other]


async def test_parallel_member_changes_all_apply(tenant: Tenant) -> None:
    """Entra sends a group's member changes in parallel requests: none is lost or refused."""
    headers = await scim_headers(tenant)
    people = await provision(tenant, headers, *(f"p{n}" for n in range(8)))
    created = await tenant.client.post(
        f"{BASE}/Groups", json={"schemas": [GROUP], "displayName": "Busy"}, headers=headers
    )
    url = f"{BASE}/Groups/{created.json()['id']}"
    # One key per request: requests with one key would queue on that key's last-use update.
    keys = [await scim_headers(tenant) for _ in people]
    answers = await asyncio.gather(
        *(
            tenant.client.patch(
                url,
                json=patch({"op": "Add", "path": "members", "value": [{"value": person}]}),
                headers=key,
            )
            for person, key in zip(people, keys, strict=True)
        )
    )
    assert [a.status_code for a in answers] == [200] * len(people), [a.text for a in answers]
    assert sorted(await member_ids(tenant, headers, created.json()["id"])) == sorted(people)
    final = await tenant.client.get(url, headers=headers)
    assert final.headers["etag"] == f'W/"{1 + len(people)}"'

"""SCIM Users: the published schema is what is enforced, SCIM's statuses, managers in any order."""

from typing import Any

from tests.api.graphql.test_employees_graphql import gql
from tests.api.test_scim import BASE, CORE, ENTERPRISE, PATCH_OP, okta_user, scim_headers
from tests.conftest import Tenant, scim_error

SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"


def patch(*operations: dict[str, Any]) -> dict[str, Any]:
    return {"schemas": [PATCH_OP], "Operations": list(operations)}


async def test_what_schemas_publish_is_what_is_enforced(tenant: Tenant) -> None:
    headers = await scim_headers(tenant)
    schema = (await tenant.client.get(f"{BASE}/Schemas/{CORE}", headers=headers)).json()
    attributes = {a["name"]: a for a in schema["attributes"]}
    required = {name for name, a in attributes.items() if a["required"]}
    # Okta and Entra always send both; Entra sends an e-mail only for people with a mailbox
    # and a name only when it is mapped, so those stay optional.
    assert required == {"userName", "active"}
    assert set(attributes) == {"userName", "name", "title", "active", "emails"}
    assert not attributes["emails"]["required"]
    assert not attributes["name"]["required"]

    minimal = {"schemas": [CORE], "userName": "new.hire@corp.example", "active": True}
    created = await tenant.client.post(f"{BASE}/Users", json=minimal, headers=headers)
    assert created.status_code == 201, created.text
    user = created.json()
    assert "emails" not in user
    assert "name" not in user
    for missing in sorted(required):
        body = {k: v for k, v in minimal.items() if k != missing} | {"userName": "other@x.example"}
        if missing == "userName":
            body.pop("userName")
        error = scim_error(
            await tenant.client.post(f"{BASE}/Users", json=body, headers=headers),
            400,
            "invalidValue",
        )
        assert missing in error["detail"]

    # The directory holds the person without e-mail or name until a source fills them in.
    employee = await tenant.client.get(f"/api/v1/employees/{user['id']}", headers=tenant.admin)
    assert employee.status_code == 200, employee.text
    assert employee.json()["email"] is None
    assert employee.json()["given_name"] is None
    assert employee.json()["user_name"] == "new.hire@corp.example"
    shown = await gql(
        tenant, "query($id: UUID!) { employee(id: $id) { displayName email } }", {"id": user["id"]}
    )
    assert shown["data"]["employee"] == {"displayName": "new.hire@corp.example", "email": None}
    listed = await tenant.client.get(
        "/api/v1/employees", params={"q": "new.hire"}, headers=tenant.admin
    )
    assert listed.status_code == 200, listed.text

    # Filled in later, then cleared again by the identity provider: both through SCIM.
    filled = await tenant.client.patch(
        f"{BASE}/Users/{user['id']}",
        json=patch(
            {"op": "add", "path": "name", "value": {"givenName": "Nia", "familyName": "Hale"}},
            {"op": "add", "path": "emails", "value": [{"value": "nia@corp.example"}]},
        ),
        headers=headers,
    )
    assert filled.status_code == 200, filled.text
    assert filled.json()["emails"] == [{"value": "nia@corp.example", "type": "work"}]
    cleared = await tenant.client.patch(
        f"{BASE}/Users/{user['id']}",
        json=patch({"op": "remove", "path": "emails"}, {"op": "remove", "path": "name"}),
        headers=headers,
    )
    assert cleared.status_code == 200, cleared.text
    assert "emails" not in cleared.json()
    assert "name" not in cleared.json()
    after = (
        await tenant.client.get(f"/api/v1/employees/{user['id']}", headers=tenant.admin)
    ).json()
    assert (after["email"], after["given_name"], after["family_name"]) == (None, None, None)

    # The REST API keeps its own contract: people created or edited by hand have both.
    refused = await tenant.client.patch(
        f"/api/v1/employees/{user['id']}",
        json={"email": None},
        headers=tenant.admin | {"If-Match": f'"{after["version"]}"'},
    )
    assert refused.status_code == 422, refused.text


async def test_scim_answers_scim_statuses_never_422(tenant: Tenant) -> None:
    headers = await scim_headers(tenant)
    users = f"{BASE}/Users"
    first = await tenant.client.post(users, json=okta_user("g@example.com"), headers=headers)
    assert first.status_code == 201, first.text
    user_id = first.json()["id"]

    async def post(body: Any, **kwargs: Any) -> Any:
        return await tenant.client.post(users, json=body, headers=headers, **kwargs)

    # invalidSyntax: not JSON, or not an object.
    garbled = await tenant.client.post(users, content=b"{not json", headers=headers)
    scim_error(garbled, 400, "invalidSyntax")
    scim_error(await post([okta_user("h@example.com")]), 400, "invalidSyntax")
    # invalidValue: values that do not fit the attribute, in the body or by a business rule.
    scim_error(await post(okta_user("h@example.com", active="maybe")), 400, "invalidValue")
    scim_error(
        await post(okta_user("h@example.com", emails=[{"value": "not-an-address"}])),
        400,
        "invalidValue",
    )
    scim_error(await post(okta_user("h@example.com", title="x" * 201)), 400, "invalidValue")
    self_managed = await tenant.client.patch(
        f"{users}/{user_id}",
        json=patch({"op": "add", "path": f"{ENTERPRISE}:manager", "value": user_id}),
        headers=headers,
    )
    scim_error(self_managed, 400, "invalidValue")
    # Entra's boolean strings stay accepted.
    as_string = await post(okta_user("s@example.com", externalId="s", active="False"))
    assert as_string.status_code == 201, as_string.text
    assert as_string.json()["active"] is False
    # uniqueness
    duplicate = await post(okta_user("G@example.com", externalId="other"))
    scim_error(duplicate, 409, "uniqueness")
    # mutability: read-only and required attributes.
    for operation in (
        {"op": "replace", "path": "id", "value": "x"},
        {"op": "remove", "path": "userName"},
        {"op": "replace", "path": "meta.created", "value": "2020-01-01T00:00:00Z"},
    ):
        changed = await tenant.client.patch(
            f"{users}/{user_id}", json=patch(operation), headers=headers
        )
        scim_error(changed, 400, "mutability")
    bad_op = patch({"op": "Move", "path": "title"})
    scim_error(await tenant.client.patch(f"{users}/{user_id}", json=bad_op, headers=headers), 400)
    # invalidFilter
    for expression in ("userName eq", 'nickName eq "x"', "emails[primary eq true]"):
        listed = await tenant.client.get(users, params={"filter": expression}, headers=headers)
        scim_error(listed, 400, "invalidFilter")
    # 404 and 412
    scim_error(await tenant.client.get(f"{users}/not-a-uuid", headers=headers), 404)
    stale = headers | {"If-Match": 'W/"9"'}
    replaced = await tenant.client.put(
        f"{users}/{user_id}", json=okta_user("g@example.com"), headers=stale
    )
    scim_error(replaced, 412)
    # A query parameter of the wrong type is a SCIM 400 too.
    scim_error(await tenant.client.get(users, params={"startIndex": "first"}, headers=headers), 400)


async def test_attributes_excluded_attributes_and_search(tenant: Tenant) -> None:
    headers = await scim_headers(tenant)
    created = await tenant.client.post(
        f"{BASE}/Users", json=okta_user("ada@example.com", title="Countess"), headers=headers
    )
    user_id = created.json()["id"]
    only = await tenant.client.get(
        f"{BASE}/Users/{user_id}", params={"attributes": "userName,title"}, headers=headers
    )
    assert set(only.json()) == {"schemas", "id", "userName", "title"}
    without = await tenant.client.get(
        f"{BASE}/Users", params={"excludedAttributes": "emails,name"}, headers=headers
    )
    [listed] = without.json()["Resources"]
    assert "emails" not in listed
    assert "name" not in listed
    assert listed["title"] == "Countess"
    searched = await tenant.client.post(
        f"{BASE}/Users/.search",
        json={
            "schemas": [SEARCH],
            "filter": 'title eq "countess"',
            "attributes": ["userName"],
            "count": 10,
        },
        headers=headers,
    )
    assert searched.status_code == 200, searched.text
    assert searched.json()["totalResults"] == 1
    assert set(searched.json()["Resources"][0]) == {"schemas", "id", "userName"}
    # Searching every resource type at once is declined, as RFC 7644 §3.4.3 allows.
    scim_error(await tenant.client.post(f"{BASE}/.search", json={}, headers=headers), 501)


async def test_a_manager_provisioned_later_is_linked_on_arrival(tenant: Tenant) -> None:
    headers = await scim_headers(tenant)
    # Entra provisions in no particular order: the report first, naming a manager that is
    # not a User yet (by the externalId the manager will arrive with).
    report = await tenant.client.post(
        f"{BASE}/Users",
        json=okta_user("report@example.com", externalId="E-2")
        | {"schemas": [CORE, ENTERPRISE], ENTERPRISE: {"manager": {"value": "E-1"}}},
        headers=headers,
    )
    assert report.status_code == 201, report.text
    assert report.json()[ENTERPRISE]["manager"] == {"value": "E-1"}
    second = await tenant.client.post(
        f"{BASE}/Users", json=okta_user("second@example.com", externalId="E-3"), headers=headers
    )
    waiting = await tenant.client.patch(
        f"{BASE}/Users/{second.json()['id']}",
        json=patch({"op": "Add", "path": f"{ENTERPRISE}:manager", "value": "E-1"}),
        headers=headers,
    )
    assert waiting.status_code == 200, waiting.text
    before = await tenant.client.get(
        f"/api/v1/employees/{report.json()['id']}", headers=tenant.admin
    )
    assert before.json()["manager_id"] is None

    boss = await tenant.client.post(
        f"{BASE}/Users", json=okta_user("boss@example.com", externalId="E-1"), headers=headers
    )
    assert boss.status_code == 201, boss.text
    boss_id = boss.json()["id"]
    for waiting_id in (report.json()["id"], second.json()["id"]):
        linked = await tenant.client.get(f"{BASE}/Users/{waiting_id}", headers=headers)
        assert linked.json()[ENTERPRISE]["manager"] == {
            "value": boss_id,
            "$ref": f"http://testserver/scim/v2/Users/{boss_id}",
        }
        employee = await tenant.client.get(f"/api/v1/employees/{waiting_id}", headers=tenant.admin)
        assert employee.json()["manager_id"] == boss_id

    # Named by their User id or by their externalId, a provisioned manager links at once.
    by_external_id = await tenant.client.post(
        f"{BASE}/Users",
        json=okta_user("third@example.com", externalId="E-4")
        | {"schemas": [CORE, ENTERPRISE], ENTERPRISE: {"manager": {"value": "E-1"}}},
        headers=headers,
    )
    assert by_external_id.json()[ENTERPRISE]["manager"]["value"] == boss_id
    # A manager named later supersedes the one left waiting; removing it clears both.
    cleared = await tenant.client.patch(
        f"{BASE}/Users/{by_external_id.json()['id']}",
        json=patch({"op": "Remove", "path": f"{ENTERPRISE}:manager"}),
        headers=headers,
    )
    assert ENTERPRISE not in cleared.json()

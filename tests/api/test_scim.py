"""SCIM 2.0 provisioning as Okta and Microsoft Entra send it."""

from typing import Any

from tests.conftest import Tenant, scim_error

BASE = "/scim/v2"
CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


async def scim_headers(tenant: Tenant) -> dict[str, str]:
    return (await tenant.api_key("scim")) | {"Content-Type": "application/scim+json"}


async def search(tenant: Tenant, headers: dict[str, str], query: str) -> dict[str, Any]:
    response = await tenant.client.get(f"{BASE}/Users", params={"filter": query}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/scim+json")
    return dict(response.json())


def okta_user(email: str, **extra: Any) -> dict[str, Any]:
    return {
        "schemas": [CORE],
        "userName": email,
        "name": {"givenName": "Ada", "familyName": "Lovelace"},
        "emails": [{"primary": True, "value": email, "type": "work"}],
        "displayName": "Ada Lovelace",
        "locale": "en-US",
        "externalId": "00u1okta",
        "groups": [],
        "password": "1mz050nq",
        "active": True,
    } | extra


async def test_okta_provisioning_flow(tenant: Tenant) -> None:
    headers = await scim_headers(tenant)
    found = await search(tenant, headers, 'userName eq "ada@example.com"')
    assert found["totalResults"] == 0
    assert found["Resources"] == [] if "Resources" in found else True

    created = await tenant.client.post(
        f"{BASE}/Users", json=okta_user("ada@example.com"), headers=headers
    )
    assert created.status_code == 201, created.text
    user = created.json()
    assert user["userName"] == "ada@example.com"
    assert user["active"] is True
    assert "password" not in user
    assert user["meta"]["resourceType"] == "User"
    assert created.headers["location"].endswith(f"/scim/v2/Users/{user['id']}")
    assert created.headers["etag"] == 'W/"1"'

    again = await tenant.client.get(f"{BASE}/Users/{user['id']}", headers=headers)
    # Only what /Schemas publishes comes back: no displayName, locale or name.formatted.
    assert again.json()["name"] == {"givenName": "Ada", "familyName": "Lovelace"}
    assert {"displayName", "locale", "groups"}.isdisjoint(again.json())
    found = await search(tenant, headers, 'userName eq "ADA@example.com"')
    assert [u["id"] for u in found["Resources"]] == [user["id"]]

    replaced = await tenant.client.put(
        f"{BASE}/Users/{user['id']}",
        json=okta_user("ada@example.com", title="Countess", id=user["id"]),
        headers=headers,
    )
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["title"] == "Countess"

    deactivated = await tenant.client.patch(
        f"{BASE}/Users/{user['id']}",
        json={"schemas": [PATCH_OP], "Operations": [{"op": "replace", "value": {"active": False}}]},
        headers=headers,
    )
    assert deactivated.status_code == 200, deactivated.text
    assert deactivated.json()["active"] is False
    employee = await tenant.client.get(f"/api/v1/employees/{user['id']}", headers=tenant.admin)
    assert employee.json()["status"] == "inactive"
    assert employee.json()["job_title"] == "Countess"

    reactivated = await tenant.client.patch(
        f"{BASE}/Users/{user['id']}",
        json={"schemas": [PATCH_OP], "Operations": [{"op": "replace", "value": {"active": True}}]},
        headers=headers,
    )
    assert reactivated.json()["active"] is True


async def test_entra_provisioning_flow(tenant: Tenant) -> None:
    headers = await scim_headers(tenant)
    manager = await tenant.employee(email="boss@contoso.example")
    found = await search(tenant, headers, 'userName eq "alex@contoso.onmicrosoft.com"')
    assert found["totalResults"] == 0
    entra = {
        "schemas": [CORE, ENTERPRISE],
        "externalId": "8f3b-entra",
        "userName": "Alex@contoso.onmicrosoft.com",
        "active": True,
        "displayName": "Alex Wilber",
        "emails": [{"primary": True, "type": "work", "value": "alex@contoso.example"}],
        "name": {"givenName": "Alex", "familyName": "Wilber"},
        "title": "Engineer",
        ENTERPRISE: {"employeeNumber": "E-17", "department": "R&D"},
    }
    created = await tenant.client.post(f"{BASE}/Users", json=entra, headers=headers)
    assert created.status_code == 201, created.text
    user = created.json()
    assert user["userName"] == "alex@contoso.onmicrosoft.com"
    assert user["emails"][0]["value"] == "alex@contoso.example"
    assert user[ENTERPRISE]["department"] == "R&D"
    found = await search(tenant, headers, 'userName eq "alex@contoso.onmicrosoft.com"')
    assert found["totalResults"] == 1

    patch = {
        "schemas": [PATCH_OP],
        "Operations": [
            {"op": "Replace", "path": "title", "value": "Staff Engineer"},
            {
                "op": "Replace",
                "path": 'emails[type eq "work"].value',
                "value": "alex.wilber@contoso.example",
            },
            {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": manager["id"]},
            {"op": "Replace", "path": "name.familyName", "value": "Wilber-Smith"},
            {"op": "Replace", "path": "active", "value": "False"},
            # Entra's default mappings also send what the service does not keep: ignored.
            {"op": "Replace", "path": "displayName", "value": "Alex W."},
            {"op": "Replace", "path": "name.formatted", "value": "Alex Wilber-Smith"},
            {"op": "Add", "path": 'phoneNumbers[type eq "mobile"].value', "value": "+1 555"},
            {"op": "Add", "path": 'addresses[type eq "work"].locality', "value": "Redmond"},
            {"op": "Replace", "path": "preferredLanguage", "value": "en-US"},
        ],
    }
    patched = await tenant.client.patch(f"{BASE}/Users/{user['id']}", json=patch, headers=headers)
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["title"] == "Staff Engineer"
    assert body["emails"][0]["value"] == "alex.wilber@contoso.example"
    assert body[ENTERPRISE]["manager"]["value"] == manager["id"]
    assert body["name"]["familyName"] == "Wilber-Smith"
    assert body["active"] is False

    employee = (
        await tenant.client.get(f"/api/v1/employees/{user['id']}", headers=tenant.admin)
    ).json()
    assert employee["manager_id"] == manager["id"]
    assert employee["status"] == "inactive"
    assert employee["email"] == "alex.wilber@contoso.example"

    removed = await tenant.client.patch(
        f"{BASE}/Users/{user['id']}",
        json={
            "schemas": [PATCH_OP],
            "Operations": [{"op": "Remove", "path": f"{ENTERPRISE}:manager"}],
        },
        headers=headers,
    )
    assert removed.status_code == 200, removed.text
    assert ENTERPRISE not in removed.json() or "manager" not in removed.json()[ENTERPRISE]

    deleted = await tenant.client.delete(f"{BASE}/Users/{user['id']}", headers=headers)
    assert deleted.status_code == 204
    scim_error(await tenant.client.get(f"{BASE}/Users/{user['id']}", headers=headers), 404)
    kept = await tenant.client.get(f"/api/v1/employees/{user['id']}", headers=tenant.admin)
    assert kept.json()["status"] == "terminated"
    assert kept.json()["terminated_on"] is not None


async def test_filters_and_pagination(tenant: Tenant) -> None:
    headers = await scim_headers(tenant)
    people = [
        await tenant.employee(email=f"p{n}@example.com", external_id=f"X{n}", job_title="Dev")
        for n in range(5)
    ]
    assert (await search(tenant, headers, 'externalId eq "X3"'))["Resources"][0]["id"] == people[3][
        "id"
    ]
    by_mail = await search(tenant, headers, 'emails.value eq "P2@EXAMPLE.COM"')
    assert [u["id"] for u in by_mail["Resources"]] == [people[2]["id"]]
    value_path = await search(tenant, headers, 'emails[type eq "work" and value sw "p4@"]')
    assert [u["id"] for u in value_path["Resources"]] == [people[4]["id"]]
    either = await search(tenant, headers, 'externalId eq "X0" or externalId eq "X1"')
    assert either["totalResults"] == 2
    assert (await search(tenant, headers, 'not (externalId eq "X0")'))["totalResults"] == 4
    assert (await search(tenant, headers, f'{ENTERPRISE}:department eq "engineering"'))[
        "totalResults"
    ] == 5
    assert (await search(tenant, headers, "active eq true and title pr"))["totalResults"] == 5

    page = await tenant.client.get(
        f"{BASE}/Users", params={"startIndex": 2, "count": 2}, headers=headers
    )
    body = page.json()
    assert body["totalResults"] == 5
    assert body["startIndex"] == 2
    assert body["itemsPerPage"] == 2
    ordered = sorted(p["id"] for p in people)
    assert [u["id"] for u in body["Resources"]] == ordered[1:3]

    bad = await tenant.client.get(
        f"{BASE}/Users", params={"filter": "userName eq"}, headers=headers
    )
    scim_error(bad, 400, "invalidFilter")
    unsupported = await tenant.client.get(
        f"{BASE}/Users", params={"filter": 'nickName eq "x"'}, headers=headers
    )
    scim_error(unsupported, 400, "invalidFilter")
    scim_error(
        await tenant.client.get(f"{BASE}/Users", params={"count": "many"}, headers=headers), 400
    )
    since = 'meta.lastModified gt "2000-01-01T00:00:00Z"'
    assert (await search(tenant, headers, since))["totalResults"] == 5
    assert (await search(tenant, headers, 'meta.created lt "2000-01-01T00:00:00Z"'))[
        "totalResults"
    ] == 0
    # co/sw/ew are for strings: on a timestamp the filter is invalid, not a server error.
    on_date = await tenant.client.get(
        f"{BASE}/Users", params={"filter": 'meta.lastModified sw "2026"'}, headers=headers
    )
    scim_error(on_date, 400, "invalidFilter")
    # Far past the end: an empty page whatever the offset.
    beyond = await tenant.client.get(
        f"{BASE}/Users", params={"startIndex": 10**18, "count": 5}, headers=headers
    )
    assert beyond.status_code == 200, beyond.text
    assert beyond.json()["totalResults"] == 5
    assert beyond.json().get("Resources", []) == []


async def test_scim_errors(tenant: Tenant, other_tenant: Tenant) -> None:
    headers = await scim_headers(tenant)
    first = await tenant.client.post(
        f"{BASE}/Users", json=okta_user("g@example.com"), headers=headers
    )
    assert first.status_code == 201
    duplicate = await tenant.client.post(
        f"{BASE}/Users", json=okta_user("g@example.com", externalId="other"), headers=headers
    )
    scim_error(duplicate, 409, "uniqueness")
    no_name = {"schemas": [CORE], "emails": [{"value": "h@example.com"}]}
    scim_error(await tenant.client.post(f"{BASE}/Users", json=no_name, headers=headers), 400)
    garbled = await tenant.client.post(f"{BASE}/Users", content=b"{not json", headers=headers)
    scim_error(garbled, 400)
    bad_op = {"schemas": [PATCH_OP], "Operations": [{"op": "Move", "path": "title"}]}
    user_id = first.json()["id"]
    scim_error(
        await tenant.client.patch(f"{BASE}/Users/{user_id}", json=bad_op, headers=headers), 400
    )
    stale = headers | {"If-Match": 'W/"9"'}
    scim_error(
        await tenant.client.put(
            f"{BASE}/Users/{user_id}", json=okta_user("g@example.com"), headers=stale
        ),
        412,
    )
    scim_error(await tenant.client.get(f"{BASE}/Users/not-a-uuid", headers=headers), 404)
    other = await scim_headers(other_tenant)
    scim_error(await tenant.client.get(f"{BASE}/Users/{user_id}", headers=other), 404)
    reader = await tenant.api_key("read")
    scim_error(await tenant.client.get(f"{BASE}/Users", headers=reader), 403)
    # An administrator's own token is a person's, not a provisioning client's.
    admin_person = await tenant.employee(role="admin")
    scim_error(await tenant.client.get(f"{BASE}/Users", headers=tenant.as_user(admin_person)), 403)


async def test_discovery_endpoints(tenant: Tenant) -> None:
    headers = await scim_headers(tenant)
    config = (await tenant.client.get(f"{BASE}/ServiceProviderConfig", headers=headers)).json()
    assert config["patch"]["supported"] is True
    assert config["filter"] == {"supported": True, "maxResults": 200}
    assert config["bulk"]["supported"] is False
    assert config["authenticationSchemes"][0]["type"] == "oauthbearertoken"
    types = (await tenant.client.get(f"{BASE}/ResourceTypes", headers=headers)).json()
    user_type, group_type = types["Resources"]
    assert user_type["endpoint"] == "/Users"
    assert user_type["schemaExtensions"][0]["schema"] == ENTERPRISE
    assert group_type["endpoint"] == "/Groups"
    assert group_type["schema"] == GROUP
    one = await tenant.client.get(f"{BASE}/ResourceTypes/User", headers=headers)
    assert one.json()["schema"] == CORE
    schemas = (await tenant.client.get(f"{BASE}/Schemas", headers=headers)).json()
    assert {s["id"] for s in schemas["Resources"]} == {CORE, ENTERPRISE, GROUP}
    enterprise = await tenant.client.get(f"{BASE}/Schemas/{ENTERPRISE}", headers=headers)
    assert "manager" in {a["name"] for a in enterprise.json()["attributes"]}
    scim_error(await tenant.client.get(f"{BASE}/Schemas/urn:nope", headers=headers), 404)

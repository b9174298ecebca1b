"""Programs through REST: creation, managers, settings, updates, visibility and tenancy."""

import uuid

from tests.api.programs_support import (
    PROGRAMS,
    add_objective,
    create_program,
    get_program,
    move_to,
    program_manager,
    url,
    versioned,
)
from tests.conftest import Tenant, problem


async def test_create_and_get_program_with_defaults(tenant: Tenant) -> None:
    response = await tenant.client.post(
        PROGRAMS,
        json={"name": "Digital fluency", "description": "Juniors coach the executive board."},
        headers=tenant.admin,
    )
    assert response.status_code == 201, response.text
    program = response.json()
    assert response.headers["location"] == f"{PROGRAMS}/{program['id']}"
    assert response.headers["etag"] == '"1"'
    assert program["status"] == "draft"
    assert program["kind"] == "reverse"
    assert program["version"] == 1
    assert program["default_mentor_capacity"] == 1
    assert program["manager_ids"] == []  # an API key is nobody
    assert program["enrolling_waiver"] is None
    settings = program["matching_settings"]
    assert settings["reverse"] == {"hard": True, "weight": 0.2, "min_seniority_gap": 1}
    assert settings["minimum_score"] == 0.5
    assert settings["modes"] == ["automatic"]
    assert await get_program(tenant, program) == program


async def test_guidance_fields_round_trip(tenant: Tenant) -> None:
    program = await create_program(
        tenant,
        kind="peer",
        cadence_days=14,
        meeting_minutes=45,
        default_mentor_capacity=2,
        matching_settings={"minimum_score": 0.7, "modes": ["manual", "automatic"]},
    )
    assert (program["cadence_days"], program["meeting_minutes"]) == (14, 45)
    assert program["default_mentor_capacity"] == 2
    assert program["matching_settings"]["minimum_score"] == 0.7
    assert program["matching_settings"]["modes"] == ["manual", "automatic"]
    # Members left out take their defaults.
    assert program["matching_settings"]["diversity"]["weight"] == 0.1


async def test_matching_defaults_depend_on_kind(tenant: Tenant) -> None:
    traditional = await create_program(tenant, kind="traditional")
    reverse = await create_program(tenant)
    assert traditional["matching_settings"]["reverse"]["hard"] is False
    assert traditional["matching_settings"]["reverse"]["weight"] == 0
    assert reverse["matching_settings"]["reverse"]["hard"] is True


async def test_invalid_programs_name_their_fields(tenant: Tenant) -> None:
    async def fields_of(body: dict[str, object], status: int = 422) -> set[str]:
        response = await tenant.client.post(PROGRAMS, json=body, headers=tenant.admin)
        return {e["field"] for e in problem(response, status)["errors"]}

    # An end before the start: a business rule across fields (409).
    body = problem(
        await tenant.client.post(
            PROGRAMS,
            json={"name": "X", "starts_on": "2027-03-01", "ends_on": "2027-02-28"},
            headers=tenant.admin,
        ),
        409,
    )
    assert body["errors"] == [
        {"field": "ends_on", "message": "must be on or after starts_on", "type": "date_order"}
    ]
    assert await fields_of({"name": "", "kind": "mystery", "cadence_days": 0}) == {
        "name",
        "kind",
        "cadence_days",
    }
    assert await fields_of({"name": "X", "status": "active"}) == {"status"}
    assert await fields_of(
        {"name": "X", "matching_settings": {"mutual_learning": {"weight": 2}}}
    ) == {"matching_settings.mutual_learning.weight"}
    assert await fields_of({"name": "X", "matching_settings": {"modes": []}}) == {
        "matching_settings.modes"
    }
    assert await fields_of({"name": "X", "matching_settings": {"modes": ["manual", "manual"]}}) == {
        "matching_settings.modes"
    }
    zero = {
        name: {"weight": 0}
        for name in ("mutual_learning", "reverse", "mindset", "practical_fit", "diversity")
    }
    assert await fields_of({"name": "X", "matching_settings": zero}, 409) == {"matching_settings"}
    assert await fields_of({"name": "X", "matching_settings": {"surprise": 1}}) == {
        "matching_settings.surprise"
    }
    listed = await tenant.client.get(PROGRAMS, headers=tenant.admin)
    assert listed.json()["items"] == []


async def test_who_may_create(tenant: Tenant) -> None:
    employee = await tenant.employee()
    problem(
        await tenant.client.post(PROGRAMS, json={"name": "X"}, headers=tenant.as_user(employee)),
        403,
        "forbidden",
    )
    reader = await tenant.api_key("read")
    problem(await tenant.client.post(PROGRAMS, json={"name": "X"}, headers=reader), 403)
    writer = await tenant.api_key("programs:write")
    assert (await create_program(tenant, writer))["manager_ids"] == []


async def test_program_manager_runs_what_they_create(tenant: Tenant) -> None:
    manager, as_manager = await program_manager(tenant)
    colleague = await tenant.employee()
    mine = await create_program(tenant, as_manager)
    assert mine["manager_ids"] == [manager["id"]]
    # Naming others keeps the creator among the managers, first.
    shared = await create_program(tenant, as_manager, manager_ids=[colleague["id"]])
    assert shared["manager_ids"] == [manager["id"], colleague["id"]]
    # An administrator may hand a program over entirely.
    admin = await tenant.employee(role="admin")
    handed = await create_program(tenant, tenant.as_user(admin), manager_ids=[manager["id"]])
    assert handed["manager_ids"] == [manager["id"]]
    by_admin = await create_program(tenant, tenant.as_user(admin))
    assert by_admin["manager_ids"] == [admin["id"]]


async def test_managers_must_be_active_employees_of_the_organisation(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    active = await tenant.employee()
    inactive = await tenant.employee()
    await tenant.client.post(f"/api/v1/employees/{inactive['id']}/deactivate", headers=tenant.admin)
    foreign = await other_tenant.employee()
    response = await tenant.client.post(
        PROGRAMS,
        json={
            "name": "X",
            "manager_ids": [active["id"], inactive["id"], foreign["id"], str(uuid.uuid4())],
        },
        headers=tenant.admin,
    )
    body = problem(response, 409)
    assert [e["field"] for e in body["errors"]] == [
        "manager_ids.1",
        "manager_ids.2",
        "manager_ids.3",
    ]
    duplicate = await tenant.client.post(
        PROGRAMS, json={"name": "X", "manager_ids": [active["id"]] * 2}, headers=tenant.admin
    )
    assert problem(duplicate, 422)["errors"][0]["field"] == "manager_ids"


async def test_update_needs_the_current_version(tenant: Tenant) -> None:
    program = await create_program(tenant)
    target = url(program)
    problem(await tenant.client.patch(target, json={"name": "Y"}, headers=tenant.admin), 428)
    stale = await tenant.client.patch(
        target, json={"name": "Y"}, headers=versioned(tenant.admin, 9)
    )
    assert problem(stale, 412, "version_mismatch")["current_version"] == 1

    ok = await tenant.client.patch(
        target,
        json={"name": "Fluency", "cadence_days": 21, "description": None},
        headers=versioned(tenant.admin, 1),
    )
    assert ok.status_code == 200, ok.text
    assert ok.headers["etag"] == '"2"'
    assert (ok.json()["name"], ok.json()["cadence_days"], ok.json()["version"]) == (
        "Fluency",
        21,
        2,
    )
    same = await tenant.client.patch(
        target, json={"name": "Fluency"}, headers=versioned(tenant.admin, 2)
    )
    assert same.json()["version"] == 2


async def test_update_rules(tenant: Tenant) -> None:
    program = await create_program(tenant, starts_on="2027-01-04", ends_on="2027-06-30")
    target = url(program)
    before_start = await tenant.client.patch(
        target, json={"ends_on": "2026-12-31"}, headers=versioned(tenant.admin, 1)
    )
    assert problem(before_start, 409)["errors"][0]["field"] == "ends_on"
    cleared = await tenant.client.patch(
        target,
        json={"name": None, "matching_settings": None},
        headers=versioned(tenant.admin, 1),
    )
    assert {e["field"] for e in problem(cleared, 422)["errors"]} == {"name", "matching_settings"}
    settings = await tenant.client.patch(
        target,
        json={"matching_settings": {"minimum_score": 0.8}, "kind": "peer"},
        headers=versioned(tenant.admin, 1),
    )
    assert settings.status_code == 200, settings.text
    # The whole document is replaced: members left out return to their defaults.
    assert settings.json()["matching_settings"]["minimum_score"] == 0.8
    assert settings.json()["kind"] == "peer"
    assert (await get_program(tenant, program))["version"] == 2


async def test_managers_can_be_replaced_and_run_the_program(tenant: Tenant) -> None:
    first, as_first = await program_manager(tenant)
    helper = await tenant.employee()  # a plain employee named manager runs this program
    program = await create_program(tenant, as_first)
    added = await tenant.client.patch(
        url(program),
        json={"manager_ids": [first["id"], helper["id"]]},
        headers=versioned(as_first, 1),
    )
    assert added.status_code == 200, added.text
    assert added.json()["manager_ids"] == [first["id"], helper["id"]]
    assert added.json()["version"] == 2

    outsider = await tenant.client.patch(
        url(program), json={"manager_ids": [str(uuid.uuid4())]}, headers=versioned(as_first, 2)
    )
    assert problem(outsider, 409)["errors"][0]["field"] == "manager_ids.0"
    handed_over = await tenant.client.patch(
        url(program),
        json={"manager_ids": [helper["id"]], "name": "Handed over"},
        headers=versioned(tenant.as_user(helper), 2),
    )
    assert handed_over.status_code == 200, handed_over.text
    assert handed_over.json()["manager_ids"] == [helper["id"]]
    # The former manager sees the draft no more and cannot change it.
    problem(await tenant.client.get(url(program), headers=as_first), 404, "program_not_found")


async def test_only_managers_change_a_program(tenant: Tenant) -> None:
    _owner, as_owner = await program_manager(tenant)
    _other, as_other = await program_manager(tenant)
    program = await create_program(tenant, as_owner)
    await move_to(tenant, program, "consultation")
    # Another program manager sees the program but does not run it.
    assert (await get_program(tenant, program, as_other))["id"] == program["id"]
    denied = await tenant.client.patch(
        url(program), json={"name": "Mine"}, headers=versioned(as_other, 2)
    )
    problem(denied, 403, "not_program_manager")
    reader = await tenant.api_key("read")
    problem(
        await tenant.client.patch(url(program), json={"name": "R"}, headers=versioned(reader, 2)),
        403,
    )
    writer = await tenant.api_key("programs:write")
    ok = await tenant.client.patch(url(program), json={"name": "W"}, headers=versioned(writer, 2))
    assert ok.json()["name"] == "W"


async def test_what_employees_see(tenant: Tenant) -> None:
    manager, as_manager = await program_manager(tenant)
    employee = await tenant.employee()
    as_employee = tenant.as_user(employee)
    draft = await create_program(tenant, as_manager, name="Draft")
    running = await create_program(tenant, as_manager, name="Running")
    await move_to(tenant, running, "consultation")

    async def listed(headers: dict[str, str]) -> list[str]:
        response = await tenant.client.get(PROGRAMS, headers=headers)
        assert response.status_code == 200, response.text
        return [p["id"] for p in response.json()["items"]]

    assert await listed(as_employee) == [running["id"]]
    problem(await tenant.client.get(url(draft), headers=as_employee), 404, "program_not_found")
    assert await listed(as_manager) == [draft["id"], running["id"]]
    assert await listed(await tenant.api_key("read")) == [draft["id"], running["id"]]
    assert (await get_program(tenant, running, as_employee))["manager_ids"] == [manager["id"]]
    hris = await tenant.api_key("hris:sync")
    problem(await tenant.client.get(PROGRAMS, headers=hris), 403)

    # Archiving publishes nothing: an archived draft stays hidden, an archived program that
    # ran stays visible to the people who took part.
    await move_to(tenant, draft, "archived")
    await move_to(tenant, running, "archived")
    assert await listed(as_employee) == [running["id"]]
    problem(await tenant.client.get(url(draft), headers=as_employee), 404, "program_not_found")
    assert await listed(as_manager) == [draft["id"], running["id"]]


async def test_list_pages_and_filters(tenant: Tenant) -> None:
    created = [await create_program(tenant, name=f"P{i}") for i in range(5)]
    peer = await create_program(tenant, name="Peer", kind="peer")
    await move_to(tenant, created[1], "consultation")
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await tenant.client.get(PROGRAMS, params=params, headers=tenant.admin)).json()
        seen += [p["id"] for p in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == [p["id"] for p in [*created, peer]]

    async def ids(**params: str) -> list[str]:
        response = await tenant.client.get(PROGRAMS, params=params, headers=tenant.admin)
        assert response.status_code == 200, response.text
        return [p["id"] for p in response.json()["items"]]

    assert await ids(status="consultation") == [created[1]["id"]]
    assert await ids(kind="peer") == [peer["id"]]
    assert await ids(kind="peer", status="consultation") == []
    problem(
        await tenant.client.get(PROGRAMS, params={"status": "asleep"}, headers=tenant.admin), 422
    )


async def test_archived_programs_are_read_only(tenant: Tenant) -> None:
    program = await create_program(tenant)
    await add_objective(tenant, program)
    archived = await tenant.client.post(url(program, "archive"), headers=tenant.admin)
    assert archived.status_code == 200, archived.text
    assert archived.json()["status"] == "archived"
    version = archived.json()["version"]
    problem(
        await tenant.client.patch(
            url(program), json={"name": "Z"}, headers=versioned(tenant.admin, version)
        ),
        409,
        "program_archived",
    )
    problem(
        await tenant.client.post(
            url(program, "objectives"),
            json={"title": "T", "category": "culture"},
            headers=tenant.admin,
        ),
        409,
        "program_archived",
    )
    again = problem(await tenant.client.post(url(program, "archive"), headers=tenant.admin), 409)
    assert again["allowed_transitions"] == []
    # Archived programs stay readable.
    assert (await get_program(tenant, program))["status"] == "archived"


async def test_other_organisations_programs_do_not_exist(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    program = await create_program(tenant)
    objective = await add_objective(tenant, program)
    theirs = other_tenant.admin
    for method, path, body in (
        ("GET", url(program), None),
        ("PATCH", url(program), {"name": "Mine"}),
        ("POST", url(program, "transitions"), {"to": "consultation"}),
        ("POST", url(program, "archive"), None),
        ("GET", url(program, "overview"), None),
        ("GET", url(program, "objectives"), None),
        ("POST", url(program, "objectives"), {"title": "T", "category": "culture"}),
        ("GET", url(program, "objectives", objective["id"]), None),
        ("DELETE", url(program, "objectives", objective["id"]), None),
        ("GET", url(program, "consultation"), None),
        (
            "POST",
            url(program, "consultation"),
            {"question": "Why?", "deadline": "2099-01-01T00:00:00Z"},
        ),
    ):
        response = await other_tenant.client.request(
            method, path, json=body, headers=versioned(theirs, 1)
        )
        problem(response, 404, "program_not_found")
    listed = await other_tenant.client.get(PROGRAMS, headers=theirs)
    assert listed.json()["items"] == []
    assert (await get_program(tenant, program))["version"] == 1

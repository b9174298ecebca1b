"""Objectives through REST: content, validation, order, versions and the freeze once active."""

import json
from typing import Any

from tests.api.programs_support import (
    add_objective,
    create_program,
    move_to,
    program_manager,
    ready_to_enroll,
    url,
    versioned,
)
from tests.conftest import Tenant, problem

INDICATOR = {"name": "Weekly active users of the suite", "target_value": 80, "unit": "%"}


async def listed(tenant: Tenant, program: dict[str, Any], **params: Any) -> list[dict[str, Any]]:
    response = await tenant.client.get(
        url(program, "objectives"), params=params, headers=tenant.admin
    )
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def test_create_and_read_objectives(tenant: Tenant) -> None:
    program = await create_program(tenant)
    response = await tenant.client.post(
        url(program, "objectives"),
        json={
            "title": "Executives use generative AI daily",
            "category": "technology_skills",
            "description": "Start with meeting summaries.",
            "success_indicators": [INDICATOR | {"baseline": 12.5}],
            "topic_tags": ["Generative AI", "generative-ai", "Prompting"],
            "priority": 1,
        },
        headers=tenant.admin,
    )
    assert response.status_code == 201, response.text
    first = response.json()
    assert response.headers["location"] == url(program, "objectives", first["id"])
    assert response.headers["etag"] == '"1"'
    assert first["topic_tags"] == ["generative-ai", "prompting"]
    assert first["success_indicators"] == [INDICATOR | {"baseline": 12.5}]
    assert (first["position"], first["priority"], first["program_id"]) == (1, 1, program["id"])
    second = await add_objective(
        tenant, program, title="Inclusive hiring", category="diversity_inclusion"
    )
    assert second["position"] == 2
    assert second["priority"] == 3
    assert second["success_indicators"] == []
    got = await tenant.client.get(url(program, "objectives", first["id"]), headers=tenant.admin)
    assert got.json() == first
    assert [o["id"] for o in await listed(tenant, program)] == [first["id"], second["id"]]


async def test_unknown_category_names_the_allowed_values(tenant: Tenant) -> None:
    program = await create_program(tenant)
    response = await tenant.client.post(
        url(program, "objectives"),
        json={"title": "T", "category": "wellbeing"},
        headers=tenant.admin,
    )
    error = problem(response, 422, "validation_failed")["errors"][0]
    assert error["field"] == "category"
    for allowed in (
        "digital_transformation",
        "diversity_inclusion",
        "technology_skills",
        "culture",
        "custom",
    ):
        assert allowed in error["message"]


async def test_invalid_objectives_name_their_fields(tenant: Tenant) -> None:
    program = await create_program(tenant)

    async def fields_of(body: dict[str, Any]) -> set[str]:
        response = await tenant.client.post(
            url(program, "objectives"), json=body, headers=tenant.admin
        )
        return {e["field"] for e in problem(response, 422)["errors"]}

    base = {"title": "T", "category": "culture"}
    assert await fields_of(base | {"success_indicators": [{"name": "N", "target_value": 1}]}) == {
        "success_indicators.0.unit"
    }
    assert await fields_of(base | {"topic_tags": ["ok", "not a tag!"]}) == {"topic_tags.1"}
    not_finite = {"name": "N", "target_value": 1, "unit": "%", "baseline": float("inf")}
    response = await tenant.client.post(
        url(program, "objectives"),
        content=json.dumps(base | {"success_indicators": [not_finite]}),
        headers=tenant.admin | {"Content-Type": "application/json"},
    )
    assert {e["field"] for e in problem(response, 422)["errors"]} == {
        "success_indicators.0.baseline"
    }
    assert await fields_of(base | {"priority": 0, "title": ""}) == {"priority", "title"}
    assert await listed(tenant, program) == []


async def test_update_needs_the_version(tenant: Tenant) -> None:
    program = await create_program(tenant)
    objective = await add_objective(tenant, program)
    target = url(program, "objectives", objective["id"])
    problem(await tenant.client.patch(target, json={"priority": 2}, headers=tenant.admin), 428)
    problem(
        await tenant.client.patch(target, json={"priority": 2}, headers=versioned(tenant.admin, 4)),
        412,
    )
    ok = await tenant.client.patch(
        target,
        json={"priority": 2, "topic_tags": ["Accessibility"], "success_indicators": [INDICATOR]},
        headers=versioned(tenant.admin, 1),
    )
    assert ok.status_code == 200, ok.text
    assert (ok.json()["priority"], ok.json()["topic_tags"], ok.json()["version"]) == (
        2,
        ["accessibility"],
        2,
    )
    assert ok.json()["success_indicators"] == [INDICATOR | {"baseline": None}]
    cleared = await tenant.client.patch(
        target, json={"title": None, "category": None}, headers=versioned(tenant.admin, 2)
    )
    assert {e["field"] for e in problem(cleared, 422)["errors"]} == {"title", "category"}
    bad = await tenant.client.patch(
        target, json={"category": "sports"}, headers=versioned(tenant.admin, 2)
    )
    assert "digital_transformation" in problem(bad, 422)["errors"][0]["message"]


async def test_reorder_and_delete(tenant: Tenant) -> None:
    program = await create_program(tenant)
    a, b, c = [await add_objective(tenant, program, title=t) for t in "ABC"]
    reorder = url(program, "objectives", "reorder")
    response = await tenant.client.post(
        reorder, json={"objective_ids": [c["id"], a["id"], b["id"]]}, headers=tenant.admin
    )
    assert response.status_code == 200, response.text
    assert [(o["title"], o["position"]) for o in response.json()] == [("C", 1), ("A", 2), ("B", 3)]
    assert [o["title"] for o in await listed(tenant, program)] == ["C", "A", "B"]
    page = await listed(tenant, program, limit=2)
    assert [o["title"] for o in page] == ["C", "A"]

    # A repeat does not fit the schema (unique items); a list that is not the program's
    # objectives breaks a business rule.
    for wrong, status in (
        ([a["id"], b["id"]], 409),
        ([a["id"], a["id"], b["id"]], 422),
        ([a["id"], b["id"], program["id"]], 409),
    ):
        body = problem(
            await tenant.client.post(reorder, json={"objective_ids": wrong}, headers=tenant.admin),
            status,
        )
        assert body["errors"][0]["field"] == "objective_ids"

    deleted = await tenant.client.delete(url(program, "objectives", a["id"]), headers=tenant.admin)
    assert deleted.status_code == 204
    assert [o["title"] for o in await listed(tenant, program)] == ["C", "B"]
    problem(
        await tenant.client.get(url(program, "objectives", a["id"]), headers=tenant.admin),
        404,
        "objective_not_found",
    )
    stale = await tenant.client.delete(
        url(program, "objectives", b["id"]), headers=versioned(tenant.admin, 1)
    )
    problem(stale, 412)  # the reorder moved B, which changed its version


async def test_objectives_are_frozen_once_active(tenant: Tenant) -> None:
    program = await ready_to_enroll(tenant)
    objective = (await listed(tenant, program))[0]
    await move_to(tenant, program, "enrolling", "matching")
    # Still editable while matching.
    matching = await tenant.client.patch(
        url(program, "objectives", objective["id"]),
        json={"priority": 1},
        headers=versioned(tenant.admin, objective["version"]),
    )
    assert matching.status_code == 200, matching.text
    await move_to(tenant, program, "active")
    target = url(program, "objectives", objective["id"])
    attempts = [
        await tenant.client.post(
            url(program, "objectives"),
            json={"title": "T", "category": "culture"},
            headers=tenant.admin,
        ),
        await tenant.client.patch(target, json={"priority": 5}, headers=versioned(tenant.admin, 2)),
        await tenant.client.delete(target, headers=tenant.admin),
        await tenant.client.post(
            url(program, "objectives", "reorder"),
            json={"objective_ids": [objective["id"]]},
            headers=tenant.admin,
        ),
    ]
    for response in attempts:
        body = problem(response, 409, "objectives_locked")
        assert body["current_status"] == "active"
    assert [(o["priority"], o["version"]) for o in await listed(tenant, program)] == [(1, 2)]


async def test_objectives_belong_to_their_program(tenant: Tenant) -> None:
    first = await create_program(tenant)
    second = await create_program(tenant)
    objective = await add_objective(tenant, first)
    problem(
        await tenant.client.get(url(second, "objectives", objective["id"]), headers=tenant.admin),
        404,
        "objective_not_found",
    )
    problem(
        await tenant.client.patch(
            url(second, "objectives", objective["id"]),
            json={"priority": 1},
            headers=versioned(tenant.admin, 1),
        ),
        404,
    )


async def test_employees_read_and_managers_write(tenant: Tenant) -> None:
    _owner, as_owner = await program_manager(tenant)
    program = await create_program(tenant, as_owner)
    objective = await add_objective(tenant, program, as_owner)
    employee = tenant.as_user(await tenant.employee())
    # A draft's objectives are as invisible as the draft.
    problem(await tenant.client.get(url(program, "objectives"), headers=employee), 404)
    await move_to(tenant, program, "consultation")
    seen = await tenant.client.get(url(program, "objectives"), headers=employee)
    assert [o["id"] for o in seen.json()["items"]] == [objective["id"]]
    problem(
        await tenant.client.post(
            url(program, "objectives"), json={"title": "T", "category": "culture"}, headers=employee
        ),
        403,
        "not_program_manager",
    )
    problem(
        await tenant.client.delete(url(program, "objectives", objective["id"]), headers=employee),
        403,
    )


async def test_a_program_has_at_most_fifty_objectives(tenant: Tenant) -> None:
    program = await create_program(tenant)
    for i in range(50):
        await add_objective(tenant, program, title=f"Objective {i}")
    response = await tenant.client.post(
        url(program, "objectives"),
        json={"title": "One more", "category": "custom"},
        headers=tenant.admin,
    )
    problem(response, 409, "objective_limit_reached")

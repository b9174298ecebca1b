"""The program lifecycle through REST: legal moves, enrolling conditions, waivers, events."""

import asyncio

from tests.api.programs_support import (
    add_objective,
    close_consultation,
    create_program,
    events_of,
    get_program,
    move_to,
    open_consultation,
    program_manager,
    ready_to_enroll,
    transition,
    url,
    versioned,
)
from tests.conftest import Tenant, problem


async def test_illegal_moves_name_the_allowed_ones(tenant: Tenant) -> None:
    program = await create_program(tenant)
    body = problem(await transition(tenant, program, "active"), 409, "illegal_transition")
    assert body["allowed_transitions"] == ["consultation", "archived"]
    assert body["current_status"] == "draft"
    same = problem(await transition(tenant, program, "draft"), 409, "illegal_transition")
    assert same["allowed_transitions"] == ["consultation", "archived"]
    await move_to(tenant, program, "consultation")
    back = problem(await transition(tenant, program, "draft"), 409, "illegal_transition")
    assert back["allowed_transitions"] == ["enrolling", "archived"]
    problem(await transition(tenant, program, "paused"), 422, "validation_failed")
    assert (await get_program(tenant, program))["status"] == "consultation"


async def test_the_whole_lifecycle_is_announced(tenant: Tenant) -> None:
    program = await ready_to_enroll(tenant)
    assert program["status"] == "consultation"
    final = await move_to(tenant, program, "enrolling", "matching", "active", "completed")
    assert final["status"] == "completed"
    assert final["enrolling_waiver"] is None
    assert final["status_changed_at"] is not None
    body = problem(await transition(tenant, program, "active"), 409)
    assert body["allowed_transitions"] == ["archived"]
    archived = await move_to(tenant, program, "archived")
    assert problem(await transition(tenant, program, "draft"), 409)["allowed_transitions"] == []

    events = await events_of(tenant, program["id"], "program.")
    assert [(e.data["from"], e.data["to"]) for e in events] == [
        ("draft", "consultation"),
        ("consultation", "enrolling"),
        ("enrolling", "matching"),
        ("matching", "active"),
        ("active", "completed"),
        ("completed", "archived"),
    ]
    assert {e.type for e in events} == {"program.status_changed"}
    assert events[-1].data["program"]["version"] == archived["version"]
    assert events[-1].actor is not None
    assert events[-1].actor.startswith("api_key:")


async def test_any_stage_can_be_archived(tenant: Tenant) -> None:
    stages = ["draft", "consultation", "enrolling", "matching", "active", "completed"]
    for stage in stages:
        if stage == "draft":
            program = await create_program(tenant)
        else:
            program = await ready_to_enroll(tenant)  # in consultation
            await move_to(tenant, program, *stages[2 : stages.index(stage) + 1])
        assert (await get_program(tenant, program))["status"] == stage
        archived = await tenant.client.post(url(program, "archive"), headers=tenant.admin)
        assert archived.status_code == 200, (stage, archived.text)
        assert archived.json()["status"] == "archived"


async def test_enrolling_needs_an_objective_and_a_closed_consultation(tenant: Tenant) -> None:
    program = await create_program(tenant)
    await move_to(tenant, program, "consultation")
    body = problem(
        await transition(tenant, program, "enrolling"), 409, "enrolling_conditions_unmet"
    )
    assert body["unmet_conditions"] == ["objective_missing", "consultation_not_closed"]

    await add_objective(tenant, program)
    await open_consultation(tenant, program)
    body = problem(await transition(tenant, program, "enrolling"), 409)
    assert body["unmet_conditions"] == ["consultation_not_closed"]

    assert (await close_consultation(tenant, program)).status_code == 200
    assert (await move_to(tenant, program, "enrolling"))["status"] == "enrolling"
    assert len(await events_of(tenant, program["id"], "program.")) == 2


async def test_closed_consultation_without_objective_is_not_enough(tenant: Tenant) -> None:
    program = await create_program(tenant)
    await open_consultation(tenant, program)
    assert (await close_consultation(tenant, program)).status_code == 200
    body = problem(await transition(tenant, program, "enrolling"), 409)
    assert body["unmet_conditions"] == ["objective_missing"]


async def test_an_administrator_can_waive_the_conditions(tenant: Tenant) -> None:
    _manager, as_manager = await program_manager(tenant)
    program = await create_program(tenant, as_manager)
    await move_to(tenant, program, "consultation")

    denied = await transition(
        tenant, program, "enrolling", as_manager, waiver_reason="The board wants to start now."
    )
    problem(denied, 403, "waiver_forbidden")
    writer = await tenant.api_key("programs:write")
    problem(
        await transition(tenant, program, "enrolling", writer, waiver_reason="Urgent start."),
        403,
        "waiver_forbidden",
    )
    wrong_stage = await transition(tenant, program, "archived", waiver_reason="Not needed here.")
    assert problem(wrong_stage, 409)["errors"][0]["field"] == "waiver_reason"

    admin = await tenant.employee(role="admin")
    waived = await transition(
        tenant,
        program,
        "enrolling",
        tenant.as_user(admin),
        waiver_reason="Objectives come from last year's pilot.",
    )
    assert waived.status_code == 200, waived.text
    waiver = waived.json()["enrolling_waiver"]
    assert waiver["reason"] == "Objectives come from last year's pilot."
    assert waiver["waived_by"] == f"employee:{admin['id']}"
    assert waiver["waived_at"]
    events = await events_of(tenant, program["id"], "program.")
    assert events[-1].data["waived"] is True
    assert events[-1].data["program"]["enrolling_waiver"]["reason"] == waiver["reason"]
    # The manager still runs the program afterwards.
    moved = await transition(tenant, program, "matching", as_manager)
    assert moved.status_code == 200, moved.text
    assert moved.json()["enrolling_waiver"] == waiver


async def test_a_waiver_is_recorded_only_when_used(tenant: Tenant) -> None:
    program = await ready_to_enroll(tenant)
    moved = await transition(tenant, program, "enrolling", waiver_reason="Just in case.")
    assert moved.status_code == 200, moved.text
    assert moved.json()["enrolling_waiver"] is None


async def test_transitions_are_for_managers(tenant: Tenant) -> None:
    _owner, as_owner = await program_manager(tenant)
    program = await create_program(tenant, as_owner)
    await move_to(tenant, program, "consultation")
    employee = await tenant.employee()
    problem(
        await transition(tenant, program, "archived", tenant.as_user(employee)),
        403,
        "not_program_manager",
    )
    problem(
        await tenant.client.post(url(program, "archive"), headers=tenant.as_user(employee)),
        403,
    )
    assert (await transition(tenant, program, "archived", as_owner)).status_code == 200


async def test_transition_honours_if_match(tenant: Tenant) -> None:
    program = await create_program(tenant)
    stale = await transition(tenant, program, "consultation", versioned(tenant.admin, 5))
    assert problem(stale, 412, "version_mismatch")["current_version"] == 1
    ok = await transition(tenant, program, "consultation", versioned(tenant.admin, 1))
    assert ok.status_code == 200
    assert ok.headers["etag"] == '"2"'


async def test_concurrent_transitions_move_once(tenant: Tenant) -> None:
    program = await create_program(tenant)
    responses = await asyncio.gather(
        *(transition(tenant, program, "consultation") for _ in range(6))
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(200) == 1, statuses
    assert set(statuses) <= {200, 409, 412}, statuses
    assert len(await events_of(tenant, program["id"], "program.")) == 1
    assert (await get_program(tenant, program))["version"] == 2

"""Pairs through REST: manual pairing, seats under races, visibility, lifecycle, audit."""

import asyncio
import uuid

from tests.api.pairs_support import PAIRS, enrol, make_pair, pair_url, versioned
from tests.api.programs_support import create_program, events_of, program_manager
from tests.conftest import Tenant, problem


async def test_manager_pairs_a_mentor_and_a_mentee(tenant: Tenant) -> None:
    setup = await make_pair(tenant, activate=False)
    pair = setup.pair
    assert pair["status"] == "proposed"
    assert pair["origin"] == "manual"
    assert pair["mentor_employee_id"] == setup.mentor_employee["id"]
    assert pair["mentee_employee_id"] == setup.mentee_employee["id"]
    assert pair["agreement"] is None
    assert pair["health"] is None
    assert pair["version"] == 1
    response = await setup.get(headers=setup.mentee)
    assert response.status_code == 200
    assert response.headers["etag"] == '"1"'
    assert response.json() == pair
    assert [e.type for e in await events_of(tenant, pair["id"])] == ["pair.created"]


async def test_pairing_refuses_a_second_pair_for_a_mentee_and_a_full_mentor(
    tenant: Tenant,
) -> None:
    setup = await make_pair(tenant)
    program = setup.program
    other_mentor = await tenant.employee()
    other_mentee = await tenant.employee()
    other_mentor_id = await enrol(tenant, program, other_mentor, "mentor")
    other_mentee_id = await enrol(tenant, program, other_mentee, "mentee")
    base = f"/api/v1/programs/{program['id']}/pairs"
    pair = setup.pair
    problem(
        await tenant.client.post(
            base,
            json={
                "mentor_participant_id": other_mentor_id,
                "mentee_participant_id": pair["mentee_participant_id"],
            },
            headers=setup.manager,
        ),
        409,
        "mentee_paired",
    )
    problem(
        await tenant.client.post(
            base,
            json={
                "mentor_participant_id": pair["mentor_participant_id"],
                "mentee_participant_id": other_mentee_id,
            },
            headers=setup.manager,
        ),
        409,
        "mentor_full",
    )
    # Ending the pair gives the seats back; the same two are not paired again.
    assert (await setup.move("ended_early", reason="schedule")).status_code == 200
    again = await tenant.client.post(
        base,
        json={
            "mentor_participant_id": pair["mentor_participant_id"],
            "mentee_participant_id": pair["mentee_participant_id"],
        },
        headers=setup.manager,
    )
    assert problem(again, 409, "pair_ineligible")["reason"] == "they were paired before"
    freed = await tenant.client.post(
        base,
        json={
            "mentor_participant_id": pair["mentor_participant_id"],
            "mentee_participant_id": other_mentee_id,
        },
        headers=setup.manager,
    )
    assert freed.status_code == 201, freed.text
    assert freed.json()["explanation"]["reasons"]  # scored and explained like a proposal


async def test_pairing_checks_the_participants(tenant: Tenant) -> None:
    _person, manager = await program_manager(tenant)
    program = await create_program(tenant, manager)
    elsewhere = await create_program(tenant, manager, name="Another program")
    mentor = await enrol(tenant, program, await tenant.employee(), "mentor")
    pending = await enrol(tenant, program, await tenant.employee(), "mentee", status="pending")
    stranger = await enrol(tenant, elsewhere, await tenant.employee(), "mentee")
    mentee = await enrol(tenant, program, await tenant.employee(), "mentee")
    base = f"/api/v1/programs/{program['id']}/pairs"

    async def pair(mentor_id: str, mentee_id: str) -> object:
        return await tenant.client.post(
            base,
            json={"mentor_participant_id": mentor_id, "mentee_participant_id": mentee_id},
            headers=manager,
        )

    problem(await pair(mentor, pending), 409, "participant_not_approved")  # type: ignore[arg-type]
    body = problem(await pair(mentor, stranger), 409)  # type: ignore[arg-type]
    assert body["errors"][0]["field"] == "mentee_participant_id"
    problem(await pair(mentee, mentor), 409, "pair_roles")  # type: ignore[arg-type]
    problem(await pair(mentor, str(uuid.uuid4())), 409)  # type: ignore[arg-type]


async def test_only_managers_pair_people(tenant: Tenant) -> None:
    _person, manager = await program_manager(tenant)
    program = await create_program(tenant, manager)
    mentor = await enrol(tenant, program, await tenant.employee(seniority_level=1), "mentor")
    mentee = await enrol(tenant, program, await tenant.employee(seniority_level=5), "mentee")
    body = {"mentor_participant_id": mentor, "mentee_participant_id": mentee}
    base = f"/api/v1/programs/{program['id']}/pairs"
    _other, other_manager = await program_manager(tenant)
    # A draft is hidden from those who do not run it.
    problem(await tenant.client.post(base, json=body, headers=other_manager), 404)
    read_key = await tenant.api_key("read")
    problem(await tenant.client.post(base, json=body, headers=read_key), 403)
    assert (await tenant.client.post(base, json=body, headers=tenant.admin)).status_code == 201


async def test_concurrent_pairings_of_one_mentee_make_one_pair(tenant: Tenant) -> None:
    _person, manager = await program_manager(tenant)
    program = await create_program(tenant, manager)
    mentee = await enrol(tenant, program, await tenant.employee(seniority_level=5), "mentee")
    mentors = [
        await enrol(tenant, program, await tenant.employee(seniority_level=1), "mentor")
        for _ in range(4)
    ]
    base = f"/api/v1/programs/{program['id']}/pairs"
    responses = await asyncio.gather(
        *(
            tenant.client.post(
                base,
                json={"mentor_participant_id": m, "mentee_participant_id": mentee},
                headers=manager,
            )
            for m in mentors
        )
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [201, 409, 409, 409], [r.text for r in responses]
    listed = await tenant.client.get(base, headers=manager)
    assert len(listed.json()["items"]) == 1


async def test_concurrent_pairings_respect_mentor_capacity(tenant: Tenant) -> None:
    _person, manager = await program_manager(tenant)
    program = await create_program(tenant, manager)
    mentor = await enrol(
        tenant, program, await tenant.employee(seniority_level=1), "mentor", capacity=2
    )
    mentees = [
        await enrol(tenant, program, await tenant.employee(seniority_level=5), "mentee")
        for _ in range(5)
    ]
    base = f"/api/v1/programs/{program['id']}/pairs"
    responses = await asyncio.gather(
        *(
            tenant.client.post(
                base,
                json={"mentor_participant_id": mentor, "mentee_participant_id": m},
                headers=manager,
            )
            for m in mentees
        )
    )
    assert sorted(r.status_code for r in responses) == [201, 201, 409, 409, 409]


async def test_pairs_are_visible_to_their_people_managers_admins_and_read_keys_only(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    setup = await make_pair(tenant)
    outsider = tenant.as_user(await tenant.employee())
    _other, other_manager = await program_manager(tenant)
    read_key = await tenant.api_key("read")
    write_key = await tenant.api_key("programs:write")
    for headers in (setup.mentor, setup.mentee, setup.manager, tenant.admin, write_key, read_key):
        assert (await setup.get(headers=headers)).status_code == 200
    for headers in (outsider, other_manager, other_tenant.admin):
        problem(await setup.get(headers=headers), 404, None)
        for part in ("session-logs", "progress", "goals"):
            problem(await setup.get(part, headers=headers), 404)
    # Lists show the same.
    for headers, expected in (
        (setup.mentor, 1),
        (setup.manager, 1),
        (tenant.admin, 1),
        (read_key, 1),
        (outsider, 0),
        (other_manager, 0),
    ):
        listed = await tenant.client.get(PAIRS, headers=headers)
        assert listed.status_code == 200
        assert len(listed.json()["items"]) == expected, headers


async def test_lists_filter_and_page(tenant: Tenant) -> None:
    first = await make_pair(tenant)
    program, manager = first.program, first.manager
    others = [await make_pair(tenant, program=program, manager=manager) for _ in range(3)]
    await others[0].move("paused")
    await make_pair(tenant)  # another program
    base = f"/api/v1/programs/{program['id']}/pairs"
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await tenant.client.get(base, params=params, headers=manager)).json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted([first.pair["id"], *(o.pair["id"] for o in others)])
    paused = await tenant.client.get(base, params={"status": "paused"}, headers=manager)
    assert [p["id"] for p in paused.json()["items"]] == [others[0].pair["id"]]
    everyone = await tenant.client.get(
        PAIRS, params={"program_id": program["id"]}, headers=tenant.admin
    )
    assert len(everyone.json()["items"]) == 4
    mine = await tenant.client.get(
        PAIRS, params={"employee_id": first.mentee_employee["id"]}, headers=tenant.admin
    )
    assert [p["id"] for p in mine.json()["items"]] == [first.pair["id"]]
    problem(await tenant.client.get(PAIRS, params={"cursor": "nope"}, headers=manager), 400)


async def test_lifecycle_moves_and_their_rules(tenant: Tenant) -> None:
    setup = await make_pair(tenant, activate=False)
    # The pair's people cannot activate a proposal.
    problem(await setup.move("active", setup.mentee), 403, "not_program_manager")
    problem(await setup.move("completed"), 409, "invalid_transition")
    moved = await setup.move("active")
    assert moved.status_code == 200
    assert moved.json()["started_on"] is not None
    assert (await setup.move("paused", setup.mentor)).json()["status"] == "paused"
    assert (await setup.move("active", setup.mentee)).json()["status"] == "active"
    body = problem(await setup.move("proposed"), 409, "invalid_transition")
    assert body["allowed_transitions"] == ["completed", "ended_early", "paused"]
    problem(await setup.move("ended_early"), 409)
    problem(await setup.move("completed", reason="other"), 409)
    problem(await setup.move("paused", tenant.as_user(await tenant.employee())), 404)
    ended = await setup.move("ended_early", setup.mentee, reason="mismatch", note="Not a fit.")
    assert ended.status_code == 200
    assert ended.json()["end_reason"] == "mismatch"
    assert ended.json()["ended_at"] is not None
    problem(await setup.move("active"), 409, "invalid_transition")
    types = [e.type for e in await events_of(tenant, setup.pair["id"])]
    assert types == ["pair.created"] + ["pair.status_changed"] * 4
    last = (await events_of(tenant, setup.pair["id"], "pair.status_changed"))[-1]
    assert last.data["from"] == "active"
    assert last.data["status"] == "ended_early"


async def test_transition_honours_if_match(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    stale = await setup.move("paused", versioned(setup.manager, 7))
    assert problem(stale, 412, "version_mismatch")["current_version"] == 1
    assert (await setup.move("paused", versioned(setup.manager, 1))).status_code == 200


async def test_manager_and_admin_reads_are_audited(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    await setup.get(headers=setup.mentor)
    await setup.get(headers=setup.manager)
    await setup.get("progress", headers=tenant.admin)
    await setup.get("session-logs", headers=setup.manager)
    entries = await tenant.client.get(
        "/api/v1/audit-log", params={"subject_id": setup.pair["id"]}, headers=tenant.admin
    )
    assert entries.status_code == 200, entries.text
    actions = sorted(e["action"] for e in entries.json()["items"])
    assert actions == ["pair.read", "pair_progress.read", "session_log.read"]


async def test_unknown_pair_is_not_found(tenant: Tenant) -> None:
    problem(await tenant.client.get(f"{PAIRS}/{uuid.uuid4()}", headers=tenant.admin), 404)
    problem(
        await tenant.client.post(
            pair_url({"id": str(uuid.uuid4())}, "transitions"),
            json={"to": "paused"},
            headers=tenant.admin,
        ),
        404,
    )


async def test_concurrent_moves_from_one_version_apply_once(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    url = pair_url(setup.pair, "transitions")
    responses = await asyncio.gather(
        tenant.client.post(url, json={"to": "paused"}, headers=versioned(setup.manager, 1)),
        tenant.client.post(
            url,
            json={"to": "ended_early", "reason": "other"},
            headers=versioned(setup.mentee, 1),
        ),
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 412], [r.text for r in responses]
    final = await setup.refresh()
    assert final["version"] == 2

"""A pair's agreement (acknowledged by both sides) and its goals, through REST."""

import uuid

from tests.api.pairs_support import make_pair, pair_url, versioned
from tests.api.programs_support import add_objective, create_program, events_of
from tests.conftest import Tenant, problem

AGREEMENT = {
    "format": "video",
    "cadence_days": 10,
    "channel": "Teams",
    "ground_rules": "Cameras on; we reschedule a day ahead.",
    "confidentiality": "What is said stays between us.",
    "starts_on": "2027-01-11",
}


async def test_agreement_is_written_then_acknowledged_by_each_side(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    url = pair_url(setup.pair, "agreement")
    problem(await tenant.client.put(url, json=AGREEMENT, headers=setup.mentor), 428)
    written = await tenant.client.put(url, json=AGREEMENT, headers=versioned(setup.mentor, 1))
    assert written.status_code == 200, written.text
    agreement = written.json()["agreement"]
    assert agreement["cadence_days"] == 10
    assert agreement["channel"] == "Teams"
    assert agreement["acknowledged"] is False
    version = written.json()["version"]
    ack = url + "/acknowledge"
    problem(await tenant.client.post(ack, headers=versioned(setup.mentee, version - 1)), 412)
    first = await tenant.client.post(ack, headers=versioned(setup.mentee, version))
    assert first.json()["agreement"]["mentee_acknowledged_at"] is not None
    assert first.json()["agreement"]["acknowledged"] is False
    both = await tenant.client.post(ack, headers=setup.mentor)
    assert both.json()["agreement"]["acknowledged"] is True
    # Editing asks both sides again.
    edited = await tenant.client.put(
        url,
        json=AGREEMENT | {"cadence_days": 7},
        headers=versioned(setup.mentee, both.json()["version"]),
    )
    assert edited.json()["agreement"]["mentor_acknowledged_at"] is None
    assert edited.json()["agreement"]["mentee_acknowledged_at"] is None
    assert edited.json()["agreement"]["acknowledged"] is False
    types = [e.type for e in await events_of(tenant, setup.pair["id"], "pair.agreement")]
    assert types == ["pair.agreement_updated"] * 2


async def test_agreement_is_the_pairs_own(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    url = pair_url(setup.pair, "agreement")
    for headers in (setup.manager, tenant.admin):
        problem(
            await tenant.client.put(url, json=AGREEMENT, headers=versioned(headers, 1)),
            403,
            "not_in_pair",
        )
    problem(
        await tenant.client.post(url + "/acknowledge", headers=setup.mentor), 409, "no_agreement"
    )
    bad = await tenant.client.put(
        url, json=AGREEMENT | {"cadence_days": 0, "extra": 1}, headers=versioned(setup.mentor, 1)
    )
    problem(bad, 422)
    await setup.move("completed")
    problem(
        await tenant.client.put(url, json=AGREEMENT, headers=versioned(setup.mentor, 2)),
        409,
        "pair_ended",
    )


async def test_goals_link_to_program_objectives(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    objective = await add_objective(tenant, setup.program)
    foreign = await add_objective(tenant, await create_program(tenant, name="Other"))
    url = pair_url(setup.pair, "goals")
    created = await tenant.client.post(
        url,
        json={
            "title": "Run a prompt workshop",
            "objective_id": objective["id"],
            "target_date": "2027-03-01",
        },
        headers=setup.mentee,
    )
    assert created.status_code == 201, created.text
    goal = created.json()
    assert goal["status"] == "not_started"
    assert goal["progress"] == 0
    assert created.headers["location"] == f"{url}/{goal['id']}"
    body = problem(
        await tenant.client.post(
            url, json={"title": "x", "objective_id": foreign["id"]}, headers=setup.mentor
        ),
        409,
    )
    assert body["errors"][0]["field"] == "objective_id"
    problem(
        await tenant.client.post(url, json={"title": "x", "progress": 101}, headers=setup.mentor),
        422,
    )
    problem(await tenant.client.post(url, json={"title": "x"}, headers=setup.manager), 403)
    goal_url = f"{url}/{goal['id']}"
    problem(await tenant.client.patch(goal_url, json={"progress": 50}, headers=setup.mentor), 428)
    updated = await tenant.client.patch(
        goal_url,
        json={"progress": 100, "status": "achieved"},
        headers=versioned(setup.mentor, goal["version"]),
    )
    assert updated.status_code == 200, updated.text
    assert (updated.json()["status"], updated.json()["progress"]) == ("achieved", 100)
    assert updated.headers["etag"] == '"2"'
    problem(
        await tenant.client.patch(
            goal_url, json={"progress": 10}, headers=versioned(setup.mentor, 1)
        ),
        412,
    )
    problem(
        await tenant.client.patch(
            goal_url, json={"status": None}, headers=versioned(setup.mentor, 2)
        ),
        422,
    )
    listed = await tenant.client.get(url, headers=setup.manager)
    assert [g["id"] for g in listed.json()["items"]] == [goal["id"]]
    assert (await tenant.client.get(goal_url, headers=tenant.admin)).json()["progress"] == 100
    problem(await tenant.client.get(f"{url}/{uuid.uuid4()}", headers=setup.mentor), 404)
    deleted = await tenant.client.delete(goal_url, headers=versioned(setup.mentee, 2))
    assert deleted.status_code == 204
    assert (await tenant.client.get(url, headers=setup.mentor)).json()["items"] == []

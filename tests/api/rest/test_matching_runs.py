"""Matching runs through REST: results, reasons, exclusions, review, races, determinism."""

import asyncio
import uuid
from typing import Any

from app.db.engine import unit_of_work
from app.domain.pairs.door import close_pair
from app.domain.pairs.models import EndReason, Pair, PairStatus
from tests.api.matching_support import enrolled, enrolling_program, proposals, run
from tests.api.programs_support import add_objective, events_of, program_manager, url, versioned
from tests.conftest import Tenant, problem

WANTS = {"generative-ai": 5}


async def senior(tenant: Tenant, **fields: Any) -> dict[str, Any]:
    return await tenant.employee(**({"seniority_level": 12, "birth_year": 1968} | fields))


async def junior(tenant: Tenant, **fields: Any) -> dict[str, Any]:
    return await tenant.employee(**({"seniority_level": 1, "birth_year": 2000} | fields))


async def mentee_of(tenant: Tenant, program: dict[str, Any], **profile: Any) -> dict[str, Any]:
    person = await senior(tenant, **profile.pop("employee", {}))
    fields: dict[str, Any] = {"learns": WANTS, "mindset": 5} | profile
    return await enrolled(tenant, program, person, "mentee", **fields)


async def mentor_of(tenant: Tenant, program: dict[str, Any], **profile: Any) -> dict[str, Any]:
    person = await junior(tenant, **profile.pop("employee", {}))
    fields: dict[str, Any] = {"teaches": WANTS, "mindset": 5} | profile
    return await enrolled(tenant, program, person, "mentor", **fields)


def reasons(body: dict[str, Any]) -> dict[str, str]:
    return {u["participant_id"]: u["reason"] for u in body["unmatched"]}


async def test_a_run_proposes_the_best_pairs_and_says_why_others_wait(tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    await add_objective(tenant, program, topic_tags=["generative-ai"])
    eager = await mentee_of(tenant, program)
    broad = await mentee_of(tenant, program, learns={"generative-ai": 5, "tiktok": 3})
    foreign = await mentee_of(tenant, program, languages=["ja"])
    mentor = await mentor_of(tenant, program, capacity=1)
    pending = await enrolled(tenant, program, await senior(tenant), "mentee", approve=False)

    response = await run(tenant, program)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "completed"
    assert body["progress"]["stage"] == "done"
    assert body["progress"]["pairs_to_score"] == body["progress"]["pairs_scored"] == 3 * 1
    assert not body["dry_run"]
    found = await proposals(tenant, program, body["id"])
    assert [(p["mentee_id"], p["mentor_id"]) for p in found] == [(eager["id"], mentor["id"])]
    explanation = found[0]["explanation"]
    assert "covers 1 of 1 wanted topics: generative-ai" in explanation["reasons"]
    assert "serves the program's objectives: generative-ai" in explanation["reasons"]
    assert explanation["eligible"]
    assert found[0]["score"] == explanation["score"] > 50
    assert set(explanation["components"]) >= {"learning", "reverse", "mindset", "practical"}
    assert reasons(body) == {
        broad["id"]: "partners_taken",
        foreign["id"]: "no_eligible_partner",
    }
    assert pending["id"] not in reasons(body)
    detail = {u["participant_id"]: u["detail"] for u in body["unmatched"]}
    assert detail[foreign["id"]] == "no eligible mentor"
    summary = body["summary"]
    assert summary["pairs"] == 1
    assert summary["unmatched"] == 2
    assert summary["mean_score"] == summary["min_score"] == found[0]["score"]
    assert summary["objective_topics_covered"] == ["generative-ai"]
    assert [e.type for e in await events_of(tenant, body["id"])] == ["matching_run.completed"]

    listed = await tenant.client.get(url(program, "matching-runs"), headers=tenant.admin)
    assert [r["id"] for r in listed.json()["items"]] == [body["id"]]
    got = await tenant.client.get(url(program, "matching-runs", body["id"]), headers=tenant.admin)
    assert got.json() == body


async def test_capacity_lets_a_mentor_take_several_mentees(tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    mentees = [await mentee_of(tenant, program) for _ in range(3)]
    mentor = await mentor_of(tenant, program, capacity=2)
    body = (await run(tenant, program)).json()
    found = await proposals(tenant, program, body["id"])
    assert len(found) == 2
    assert {p["mentor_id"] for p in found} == {mentor["id"]}
    assert len(reasons(body)) == 1
    assert set(reasons(body).values()) == {"partners_taken"}
    assert set(reasons(body)) < {m["id"] for m in mentees}


async def test_pairs_below_the_minimum_score_are_not_forced(tenant: Tenant) -> None:
    program = await enrolling_program(tenant, matching_settings={"minimum_score": 0.99})
    mentee = await mentee_of(tenant, program)
    mentor = await mentor_of(tenant, program, format="remote")
    body = (await run(tenant, program)).json()
    assert await proposals(tenant, program, body["id"]) == []
    assert reasons(body) == {
        mentee["id"]: "below_minimum_score",
        mentor["id"]: "below_minimum_score",
    }
    assert body["summary"]["mean_score"] is None


async def test_hard_exclusions(tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    boss = await senior(tenant)
    mentee = await enrolled(tenant, program, boss, "mentee", learns=WANTS, mindset=5)
    # Two levels down the boss's reporting line.
    middle = await tenant.employee(manager_id=boss["id"])
    report = await mentor_of(tenant, program, employee={"manager_id": middle["id"]})
    avoided = await mentor_of(tenant, program)
    unmotivated = await mentor_of(tenant, program, mindset=1)
    older = await mentor_of(tenant, program, employee={"birth_year": 1950, "seniority_level": 15})
    path = url(program, "participants", mentee["id"])
    changed = await tenant.client.patch(
        path,
        json={"avoid": [avoided["employee_id"]]},
        headers=versioned(tenant.admin, mentee["version"]),
    )
    assert changed.status_code == 200, changed.text
    gone = await mentor_of(tenant, program)
    left = await tenant.client.patch(
        f"/api/v1/employees/{gone['employee_id']}",
        json={"status": "inactive"},
        headers=versioned(tenant.admin, 1),
    )
    assert left.status_code == 200, left.text

    body = (await run(tenant, program)).json()
    assert await proposals(tenant, program, body["id"]) == []
    assert reasons(body) == {
        mentee["id"]: "no_eligible_partner",
        report["id"]: "no_eligible_partner",
        avoided["id"]: "no_eligible_partner",
        unmotivated["id"]: "no_eligible_partner",
        older["id"]: "no_eligible_partner",
        gone["id"]: "employee_not_active",
    }
    for mentor, why in [
        (report, "same reporting line"),
        (avoided, "one asked not to be paired with the other"),
        (unmotivated, "mentor motivation below the program's threshold"),
        (older, "the mentor is neither younger nor less senior than the mentee"),
    ]:
        manual = await tenant.client.post(
            url(program, "pairs"),
            json={"mentee_participant_id": mentee["id"], "mentor_participant_id": mentor["id"]},
            headers=tenant.admin,
        )
        assert problem(manual, 409, "pair_ineligible")["reason"] == why


async def test_keep_and_forbid(tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    first = await mentee_of(tenant, program)
    second = await mentee_of(tenant, program, learns={"generative-ai": 5, "excel": 5})
    good = await mentor_of(tenant, program)
    weak = await mentor_of(tenant, program, teaches={"generative-ai": 3})
    plain = await proposals(tenant, program, (await run(tenant, program)).json()["id"])
    assert len(plain) == 2

    best = max(plain, key=lambda p: p["score"])
    forbidden = {"mentee_id": best["mentee_id"], "mentor_id": best["mentor_id"]}
    response = await run(tenant, program, forbid=[forbidden])
    assert response.status_code == 200, response.text
    assert response.json()["forbid"] == [forbidden]
    found = await proposals(tenant, program, response.json()["id"])
    assert (best["mentee_id"], best["mentor_id"]) not in {
        (p["mentee_id"], p["mentor_id"]) for p in found
    }

    kept = {"mentee_id": first["id"], "mentor_id": weak["id"]}
    response = await run(tenant, program, keep=[kept])
    found = await proposals(tenant, program, response.json()["id"])
    pairs = {(p["mentee_id"], p["mentor_id"]): p for p in found}
    assert pairs[(first["id"], weak["id"])]["kept"]
    assert pairs[(second["id"], good["id"])]["kept"] is False

    stranger = {"mentee_id": good["id"], "mentor_id": weak["id"]}
    problem(await run(tenant, program, keep=[stranger]), 409)


async def test_the_same_input_gives_the_same_result(tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    for i in range(4):
        await mentee_of(tenant, program, learns={"generative-ai": 1 + i % 5, "tiktok": 2})
    for i in range(3):
        await mentor_of(tenant, program, teaches={"generative-ai": 5 - i, "tiktok": 2 + i})

    def shape(items: list[dict[str, Any]]) -> list[tuple[str, str, float, list[str]]]:
        return [
            (p["mentee_id"], p["mentor_id"], p["score"], p["explanation"]["reasons"]) for p in items
        ]

    results = []
    for _ in range(3):
        body = (await run(tenant, program, dry_run=True)).json()
        results.append((shape(await proposals(tenant, program, body["id"])), body["unmatched"]))
    assert results[0] == results[1] == results[2]
    assert len(results[0][0]) == 3


async def test_accepting_opens_pairs_and_rematching_leaves_them_alone(tenant: Tenant) -> None:
    manager, manager_headers = await program_manager(tenant)
    program = await enrolling_program(tenant, manager_ids=[manager["id"]])
    first = await mentee_of(tenant, program)
    second = await mentee_of(tenant, program)
    mentor = await mentor_of(tenant, program, capacity=1)
    body = (await run(tenant, program, headers=manager_headers)).json()
    [proposal] = await proposals(tenant, program, body["id"])

    accept = url(program, "matching-runs", body["id"], "accept")
    accepted = await tenant.client.post(accept, json={}, headers=manager_headers)
    assert accepted.status_code == 200, accepted.text
    [pair] = accepted.json()["pairs"]
    assert pair["origin"] == "matching"
    assert pair["matching_run_id"] == body["id"]
    assert pair["score"] == proposal["score"]
    assert pair["explanation"] == proposal["explanation"]
    assert accepted.json()["proposals"][0]["status"] == "accepted"
    assert accepted.json()["proposals"][0]["pair_id"] == pair["id"]
    assert [e.type for e in await events_of(tenant, pair["id"])] == ["pair.created"]
    problem(
        await tenant.client.post(
            accept, json={"proposal_ids": [proposal["id"]]}, headers=manager_headers
        ),
        409,
        "proposal_decided",
    )

    again = (await run(tenant, program)).json()
    assert await proposals(tenant, program, again["id"]) == []
    waiting = {first["id"], second["id"]} - {proposal["mentee_id"]}
    assert reasons(again) == dict.fromkeys(waiting, "partners_taken")
    assert mentor["id"] not in reasons(again)
    paired_withdraw = await tenant.client.post(
        url(program, "participants", mentor["id"], "withdraw"), json={}, headers=tenant.admin
    )
    problem(paired_withdraw, 409, "participant_paired")


async def test_rejecting_and_dry_runs(tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    await mentee_of(tenant, program)
    await mentor_of(tenant, program)
    dry = (await run(tenant, program, dry_run=True)).json()
    assert dry["dry_run"]
    problem(
        await tenant.client.post(
            url(program, "matching-runs", dry["id"], "accept"), json={}, headers=tenant.admin
        ),
        409,
        "dry_run",
    )
    real = (await run(tenant, program)).json()
    rejected = await tenant.client.post(
        url(program, "matching-runs", real["id"], "reject"),
        json={"reason": "They already know each other"},
        headers=tenant.admin,
    )
    assert rejected.status_code == 200, rejected.text
    [proposal] = rejected.json()["proposals"]
    assert proposal["status"] == "rejected"
    assert proposal["decision_reason"] == "They already know each other"
    accepted = await tenant.client.post(
        url(program, "matching-runs", real["id"], "accept"), json={}, headers=tenant.admin
    )
    assert accepted.json()["pairs"] == []
    problem(
        await tenant.client.post(
            url(program, "matching-runs", real["id"], "accept"),
            json={"proposal_ids": ["00000000-0000-7000-8000-000000000000"]},
            headers=tenant.admin,
        ),
        409,
    )


async def test_two_runs_cannot_pair_anyone_twice(tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    await mentee_of(tenant, program)
    await mentor_of(tenant, program)
    first, second = await asyncio.gather(run(tenant, program), run(tenant, program))
    assert first.json()["status"] == second.json()["status"] == "completed"
    outcomes = await asyncio.gather(
        *(
            tenant.client.post(
                url(program, "matching-runs", r.json()["id"], "accept"),
                json={},
                headers=tenant.admin,
            )
            for r in (first, second)
        )
    )
    assert sorted(o.status_code for o in outcomes) == [200, 409]
    loser = next(o for o in outcomes if o.status_code == 409)
    assert problem(loser, 409)["code"] in {"mentee_paired", "mentor_full", "seat_taken"}


async def test_two_accepts_of_one_run_open_one_pair(tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    await mentee_of(tenant, program)
    await mentor_of(tenant, program)
    body = (await run(tenant, program)).json()
    accept = url(program, "matching-runs", body["id"], "accept")
    [proposal] = await proposals(tenant, program, body["id"])
    outcomes = await asyncio.gather(
        *(
            tenant.client.post(
                accept, json={"proposal_ids": [proposal["id"]]}, headers=tenant.admin
            )
            for _ in range(2)
        )
    )
    assert sorted(o.status_code for o in outcomes) == [200, 409]


async def test_manual_pairs_are_scored_and_explained(tenant: Tenant) -> None:
    manager, manager_headers = await program_manager(tenant)
    program = await enrolling_program(tenant, manager_ids=[manager["id"]])
    mentee = await mentee_of(tenant, program)
    mentor = await mentor_of(tenant, program)
    body = (await run(tenant, program, dry_run=True)).json()
    [proposal] = await proposals(tenant, program, body["id"])
    employee = await tenant.employee()
    problem(
        await tenant.client.post(
            url(program, "pairs"),
            json={"mentee_participant_id": mentee["id"], "mentor_participant_id": mentor["id"]},
            headers=tenant.as_user(employee),
        ),
        403,
    )
    response = await tenant.client.post(
        url(program, "pairs"),
        json={"mentee_participant_id": mentee["id"], "mentor_participant_id": mentor["id"]},
        headers=manager_headers,
    )
    assert response.status_code == 201, response.text
    pair = response.json()
    assert pair["origin"] == "manual"
    assert pair["score"] == proposal["score"]
    assert pair["explanation"] == proposal["explanation"]
    problem(
        await tenant.client.post(
            url(program, "pairs"),
            json={"mentee_participant_id": mentee["id"], "mentor_participant_id": mentor["id"]},
            headers=manager_headers,
        ),
        409,
    )


async def test_only_managers_see_and_run_matching(tenant: Tenant, other_tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    participant = await mentee_of(tenant, program)
    body = (await run(tenant, program)).json()
    person = await tenant.employee()
    headers = tenant.as_user(person)
    problem(await run(tenant, program, headers=headers), 403)
    problem(await tenant.client.get(url(program, "matching-runs"), headers=headers), 404)
    problem(
        await tenant.client.get(url(program, "matching-runs", body["id"]), headers=headers), 404
    )
    problem(
        await other_tenant.client.get(
            url(program, "matching-runs", body["id"]), headers=other_tenant.admin
        ),
        404,
    )
    assert participant["id"] in reasons(body)


async def test_program_limits_on_topic_overlap_and_time_zones(tenant: Tenant) -> None:
    program = await enrolling_program(
        tenant,
        matching_settings={
            "mutual_learning": {"min_topic_overlap": 0.6},
            "practical_fit": {"max_timezone_gap_hours": 3},
        },
    )
    wants = {"generative-ai": 5, "tiktok": 2}
    mentee = await mentee_of(tenant, program, learns=wants)
    narrow = await mentor_of(tenant, program)
    far = await mentor_of(tenant, program, teaches=wants, timezone="America/Los_Angeles")
    near = await mentor_of(tenant, program, teaches=wants, timezone="Europe/London")
    body = (await run(tenant, program)).json()
    found = await proposals(tenant, program, body["id"])
    assert [(p["mentee_id"], p["mentor_id"]) for p in found] == [(mentee["id"], near["id"])]
    for mentor, why in [
        (narrow, "the mentor offers too few of the mentee's wanted topics"),
        (far, "time zones further apart than the program allows"),
    ]:
        manual = await tenant.client.post(
            url(program, "pairs"),
            json={"mentee_participant_id": mentee["id"], "mentor_participant_id": mentor["id"]},
            headers=tenant.admin,
        )
        assert problem(manual, 409, "pair_ineligible")["reason"] == why


async def test_swapping_the_mentors_of_two_proposals(tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    ai = await mentee_of(tenant, program, learns={"generative-ai": 5})
    video = await mentee_of(tenant, program, learns={"tiktok": 5})
    ai_mentor = await mentor_of(tenant, program, teaches={"generative-ai": 5})
    video_mentor = await mentor_of(tenant, program, teaches={"tiktok": 5, "generative-ai": 2})
    body = (await run(tenant, program)).json()
    found = {p["mentee_id"]: p for p in await proposals(tenant, program, body["id"])}
    assert found[ai["id"]]["mentor_id"] == ai_mentor["id"]
    swap = url(program, "matching-runs", body["id"], "swap")
    ids = [found[ai["id"]]["id"], found[video["id"]]["id"]]
    response = await tenant.client.post(swap, json={"proposal_ids": ids}, headers=tenant.admin)
    assert response.status_code == 200, response.text
    new = {p["mentee_id"]: p for p in response.json()["proposals"]}
    assert new[ai["id"]]["mentor_id"] == video_mentor["id"]
    assert new[video["id"]]["mentor_id"] == ai_mentor["id"]
    assert "covers 0 of 1 wanted topics" in new[video["id"]]["explanation"]["reasons"]
    assert new[ai["id"]]["score"] < found[ai["id"]]["score"]
    statuses = {p["id"]: p["status"] for p in await proposals(tenant, program, body["id"])}
    assert [statuses[i] for i in ids] == ["rejected", "rejected"]
    problem(
        await tenant.client.post(swap, json={"proposal_ids": ids}, headers=tenant.admin),
        409,
        "proposal_decided",
    )
    accepted = await tenant.client.post(
        url(program, "matching-runs", body["id"], "accept"), json={}, headers=tenant.admin
    )
    assert {(p["mentee_id"], p["mentor_id"]) for p in accepted.json()["pairs"]} == {
        (ai["id"], video_mentor["id"]),
        (video["id"], ai_mentor["id"]),
    }


async def test_people_whose_pair_ended_are_matched_again_but_not_together(
    tenant: Tenant,
) -> None:
    program = await enrolling_program(tenant)
    mentee = await mentee_of(tenant, program)
    first_mentor = await mentor_of(tenant, program)
    body = (await run(tenant, program)).json()
    accepted = await tenant.client.post(
        url(program, "matching-runs", body["id"], "accept"), json={}, headers=tenant.admin
    )
    [pair] = accepted.json()["pairs"]
    assert pair["mentor_id"] == first_mentor["id"]
    second_mentor = await mentor_of(tenant, program, teaches={"generative-ai": 2})
    async with unit_of_work(tenant.app.state.session_factory) as session:
        opened = await session.get(Pair, uuid.UUID(pair["id"]))
        assert opened is not None
        await close_pair(session, opened, PairStatus.ENDED_EARLY, EndReason.MISMATCH)
    again = (await run(tenant, program)).json()
    found = await proposals(tenant, program, again["id"])
    assert [(p["mentee_id"], p["mentor_id"]) for p in found] == [
        (mentee["id"], second_mentor["id"])
    ]
    assert reasons(again) == {first_mentor["id"]: "no_eligible_partner"}

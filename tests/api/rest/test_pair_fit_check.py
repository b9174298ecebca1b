"""The fit check through REST: when it opens, who sees what, and a "not a fit" that ends the
pair without blaming anyone and keeps the two apart in every later pairing."""

import asyncio
import json
import uuid
from datetime import timedelta
from typing import Any

from app.db.base import utcnow
from app.db.engine import unit_of_work
from app.domain.pairs import fit
from tests.api.matching_support import enrolled, enrolling_program, proposals, run
from tests.api.pairs_support import PairSetup, enrol, make_pair, pair_url
from tests.api.programs_support import events_of, url
from tests.api.rest.test_matching_runs import WANTS, junior, senior
from tests.conftest import StatementCounter, Tenant, problem

NOTE = "Private: we never found a common rhythm."


async def confirmed_session(setup: PairSetup) -> dict[str, Any]:
    """The mentee logs a session and the mentor confirms it: the fit check opens."""
    logged = await setup.log()
    assert logged.status_code == 201, logged.text
    confirmed = await setup.tenant.client.post(
        pair_url(setup.pair, "session-logs", logged.json()["id"], "confirm"),
        json={},
        headers=setup.mentor,
    )
    assert confirmed.status_code == 200, confirmed.text
    return dict(confirmed.json())


async def answer(
    setup: PairSetup, headers: dict[str, str], given: str, note: str | None = None
) -> Any:
    body: dict[str, Any] = {"answer": given} | ({"note": note} if note is not None else {})
    return await setup.tenant.client.put(
        pair_url(setup.pair, "fit-check"), json=body, headers=headers
    )


async def fit_check(setup: PairSetup, headers: dict[str, str]) -> dict[str, Any]:
    response = await setup.get("fit-check", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_the_fit_check_opens_after_the_first_confirmed_session(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    problem(await answer(setup, setup.mentee, "good_fit"), 409, "fit_check_not_due")
    before = await fit_check(setup, setup.mentee)
    assert before["due_since"] is None
    assert before["open"] is False
    # A log waiting for confirmation does not open it either.
    assert (await setup.log()).status_code == 201
    problem(await answer(setup, setup.mentor, "good_fit"), 409, "fit_check_not_due")

    await confirmed_session(setup)
    opened = await fit_check(setup, setup.mentee)
    assert opened["due_since"] is not None
    assert opened["open"] is True
    assert opened["your_side"] == "mentee"
    assert opened["mentor"] == {
        "side": "mentor",
        "answered": False,
        "answer": None,
        "note": None,
        "answered_at": None,
    }


async def test_each_side_answers_once_and_sees_its_own_answer_only(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    await confirmed_session(setup)
    given = await answer(setup, setup.mentee, "unsure", NOTE)
    assert given.status_code == 200, given.text
    mine = given.json()
    assert mine["mentee"]["answer"] == "unsure"
    assert mine["mentee"]["note"] == NOTE
    assert mine["open"] is False
    # The same answer again changes nothing; another one is refused.
    again = await answer(setup, setup.mentee, "unsure", NOTE)
    assert again.status_code == 200
    assert again.json() == mine
    problem(await answer(setup, setup.mentee, "good_fit"), 409, "fit_check_answered")

    # The other side learns that the mentee answered, never what nor the note.
    theirs = await fit_check(setup, setup.mentor)
    assert theirs["mentee"] == {
        "side": "mentee",
        "answered": True,
        "answer": None,
        "note": None,
        "answered_at": None,
    }
    assert theirs["open"] is True
    assert NOTE not in json.dumps(theirs)

    # The program's managers read both answers with the notes; a read key without notes.
    managed = await fit_check(setup, setup.manager)
    assert managed["mentee"]["answer"] == "unsure"
    assert managed["mentee"]["note"] == NOTE
    assert managed["your_side"] is None
    assert managed["open"] is False
    reporting = await fit_check(setup, await tenant.api_key("read"))
    assert reporting["mentee"]["answer"] == "unsure"
    assert reporting["mentee"]["note"] is None

    # Nobody else answers or reads it.
    stranger = tenant.as_user(await tenant.employee())
    problem(await setup.get("fit-check", headers=stranger), 404)
    problem(await answer(setup, setup.manager, "good_fit"), 403, "not_in_pair")
    problem(await answer(setup, stranger, "good_fit"), 404)
    # Unknown fields and answers do not fit the schema.
    problem(await answer(setup, setup.mentor, "maybe"), 422)

    # The managers' read is audited; the note is in no event.
    audit = await tenant.client.get(
        "/api/v1/audit-log",
        params={"action": "pair_fit_check.read", "subject_id": setup.pair["id"]},
        headers=tenant.admin,
    )
    assert len(audit.json()["items"]) == 2, audit.text
    events = await events_of(tenant, setup.pair["id"])
    assert NOTE not in json.dumps([e.data for e in events])


async def test_not_a_fit_ends_the_pair_without_saying_who(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    await confirmed_session(setup)
    ended = await answer(setup, setup.mentor, "not_a_fit", NOTE)
    assert ended.status_code == 200, ended.text
    assert ended.json()["mentor"]["answer"] == "not_a_fit"
    pair = await setup.refresh()
    assert (pair["status"], pair["end_reason"], pair["end_note"]) == (
        "ended_early",
        "mismatch",
        None,
    )
    # The event names nobody and carries no note.
    [moved] = await events_of(tenant, pair["id"], "pair.status_changed")
    assert moved.actor is None
    assert moved.data["end_reason"] == "mismatch"
    assert moved.data["end_note"] is None
    assert NOTE not in json.dumps(moved.data)
    # The other side does not learn whether the mentor answered, and cannot answer any more.
    seen = await fit_check(setup, setup.mentee)
    assert seen["mentor"]["answered"] is None
    assert seen["open"] is False
    problem(await answer(setup, setup.mentee, "good_fit"), 409, "pair_not_open")
    # Managers see who said what, to review it.
    managed = await fit_check(setup, setup.manager)
    assert managed["mentor"]["note"] == NOTE
    assert managed["mismatch_reviewed_at"] is None

    # Both are back in the pool: the mentee pairs with someone else at once, but never
    # again with the mentor, whoever pairs them.
    program = setup.program
    ids = await _participant_ids(tenant, program)
    again = await tenant.client.post(
        url(program, "pairs"),
        json={
            "mentor_participant_id": ids[setup.mentor_employee["id"]],
            "mentee_participant_id": ids[setup.mentee_employee["id"]],
        },
        headers=setup.manager,
    )
    assert problem(again, 409, "pair_ineligible")["reason_code"] == "not_a_fit"
    other_mentor = await tenant.employee(seniority_level=1)
    other_id = await enrol(tenant, program, other_mentor, "mentor")
    repaired = await tenant.client.post(
        url(program, "pairs"),
        json={
            "mentor_participant_id": other_id,
            "mentee_participant_id": ids[setup.mentee_employee["id"]],
        },
        headers=setup.manager,
    )
    assert repaired.status_code == 201, repaired.text


async def _participant_ids(tenant: Tenant, program: dict[str, Any]) -> dict[str, str]:
    """Employee id -> participant id of the program's participants."""
    response = await tenant.client.get(
        url(program, "participants"), params={"limit": 100}, headers=tenant.admin
    )
    assert response.status_code == 200, response.text
    return {p["employee_id"]: p["id"] for p in response.json()["items"]}


async def test_a_manager_reviews_a_mismatch_once_it_is_on_their_list(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    await confirmed_session(setup)
    problem(
        await tenant.client.post(
            pair_url(setup.pair, "fit-check", "review"), headers=setup.manager
        ),
        409,
        "no_mismatch_to_review",
    )
    await answer(setup, setup.mentee, "not_a_fit")
    async with unit_of_work(tenant.app.state.session_factory) as session:
        waiting = await fit.mismatch_reviews(session, tenant.organization_id)
    assert [(str(w.pair_id), str(w.program_id)) for w in waiting] == [
        (setup.pair["id"], setup.program["id"])
    ]
    review = pair_url(setup.pair, "fit-check", "review")
    problem(await tenant.client.post(review, headers=setup.mentor), 403, "not_program_manager")
    done = await tenant.client.post(review, headers=setup.manager)
    assert done.status_code == 200, done.text
    assert done.json()["mismatch_reviewed_at"] is not None
    twice = await tenant.client.post(review, headers=setup.manager)
    assert twice.json()["mismatch_reviewed_at"] == done.json()["mismatch_reviewed_at"]
    # The review answers the notes: audited as a read.
    audit = await tenant.client.get(
        "/api/v1/audit-log",
        params={"action": "pair_fit_check.read", "subject_id": setup.pair["id"]},
        headers=tenant.admin,
    )
    assert len(audit.json()["items"]) == 2, audit.text
    async with unit_of_work(tenant.app.state.session_factory) as session:
        assert await fit.mismatch_reviews(session, tenant.organization_id) == []


async def test_fit_checks_due_lists_each_side_until_it_answers(
    tenant: Tenant, count_statements: StatementCounter
) -> None:
    setup = await make_pair(tenant)
    factory = tenant.app.state.session_factory

    async def due(now_offset: timedelta = timedelta()) -> tuple[list[tuple[str, str]], int]:
        async with unit_of_work(factory) as session:
            count_statements.statements.clear()
            found = await fit.fit_checks_due(session, tenant.organization_id, utcnow() + now_offset)
            selects = [s for s in count_statements.statements if "SELECT" in s.upper()]
        return [(str(d.pair_id), str(d.employee_id)) for d in found], len(selects)

    assert (await due())[0] == []
    confirmed = await confirmed_session(setup)
    pair_id = setup.pair["id"]
    rows, statements = await due()
    assert sorted(rows) == sorted(
        [(pair_id, setup.mentor_employee["id"]), (pair_id, setup.mentee_employee["id"])]
    )
    assert statements == 1, statements
    # Seen from before the confirmation (an injected clock), nothing was due yet.
    assert (await due(-timedelta(hours=1)))[0] == []
    async with unit_of_work(factory) as session:
        [first, _] = await fit.fit_checks_due(session, tenant.organization_id, utcnow())
    assert first.since.isoformat().startswith(confirmed["responded_at"][:19])
    assert first.program_id == uuid.UUID(setup.program["id"])

    await answer(setup, setup.mentor, "good_fit")
    assert (await due())[0] == [(pair_id, setup.mentee_employee["id"])]
    await answer(setup, setup.mentee, "good_fit")
    assert (await due())[0] == []


async def test_either_side_completes_early_and_both_still_read_the_history(
    tenant: Tenant,
) -> None:
    setup = await make_pair(tenant)
    await confirmed_session(setup)
    goal = await tenant.client.post(
        pair_url(setup.pair, "goals"), json={"title": "Ship a Teams bot"}, headers=setup.mentee
    )
    assert goal.status_code == 201, goal.text
    done = await setup.move("completed", headers=setup.mentee, note="We got what we came for.")
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "completed"
    assert done.json()["end_reason"] is None
    for headers in (setup.mentor, setup.mentee):
        for part in ((), ("session-logs",), ("goals",), ("progress",), ("fit-check",)):
            response = await setup.get(*part, headers=headers)
            assert response.status_code == 200, (part, response.text)
        logs = await setup.get("session-logs", headers=headers)
        assert len(logs.json()["items"]) == 1
    # A completed pair takes no fit check and avoids nobody.
    problem(await answer(setup, setup.mentor, "not_a_fit"), 409, "pair_not_open")
    async with unit_of_work(tenant.app.state.session_factory) as session:
        assert await fit.mismatch_reviews(session, tenant.organization_id) == []


async def test_a_new_matching_run_never_proposes_the_old_partner(tenant: Tenant) -> None:
    settings = {"modes": ["mentee_choice", "automatic"]}
    program = await enrolling_program(tenant, matching_settings=settings)
    person = await senior(tenant)
    mentee = await enrolled(tenant, program, person, "mentee", learns=WANTS, mindset=5)
    people = [await junior(tenant), await junior(tenant)]
    best, second = [
        await enrolled(tenant, program, someone, "mentor", teaches={"generative-ai": level})
        for someone, level in zip(people, (5, 3), strict=True)
    ]
    first_run = (await run(tenant, program)).json()
    [proposal] = await proposals(tenant, program, first_run["id"])
    assert proposal["mentor_id"] == best["id"]
    accepted = await tenant.client.post(
        url(program, "matching-runs", first_run["id"], "accept"), json={}, headers=tenant.admin
    )
    [opened] = accepted.json()["pairs"]
    pair = PairSetup(
        tenant=tenant,
        program=program,
        manager=tenant.admin,
        mentor=tenant.as_user(people[0]),
        mentee=tenant.as_user(person),
        mentor_employee=people[0],
        mentee_employee=person,
        pair=opened,
    )
    assert (await pair.move("active")).status_code == 200
    await confirmed_session(pair)
    assert (await answer(pair, pair.mentee, "not_a_fit")).status_code == 200

    # Suggestions and the next run leave the old partner out, and find the mentee another.
    suggested = await tenant.client.get(
        url(program, "mentor-suggestions"), headers=tenant.as_user(person)
    )
    assert [s["mentor_id"] for s in suggested.json()] == [second["id"]]
    next_run = (await run(tenant, program)).json()
    assert next_run["status"] == "completed", next_run
    found = await proposals(tenant, program, next_run["id"])
    assert [(p["mentee_id"], p["mentor_id"]) for p in found] == [(mentee["id"], second["id"])]
    explained = await tenant.client.get(
        url(program, "mentor-suggestions"),
        params={"mentee_id": mentee["id"]},
        headers=tenant.admin,
    )
    assert best["id"] not in {s["mentor_id"] for s in explained.json()}


async def test_fit_answers_are_exported_and_their_notes_erased(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    await confirmed_session(setup)
    await answer(setup, setup.mentor, "good_fit", "Mentor: Bob is great")
    await answer(setup, setup.mentee, "not_a_fit", "Bob: we do not click")
    url = f"/api/v1/employees/{setup.mentee_employee['id']}/personal-data"
    data = (await tenant.client.get(url, headers=setup.mentee)).json()
    [mine] = data["pair_fit_checks"]
    assert (mine["pair_id"], mine["side"], mine["answer"], mine["note"]) == (
        setup.pair["id"],
        "mentee",
        "not_a_fit",
        "Bob: we do not click",
    )
    assert data["pair_mismatches"][0]["pair_id"] == setup.pair["id"]
    assert "Mentor: Bob" not in json.dumps(data)  # never the other side's answer
    mentor_data = await tenant.client.get(
        f"/api/v1/employees/{setup.mentor_employee['id']}/personal-data", headers=setup.mentor
    )
    assert "we do not click" not in mentor_data.text
    assert mentor_data.json()["pair_fit_checks"][0]["answer"] == "good_fit"

    assert (await tenant.client.delete(url, headers=tenant.admin)).status_code == 204
    after = (await tenant.client.get(url, headers=tenant.admin)).json()
    assert after["pair_fit_checks"][0]["note"] == "[erased]"
    assert after["pair_fit_checks"][0]["answer"] == "not_a_fit"  # counts stay
    managed = await fit_check(setup, setup.manager)
    assert managed["mentee"]["note"] == "[erased]"
    assert managed["mentor"]["note"] == "Mentor: Bob is great"


async def test_any_ending_as_mismatch_keeps_the_two_apart(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    ended = await setup.move("ended_early", reason="mismatch", note="Agreed together")
    assert ended.status_code == 200, ended.text
    ids = await _participant_ids(tenant, setup.program)
    again = await tenant.client.post(
        url(setup.program, "pairs"),
        json={
            "mentor_participant_id": ids[setup.mentor_employee["id"]],
            "mentee_participant_id": ids[setup.mentee_employee["id"]],
        },
        headers=setup.manager,
    )
    assert problem(again, 409, "pair_ineligible")["reason_code"] == "not_a_fit"
    async with unit_of_work(tenant.app.state.session_factory) as session:
        waiting = await fit.mismatch_reviews(session, tenant.organization_id)
    assert [str(w.pair_id) for w in waiting] == [setup.pair["id"]]


async def test_both_sides_saying_not_a_fit_at_once_end_the_pair_once(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    await confirmed_session(setup)
    answers = await asyncio.gather(
        answer(setup, setup.mentor, "not_a_fit"), answer(setup, setup.mentee, "not_a_fit")
    )
    assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
    loser = next(a for a in answers if a.status_code == 409)
    assert loser.json()["code"] == "pair_not_open"
    assert len(await events_of(tenant, setup.pair["id"], "pair.status_changed")) == 1
    async with unit_of_work(tenant.app.state.session_factory) as session:
        assert len(await fit.mismatch_reviews(session, tenant.organization_id)) == 1

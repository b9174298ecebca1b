"""Stakeholder consultation through REST: opening, invitations, contributions, decisions,
closing, who sees what, and the program overview."""

from typing import Any

from tests.api.programs_support import (
    add_objective,
    close_consultation,
    contribute,
    create_program,
    events_of,
    expire_deadline,
    get_program,
    in_days,
    invite,
    move_to,
    open_consultation,
    program_manager,
    ready_to_enroll,
    url,
    versioned,
)
from tests.conftest import Tenant, problem


def consultation_url(program: dict[str, Any], *parts: str) -> str:
    return url(program, "consultation", *parts)


async def resolve(
    tenant: Tenant, program: dict[str, Any], contribution: dict[str, Any], **body: Any
) -> Any:
    return await tenant.client.post(
        consultation_url(program, "contributions", contribution["id"], "resolve"),
        json=body,
        headers=tenant.admin,
    )


async def test_opening_moves_a_draft_to_consultation(tenant: Tenant) -> None:
    program = await create_program(tenant)
    response = await tenant.client.post(
        consultation_url(program),
        json={"question": "What should executives learn first?", "deadline": in_days(10)},
        headers=tenant.admin,
    )
    assert response.status_code == 201, response.text
    consultation = response.json()
    assert response.headers["location"] == consultation_url(program)
    assert consultation["status"] == "open"
    assert consultation["program_id"] == program["id"]
    assert consultation["opened_by"].startswith("api_key:")
    assert (await get_program(tenant, program))["status"] == "consultation"
    events = await events_of(tenant, program["id"], "program.")
    assert [(e.data["from"], e.data["to"]) for e in events] == [("draft", "consultation")]
    got = await tenant.client.get(consultation_url(program), headers=tenant.admin)
    assert got.json() == consultation

    again = await tenant.client.post(
        consultation_url(program),
        json={"question": "Another one?", "deadline": in_days(10)},
        headers=tenant.admin,
    )
    problem(again, 409, "consultation_exists")


async def test_opening_rules(tenant: Tenant) -> None:
    program = await create_program(tenant)
    target = consultation_url(program)
    past = await tenant.client.post(
        target, json={"question": "Why?", "deadline": in_days(-1)}, headers=tenant.admin
    )
    assert problem(past, 409)["errors"][0]["field"] == "deadline"
    naive = await tenant.client.post(
        target, json={"question": "Why?", "deadline": "2099-01-01T10:00:00"}, headers=tenant.admin
    )
    assert problem(naive, 422)["errors"][0]["field"] == "deadline"
    assert (await get_program(tenant, program))["status"] == "draft"  # nothing happened
    problem(await tenant.client.get(target, headers=tenant.admin), 404, "consultation_not_found")

    late = await create_program(tenant)
    await move_to(tenant, late, "consultation")
    await tenant.client.post(
        url(late, "transitions"),
        json={"to": "enrolling", "waiver_reason": "Pilot objectives carry over."},
        headers=tenant.admin,
    )
    body = problem(
        await tenant.client.post(
            consultation_url(late),
            json={"question": "Too late?", "deadline": in_days(3)},
            headers=tenant.admin,
        ),
        409,
        "consultation_not_allowed",
    )
    assert body["current_status"] == "enrolling"


async def test_a_manager_amends_the_question_and_deadline(tenant: Tenant) -> None:
    program = await create_program(tenant)
    opened = await open_consultation(tenant, program)
    target = consultation_url(program)
    problem(await tenant.client.patch(target, json={"question": "New?"}, headers=tenant.admin), 428)
    past = await tenant.client.patch(
        target, json={"deadline": in_days(-2)}, headers=versioned(tenant.admin, 1)
    )
    assert problem(past, 409)["errors"][0]["field"] == "deadline"
    later = in_days(30)
    ok = await tenant.client.patch(
        target,
        json={"question": "What should change first?", "deadline": later},
        headers=versioned(tenant.admin, opened["version"]),
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["question"] == "What should change first?"
    assert ok.json()["version"] == 2


async def test_invitations(tenant: Tenant) -> None:
    program = await create_program(tenant)
    await open_consultation(tenant, program)
    sponsor = await tenant.employee(job_title="COO")
    listed_by_email = await tenant.employee()
    by_id = await invite(tenant, program, employee_id=sponsor["id"], role="executive_sponsor")
    assert (by_id["employee_id"], by_id["email"], by_id["role"]) == (
        sponsor["id"],
        None,
        "executive_sponsor",
    )
    assert by_id["responded_at"] is None
    external = await invite(
        tenant,
        program,
        email="Works.Council@Union.example",
        name="Works council",
        role="employee_representative",
    )
    assert (external["employee_id"], external["email"]) == (None, "works.council@union.example")
    # An e-mail of the directory invites that employee.
    resolved = await invite(tenant, program, email=listed_by_email["email"].upper(), role="hr")
    assert (resolved["employee_id"], resolved["email"]) == (listed_by_email["id"], None)

    target = consultation_url(program, "stakeholders")
    for body, code in (
        ({"employee_id": sponsor["id"], "role": "it"}, "stakeholder_exists"),
        ({"email": "works.council@union.example", "role": "it"}, "stakeholder_exists"),
    ):
        problem(await tenant.client.post(target, json=body, headers=tenant.admin), 409, code)
    inactive = await tenant.employee()
    await tenant.client.post(f"/api/v1/employees/{inactive['id']}/deactivate", headers=tenant.admin)
    for body, field, status in (
        ({"role": "it"}, "employee_id", 409),
        ({"employee_id": sponsor["id"], "email": "x@y.example", "role": "it"}, "employee_id", 409),
        ({"employee_id": inactive["id"], "role": "it"}, "employee_id", 409),
        ({"email": "x@y.example", "role": "cfo"}, "role", 422),
    ):
        response = await tenant.client.post(target, json=body, headers=tenant.admin)
        assert problem(response, status)["errors"][0]["field"] == field

    page = await tenant.client.get(target, params={"limit": 2}, headers=tenant.admin)
    assert [s["id"] for s in page.json()["items"]] == [by_id["id"], external["id"]]
    rest = await tenant.client.get(
        target, params={"cursor": page.json()["next_cursor"]}, headers=tenant.admin
    )
    assert [s["id"] for s in rest.json()["items"]] == [resolved["id"]]


async def test_invited_employees_see_only_their_consultations(tenant: Tenant) -> None:
    manager, as_manager = await program_manager(tenant)
    invited = await tenant.employee()
    bystander = await tenant.employee()
    first = await create_program(tenant, as_manager, name="First")
    second = await create_program(tenant, as_manager, name="Second")
    await open_consultation(tenant, first, as_manager)
    other = await open_consultation(tenant, second, as_manager)
    await invite(tenant, first, as_manager, employee_id=invited["id"])
    as_invited, as_bystander = tenant.as_user(invited), tenant.as_user(bystander)

    seen = await tenant.client.get(consultation_url(first), headers=as_invited)
    assert seen.status_code == 200, seen.text
    problem(
        await tenant.client.get(consultation_url(second), headers=as_invited),
        404,
        "consultation_not_found",
    )
    problem(await tenant.client.get(consultation_url(first), headers=as_bystander), 404)
    # The program itself is visible to everyone once past draft; its consultation is not.
    assert (await get_program(tenant, first, as_bystander))["status"] == "consultation"

    async def listed(headers: dict[str, str], **params: str) -> list[str]:
        response = await tenant.client.get("/api/v1/consultations", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return [c["id"] for c in response.json()["items"]]

    assert await listed(as_invited) == [seen.json()["id"]]
    assert await listed(as_bystander) == []
    assert await listed(as_manager) == [seen.json()["id"], other["id"]]
    assert await listed(await tenant.api_key("read"), status="closed") == []
    assert len(await listed(tenant.admin, status="open")) == 2
    # Invitees do not see who else was asked, nor invite anyone.
    problem(
        await tenant.client.get(consultation_url(first, "stakeholders"), headers=as_invited),
        403,
        "not_program_manager",
    )
    problem(
        await tenant.client.post(
            consultation_url(first, "stakeholders"),
            json={"employee_id": bystander["id"], "role": "it"},
            headers=as_invited,
        ),
        403,
        "not_program_manager",
    )
    assert manager["id"] in (await get_program(tenant, first))["manager_ids"]


async def test_contributions_of_every_kind(tenant: Tenant) -> None:
    program = await create_program(tenant)
    objective = await add_objective(tenant, program)
    foreign_objective = await add_objective(tenant, await create_program(tenant))
    await open_consultation(tenant, program)
    person = await tenant.employee()
    stakeholder = await invite(tenant, program, employee_id=person["id"], role="future_mentee")
    as_person = tenant.as_user(person)

    comment = await contribute(tenant, program, as_person, kind="comment", body="Start small.")
    assert comment.status_code == 201, comment.text
    assert comment.json()["stakeholder_id"] == stakeholder["id"]
    assert comment.json()["status"] == "pending"
    assert comment.json()["submitted_by"] == f"employee:{person['id']}"
    proposal = await contribute(
        tenant,
        program,
        as_person,
        kind="proposed_objective",
        proposal={"title": "Reverse the meeting culture", "category": "culture"},
    )
    assert proposal.status_code == 201, proposal.text
    endorsement = await contribute(
        tenant, program, as_person, kind="endorsement", objective_id=objective["id"]
    )
    assert endorsement.status_code == 201, endorsement.text
    concern = await contribute(tenant, program, as_person, kind="concern", body="Time is short.")
    assert concern.status_code == 201, concern.text

    # What the schema states is 422; what a kind of contribution requires of the others is a
    # business rule (409).
    for fields, field, status in (
        ({"kind": "comment"}, "body", 409),
        ({"kind": "concern", "body": "   "}, "body", 409),
        ({"kind": "proposed_objective"}, "proposal", 409),
        (
            {"kind": "proposed_objective", "proposal": {"title": "T", "category": "hobbies"}},
            "proposal.category",
            422,
        ),
        ({"kind": "endorsement"}, "objective_id", 409),
        ({"kind": "endorsement", "objective_id": foreign_objective["id"]}, "objective_id", 409),
        ({"kind": "comment", "body": "B", "objective_id": objective["id"]}, "objective_id", 409),
        (
            {"kind": "comment", "body": "B", "proposal": {"title": "T", "category": "culture"}},
            "proposal",
            409,
        ),
        ({"kind": "praise", "body": "B"}, "kind", 422),
    ):
        response = await contribute(tenant, program, as_person, **fields)
        assert problem(response, status)["errors"][0]["field"] == field, fields

    participants = await tenant.client.get(
        consultation_url(program, "stakeholders"), headers=tenant.admin
    )
    assert participants.json()["items"][0]["responded_at"] is not None
    kinds = await tenant.client.get(
        consultation_url(program, "contributions"),
        params={"kind": "endorsement"},
        headers=tenant.admin,
    )
    assert [c["objective_id"] for c in kinds.json()["items"]] == [objective["id"]]


async def test_who_may_contribute(tenant: Tenant) -> None:
    _owner, as_owner = await program_manager(tenant)
    program = await create_program(tenant, as_owner)
    await open_consultation(tenant, program, as_owner)
    alice, bob = await tenant.employee(), await tenant.employee()
    alice_invite = await invite(tenant, program, as_owner, employee_id=alice["id"])
    bob_invite = await invite(tenant, program, as_owner, employee_id=bob["id"])
    external = await invite(tenant, program, as_owner, email="cio@partner.example", role="it")
    as_alice = tenant.as_user(alice)

    # A manager records an answer that came by e-mail.
    recorded = await contribute(
        tenant,
        program,
        as_owner,
        kind="concern",
        body="Security review first.",
        stakeholder_id=external["id"],
    )
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["stakeholder_id"] == external["id"]
    missing = await contribute(tenant, program, as_owner, kind="comment", body="Mine")
    assert problem(missing, 409)["errors"][0]["field"] == "stakeholder_id"
    unknown = await contribute(
        tenant, program, as_owner, kind="comment", body="x", stakeholder_id=program["id"]
    )
    assert problem(unknown, 409)["errors"][0]["field"] == "stakeholder_id"

    as_someone_else = await contribute(
        tenant, program, as_alice, kind="comment", body="For Bob", stakeholder_id=bob_invite["id"]
    )
    problem(as_someone_else, 403, "not_program_manager")
    own = await contribute(
        tenant, program, as_alice, kind="comment", body="Mine", stakeholder_id=alice_invite["id"]
    )
    assert own.status_code == 201
    outsider = tenant.as_user(await tenant.employee())
    problem(await contribute(tenant, program, outsider, kind="comment", body="Hi"), 404)
    reader = await tenant.api_key("read")
    problem(
        await contribute(tenant, program, reader, kind="comment", body="Hi"), 403, "not_invited"
    )

    # Alice sees her own contributions; managers see all of them.
    async def ids(headers: dict[str, str]) -> list[str]:
        response = await tenant.client.get(
            consultation_url(program, "contributions"), headers=headers
        )
        assert response.status_code == 200, response.text
        return [c["id"] for c in response.json()["items"]]

    assert await ids(as_alice) == [own.json()["id"]]
    assert await ids(as_owner) == [recorded.json()["id"], own.json()["id"]]
    problem(
        await tenant.client.get(
            consultation_url(program, "contributions", recorded.json()["id"]), headers=as_alice
        ),
        404,
        "contribution_not_found",
    )
    mine = await tenant.client.get(
        consultation_url(program, "contributions", own.json()["id"]), headers=as_alice
    )
    assert mine.json()["body"] == "Mine"


async def test_decisions_on_contributions(tenant: Tenant) -> None:
    program = await create_program(tenant)
    objective = await add_objective(tenant, program, title="Cloud literacy")
    await open_consultation(tenant, program)
    person = await tenant.employee()
    await invite(tenant, program, employee_id=person["id"])
    as_person = tenant.as_user(person)

    async def submit(**fields: Any) -> dict[str, Any]:
        response = await contribute(tenant, program, as_person, **fields)
        assert response.status_code == 201, response.text
        return dict(response.json())

    proposal = await submit(
        kind="proposed_objective",
        proposal={
            "title": "Accessible documents",
            "category": "diversity_inclusion",
            "description": "WCAG basics",
        },
    )
    endorsement = await submit(kind="endorsement", objective_id=objective["id"])
    concern = await submit(kind="concern", body="Seniors may feel exposed.")
    comment = await submit(kind="comment", body="Pair across sites.")

    problem(await resolve(tenant, program, proposal, decision="accepted"), 409)
    declined_without_reason = await resolve(tenant, program, concern, decision="declined")
    assert problem(declined_without_reason, 409)["errors"][0]["field"] == "reason"
    create_from_comment = await resolve(
        tenant, program, comment, decision="accepted", create_objective=True
    )
    assert problem(create_from_comment, 409)["errors"][0]["field"] == "create_objective"
    problem(
        await tenant.client.post(
            consultation_url(program, "contributions", comment["id"], "resolve"),
            json={"decision": "accepted"},
            headers=as_person,
        ),
        403,
        "not_program_manager",
    )

    accepted = await resolve(tenant, program, proposal, decision="accepted", create_objective=True)
    assert accepted.status_code == 200, accepted.text
    created_id = accepted.json()["resulting_objective_id"]
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["resolved_by"].startswith("api_key:")
    objectives = (await tenant.client.get(url(program, "objectives"), headers=tenant.admin)).json()[
        "items"
    ]
    assert [(o["id"], o["title"], o["category"]) for o in objectives[1:]] == [
        (created_id, "Accessible documents", "diversity_inclusion")
    ]
    endorsed = await resolve(tenant, program, endorsement, decision="accepted")
    assert endorsed.json()["resulting_objective_id"] == objective["id"]
    linked = await resolve(
        tenant,
        program,
        concern,
        decision="accepted",
        objective_id=objective["id"],
        reason="Added a safe-space rule.",
    )
    assert linked.json()["resulting_objective_id"] == objective["id"]
    assert linked.json()["resolution_reason"] == "Added a safe-space rule."
    declined = await resolve(
        tenant, program, comment, decision="declined", reason="Sites are far apart."
    )
    assert (declined.json()["status"], declined.json()["resulting_objective_id"]) == (
        "declined",
        None,
    )

    again = await resolve(tenant, program, comment, decision="accepted")
    problem(again, 409, "contribution_resolved")
    stale = await tenant.client.post(
        consultation_url(program, "contributions", comment["id"], "resolve"),
        json={"decision": "accepted"},
        headers=versioned(tenant.admin, 1),
    )
    problem(stale, 412)
    # What the invitee sees of the decisions on their own contributions.
    theirs = await tenant.client.get(
        consultation_url(program, "contributions"), params={"status": "declined"}, headers=as_person
    )
    assert [c["id"] for c in theirs.json()["items"]] == [comment["id"]]


async def test_closing_needs_every_decision_and_is_announced(tenant: Tenant) -> None:
    program = await create_program(tenant)
    opened = await open_consultation(tenant, program)
    person = await tenant.employee()
    await invite(tenant, program, employee_id=person["id"])
    await invite(tenant, program, email="sponsor@board.example", role="executive_sponsor")
    as_person = tenant.as_user(person)
    pending = (await contribute(tenant, program, as_person, kind="comment", body="Yes!")).json()

    blocked = problem(await close_consultation(tenant, program), 409, "contributions_pending")
    assert blocked["pending"] == 1
    await resolve(tenant, program, pending, decision="declined", reason="Out of scope.")
    short = await tenant.client.post(
        consultation_url(program, "close"), json={"summary": ""}, headers=tenant.admin
    )
    assert problem(short, 422)["errors"][0]["field"] == "summary"
    closed = await close_consultation(
        tenant, program, "Focus on collaboration tools and inclusion."
    )
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"
    assert closed.json()["summary"] == "Focus on collaboration tools and inclusion."
    assert closed.json()["closed_at"] is not None

    events = await events_of(tenant, opened["id"], "consultation.")
    assert [e.type for e in events] == ["consultation.closed"]
    assert events[0].data["program_id"] == program["id"]
    assert events[0].data["stakeholders"] == {"invited": 2, "responded": 1}
    assert events[0].data["contributions"] == {"pending": 0, "accepted": 0, "declined": 1}
    assert (
        events[0].data["consultation"]["summary"] == "Focus on collaboration tools and inclusion."
    )

    after = [
        await contribute(tenant, program, as_person, kind="comment", body="Late"),
        await tenant.client.post(
            consultation_url(program, "stakeholders"),
            json={"email": "late@x.example", "role": "it"},
            headers=tenant.admin,
        ),
        await close_consultation(tenant, program),
        await resolve(tenant, program, pending, decision="accepted"),
    ]
    for response in after:
        problem(response, 409, "consultation_closed")


async def test_no_contribution_after_the_deadline(tenant: Tenant) -> None:
    program = await create_program(tenant)
    opened = await open_consultation(tenant, program)
    person = await tenant.employee()
    await invite(tenant, program, employee_id=person["id"])
    await expire_deadline(tenant, opened["id"])
    late = await contribute(tenant, program, tenant.as_user(person), kind="comment", body="Late")
    problem(late, 409, "consultation_deadline_passed")
    # Managers may still decide and close.
    assert (await close_consultation(tenant, program)).status_code == 200


async def test_overview(tenant: Tenant) -> None:
    _owner, as_owner = await program_manager(tenant)
    program = await create_program(tenant, as_owner)
    empty = await tenant.client.get(url(program, "overview"), headers=as_owner)
    assert empty.status_code == 200, empty.text
    assert empty.json()["consultation"] is None
    assert empty.json()["stakeholders"] == {"invited": 0, "responded": 0}
    assert empty.json()["contributions"] == {"pending": 0, "accepted": 0, "declined": 0, "total": 0}

    first = await add_objective(tenant, program, as_owner, title="First")
    await open_consultation(tenant, program, as_owner)
    people = [await tenant.employee() for _ in range(3)]
    await invite(tenant, program, as_owner, employee_id=people[0]["id"], role="hr")
    await invite(tenant, program, as_owner, employee_id=people[1]["id"], role="hr")
    await invite(tenant, program, as_owner, employee_id=people[2]["id"], role="it")
    answers = [
        (await contribute(tenant, program, tenant.as_user(p), kind="comment", body="b")).json()
        for p in (people[0], people[0], people[2])
    ]
    await resolve(tenant, program, answers[0], decision="declined", reason="Not now.")
    await resolve(tenant, program, answers[1], decision="accepted")

    response = await tenant.client.get(url(program, "overview"), headers=as_owner)
    overview = response.json()
    assert overview["program"]["id"] == program["id"]
    assert [o["id"] for o in overview["objectives"]] == [first["id"]]
    assert overview["consultation"]["status"] == "open"
    assert overview["stakeholders"] == {"invited": 3, "responded": 2}
    assert overview["stakeholders_by_role"]["hr"] == {"invited": 2, "responded": 1}
    assert overview["stakeholders_by_role"]["it"] == {"invited": 1, "responded": 1}
    assert overview["stakeholders_by_role"]["executive_sponsor"] == {"invited": 0, "responded": 0}
    assert overview["contributions"] == {"pending": 1, "accepted": 1, "declined": 1, "total": 3}
    problem(
        await tenant.client.get(url(program, "overview"), headers=tenant.as_user(people[0])),
        403,
        "not_program_manager",
    )
    reader = await tenant.api_key("read")
    assert (await tenant.client.get(url(program, "overview"), headers=reader)).json() == overview


async def test_consultation_of_an_archived_program_is_frozen(tenant: Tenant) -> None:
    program = await ready_to_enroll(tenant)
    assert program["status"] == "consultation"
    other = await create_program(tenant)
    await open_consultation(tenant, other)
    person = await tenant.employee()
    await invite(tenant, other, employee_id=person["id"])
    await move_to(tenant, other, "archived")
    response = await contribute(tenant, other, tenant.as_user(person), kind="comment", body="Hi")
    problem(response, 409, "program_archived")
    problem(await close_consultation(tenant, other), 409, "program_archived")
    # Still readable by the invitee.
    seen = await tenant.client.get(consultation_url(other), headers=tenant.as_user(person))
    assert seen.json()["status"] == "open"


async def test_other_organisations_consultations_do_not_exist(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    program = await create_program(tenant)
    await open_consultation(tenant, program)
    theirs = other_tenant.admin
    for method, path, body in (
        ("GET", consultation_url(program), None),
        ("POST", consultation_url(program, "close"), {"summary": "Done here."}),
        ("POST", consultation_url(program, "stakeholders"), {"email": "a@b.example", "role": "it"}),
        ("GET", consultation_url(program, "contributions"), None),
    ):
        response = await other_tenant.client.request(method, path, json=body, headers=theirs)
        problem(response, 404, "program_not_found")
    listed = await other_tenant.client.get("/api/v1/consultations", headers=theirs)
    assert listed.json()["items"] == []

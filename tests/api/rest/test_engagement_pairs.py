"""Engagement rules about pairs, with an injected clock: each item appears when it is due,
becomes urgent, is nudged once per stage, and is gone (with its nudges) once it is done."""

from datetime import timedelta

from app.domain.integrations.worker import Worker
from app.domain.pairs.models import PairStatus
from tests.api.engagement_support import (
    AGENDA,
    agenda,
    evaluate,
    for_person,
    kinds,
    later,
    nudges,
    today,
)
from tests.api.pairs_support import age_logs, backdate_pair, make_pair, pair_url
from tests.api.programs_support import events_of, versioned
from tests.conftest import Tenant

MINUTE = timedelta(minutes=1)


async def test_first_session_is_due_then_urgent_then_gone(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    due = today() + timedelta(days=14)
    mentor, mentee = setup.mentor_employee, setup.mentee_employee
    assert "first_session" not in await kinds(tenant, mentor, due - MINUTE)
    items = [i for i in await agenda(tenant, mentor, due) if i.kind == "first_session"]
    assert len(items) == 1
    first = items[0]
    assert first.subject.type == "pair"
    assert str(first.subject.id) == setup.pair["id"]
    assert first.due_at == due
    assert first.stage == "due"
    assert (first.action.method, first.action.path) == (
        "POST",
        f"/api/v1/pairs/{setup.pair['id']}/session-logs",
    )

    # One nudge per person, however often the worker looks.
    assert (await evaluate(tenant, due)).nudges >= 2
    assert (await evaluate(tenant, due + MINUTE)).nudges == 0
    sent = await nudges(tenant, setup.pair["id"])
    assert len(for_person(sent, mentor)) == 1
    assert len(for_person(sent, mentee)) == 1
    data = for_person(sent, mentee)[0].data
    assert data["kind"] == "first_session"
    assert data["stage"] == "due"
    assert data["subject"] == {"type": "pair", "id": setup.pair["id"]}
    assert data["action"] == {"method": "POST", "path": first.action.path}
    assert data["program_id"] == setup.program["id"]
    assert data["due_at"] == due.isoformat()
    assert set(data) == {
        "key",
        "kind",
        "stage",
        "recipient_employee_id",
        "program_id",
        "subject",
        "due_at",
        "reason",
        "action",
    }

    # A week later it is urgent: one more nudge each.
    urgent = due + timedelta(days=7)
    assert (await agenda(tenant, mentor, urgent))[0].stage == "urgent"
    await evaluate(tenant, urgent)
    await evaluate(tenant, urgent + MINUTE)
    stages = sorted(
        e.data["stage"] for e in for_person(await nudges(tenant, setup.pair["id"]), mentor)
    )
    assert stages == ["due", "urgent"]

    # Logged: the item is gone, and nothing more is sent.
    assert (await setup.log()).status_code == 201
    assert "first_session" not in await kinds(tenant, mentor, urgent)
    await evaluate(tenant, urgent + timedelta(days=1))
    first_sessions = [
        e for e in await nudges(tenant, setup.pair["id"]) if e.data["kind"] == "first_session"
    ]
    assert len(first_sessions) == 4


async def test_the_rest_agenda_shows_what_the_data_says_now(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    await backdate_pair(tenant, setup.pair["id"], days=20)
    response = await tenant.client.get(AGENDA, headers=setup.mentor)
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [i["kind"] for i in items] == ["first_session"]
    assert items[0]["subject"] == {"type": "pair", "id": setup.pair["id"]}
    assert items[0]["action"]["path"] == pair_url(setup.pair, "session-logs")
    assert (await setup.log()).status_code == 201
    response = await tenant.client.get(AGENDA, headers=setup.mentor)
    assert response.json()["items"] == []
    # The same through GraphQL.
    await backdate_pair(tenant, setup.pair["id"], days=0)
    other = await make_pair(tenant, program=setup.program, manager=setup.manager)
    await backdate_pair(tenant, other.pair["id"], days=20)
    query = "{ viewer { agenda { kind stage dueAt subject { type id } action { method path } } } }"
    answer = await tenant.client.post("/graphql", json={"query": query}, headers=other.mentee)
    agenda_items = answer.json()["data"]["viewer"]["agenda"]
    assert [i["kind"] for i in agenda_items] == ["FIRST_SESSION"]
    assert agenda_items[0]["subject"] == {"type": "PAIR", "id": other.pair["id"]}


async def test_agreement_waits_for_the_side_that_has_not_acknowledged(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    written = await tenant.client.put(
        pair_url(setup.pair, "agreement"),
        json={"format": "video", "cadence_days": 7},
        headers=versioned(setup.mentor, setup.pair["version"]),
    )
    assert written.status_code == 200, written.text
    acknowledged = await tenant.client.post(
        pair_url(setup.pair, "agreement", "acknowledge"),
        headers=versioned(setup.mentor, written.json()["version"]),
    )
    assert acknowledged.status_code == 200, acknowledged.text
    due = later(days=5, minutes=1)
    assert "agreement_acknowledgement" not in await kinds(
        tenant, setup.mentee_employee, later(days=4)
    )
    assert "agreement_acknowledgement" in await kinds(tenant, setup.mentee_employee, due)
    assert "agreement_acknowledgement" not in await kinds(tenant, setup.mentor_employee, due)
    await evaluate(tenant, due)
    sent = [e for e in await nudges(tenant, setup.pair["id"]) if e.data["kind"].startswith("agree")]
    assert [e.data["recipient_employee_id"] for e in sent] == [setup.mentee_employee["id"]]
    acknowledged = await tenant.client.post(
        pair_url(setup.pair, "agreement", "acknowledge"),
        headers=versioned(setup.mentee, acknowledged.json()["version"]),
    )
    assert acknowledged.status_code == 200, acknowledged.text
    assert "agreement_acknowledgement" not in await kinds(tenant, setup.mentee_employee, due)


async def test_a_session_is_overdue_against_the_pairs_own_cadence(tenant: Tenant) -> None:
    # The program recommends 30 days; this pair agreed on 7.
    setup = await make_pair(tenant, cadence_days=30)
    written = await tenant.client.put(
        pair_url(setup.pair, "agreement"),
        json={"format": "video", "cadence_days": 7},
        headers=versioned(setup.mentor, setup.pair["version"]),
    )
    assert written.status_code == 200, written.text
    assert (await setup.log(held_at=later(hours=-1).isoformat())).status_code == 201
    mentee = setup.mentee_employee
    # 7 days of cadence and 3 of grace.
    assert "session_overdue" not in await kinds(tenant, mentee, later(days=9))
    assert "session_overdue" in await kinds(tenant, mentee, later(days=10))
    await evaluate(tenant, later(days=10))
    sent = [
        e for e in await nudges(tenant, setup.pair["id"]) if e.data["kind"] == "session_overdue"
    ]
    assert len(sent) == 2
    # A new session answers it.
    assert (await setup.log(held_at=later(hours=-1).isoformat())).status_code == 201
    await age_logs(tenant, setup.pair["id"], hours=0)
    assert "session_overdue" not in await kinds(tenant, mentee, later(days=9))


async def test_a_log_waits_for_the_other_sides_confirmation(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    response = await setup.log(private_note="MY-SECRET-NOTE")  # logged by the mentee
    assert response.status_code == 201, response.text
    log = response.json()
    due = later(days=3, minutes=1)
    items = await agenda(tenant, setup.mentor_employee, due)
    confirm = [i for i in items if i.kind == "log_confirmation"]
    assert len(confirm) == 1
    assert confirm[0].subject.type == "log"
    assert confirm[0].action.path == pair_url(setup.pair, "session-logs", log["id"], "confirm")
    assert "log_confirmation" not in await kinds(tenant, setup.mentee_employee, due)
    await evaluate(tenant, due)
    sent = await nudges(tenant, log["id"])
    assert [e.data["recipient_employee_id"] for e in sent] == [setup.mentor_employee["id"]]
    # Neither the agenda nor the nudge carries the private note.
    assert "MY-SECRET-NOTE" not in str(sent[0].data)
    assert "MY-SECRET-NOTE" not in str([i.model_dump() for i in items])
    confirmed = await tenant.client.post(
        pair_url(setup.pair, "session-logs", log["id"], "confirm"),
        json={},
        headers=versioned(setup.mentor, log["version"]),
    )
    assert confirmed.status_code == 200, confirmed.text
    assert "log_confirmation" not in await kinds(tenant, setup.mentor_employee, due)
    await evaluate(tenant, due + timedelta(days=30))
    assert len(await nudges(tenant, log["id"])) == 1


async def test_mid_and_end_feedback(tenant: Tenant) -> None:
    ends_on = (today() + timedelta(days=100)).date()
    setup = await make_pair(tenant, starts_on=str(today().date()), ends_on=str(ends_on))
    assert (await setup.log()).status_code == 201
    mid = today() + timedelta(days=90)
    assert "mid_feedback" not in await kinds(tenant, setup.mentor_employee, mid - MINUTE)
    assert "mid_feedback" in await kinds(tenant, setup.mentor_employee, mid)
    given = await tenant.client.post(
        pair_url(setup.pair, "feedback"),
        json={"stage": "mid", "rating": 4, "would_recommend": 9},
        headers=setup.mentor,
    )
    assert given.status_code == 201, given.text
    assert "mid_feedback" not in await kinds(tenant, setup.mentor_employee, mid)
    assert "mid_feedback" in await kinds(tenant, setup.mentee_employee, mid)

    # End feedback: 14 days before the program ends.
    end = today() + timedelta(days=86)
    assert "end_feedback" in await kinds(tenant, setup.mentee_employee, end)
    assert "end_feedback" not in await kinds(tenant, setup.mentee_employee, end - MINUTE)
    # Completed early: due at once.
    assert (await setup.move("completed")).status_code == 200
    items = await agenda(tenant, setup.mentee_employee, later(minutes=1))
    assert [i.kind for i in items] == ["end_feedback"]


async def test_an_inactive_pair_is_warned_then_paused(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    assert (await setup.log(held_at=later(days=-1).isoformat())).status_code == 201
    warned = later(days=29, minutes=1)
    assert "pair_inactive" in await kinds(tenant, setup.mentor_employee, warned)
    # No double reminder: overdue gives way to inactive.
    assert "session_overdue" not in await kinds(tenant, setup.mentor_employee, warned)
    found = await evaluate(tenant, warned)
    assert found.paused == 0
    sent = [e for e in await nudges(tenant, setup.pair["id"]) if e.data["kind"] == "pair_inactive"]
    recipients = {e.data["recipient_employee_id"] for e in sent}
    assert {setup.mentor_employee["id"], setup.mentee_employee["id"]} <= recipients
    assert len(recipients) == 3  # and the program's manager
    manager_id = (recipients - {setup.mentor_employee["id"], setup.mentee_employee["id"]}).pop()
    to_manager = next(e for e in sent if e.data["recipient_employee_id"] == manager_id)
    assert to_manager.data["action"]["path"] == pair_url(setup.pair, "transitions")

    found = await evaluate(tenant, later(days=44, minutes=1))
    assert found.paused == 1
    assert (await setup.refresh())["status"] == PairStatus.PAUSED
    changed = await events_of(tenant, setup.pair["id"], "pair.status_changed")
    assert changed[-1].data["status"] == "paused"
    assert changed[-1].actor == "engagement"
    assert "pair_inactive" not in await kinds(tenant, setup.mentor_employee, later(days=50))


async def test_a_program_may_end_inactive_pairs(tenant: Tenant) -> None:
    setup = await make_pair(
        tenant,
        engagement_settings={
            "inactive_warning_days": 10,
            "inactive_action_days": 20,
            "inactive_action": "end",
        },
    )
    reason = (await agenda(tenant, setup.mentee_employee, today() + timedelta(days=10)))[0].reason
    assert "ended after 20 days" in reason
    assert (await evaluate(tenant, today() + timedelta(days=20))).ended == 1
    pair = await setup.refresh()
    assert (pair["status"], pair["end_reason"]) == ("ended_early", "inactive")


async def test_an_agenda_holds_nothing_of_another_pair(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    setup = await make_pair(tenant)
    neighbour = await make_pair(tenant, program=setup.program, manager=setup.manager)
    response = await setup.log(private_note="PRIVATE-WORDS", summary="SHARED-WORDS")
    assert response.status_code == 201
    when = later(days=40)
    seen = str([i.model_dump() for i in await agenda(tenant, neighbour.mentor_employee, when)])
    assert setup.pair["id"] not in seen
    assert response.json()["id"] not in seen
    assert "PRIVATE-WORDS" not in seen
    assert "SHARED-WORDS" not in seen
    # Another organisation's people see nothing of it, through REST or GraphQL.
    stranger = await other_tenant.employee()
    answer = await other_tenant.client.get(AGENDA, headers=other_tenant.as_user(stranger))
    assert answer.status_code == 200
    assert answer.json() == {"items": []}
    # A machine client has no agenda.
    assert (await tenant.client.get(AGENDA, headers=tenant.admin)).json() == {"items": []}


async def test_nudges_sent_to_a_person_are_exported_and_erased(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    await evaluate(tenant, today() + timedelta(days=14))
    url = f"/api/v1/employees/{setup.mentee_employee['id']}/personal-data"
    exported = (await tenant.client.get(url, headers=setup.mentee)).json()
    [nudge] = exported["engagement_nudges"]
    assert nudge["kind"] == "first_session"
    assert nudge["recipient_employee_id"] == setup.mentee_employee["id"]
    assert (await tenant.client.delete(url, headers=tenant.admin)).status_code == 204
    after = (await tenant.client.get(url, headers=tenant.admin)).json()
    assert after["engagement_nudges"] == []
    # The mentor's own record stays.
    mentor_url = f"/api/v1/employees/{setup.mentor_employee['id']}/personal-data"
    assert (
        len((await tenant.client.get(mentor_url, headers=tenant.admin)).json()["engagement_nudges"])
        == 1
    )


async def test_the_worker_evaluates_the_rules_periodically(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    await backdate_pair(tenant, setup.pair["id"], days=20)
    worker = Worker(tenant.app.state.session_factory)
    await worker.run_once()
    await worker.run_once()  # not due again yet
    await worker.dispatcher.aclose()
    sent = await nudges(tenant, setup.pair["id"])
    assert sorted(e.data["recipient_employee_id"] for e in sent) == sorted(
        [setup.mentor_employee["id"], setup.mentee_employee["id"]]
    )

"""Engagement rules of the support network: circle meetings to answer, workshops tomorrow,
for employees and guest mentors alike."""

from datetime import timedelta

from tests.api.engagement_support import AGENDA, agenda, evaluate, kinds, later, nudges
from tests.api.support_network_support import (
    GUESTS,
    WORKSHOPS,
    active_program,
    at,
    circle,
    circles_url,
    guest,
    mentor,
)
from tests.conftest import Tenant


async def test_a_circle_meeting_waits_for_each_members_answer(tenant: Tenant) -> None:
    program, manager = await active_program(tenant)
    alice = await mentor(tenant, program)
    bob = await mentor(tenant, program)
    made = await circle(tenant, program, manager, [alice, bob])
    visitor = await guest(tenant)
    invited = await tenant.client.post(
        f"{GUESTS}/{visitor['id']}/invitations", json={"circle_id": made["id"]}, headers=manager
    )
    assert invited.status_code == 201, invited.text
    meetings = circles_url(program, made["id"], "meetings")
    response = await tenant.client.post(
        meetings, json={"starts_at": at(5), "duration_minutes": 60}, headers=manager
    )
    assert response.status_code == 201, response.text
    meeting = response.json()
    # Due three days before it starts, urgent the day before.
    assert "meeting_answer" not in await kinds(tenant, alice, later(days=1))
    [item] = await agenda(tenant, alice, later(days=2, minutes=1))
    assert (item.kind, item.stage, item.subject.type) == ("meeting_answer", "due", "meeting")
    assert item.action.path == f"{meetings}/{meeting['id']}/my-response"
    assert item.action.method == "PUT"
    assert (await agenda(tenant, alice, later(days=4, minutes=1)))[0].stage == "urgent"
    await evaluate(tenant, later(days=2, minutes=1))
    sent = await nudges(tenant, meeting["id"])
    # Employees are nudged; a guest mentor only sees it on their agenda.
    assert sorted(e.data["recipient_employee_id"] for e in sent) == sorted([alice["id"], bob["id"]])

    answered = await tenant.client.put(
        f"{meetings}/{meeting['id']}/my-response", json={"rsvp": "no"}, headers=alice["headers"]
    )
    assert answered.status_code == 200, answered.text
    assert "meeting_answer" not in await kinds(tenant, alice, later(days=2, minutes=1))
    assert "meeting_answer" in await kinds(tenant, bob, later(days=2, minutes=1))

    # Moved closer, the meeting is due now: the guest sees it on their own agenda.
    moved = await tenant.client.get(f"{meetings}/{meeting['id']}", headers=manager)
    changed = await tenant.client.patch(
        f"{meetings}/{meeting['id']}",
        json={"starts_at": at(2)},
        headers=manager | {"If-Match": f'"{moved.json()["version"]}"'},
    )
    assert changed.status_code == 200, changed.text
    mine = await tenant.client.get(AGENDA, headers=visitor["headers"])
    assert mine.status_code == 200, mine.text
    assert [i["kind"] for i in mine.json()["items"]] == ["meeting_answer"]
    reply = await tenant.client.put(
        f"{meetings}/{meeting['id']}/my-response", json={"rsvp": "yes"}, headers=visitor["headers"]
    )
    assert reply.status_code == 200, reply.text
    assert (await tenant.client.get(AGENDA, headers=visitor["headers"])).json()["items"] == []
    # A meeting past is no longer on anyone's agenda.
    assert "meeting_answer" not in await kinds(tenant, bob, later(days=3))


async def test_a_workshop_tomorrow_reminds_its_registrants(tenant: Tenant) -> None:
    created = await tenant.client.post(
        WORKSHOPS,
        json={"title": "Prompting", "starts_at": at(3), "ends_at": at(3.1), "capacity": 1},
        headers=tenant.admin,
    )
    assert created.status_code == 201, created.text
    workshop = created.json()
    first, second = await tenant.employee(), await tenant.employee()
    for person in (first, second):
        registered = await tenant.client.post(
            f"{WORKSHOPS}/{workshop['id']}/registration", headers=tenant.as_user(person)
        )
        assert registered.status_code == 201, registered.text
    tomorrow = later(days=2, minutes=1)
    assert "workshop_tomorrow" not in await kinds(tenant, first, later(days=1.9))
    [item] = await agenda(tenant, first, tomorrow)
    assert (item.kind, item.subject.type) == ("workshop_tomorrow", "workshop")
    assert item.action.path == f"{WORKSHOPS}/{workshop['id']}"
    assert "Prompting" in item.reason
    # The waitlisted person has no seat to come to.
    assert await agenda(tenant, second, tomorrow) == []
    await evaluate(tenant, tomorrow)
    await evaluate(tenant, tomorrow + timedelta(hours=1))
    sent = await nudges(tenant, workshop["id"])
    assert [e.data["recipient_employee_id"] for e in sent] == [first["id"]]
    # Cancelled: gone.
    cancelled = await tenant.client.delete(
        f"{WORKSHOPS}/{workshop['id']}/registration", headers=tenant.as_user(first)
    )
    assert cancelled.status_code in (200, 204), cancelled.text
    assert "workshop_tomorrow" not in await kinds(tenant, first, tomorrow)

"""Workshops through REST: capacity under races, the waitlist, attendance and feedback."""

import asyncio
from typing import Any

from tests.api.programs_support import events_of
from tests.api.support_network_support import WORKSHOPS, active_program, at
from tests.conftest import Tenant, problem


async def workshop(
    tenant: Tenant, headers: dict[str, str] | None = None, **fields: Any
) -> dict[str, Any]:
    body = {
        "title": "Giving feedback upwards",
        "starts_at": at(10),
        "ends_at": at(10.1),
        "capacity": 5,
    } | fields
    response = await tenant.client.post(WORKSHOPS, json=body, headers=headers or tenant.admin)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_twenty_racing_for_five_seats(tenant: Tenant) -> None:
    made = await workshop(tenant)
    people = [tenant.as_user(await tenant.employee()) for _ in range(20)]
    url = f"{WORKSHOPS}/{made['id']}/registration"
    responses = await asyncio.gather(*(tenant.client.post(url, headers=h) for h in people))
    assert all(r.status_code == 201 for r in responses), [r.text for r in responses]
    statuses = [r.json()["status"] for r in responses]
    assert statuses.count("registered") == 5
    assert statuses.count("waitlisted") == 15
    # Each answer was true when sent: the waitlisted were told 1 to 15, each once.
    told = sorted(r.json()["waitlist_position"] or 0 for r in responses)
    assert told == [0] * 5 + list(range(1, 16))
    # Read afterwards, the waitlist is the same queue: positions 1 to 15, each once.
    mine = [await tenant.client.get(url, headers=h) for h in people]
    positions = sorted(r.json()["waitlist_position"] or 0 for r in mine)
    assert positions == [0] * 5 + list(range(1, 16))
    read = await tenant.client.get(f"{WORKSHOPS}/{made['id']}", headers=tenant.admin)
    assert (read.json()["registered"], read.json()["waitlisted"]) == (5, 15)
    registered = await tenant.client.get(
        f"{WORKSHOPS}/{made['id']}/registrations",
        params={"status": "registered"},
        headers=tenant.admin,
    )
    assert len(registered.json()["items"]) == 5
    waitlist = await tenant.client.get(
        f"{WORKSHOPS}/{made['id']}/registrations",
        params={"status": "waitlisted", "limit": 200},
        headers=tenant.admin,
    )
    assert sorted(r["waitlist_position"] for r in waitlist.json()["items"]) == list(range(1, 16))


async def test_twelve_at_once_for_two_seats_are_told_their_real_places(tenant: Tenant) -> None:
    made = await workshop(tenant, capacity=2)
    people = [tenant.as_user(await tenant.employee()) for _ in range(12)]
    url = f"{WORKSHOPS}/{made['id']}/registration"
    responses = await asyncio.gather(*(tenant.client.post(url, headers=h) for h in people))
    assert [r.status_code for r in responses] == [201] * 12, [r.text for r in responses]
    registered = [r.json() for r in responses if r.json()["status"] == "registered"]
    waitlisted = [r.json() for r in responses if r.json()["status"] == "waitlisted"]
    assert len(registered) == 2
    assert all(r["waitlist_position"] is None for r in registered)
    # The positions in the answers themselves: exact and distinct, 1 to 10.
    assert sorted(r["waitlist_position"] for r in waitlisted) == list(range(1, 11))
    # What each was told is what reading back says, person by person.
    for headers, response in zip(people, responses, strict=True):
        mine = await tenant.client.get(url, headers=headers)
        assert mine.json()["waitlist_position"] == response.json()["waitlist_position"]
    # And the events announced the same places.
    for answer in waitlisted:
        [announced] = await events_of(tenant, answer["id"], "workshop.")
        assert announced.data["waitlist_position"] == answer["waitlist_position"]


async def test_cancellation_promotes_the_first_waiting(tenant: Tenant) -> None:
    made = await workshop(tenant, capacity=1)
    url = f"{WORKSHOPS}/{made['id']}/registration"
    first, second, third = [tenant.as_user(await tenant.employee()) for _ in range(3)]
    assert (await tenant.client.post(url, headers=first)).json()["status"] == "registered"
    waiting = await tenant.client.post(url, headers=second)
    assert waiting.json()["status"] == "waitlisted"
    assert waiting.json()["waitlist_position"] == 1
    assert (await tenant.client.post(url, headers=third)).json()["waitlist_position"] == 2
    problem(await tenant.client.post(url, headers=first), 409, "already_registered")

    cancelled = await tenant.client.delete(url, headers=first)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    promoted = await tenant.client.get(url, headers=second)
    assert promoted.json()["status"] == "registered"
    assert (await tenant.client.get(url, headers=third)).json()["waitlist_position"] == 1
    events = await events_of(tenant, promoted.json()["id"], "workshop.")
    assert [e.data["reason"] for e in events] == ["registered", "promoted_from_waitlist"]
    assert events[-1].type == "workshop.registration_changed"
    # Coming back after cancelling joins the end of the queue.
    back = await tenant.client.post(url, headers=first)
    assert back.json()["status"] == "waitlisted"
    assert back.json()["waitlist_position"] == 2


async def test_attendance_and_feedback(tenant: Tenant) -> None:
    program, manager = await active_program(tenant)
    facilitator = await tenant.employee()
    made = await workshop(
        tenant, manager, program_id=program["id"], facilitator_employee_id=facilitator["id"]
    )
    assert made["facilitator"] == {"employee_id": facilitator["id"], "guest_id": None}
    person = tenant.as_user(await tenant.employee())
    url = f"{WORKSHOPS}/{made['id']}"
    registration = (await tenant.client.post(f"{url}/registration", headers=person)).json()
    problem(
        await tenant.client.put(
            f"{url}/registrations/{registration['id']}/attendance",
            json={"attended": True},
            headers=person,
        ),
        403,
    )
    marked = await tenant.client.put(
        f"{url}/registrations/{registration['id']}/attendance",
        json={"attended": True},
        headers=tenant.as_user(facilitator),
    )
    assert marked.json()["attended"] is True
    rated = await tenant.client.put(
        f"{url}/registration/feedback",
        json={"rating": 5, "feedback": "Eye-opening"},
        headers=person,
    )
    assert (rated.json()["rating"], rated.json()["feedback"]) == (5, "Eye-opening")
    other = tenant.as_user(await tenant.employee())
    await tenant.client.post(f"{url}/registration", headers=other)
    await tenant.client.put(f"{url}/registration/feedback", json={"rating": 2}, headers=other)
    summary = (await tenant.client.get(url, headers=manager)).json()
    assert (summary["ratings"], summary["average_rating"]) == (2, 3.5)
    problem(
        await tenant.client.put(f"{url}/registration/feedback", json={"rating": 6}, headers=person),
        422,
    )


async def test_who_creates_and_sees_workshops(tenant: Tenant, other_tenant: Tenant) -> None:
    program, manager = await active_program(tenant)
    employee = tenant.as_user(await tenant.employee())
    problem(
        await tenant.client.post(
            WORKSHOPS,
            json={"title": "x", "starts_at": at(1), "ends_at": at(1.1), "capacity": 3},
            headers=manager,
        ),
        403,
    )
    bad = await tenant.client.post(
        WORKSHOPS,
        json={"title": "x", "starts_at": at(2), "ends_at": at(1), "capacity": 3},
        headers=tenant.admin,
    )
    problem(bad, 409, "date_order")
    made = await workshop(tenant, manager, program_id=program["id"])
    assert made["program_id"] == program["id"]
    listed = await tenant.client.get(WORKSHOPS, headers=employee)
    assert made["id"] in [w["id"] for w in listed.json()["items"]]
    problem(await tenant.client.get(f"{WORKSHOPS}/{made['id']}", headers=other_tenant.admin), 404)


async def test_capacity_changes(tenant: Tenant) -> None:
    made = await workshop(tenant, capacity=3)
    url = f"{WORKSHOPS}/{made['id']}"
    people = [tenant.as_user(await tenant.employee()) for _ in range(5)]
    for headers in people:
        await tenant.client.post(f"{url}/registration", headers=headers)
    # Free the first two seats, so the people left sit on the highest one(s).
    await tenant.client.delete(f"{url}/registration", headers=people[0])  # promotes #4
    await tenant.client.delete(f"{url}/registration", headers=people[1])  # promotes #5
    await tenant.client.delete(f"{url}/registration", headers=people[3])
    problem(await tenant.client.patch(url, json={"capacity": 1}, headers=tenant.admin), 428)
    v = (await tenant.client.get(url, headers=tenant.admin)).json()["version"]
    too_small = await tenant.client.patch(
        url, json={"capacity": 1}, headers=tenant.admin | {"If-Match": f'"{v}"'}
    )
    problem(too_small, 409, "capacity_below_registered")
    smaller = await tenant.client.patch(
        url,
        json={"capacity": 2, "title": "Smaller room"},
        headers=tenant.admin | {"If-Match": f'"{v}"'},
    )
    assert smaller.status_code == 200, smaller.text
    assert (smaller.json()["capacity"], smaller.json()["registered"]) == (2, 2)
    assert smaller.json()["title"] == "Smaller room"
    # Both people still registered, now on seats 0 and 1; one more seat, one more person.
    newcomer = tenant.as_user(await tenant.employee())
    waiting = await tenant.client.post(f"{url}/registration", headers=newcomer)
    assert waiting.json()["status"] == "waitlisted"
    bigger = await tenant.client.patch(
        url, json={"capacity": 3}, headers=tenant.admin | {"If-Match": f'"{v + 1}"'}
    )
    assert (bigger.json()["registered"], bigger.json()["waitlisted"]) == (3, 0)
    assert (await tenant.client.get(f"{url}/registration", headers=newcomer)).json()[
        "status"
    ] == "registered"
    bad = await tenant.client.patch(
        url, json={"ends_at": at(1)}, headers=tenant.admin | {"If-Match": f'"{v + 2}"'}
    )
    problem(bad, 409)
    problem(
        await tenant.client.patch(
            url, json={"title": "Mine"}, headers=people[2] | {"If-Match": f'"{v + 2}"'}
        ),
        403,
    )

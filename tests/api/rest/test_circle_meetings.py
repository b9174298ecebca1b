"""Circle meetings through REST: scheduling, RSVP, attendance, notes, confidence, calendars."""

import uuid

from icalendar import Calendar

from tests.api.programs_support import events_of
from tests.api.support_network_support import active_program, at, circle, circles_url, mentor
from tests.conftest import Tenant, problem


async def test_meeting_lifecycle_and_event(tenant: Tenant) -> None:
    program, manager = await active_program(tenant)
    alice = await mentor(tenant, program)
    bob = await mentor(tenant, program)
    made = await circle(tenant, program, manager, [alice, bob], facilitator_employee_id=alice["id"])
    meetings = circles_url(program, made["id"], "meetings")
    body = {
        "starts_at": at(7),
        "duration_minutes": 60,
        "link": "https://meet.example/circle",
        "agenda": "Sharing first sessions",
    }
    problem(await tenant.client.post(meetings, json=body, headers=bob["headers"]), 403)
    response = await tenant.client.post(meetings, json=body, headers=alice["headers"])
    assert response.status_code == 201, response.text
    meeting = response.json()
    events = await events_of(tenant, meeting["id"], "circle.")
    assert [e.type for e in events] == ["circle.meeting_scheduled"]
    assert events[0].data["program_id"] == program["id"]
    naive = await tenant.client.post(
        meetings, json=body | {"starts_at": "2027-01-01T09:00:00"}, headers=alice["headers"]
    )
    problem(naive, 422)

    url = f"{meetings}/{meeting['id']}"
    rsvp = await tenant.client.put(
        f"{url}/my-response", json={"rsvp": "yes"}, headers=bob["headers"]
    )
    assert rsvp.status_code == 200, rsvp.text
    assert rsvp.json()["rsvp"] == "yes"
    empty = await tenant.client.put(f"{url}/my-response", json={}, headers=bob["headers"])
    problem(empty, 409, "empty_response")
    mark = await tenant.client.post(
        f"{url}/attendance", json={"employee_id": bob["id"], "attended": True}, headers=manager
    )
    assert mark.status_code == 200, mark.text
    rows = await tenant.client.get(f"{url}/attendance", headers=alice["headers"])
    assert rows.json() == [
        {
            "meeting_id": meeting["id"],
            "employee_id": bob["id"],
            "guest_id": None,
            "rsvp": "yes",
            "attended": True,
            "confidence": None,
        }
    ]
    # Notes need the version read.
    problem(
        await tenant.client.patch(url, json={"notes": "Good talk"}, headers=alice["headers"]), 428
    )
    noted = await tenant.client.patch(
        url, json={"notes": "Good talk"}, headers=alice["headers"] | {"If-Match": '"1"'}
    )
    assert noted.status_code == 200, noted.text
    assert noted.json()["notes"] == "Good talk"
    assert noted.headers["etag"] == '"2"'
    stale = await tenant.client.patch(
        url, json={"notes": "x"}, headers=alice["headers"] | {"If-Match": '"1"'}
    )
    problem(stale, 412)
    outsider = await mentor(tenant, program)
    problem(await tenant.client.get(url, headers=outsider["headers"]), 404)


async def test_mentor_confidence_over_time(tenant: Tenant) -> None:
    program, manager = await active_program(tenant)
    alice = await mentor(tenant, program)
    bob = await mentor(tenant, program)
    made = await circle(tenant, program, manager, [alice])
    join = await tenant.client.post(
        circles_url(program, made["id"], "members"), json={"confidence": 2}, headers=bob["headers"]
    )
    assert join.status_code == 201
    meetings = circles_url(program, made["id"], "meetings")
    ids = []
    for days in (1, 8):
        response = await tenant.client.post(
            meetings, json={"starts_at": at(days), "duration_minutes": 45}, headers=manager
        )
        ids.append(response.json()["id"])
    for meeting_id, value in zip(ids, (3, 4), strict=True):
        answer = await tenant.client.put(
            f"{meetings}/{meeting_id}/my-response",
            json={"confidence": value},
            headers=bob["headers"],
        )
        assert answer.status_code == 200, answer.text
    await tenant.client.put(
        f"{meetings}/{ids[0]}/my-response", json={"confidence": 4}, headers=alice["headers"]
    )
    await tenant.client.put(
        f"{meetings}/{ids[1]}/my-response", json={"confidence": 3}, headers=alice["headers"]
    )
    # Alice was added by the manager: she records her confidence on joining herself, once.
    members = await tenant.client.get(
        circles_url(program, made["id"], "members"), headers=alice["headers"]
    )
    alice_member = next(m for m in members.json()["items"] if m["employee_id"] == alice["id"])
    confidence_url = circles_url(
        program, made["id"], "members", alice_member["id"], "joining-confidence"
    )
    problem(
        await tenant.client.put(confidence_url, json={"confidence": 1}, headers=bob["headers"]),
        403,
    )
    recorded = await tenant.client.put(
        confidence_url, json={"confidence": 5}, headers=alice["headers"]
    )
    assert recorded.json()["confidence_at_joining"] == 5
    problem(
        await tenant.client.put(confidence_url, json={"confidence": 4}, headers=alice["headers"]),
        409,
    )
    url = f"/api/v1/programs/{program['id']}/mentor-confidence"
    problem(await tenant.client.get(url, headers=bob["headers"]), 403)
    response = await tenant.client.get(url, headers=manager)
    assert response.status_code == 200, response.text
    summary = response.json()
    assert summary["mentors_reporting"] == 2
    by_id = {m["employee_id"]: m for m in summary["mentors"]}
    assert [p["value"] for p in by_id[bob["id"]]["points"]] == [2, 3, 4]
    assert [p["source"] for p in by_id[bob["id"]]["points"]] == ["joining", "meeting", "meeting"]
    assert (by_id[bob["id"]]["first"], by_id[bob["id"]]["latest"]) == (2, 4)
    assert [p["value"] for p in by_id[alice["id"]]["points"]] == [5, 4, 3]
    assert by_id[alice["id"]]["change"] == -2
    assert summary["average_first"] == 3.5
    assert summary["average_latest"] == 3.5
    assert (summary["mentors_improved"], summary["mentors_declined"]) == (1, 1)
    # The program dashboard shows the same trend.
    board = await tenant.client.get(f"/api/v1/programs/{program['id']}/dashboard", headers=manager)
    assert board.status_code == 200, board.text
    assert board.json()["mentor_confidence"] == {
        "mentors_reporting": 2,
        "average_first": 3.5,
        "average_latest": 3.5,
        "mentors_improved": 1,
        "mentors_declined": 1,
    }


async def test_calendar_feeds_parse_back(tenant: Tenant) -> None:
    program, manager = await active_program(tenant)
    alice = await mentor(tenant, program)
    made = await circle(tenant, program, manager, [alice], name="Brave mentors")
    meetings = circles_url(program, made["id"], "meetings")
    created = await tenant.client.post(
        meetings,
        json={
            "starts_at": "2027-03-01T09:00:00+01:00",
            "duration_minutes": 90,
            "location": "Room 4",
            "agenda": "Feedback that lands",
        },
        headers=manager,
    )
    meeting = created.json()
    feed = await tenant.client.post(
        "/api/v1/calendar-feeds", json={"circle_id": made["id"]}, headers=alice["headers"]
    )
    assert feed.status_code == 201, feed.text
    response = await tenant.client.get(feed.json()["url"])  # no Authorization: the URL is it
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert str(event["uid"]) == f"circle-meeting-{meeting['id']}"
    assert event.decoded("dtstart").isoformat() == "2027-03-01T08:00:00+00:00"
    assert (event.decoded("dtend") - event.decoded("dtstart")).total_seconds() == 90 * 60
    assert str(event["location"]) == "Room 4"
    assert str(event["summary"]) == "Brave mentors: circle meeting"

    # The personal feed holds the meetings of the person's circles and their workshops.
    workshop = await tenant.client.post(
        "/api/v1/workshops",
        json={
            "title": "Storytelling",
            "starts_at": "2027-04-01T14:00:00Z",
            "ends_at": "2027-04-01T16:00:00Z",
            "capacity": 3,
        },
        headers=tenant.admin,
    )
    registered = await tenant.client.post(
        f"/api/v1/workshops/{workshop.json()['id']}/registration", headers=alice["headers"]
    )
    assert registered.status_code == 201, registered.text
    mine = await tenant.client.post("/api/v1/calendar-feeds", json={}, headers=alice["headers"])
    personal = Calendar.from_ical((await tenant.client.get(mine.json()["url"])).content)
    assert [str(e["uid"]) for e in personal.walk("VEVENT")] == [
        f"circle-meeting-{meeting['id']}",
        f"workshop-{workshop.json()['id']}",
    ]
    storytelling = personal.walk("VEVENT")[1]
    assert str(storytelling["summary"]) == "Storytelling"
    assert storytelling.decoded("dtend").isoformat() == "2027-04-01T16:00:00+00:00"
    # Leaving the circle ends the circle feed its member asked for.
    members = await tenant.client.get(
        circles_url(program, made["id"], "members"), headers=alice["headers"]
    )
    member_id = members.json()["items"][0]["id"]
    left = await tenant.client.delete(
        circles_url(program, made["id"], "members", member_id), headers=alice["headers"]
    )
    assert left.status_code == 204
    problem(await tenant.client.get(feed.json()["url"]), 401)
    # Not a member: no feed; an unknown address is refused.
    outsider = await mentor(tenant, program)
    refused = await tenant.client.post(
        "/api/v1/calendar-feeds", json={"circle_id": made["id"]}, headers=outsider["headers"]
    )
    problem(refused, 404)
    problem(await tenant.client.get(f"/calendar-feeds/cal_{uuid.uuid4().hex}"), 401)


async def test_meetings_page_in_time_order(tenant: Tenant) -> None:
    program, manager = await active_program(tenant)
    alice = await mentor(tenant, program)
    made = await circle(tenant, program, manager, [alice])
    meetings = circles_url(program, made["id"], "meetings")
    for days in (9, 2, 5):
        response = await tenant.client.post(
            meetings, json={"starts_at": at(days), "duration_minutes": 30}, headers=manager
        )
        assert response.status_code == 201
    first = await tenant.client.get(meetings, params={"limit": 2}, headers=alice["headers"])
    assert first.status_code == 200, first.text
    second = await tenant.client.get(
        meetings,
        params={"limit": 2, "cursor": first.json()["next_cursor"]},
        headers=alice["headers"],
    )
    starts = [m["starts_at"] for m in first.json()["items"] + second.json()["items"]]
    assert len(starts) == 3
    assert starts == sorted(starts)
    assert second.json()["next_cursor"] is None
    problem(
        await tenant.client.get(meetings, params={"cursor": "bogus"}, headers=alice["headers"]),
        400,
    )

"""The support network through GraphQL: circles, discussions, meetings, workshops."""

from typing import Any

from tests.api.graphql.test_employees_graphql import gql
from tests.api.graphql.test_pairs_graphql import error_of
from tests.api.support_network_support import active_program, at, circles_url, mentor
from tests.conftest import Tenant

CREATE_CIRCLE = """
mutation($programId: UUID!, $input: CircleCreateInput!) {
  createCircle(programId: $programId, input: $input) { id name memberCount facilitator { employeeId } }
}
"""

CIRCLES = """
query($programId: UUID!) {
  circles(programId: $programId) { nodes { id name memberCount } pageInfo { hasNextPage } }
}
"""

THREAD = """
mutation($programId: UUID!, $circleId: UUID!, $input: ThreadCreateInput!) {
  startThread(programId: $programId, circleId: $circleId, input: $input) {
    id kind tags anonymous author { employeeId }
  }
}
"""

THREADS = """
query($programId: UUID!, $circleId: UUID!) {
  circleThreads(programId: $programId, circleId: $circleId) { nodes { id title author { employeeId } } }
}
"""

MEETING = """
mutation($programId: UUID!, $circleId: UUID!, $input: MeetingCreateInput!) {
  scheduleCircleMeeting(programId: $programId, circleId: $circleId, input: $input) {
    id durationMinutes version
  }
}
"""

RESPOND = """
mutation($programId: UUID!, $circleId: UUID!, $meetingId: UUID!) {
  respondToMeeting(programId: $programId, circleId: $circleId, meetingId: $meetingId,
                   rsvp: YES, confidence: 4) { rsvp confidence }
}
"""

CONFIDENCE = """
query($programId: UUID!) {
  mentorConfidence(programId: $programId) { mentorsReporting averageLatest mentors { latest } }
}
"""

WORKSHOP = """
mutation($input: WorkshopCreateInput!) { createWorkshop(input: $input) { id capacity registered } }
"""

REGISTER = """
mutation($id: UUID!) { registerForWorkshop(workshopId: $id) { status waitlistPosition } }
"""

CANCEL = """
mutation($id: UUID!) { cancelWorkshopRegistration(workshopId: $id) { status } }
"""

WORKSHOP_READ = """
query($id: UUID!) { workshop(id: $id) { registered waitlisted } }
"""


async def test_circles_discussions_and_meetings(tenant: Tenant) -> None:
    program, manager = await active_program(tenant)
    alice = await mentor(tenant, program)
    bob = await mentor(tenant, program)
    made = await gql(
        tenant,
        CREATE_CIRCLE,
        {
            "programId": program["id"],
            "input": {
                "name": "Pioneers",
                "facilitatorEmployeeId": alice["id"],
                "memberEmployeeIds": [alice["id"], bob["id"]],
            },
        },
        manager,
    )
    circle = made["data"]["createCircle"]
    assert circle["memberCount"] == 2
    assert circle["facilitator"] == {"employeeId": alice["id"]}
    ids = {"programId": program["id"], "circleId": circle["id"]}

    outsider = await mentor(tenant, program)
    listed = await gql(tenant, CIRCLES, {"programId": program["id"]}, outsider["headers"])
    assert listed["data"]["circles"]["nodes"] == []
    listed = await gql(tenant, CIRCLES, {"programId": program["id"]}, bob["headers"])
    assert [c["name"] for c in listed["data"]["circles"]["nodes"]] == ["Pioneers"]

    thread = await gql(
        tenant,
        THREAD,
        ids
        | {
            "input": {
                "kind": "STRATEGY",
                "title": "Start with their calendar",
                "body": "...",
                "tags": ["Calendars"],
                "anonymous": True,
            }
        },
        bob["headers"],
    )
    assert thread["data"]["startThread"]["author"] is None
    assert thread["data"]["startThread"]["tags"] == ["calendars"]
    as_admin = await gql(tenant, THREADS, ids)
    assert as_admin["data"]["circleThreads"]["nodes"][0]["author"] == {"employeeId": bob["id"]}
    hidden = await gql(tenant, THREADS, ids, outsider["headers"])
    assert hidden["data"] is None
    assert hidden["errors"][0]["extensions"]["code"] == "circle_not_found"

    meeting = await gql(
        tenant,
        MEETING,
        ids | {"input": {"startsAt": at(3), "durationMinutes": 30}},
        alice["headers"],
    )
    meeting_id = meeting["data"]["scheduleCircleMeeting"]["id"]
    answered = await gql(tenant, RESPOND, ids | {"meetingId": meeting_id}, bob["headers"])
    assert answered["data"]["respondToMeeting"] == {"rsvp": "YES", "confidence": 4}
    summary = await gql(tenant, CONFIDENCE, {"programId": program["id"]}, manager)
    assert summary["data"]["mentorConfidence"]["mentorsReporting"] == 1
    assert summary["data"]["mentorConfidence"]["averageLatest"] == 4.0


async def test_workshop_registration_and_waitlist(tenant: Tenant) -> None:
    made = await gql(
        tenant,
        WORKSHOP,
        {"input": {"title": "Listening", "startsAt": at(2), "endsAt": at(2.1), "capacity": 1}},
    )
    workshop_id = made["data"]["createWorkshop"]["id"]
    first = tenant.as_user(await tenant.employee())
    second = tenant.as_user(await tenant.employee())
    one = await gql(tenant, REGISTER, {"id": workshop_id}, first)
    assert one["data"]["registerForWorkshop"] == {"status": "REGISTERED", "waitlistPosition": None}
    two = await gql(tenant, REGISTER, {"id": workshop_id}, second)
    assert two["data"]["registerForWorkshop"] == {"status": "WAITLISTED", "waitlistPosition": 1}
    cancelled = await gql(tenant, CANCEL, {"id": workshop_id}, first)
    assert cancelled["data"]["cancelWorkshopRegistration"]["status"] == "CANCELLED"
    read = await gql(tenant, WORKSHOP_READ, {"id": workshop_id}, second)
    assert read["data"]["workshop"] == {"registered": 1, "waitlisted": 0}


async def _circle_with_alice(
    tenant: Tenant,
) -> tuple[dict[str, Any], dict[str, str], dict[str, Any], dict[str, Any]]:
    """An active program, its manager, a mentor (Alice) and the circle "C" made for her
    through GraphQL (the answer to createCircle)."""
    program, manager = await active_program(tenant)
    alice = await mentor(tenant, program)
    made = await gql(
        tenant,
        CREATE_CIRCLE,
        {"programId": program["id"], "input": {"name": "C", "memberEmployeeIds": [alice["id"]]}},
        manager,
    )
    return program, manager, alice, made


async def test_notes_attendance_and_rating_mutations(tenant: Tenant) -> None:
    program, manager, alice, made = await _circle_with_alice(tenant)
    ids = {"programId": program["id"], "circleId": made["data"]["createCircle"]["id"]}
    meeting = await gql(
        tenant, MEETING, ids | {"input": {"startsAt": at(1), "durationMinutes": 30}}, manager
    )
    meeting_id = meeting["data"]["scheduleCircleMeeting"]["id"]
    notes = """
    mutation($programId: UUID!, $circleId: UUID!, $meetingId: UUID!, $version: Int!) {
      writeMeetingNotes(programId: $programId, circleId: $circleId, meetingId: $meetingId,
                        version: $version, notes: "We laughed") { notes version }
    }
    """
    written = await gql(tenant, notes, ids | {"meetingId": meeting_id, "version": 1}, manager)
    assert written["data"]["writeMeetingNotes"] == {"notes": "We laughed", "version": 2}
    stale = await gql(tenant, notes, ids | {"meetingId": meeting_id, "version": 1}, manager)
    assert stale["errors"][0]["extensions"]["code"] == "version_mismatch"
    attendance = """
    mutation($programId: UUID!, $circleId: UUID!, $meetingId: UUID!, $employeeId: UUID!) {
      recordMeetingAttendance(programId: $programId, circleId: $circleId, meetingId: $meetingId,
                              employeeId: $employeeId, attended: true) { attended employeeId }
    }
    """
    marked = await gql(
        tenant, attendance, ids | {"meetingId": meeting_id, "employeeId": alice["id"]}, manager
    )
    assert marked["data"]["recordMeetingAttendance"] == {
        "attended": True,
        "employeeId": alice["id"],
    }

    workshop = await gql(
        tenant,
        WORKSHOP,
        {"input": {"title": "Rated", "startsAt": at(2), "endsAt": at(2.1), "capacity": 2}},
    )
    workshop_id = workshop["data"]["createWorkshop"]["id"]
    await gql(tenant, REGISTER, {"id": workshop_id}, alice["headers"])
    rate = """
    mutation($id: UUID!, $rating: Int!) { rateWorkshop(workshopId: $id, rating: $rating) { rating } }
    """
    rated = await gql(tenant, rate, {"id": workshop_id, "rating": 4}, alice["headers"])
    assert rated["data"]["rateWorkshop"] == {"rating": 4}
    refused = await gql(tenant, rate, {"id": workshop_id, "rating": 9}, alice["headers"])
    assert refused["data"]["rateWorkshop"] is None
    assert refused["errors"][0]["extensions"]["code"] == "validation_failed"


async def test_guest_mentors_through_graphql(tenant: Tenant) -> None:
    program, manager, _alice, made = await _circle_with_alice(tenant)
    circle_id = made["data"]["createCircle"]["id"]
    create = """
    mutation($input: GuestMentorCreateInput!) {
      createGuestMentor(input: $input) { token guest { id name expertise consentRecordedAt } }
    }
    """
    body = {
        "name": "Ada",
        "partnerOrganization": "Partner Bank",
        "email": "ada@partner.example",
        "consent": True,
        "consentStatement": "I agree.",
        "expertise": ["Reverse Mentoring"],
    }
    created = await gql(tenant, create, {"input": body}, manager)
    guest = created["data"]["createGuestMentor"]
    assert guest["token"].startswith("mg_")
    assert guest["guest"]["expertise"] == ["reverse-mentoring"]
    refused = await gql(tenant, create, {"input": body | {"consent": False}}, manager)
    # The schema says consent is `true`: anything else does not fit it, as in REST.
    assert refused["errors"][0]["extensions"]["code"] == "validation_failed"
    invite = """
    mutation($guestId: UUID!, $circleId: UUID!) {
      inviteGuestMentor(guestId: $guestId, circleId: $circleId) { id }
    }
    """
    invited = await gql(
        tenant, invite, {"guestId": guest["guest"]["id"], "circleId": circle_id}, manager
    )
    assert invited["data"]["inviteGuestMentor"]["id"] == guest["guest"]["id"]
    headers = {"Authorization": f"Bearer {guest['token']}"}
    seen = await tenant.client.get(
        f"/api/v1/programs/{program['id']}/circles/{circle_id}", headers=headers
    )
    assert seen.status_code == 200
    listed = await gql(tenant, "{ guestMentors { nodes { id name } } }", {}, manager)
    assert listed["data"]["guestMentors"]["nodes"] == [{"id": guest["guest"]["id"], "name": "Ada"}]


AUTO_FORM = """
mutation($programId: UUID!, $size: Int!) {
  autoFormCircles(programId: $programId, targetSize: $size) {
    id programId name memberCount facilitator { employeeId }
  }
}
"""

MEMBERS = """
query($programId: UUID!, $circleId: UUID!, $first: Int!, $after: String) {
  circleMembers(programId: $programId, circleId: $circleId, first: $first, after: $after) {
    nodes { id circleId employeeId confidenceAtJoining }
    pageInfo { hasNextPage endCursor }
  }
}
"""

JOIN = """
mutation($programId: UUID!, $circleId: UUID!, $confidence: Int, $employeeId: UUID) {
  joinCircle(programId: $programId, circleId: $circleId, confidence: $confidence,
             employeeId: $employeeId) { id circleId employeeId confidenceAtJoining }
}
"""

LEAVE = """
mutation($programId: UUID!, $circleId: UUID!, $memberId: UUID!) {
  leaveCircle(programId: $programId, circleId: $circleId, memberId: $memberId)
}
"""

CIRCLE = """
query($programId: UUID!, $id: UUID!) { circle(programId: $programId, id: $id) { memberCount } }
"""


async def _members(
    tenant: Tenant, ids: dict[str, str], headers: dict[str, str]
) -> tuple[list[dict[str, Any]], int]:
    """A circle's members, read two at a time; and the number of pages read."""
    found: list[dict[str, Any]] = []
    after = None
    pages = 0
    while True:
        result = await gql(tenant, MEMBERS, ids | {"first": 2, "after": after}, headers)
        page = result["data"]["circleMembers"]
        assert len(page["nodes"]) <= 2
        found += page["nodes"]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            return found, pages
        after = page["pageInfo"]["endCursor"]


async def test_circles_formed_joined_and_left_through_graphql(tenant: Tenant) -> None:
    program, manager = await active_program(tenant)
    placed = await mentor(tenant, program)
    made = await gql(
        tenant,
        CREATE_CIRCLE,
        {
            "programId": program["id"],
            "input": {"name": "Existing", "memberEmployeeIds": [placed["id"]]},
        },
        manager,
    )
    existing = {"programId": program["id"], "circleId": made["data"]["createCircle"]["id"]}
    unplaced = [await mentor(tenant, program) for _ in range(6)]

    formed = (await gql(tenant, AUTO_FORM, {"programId": program["id"], "size": 3}, manager))[
        "data"
    ]["autoFormCircles"]
    assert sorted(c["name"] for c in formed) == ["Circle 2", "Circle 3"]
    assert [c["memberCount"] for c in formed] == [3, 3]
    assert {c["programId"] for c in formed} == {program["id"]}
    seen: list[str] = []
    for circle in formed:
        ids = {"programId": program["id"], "circleId": circle["id"]}
        members, pages = await _members(tenant, ids, manager)
        assert pages == 2
        assert {m["circleId"] for m in members} == {circle["id"]}
        people = [m["employeeId"] for m in members]
        assert circle["facilitator"]["employeeId"] in people
        seen += people
    assert sorted(seen) == sorted(p["id"] for p in unplaced)
    again = await gql(tenant, AUTO_FORM, {"programId": program["id"], "size": 3}, manager)
    assert again["data"]["autoFormCircles"] == []

    newcomer, added = await mentor(tenant, program), await mentor(tenant, program)
    joined = await gql(tenant, JOIN, existing | {"confidence": 4}, newcomer["headers"])
    mine = joined["data"]["joinCircle"]
    assert (mine["circleId"], mine["employeeId"], mine["confidenceAtJoining"]) == (
        existing["circleId"],
        newcomer["id"],
        4,
    )
    not_theirs = await gql(
        tenant, JOIN, existing | {"employeeId": added["id"]}, newcomer["headers"]
    )
    assert error_of(not_theirs)["code"] == "not_program_manager"
    by_manager = await gql(tenant, JOIN, existing | {"employeeId": added["id"]}, manager)
    theirs = by_manager["data"]["joinCircle"]
    assert (theirs["employeeId"], theirs["confidenceAtJoining"]) == (added["id"], None)
    members, pages = await _members(tenant, existing, newcomer["headers"])
    assert pages == 2
    by_person = {m["employeeId"]: m["id"] for m in members}
    assert set(by_person) == {placed["id"], newcomer["id"], added["id"]}
    assert by_person[newcomer["id"]] == mine["id"]

    refused = await gql(
        tenant, LEAVE, existing | {"memberId": by_person[placed["id"]]}, newcomer["headers"]
    )
    assert error_of(refused)["code"] == "not_program_manager"
    left = await gql(tenant, LEAVE, existing | {"memberId": mine["id"]}, newcomer["headers"])
    assert left["data"]["leaveCircle"] == mine["id"]
    removed = await gql(tenant, LEAVE, existing | {"memberId": theirs["id"]}, manager)
    assert removed["data"]["leaveCircle"] == theirs["id"]
    members, _pages = await _members(tenant, existing, manager)
    assert [m["employeeId"] for m in members] == [placed["id"]]
    read = await gql(tenant, CIRCLE, {"programId": program["id"], "id": existing["circleId"]})
    assert read["data"]["circle"]["memberCount"] == 1


MEETINGS = """
query($programId: UUID!, $circleId: UUID!, $first: Int!, $after: String) {
  circleMeetings(programId: $programId, circleId: $circleId, first: $first, after: $after) {
    nodes { id circleId startsAt durationMinutes notes version }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def test_meetings_listed_by_page_with_their_notes_and_attendance(tenant: Tenant) -> None:
    program, manager, alice, made = await _circle_with_alice(tenant)
    ids = {"programId": program["id"], "circleId": made["data"]["createCircle"]["id"]}
    scheduled = {}
    for days, minutes in ((3, 45), (1, 30), (2, 60)):
        meeting = await gql(
            tenant,
            MEETING,
            ids | {"input": {"startsAt": at(days), "durationMinutes": minutes}},
            manager,
        )
        scheduled[minutes] = meeting["data"]["scheduleCircleMeeting"]["id"]
    first = await gql(tenant, MEETINGS, ids | {"first": 2}, alice["headers"])
    page = first["data"]["circleMeetings"]
    # The soonest first.
    assert [m["durationMinutes"] for m in page["nodes"]] == [30, 60]
    assert [m["id"] for m in page["nodes"]] == [scheduled[30], scheduled[60]]
    assert {m["circleId"] for m in page["nodes"]} == {ids["circleId"]}
    assert page["pageInfo"]["hasNextPage"] is True
    after = page["pageInfo"]["endCursor"]
    second = await gql(tenant, MEETINGS, ids | {"first": 2, "after": after}, alice["headers"])
    assert [m["id"] for m in second["data"]["circleMeetings"]["nodes"]] == [scheduled[45]]
    assert second["data"]["circleMeetings"]["pageInfo"]["hasNextPage"] is False

    notes = """
    mutation($programId: UUID!, $circleId: UUID!, $meetingId: UUID!, $version: Int!) {
      writeMeetingNotes(programId: $programId, circleId: $circleId, meetingId: $meetingId,
                        version: $version, notes: "Calendars") { id notes version }
    }
    """
    written = await gql(tenant, notes, ids | {"meetingId": scheduled[60], "version": 1}, manager)
    assert written["data"]["writeMeetingNotes"] == {
        "id": scheduled[60],
        "notes": "Calendars",
        "version": 2,
    }
    listed = await gql(tenant, MEETINGS, ids | {"first": 10}, alice["headers"])
    assert [(m["notes"], m["version"]) for m in listed["data"]["circleMeetings"]["nodes"]] == [
        (None, 1),
        ("Calendars", 2),
        (None, 1),
    ]

    answered = await gql(tenant, RESPOND, ids | {"meetingId": scheduled[30]}, alice["headers"])
    assert answered["data"]["respondToMeeting"] == {"rsvp": "YES", "confidence": 4}
    attendance = """
    mutation($programId: UUID!, $circleId: UUID!, $meetingId: UUID!, $employeeId: UUID!) {
      recordMeetingAttendance(programId: $programId, circleId: $circleId, meetingId: $meetingId,
                              employeeId: $employeeId, attended: false) { meetingId attended }
    }
    """
    marked = await gql(
        tenant, attendance, ids | {"meetingId": scheduled[30], "employeeId": alice["id"]}, manager
    )
    assert marked["data"]["recordMeetingAttendance"] == {
        "meetingId": scheduled[30],
        "attended": False,
    }
    rows = await tenant.client.get(
        circles_url(program, ids["circleId"], "meetings", scheduled[30], "attendance"),
        headers=manager,
    )
    assert rows.status_code == 200, rows.text
    assert [(r["employee_id"], r["rsvp"], r["confidence"], r["attended"]) for r in rows.json()] == [
        (alice["id"], "yes", 4, False)
    ]

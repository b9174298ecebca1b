"""The support network through GraphQL: circles, discussions, meetings, workshops."""

from tests.api.graphql.test_employees_graphql import gql
from tests.api.support_network_support import active_program, at, mentor
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


async def test_notes_attendance_and_rating_mutations(tenant: Tenant) -> None:
    program, manager = await active_program(tenant)
    alice = await mentor(tenant, program)
    made = await gql(
        tenant,
        CREATE_CIRCLE,
        {"programId": program["id"], "input": {"name": "C", "memberEmployeeIds": [alice["id"]]}},
        manager,
    )
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
    program, manager = await active_program(tenant)
    alice = await mentor(tenant, program)
    made = await gql(
        tenant,
        CREATE_CIRCLE,
        {"programId": program["id"], "input": {"name": "C", "memberEmployeeIds": [alice["id"]]}},
        manager,
    )
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

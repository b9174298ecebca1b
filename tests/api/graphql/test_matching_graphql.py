"""Enrolment and matching through GraphQL: the same rules as REST, the same results."""

from typing import Any

from tests.api.graphql.test_employees_graphql import gql
from tests.api.graphql.test_programs_graphql import error_of
from tests.api.matching_support import enrolling_program, work
from tests.api.rest.test_matching_runs import junior, senior
from tests.conftest import StatementCounter, Tenant

ENROL = """
mutation($program: UUID!, $input: EnrolInput!) {
  enrol(programId: $program, input: $input) {
    id role status employeeId mindset languages format capacity
    teaches { tag level } learns { tag level } availability { day start end }
  }
}
"""

DECIDE = """
mutation($program: UUID!, $id: UUID!, $decision: EnrolmentDecision!, $reason: String) {
  decideEnrolment(programId: $program, participantId: $id, decision: $decision, reason: $reason) {
    id status decisionReason
  }
}
"""

RUN = """
mutation($program: UUID!, $input: MatchingRunInput) {
  runMatching(programId: $program, input: $input) {
    id status dryRun progress { stage pairsToScore pairsScored }
  }
}
"""

RUN_RESULT = """
query($program: UUID!, $id: UUID!) {
  matchingRun(programId: $program, id: $id) {
    id status dryRun startedAt finishedAt errorCode error
    progress { stage pairsToScore pairsScored candidatePairs }
    summary { pairs unmatched meanScore minScore objectiveTopicsCovered }
    unmatched { participantId role reason detail }
    refused { menteeId mentorId reason detail }
    proposals { nodes { id menteeId mentorId score status kept
      explanation { score eligible reasons components { name value weight } } } }
  }
}
"""


async def run_matching(
    tenant: Tenant, program: dict[str, Any], input: dict[str, Any] | None = None
) -> dict[str, Any]:
    """``runMatching`` (the run answers QUEUED), a worker's pass, then the run as it ended."""
    queued = await gql(tenant, RUN, {"program": program["id"], "input": input})
    assert "errors" not in queued, queued
    run = queued["data"]["runMatching"]
    assert (run["status"], run["progress"]["stage"]) == ("QUEUED", "QUEUED")
    assert await work(tenant, run["id"]) == 1
    result = await gql(tenant, RUN_RESULT, {"program": program["id"], "id": run["id"]})
    assert "errors" not in result, result
    return dict(result["data"]["matchingRun"])


ACCEPT = """
mutation($program: UUID!, $run: UUID!, $ids: [UUID!]) {
  acceptProposals(programId: $program, runId: $run, proposalIds: $ids) {
    proposals { id status pairId }
    pairs { id origin score matchingRunId }
  }
}
"""

RUNS = """
query($program: UUID!) {
  matchingRuns(programId: $program) {
    edges { node { id proposals { nodes { id score explanation { reasons } } } } }
  }
}
"""

PARTICIPANTS = """
query($program: UUID!, $role: ParticipantRole) {
  participants(programId: $program, role: $role) { nodes { id role employeeId } }
}
"""


async def enrol(
    tenant: Tenant, program: dict[str, Any], person: dict[str, Any], role: str, **fields: Any
) -> dict[str, Any]:
    result = await gql(
        tenant,
        ENROL,
        {"program": program["id"], "input": {"role": role} | fields},
        tenant.as_user(person),
    )
    assert "errors" not in result, result
    participant = dict(result["data"]["enrol"])
    decided = await gql(
        tenant, DECIDE, {"program": program["id"], "id": participant["id"], "decision": "APPROVE"}
    )
    assert decided["data"]["decideEnrolment"]["status"] == "APPROVED", decided
    return participant


async def test_enrol_run_and_accept_through_graphql(tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    mentee_person, mentor_person = await senior(tenant), await junior(tenant)
    mentee = await enrol(
        tenant,
        program,
        mentee_person,
        "MENTEE",
        learns=[{"tag": "Generative AI", "level": 5}],
        mindset=5,
    )
    assert mentee["learns"] == [{"tag": "generative-ai", "level": 5}]
    mentor = await enrol(
        tenant,
        program,
        mentor_person,
        "MENTOR",
        teaches=[{"tag": "generative-ai", "level": 5}],
        mindset=5,
        capacity=2,
        format="REMOTE",
        availability=[{"day": 2, "start": "12:00", "end": "13:00"}],
    )
    assert mentor["availability"] == [{"day": 2, "start": "12:00", "end": "13:00"}]
    assert mentor["capacity"] == 2

    run = await run_matching(tenant, program)
    assert run["status"] == "COMPLETED"
    assert run["progress"] == {
        "stage": "DONE",
        "pairsToScore": 1,
        "pairsScored": 1,
        "candidatePairs": 1,
    }
    assert run["startedAt"] <= run["finishedAt"]
    [proposal] = run["proposals"]["nodes"]
    assert (proposal["menteeId"], proposal["mentorId"]) == (mentee["id"], mentor["id"])
    assert "covers 1 of 1 wanted topics: generative-ai" in proposal["explanation"]["reasons"]
    assert {c["name"] for c in proposal["explanation"]["components"]} >= {"learning", "reverse"}
    assert run["summary"]["pairs"] == 1

    rest = await tenant.client.get(
        f"/api/v1/programs/{program['id']}/matching-runs/{run['id']}/proposals",
        headers=tenant.admin,
    )
    assert rest.json()["items"][0]["score"] == proposal["score"]

    accepted = await gql(tenant, ACCEPT, {"program": program["id"], "run": run["id"]})
    assert "errors" not in accepted, accepted
    [pair] = accepted["data"]["acceptProposals"]["pairs"]
    assert pair["origin"] == "matching"
    assert pair["matchingRunId"] == run["id"]
    assert accepted["data"]["acceptProposals"]["proposals"][0]["pairId"] == pair["id"]
    again = await gql(
        tenant, ACCEPT, {"program": program["id"], "run": run["id"], "ids": [proposal["id"]]}
    )
    assert error_of(again)["code"] == "proposal_decided"


async def test_visibility_and_errors_through_graphql(tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    alice, bob = await senior(tenant), await junior(tenant)
    await enrol(tenant, program, alice, "MENTEE", mindset=4)
    await enrol(tenant, program, bob, "MENTOR", mindset=4)
    own = await gql(tenant, PARTICIPANTS, {"program": program["id"]}, tenant.as_user(alice))
    assert [p["employeeId"] for p in own["data"]["participants"]["nodes"]] == [alice["id"]]
    everyone = await gql(tenant, PARTICIPANTS, {"program": program["id"], "role": "MENTOR"})
    assert [p["employeeId"] for p in everyone["data"]["participants"]["nodes"]] == [bob["id"]]

    twice = await gql(
        tenant, ENROL, {"program": program["id"], "input": {"role": "MENTOR"}}, tenant.as_user(bob)
    )
    assert error_of(twice)["code"] == "already_enrolled"
    invalid = await gql(
        tenant,
        ENROL,
        {"program": program["id"], "input": {"role": "MENTOR", "mindset": 9}},
        tenant.as_user(await tenant.employee()),
    )
    assert error_of(invalid)["code"] == "validation_failed"
    denied = await gql(tenant, RUN, {"program": program["id"]}, tenant.as_user(alice))
    assert error_of(denied)["code"] == "not_program_manager"


async def test_runs_load_their_proposals_in_one_query(
    tenant: Tenant, count_statements: StatementCounter
) -> None:
    program = await enrolling_program(tenant)
    for _ in range(2):
        await enrol(
            tenant,
            program,
            await senior(tenant),
            "MENTEE",
            learns=[{"tag": "ai", "level": 3}],
            mindset=5,
        )
        await enrol(
            tenant,
            program,
            await junior(tenant),
            "MENTOR",
            teaches=[{"tag": "ai", "level": 3}],
            mindset=5,
        )
    for _ in range(3):
        await run_matching(tenant, program, {"dryRun": True})
    count_statements.statements.clear()
    result = await gql(tenant, RUNS, {"program": program["id"]})
    edges = result["data"]["matchingRuns"]["edges"]
    assert [len(e["node"]["proposals"]["nodes"]) for e in edges] == [2, 2, 2]
    proposal_queries = [s for s in count_statements.statements if "matching_proposals" in s]
    assert len(proposal_queries) == 1


SUGGESTIONS = """
query($program: UUID!) {
  mentorSuggestions(programId: $program) {
    mentorId score preferred freeSeats explanation { reasons }
  }
}
"""

REQUEST = """
mutation($program: UUID!, $mentor: UUID!) {
  requestMentor(programId: $program, mentorId: $mentor, message: "Hello") {
    id status score mentorId message
  }
}
"""

ANSWER = """
mutation($program: UUID!, $id: UUID!, $answer: MatchRequestAnswer!) {
  answerMatchRequest(programId: $program, requestId: $id, answer: $answer) {
    id status pairId
  }
}
"""


async def test_self_matching_through_graphql(tenant: Tenant) -> None:
    program = await enrolling_program(tenant, matching_settings={"modes": ["mentee_choice"]})
    mentee_person, mentor_person = await senior(tenant), await junior(tenant)
    await enrol(
        tenant, program, mentee_person, "MENTEE", learns=[{"tag": "ai", "level": 4}], mindset=5
    )
    mentor = await enrol(
        tenant, program, mentor_person, "MENTOR", teaches=[{"tag": "ai", "level": 4}], mindset=5
    )
    found = await gql(
        tenant, SUGGESTIONS, {"program": program["id"]}, tenant.as_user(mentee_person)
    )
    [suggestion] = found["data"]["mentorSuggestions"]
    assert suggestion["mentorId"] == mentor["id"]
    assert "covers 1 of 1 wanted topics: ai" in suggestion["explanation"]["reasons"]
    asked = await gql(
        tenant,
        REQUEST,
        {"program": program["id"], "mentor": mentor["id"]},
        tenant.as_user(mentee_person),
    )
    request = asked["data"]["requestMentor"]
    assert request["status"] == "PENDING"
    assert request["score"] == suggestion["score"]
    assert (request["mentorId"], request["message"]) == (mentor["id"], "Hello")
    wrong = await gql(
        tenant,
        ANSWER,
        {"program": program["id"], "id": request["id"], "answer": "ACCEPT"},
        tenant.as_user(mentee_person),
    )
    assert error_of(wrong)["code"] == "not_request_party"
    accepted = await gql(
        tenant,
        ANSWER,
        {"program": program["id"], "id": request["id"], "answer": "ACCEPT"},
        tenant.as_user(mentor_person),
    )
    assert accepted["data"]["answerMatchRequest"]["status"] == "ACCEPTED"
    assert accepted["data"]["answerMatchRequest"]["pairId"]


PROPOSAL_PAGE = """
query($program: UUID!, $run: UUID!, $first: Int!, $after: String) {
  matchingRun(programId: $program, id: $run) {
    proposals(first: $first, after: $after) {
      edges { cursor node { id } } pageInfo { hasNextPage endCursor }
    }
  }
}
"""


async def test_a_runs_proposals_come_in_pages_like_rest(tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    for _ in range(3):
        await enrol(
            tenant, program, await senior(tenant), "MENTEE", learns=[{"tag": "ai", "level": 3}]
        )
        await enrol(
            tenant, program, await junior(tenant), "MENTOR", teaches=[{"tag": "ai", "level": 3}]
        )
    ran = await run_matching(tenant, program, {"dryRun": True})
    run_id = ran["id"]
    every = [p["id"] for p in ran["proposals"]["nodes"]]
    assert len(every) == 3

    seen: list[str] = []
    after = None
    while True:
        variables = {"program": program["id"], "run": run_id, "first": 2, "after": after}
        page = (await gql(tenant, PROPOSAL_PAGE, variables))["data"]["matchingRun"]["proposals"]
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == every

    # The same cursors as the REST list's.
    rest = await tenant.client.get(
        f"/api/v1/programs/{program['id']}/matching-runs/{run_id}/proposals?limit=2",
        headers=tenant.admin,
    )
    first_page = (await gql(tenant, PROPOSAL_PAGE, {**variables, "after": None}))["data"]
    assert (
        rest.json()["next_cursor"]
        == first_page["matchingRun"]["proposals"]["pageInfo"]["endCursor"]
    )

    too_many = await gql(
        tenant, PROPOSAL_PAGE, {"program": program["id"], "run": run_id, "first": 1000}
    )
    assert error_of(too_many)["code"] == "validation_failed"
    assert error_of(too_many)["errors"][0]["field"] == "first"
    bad_cursor = await gql(
        tenant, PROPOSAL_PAGE, {"program": program["id"], "run": run_id, "first": 2, "after": "x"}
    )
    assert error_of(bad_cursor)["code"] == "invalid_cursor"


CANCEL = """
mutation($program: UUID!, $run: UUID!) {
  cancelMatchingRun(programId: $program, runId: $run) {
    id status cancelledBy finishedAt progress { stage }
  }
}
"""


async def test_a_queued_run_is_cancelled_through_graphql(tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    await enrol(tenant, program, await senior(tenant), "MENTEE", mindset=5)
    await enrol(tenant, program, await junior(tenant), "MENTOR", mindset=5)
    queued = await gql(tenant, RUN, {"program": program["id"]})
    run_id = queued["data"]["runMatching"]["id"]
    cancelled = await gql(tenant, CANCEL, {"program": program["id"], "run": run_id})
    assert "errors" not in cancelled, cancelled
    body = cancelled["data"]["cancelMatchingRun"]
    assert (body["status"], body["progress"]["stage"]) == ("CANCELLED", "QUEUED")
    assert body["cancelledBy"].startswith("api_key:")
    assert body["finishedAt"]
    assert await work(tenant, run_id) == 0
    again = await gql(tenant, CANCEL, {"program": program["id"], "run": run_id})
    assert error_of(again)["code"] == "matching_run_ended"
    result = await gql(tenant, RUN_RESULT, {"program": program["id"], "id": run_id})
    assert result["data"]["matchingRun"]["status"] == "CANCELLED"
    assert result["data"]["matchingRun"]["proposals"]["nodes"] == []


REJECT = """
mutation($program: UUID!, $run: UUID!, $ids: [UUID!], $reason: String) {
  rejectProposals(programId: $program, runId: $run, proposalIds: $ids, reason: $reason) {
    proposals { id status decisionReason pairId }
    pairs { id }
  }
}
"""


async def test_proposals_rejected_with_a_reason_through_graphql(tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    for _ in range(2):
        await enrol(
            tenant, program, await senior(tenant), "MENTEE", learns=[{"tag": "ai", "level": 3}]
        )
        await enrol(
            tenant, program, await junior(tenant), "MENTOR", teaches=[{"tag": "ai", "level": 3}]
        )
    run = await run_matching(tenant, program)
    first, second = (p["id"] for p in run["proposals"]["nodes"])
    ids = {"program": program["id"], "run": run["id"]}
    rejected = await gql(tenant, REJECT, ids | {"ids": [first], "reason": "Same team"})
    assert rejected["data"]["rejectProposals"] == {
        "proposals": [
            {"id": first, "status": "REJECTED", "decisionReason": "Same team", "pairId": None}
        ],
        "pairs": [],
    }
    read = await gql(tenant, RUN_RESULT, {"program": program["id"], "id": run["id"]})
    statuses = {p["id"]: p["status"] for p in read["data"]["matchingRun"]["proposals"]["nodes"]}
    assert statuses == {first: "REJECTED", second: "PROPOSED"}

    accepted = await gql(tenant, ACCEPT, ids | {"ids": [second]})
    assert [p["id"] for p in accepted["data"]["acceptProposals"]["proposals"]] == [second]
    assert len(accepted["data"]["acceptProposals"]["pairs"]) == 1
    refused = await gql(tenant, ACCEPT, ids | {"ids": [first]})
    assert error_of(refused)["code"] == "proposal_decided"


FILTERED = """
query($program: UUID!, $role: ParticipantRole, $status: ParticipantStatus, $first: Int!,
      $after: String) {
  participants(programId: $program, role: $role, status: $status, first: $first, after: $after) {
    nodes { id role status employeeId } pageInfo { hasNextPage endCursor }
  }
}
"""

ONE = """
query($program: UUID!, $id: UUID!) {
  participant(programId: $program, id: $id) { id programId employeeId role status mindset }
}
"""


async def test_participants_filtered_paged_and_read_one_by_one(tenant: Tenant) -> None:
    program = await enrolling_program(tenant)
    mentee = await enrol(tenant, program, await senior(tenant), "MENTEE", mindset=2)
    mentor = await enrol(tenant, program, await junior(tenant), "MENTOR", mindset=4)
    asked = await gql(
        tenant,
        ENROL,
        {"program": program["id"], "input": {"role": "MENTOR", "mindset": 3}},
        tenant.as_user(await junior(tenant)),
    )
    pending = asked["data"]["enrol"]

    async def ids(**variables: Any) -> list[str]:
        given = {"program": program["id"], "first": 10} | variables
        found = await gql(tenant, FILTERED, given)
        return [p["id"] for p in found["data"]["participants"]["nodes"]]

    assert await ids(status="PENDING") == [pending["id"]]
    assert await ids(status="APPROVED") == [mentee["id"], mentor["id"]]
    assert await ids(role="MENTOR") == [mentor["id"], pending["id"]]
    assert await ids(role="MENTOR", status="APPROVED") == [mentor["id"]]
    assert await ids(role="MENTEE", status="PENDING") == []

    page = (await gql(tenant, FILTERED, {"program": program["id"], "first": 2}))["data"]
    connection = page["participants"]
    assert [p["id"] for p in connection["nodes"]] == [mentee["id"], mentor["id"]]
    assert connection["pageInfo"]["hasNextPage"] is True
    assert await ids(after=connection["pageInfo"]["endCursor"]) == [pending["id"]]

    one = await gql(tenant, ONE, {"program": program["id"], "id": mentor["id"]})
    assert one["data"]["participant"] == {
        "id": mentor["id"],
        "programId": program["id"],
        "employeeId": mentor["employeeId"],
        "role": "MENTOR",
        "status": "APPROVED",
        "mindset": 4,
    }
    other = await gql(tenant, ONE, {"program": program["id"], "id": pending["id"]})
    assert (other["data"]["participant"]["status"], other["data"]["participant"]["mindset"]) == (
        "PENDING",
        3,
    )


SUGGESTIONS_FOR = """
query($program: UUID!, $mentee: UUID, $first: Int!) {
  mentorSuggestions(programId: $program, menteeId: $mentee, first: $first) {
    mentorId score explanation { reasons }
  }
}
"""


async def test_a_manager_asks_suggestions_for_a_mentee(tenant: Tenant) -> None:
    program = await enrolling_program(tenant, matching_settings={"modes": ["mentee_choice"]})
    await enrol(tenant, program, await senior(tenant), "MENTEE", learns=[{"tag": "ai", "level": 4}])
    excel = await enrol(
        tenant, program, await senior(tenant), "MENTEE", learns=[{"tag": "excel", "level": 4}]
    )
    ai_mentor = await enrol(
        tenant, program, await junior(tenant), "MENTOR", teaches=[{"tag": "ai", "level": 4}]
    )
    excel_mentor = await enrol(
        tenant, program, await junior(tenant), "MENTOR", teaches=[{"tag": "excel", "level": 4}]
    )
    asked = {"program": program["id"], "mentee": excel["id"]}
    both = (await gql(tenant, SUGGESTIONS_FOR, asked | {"first": 2}))["data"]["mentorSuggestions"]
    assert {s["mentorId"] for s in both} == {ai_mentor["id"], excel_mentor["id"]}
    assert both[0]["score"] >= both[1]["score"]
    by_mentor = {s["mentorId"]: s["explanation"]["reasons"] for s in both}
    assert "covers 1 of 1 wanted topics: excel" in by_mentor[excel_mentor["id"]]
    best = (await gql(tenant, SUGGESTIONS_FOR, asked | {"first": 1}))["data"]["mentorSuggestions"]
    assert best == both[:1]

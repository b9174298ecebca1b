"""Pairs, session logs and progress through GraphQL, private notes and batched loading."""

import uuid
from typing import Any

from sqlalchemy import update
from sqlmodel import col

from app.db.engine import unit_of_work
from app.domain.pairs.models import Pair
from app.domain.pairs.schemas import PairHealth
from tests.api.graphql.test_employees_graphql import gql
from tests.api.pairs_support import ago, make_pair, pair_url
from tests.api.programs_support import add_objective
from tests.conftest import StatementCounter, Tenant

PAIR = """
query($id: UUID!) {
  pair(id: $id) {
    id status origin health version endNote mentorParticipantId
    mentor { id } mentee { id }
    goals { id title status progress objectiveId }
    lastLogs(count: 5) { id summary privateNote menteeRating actionItems { text owner done } }
    progress { sessions minutes health cadenceDays meanRatings { mentor mentee } }
  }
}
"""

LOGS = """
query($pair: UUID!) {
  sessionLogs(pairId: $pair) { edges { node { id privateNote status } } pageInfo { hasNextPage } }
}
"""

LOG = """
mutation($pair: UUID!, $input: SessionLogInput!) {
  logSession(pairId: $pair, input: $input) { id status authorSide privateNote topics
    actionItems { text owner due done } menteeRating }
}
"""

CONFIRM = """
mutation($pair: UUID!, $log: UUID!, $input: SessionLogConfirmInput) {
  confirmSessionLog(pairId: $pair, logId: $log, input: $input) { id status mentorRating privateNote }
}
"""


def error_of(result: dict[str, Any]) -> dict[str, Any]:
    assert result.get("errors"), result
    return dict(result["errors"][0]["extensions"])


async def test_log_confirm_and_read_a_pair(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    pair_id = setup.pair["id"]
    logged = await gql(
        tenant,
        LOG,
        {
            "pair": pair_id,
            "input": {
                "heldAt": ago(days=1),
                "durationMinutes": 40,
                "format": "VIDEO",
                "topics": ["Excel Tips"],
                "rating": 4,
                "privateNote": "mentee only",
                "actionItems": [{"text": "Practise", "owner": "MENTEE", "due": "2027-02-01"}],
            },
        },
        setup.mentee,
    )
    log = logged["data"]["logSession"]
    assert log["status"] == "PENDING"
    assert log["authorSide"] == "MENTEE"
    assert log["privateNote"] == "mentee only"
    assert log["topics"] == ["excel-tips"]
    assert log["actionItems"] == [
        {"text": "Practise", "owner": "MENTEE", "due": "2027-02-01", "done": False}
    ]
    confirmed = await gql(
        tenant,
        CONFIRM,
        {"pair": pair_id, "log": log["id"], "input": {"rating": 5, "privateNote": "mentor only"}},
        setup.mentor,
    )
    assert confirmed["data"]["confirmSessionLog"] == {
        "id": log["id"],
        "status": "CONFIRMED",
        "mentorRating": 5,
        "privateNote": "mentor only",
    }
    again = await gql(tenant, CONFIRM, {"pair": pair_id, "log": log["id"]}, setup.mentor)
    assert error_of(again)["code"] == "session_log_already_answered"
    bad = await gql(
        tenant,
        LOG,
        {"pair": pair_id, "input": {"heldAt": ago(days=1), "durationMinutes": 0, "format": "CHAT"}},
        setup.mentee,
    )
    assert error_of(bad)["code"] == "validation_failed"

    objective = await add_objective(tenant, setup.program)
    created = await gql(
        tenant,
        """mutation($pair: UUID!, $objective: UUID!) {
             createPairGoal(pairId: $pair, input: {title: "Ship it", objectiveId: $objective}) {
               id version status } }""",
        {"pair": pair_id, "objective": objective["id"]},
        setup.mentor,
    )
    goal = created["data"]["createPairGoal"]
    updated = await gql(
        tenant,
        """mutation($pair: UUID!, $goal: UUID!, $version: Int!) {
             updatePairGoal(pairId: $pair, goalId: $goal, version: $version,
                            input: {status: ACHIEVED, progress: 100}) { status progress version } }""",
        {"pair": pair_id, "goal": goal["id"], "version": goal["version"]},
        setup.mentee,
    )
    assert updated["data"]["updatePairGoal"] == {
        "status": "ACHIEVED",
        "progress": 100,
        "version": 2,
    }
    stale = await gql(
        tenant,
        """mutation($pair: UUID!, $goal: UUID!) {
             updatePairGoal(pairId: $pair, goalId: $goal, version: 1, input: {progress: 5}) { id } }""",
        {"pair": pair_id, "goal": goal["id"]},
        setup.mentee,
    )
    assert error_of(stale)["code"] == "version_mismatch"

    read = (await gql(tenant, PAIR, {"id": pair_id}, setup.manager))["data"]["pair"]
    assert read["mentor"]["id"] == setup.mentor_employee["id"]
    assert read["origin"] == "MANUAL"
    assert read["mentorParticipantId"] == setup.pair["mentor_participant_id"]
    assert read["goals"][0]["status"] == "ACHIEVED"
    assert read["lastLogs"][0]["privateNote"] is None  # the manager reads no note
    assert read["progress"]["sessions"] == 1
    assert read["progress"]["meanRatings"] == {"mentor": 5.0, "mentee": 4.0}
    progress = await gql(
        tenant, "query($p: UUID!) { progress(pairId: $p) { sessions health } }", {"p": pair_id}
    )
    assert progress["data"]["progress"] == {"sessions": 1, "health": "ON_TRACK"}
    board = await gql(
        tenant,
        """query($p: UUID!) { dashboard(programId: $p) {
             pairsByStatus { key count } objectiveCoverage { title goalsAchieved }
             satisfaction { sessionRatings { mentor mentee } feedback { stage responses } }
             participation { mentors unmatchedMentees } } }""",
        {"p": setup.program["id"]},
        setup.manager,
    )
    dashboard = board["data"]["dashboard"]
    assert {c["key"]: c["count"] for c in dashboard["pairsByStatus"]}["active"] == 1
    assert dashboard["objectiveCoverage"][0]["goalsAchieved"] == 1
    assert dashboard["satisfaction"]["sessionRatings"] == {"mentor": 5.0, "mentee": 4.0}
    assert dashboard["participation"] == {"mentors": 1, "unmatchedMentees": 0}
    hidden = await gql(
        tenant,
        "query($p: UUID!) { dashboard(programId: $p) { programId } }",
        {"p": setup.program["id"]},
        setup.mentee,
    )
    assert error_of(hidden)["code"] == "program_not_found"


async def test_private_notes_stay_with_their_author_in_graphql(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    logged = await setup.log(private_note="mentee secret")
    log_id = logged.json()["id"]
    await tenant.client.post(
        pair_url(setup.pair, "session-logs", log_id, "confirm"),
        json={"private_note": "mentor secret"},
        headers=setup.mentor,
    )
    admin_person = await tenant.employee(role="admin")
    readers = {
        "mentee": (setup.mentee, "mentee secret"),
        "mentor": (setup.mentor, "mentor secret"),
        "manager": (setup.manager, None),
        "admin key": (tenant.admin, None),
        "admin employee": (tenant.as_user(admin_person), None),
        "programs:write key": (await tenant.api_key("programs:write"), None),
        "read key": (await tenant.api_key("read"), None),
    }
    for role, (headers, expected) in readers.items():
        pair = await gql(tenant, PAIR, {"id": setup.pair["id"]}, headers)
        assert pair["data"]["pair"]["lastLogs"][0]["privateNote"] == expected, role
        logs = await gql(tenant, LOGS, {"pair": setup.pair["id"]}, headers)
        assert logs["data"]["sessionLogs"]["edges"][0]["node"]["privateNote"] == expected, role
        listed = await gql(
            tenant, "{ pairs { edges { node { lastLogs { privateNote } } } } }", None, headers
        )
        notes = [n["node"]["lastLogs"] for n in listed["data"]["pairs"]["edges"]]
        assert notes == [[{"privateNote": expected}]], role
    for headers in (
        tenant.as_user(await tenant.employee()),
        tenant.as_user(await tenant.employee(role="program_manager")),
    ):
        hidden = await gql(tenant, PAIR, {"id": setup.pair["id"]}, headers)
        assert hidden["data"] is None or hidden["data"]["pair"] is None
        assert error_of(hidden)["code"] == "pair_not_found"
        logs = await gql(tenant, LOGS, {"pair": setup.pair["id"]}, headers)
        assert error_of(logs)["code"] == "pair_not_found"


async def test_a_page_of_pairs_with_their_last_logs_costs_constant_statements(
    tenant: Tenant, count_statements: StatementCounter
) -> None:
    first = await make_pair(tenant)
    setups = [first]
    for _ in range(49):
        setups.append(await make_pair(tenant, program=first.program, manager=first.manager))
    for setup in setups:
        for day in range(6):
            response = await setup.log(held_at=ago(days=day + 1), private_note="n")
            assert response.status_code == 201
    await setups[0].tenant.client.post(
        pair_url(first.pair, "goals"), json={"title": "Goal"}, headers=first.mentee
    )
    query = """
    query($first: Int!, $program: UUID!) {
      pairs(first: $first, programId: $program) {
        edges { node { id mentor { id } mentee { id } goals { id }
          lastLogs(count: 5) { id heldAt privateNote }
          progress { sessions health } } }
      }
    }"""

    async def statements_for(size: int, headers: dict[str, str]) -> int:
        count_statements.statements.clear()
        result = await gql(tenant, query, {"first": size, "program": first.program["id"]}, headers)
        nodes = [e["node"] for e in result["data"]["pairs"]["edges"]]
        assert len(nodes) == size
        assert all(len(n["lastLogs"]) == 5 for n in nodes)
        assert all(n["progress"]["sessions"] == 6 for n in nodes)
        held = [log["heldAt"] for log in nodes[0]["lastLogs"]]
        assert held == sorted(held, reverse=True)
        return count_statements.count

    for headers in (first.manager, tenant.admin):
        small, large = await statements_for(5, headers), await statements_for(50, headers)
        assert small == large, count_statements.statements
        assert large <= 16, count_statements.statements


async def test_dispute_and_transition_through_graphql(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    log_id = (await setup.log()).json()["id"]
    disputed = await gql(
        tenant,
        """mutation($p: UUID!, $l: UUID!) {
             disputeSessionLog(pairId: $p, logId: $l, reason: "We cancelled") { status disputeReason } }""",
        {"p": setup.pair["id"], "l": log_id},
        setup.mentor,
    )
    assert disputed["data"]["disputeSessionLog"] == {
        "status": "DISPUTED",
        "disputeReason": "We cancelled",
    }
    move = """mutation($id: UUID!, $to: PairStatus!, $reason: PairEndReason) {
                transitionPair(id: $id, to: $to, reason: $reason) { status endReason version } }"""
    missing = await gql(tenant, move, {"id": setup.pair["id"], "to": "ENDED_EARLY"}, setup.mentee)
    assert error_of(missing)["code"] == "invalid"
    ended = await gql(
        tenant,
        move,
        {"id": setup.pair["id"], "to": "ENDED_EARLY", "reason": "SCHEDULE"},
        setup.mentee,
    )
    assert ended["data"]["transitionPair"]["status"] == "ENDED_EARLY"
    assert ended["data"]["transitionPair"]["endReason"] == "SCHEDULE"
    stranger = tenant.as_user(await tenant.employee())
    hidden = await gql(tenant, move, {"id": setup.pair["id"], "to": "ACTIVE"}, stranger)
    assert error_of(hidden)["code"] == "pair_not_found"


FILTERED = """
query($program: UUID, $status: PairStatus, $health: PairHealth, $first: Int!, $after: String) {
  pairs(programId: $program, status: $status, health: $health, first: $first, after: $after) {
    nodes { id programId status health } pageInfo { hasNextPage endCursor }
  }
}
"""


async def _set_health(tenant: Tenant, pair_id: str, health: PairHealth) -> None:
    """As the periodic check leaves it (the check has tests of its own)."""
    async with unit_of_work(tenant.app.state.session_factory) as session:
        await session.exec(
            update(Pair).where(col(Pair.id) == uuid.UUID(pair_id)).values(health=health.value)
        )


async def test_pairs_filtered_by_status_and_health(tenant: Tenant) -> None:
    at_risk = await make_pair(tenant)
    program, manager = at_risk.program, at_risk.manager
    on_track = await make_pair(tenant, program=program, manager=manager)
    proposed = await make_pair(tenant, program=program, manager=manager, activate=False)
    elsewhere = await make_pair(tenant, manager=manager)
    await _set_health(tenant, at_risk.pair["id"], PairHealth.AT_RISK)
    await _set_health(tenant, on_track.pair["id"], PairHealth.ON_TRACK)
    await _set_health(tenant, elsewhere.pair["id"], PairHealth.AT_RISK)

    async def ids(**variables: Any) -> list[str]:
        given = {"program": program["id"], "first": 10} | variables
        found = await gql(tenant, FILTERED, given, manager)
        assert "errors" not in found, found
        return [p["id"] for p in found["data"]["pairs"]["nodes"]]

    assert await ids(status="ACTIVE") == [at_risk.pair["id"], on_track.pair["id"]]
    assert await ids(status="PROPOSED") == [proposed.pair["id"]]
    assert await ids(health="AT_RISK") == [at_risk.pair["id"]]
    assert await ids(status="ACTIVE", health="ON_TRACK") == [on_track.pair["id"]]
    assert await ids(status="PROPOSED", health="AT_RISK") == []
    assert await ids(program=None, health="AT_RISK") == [
        at_risk.pair["id"],
        elsewhere.pair["id"],
    ]
    first = await gql(tenant, FILTERED, {"program": program["id"], "first": 2}, manager)
    page = first["data"]["pairs"]
    assert [p["status"] for p in page["nodes"]] == ["ACTIVE", "ACTIVE"]
    assert [p["health"] for p in page["nodes"]] == ["AT_RISK", "ON_TRACK"]
    assert page["pageInfo"]["hasNextPage"] is True
    assert await ids(after=page["pageInfo"]["endCursor"]) == [proposed.pair["id"]]


async def test_stale_versions_of_logs_and_pairs_are_refused(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    log = (await setup.log()).json()
    dispute = """mutation($p: UUID!, $l: UUID!, $v: Int) {
      disputeSessionLog(pairId: $p, logId: $l, reason: "Not held", version: $v) {
        id status disputeReason version } }"""
    ids = {"p": setup.pair["id"], "l": log["id"]}
    stale = await gql(tenant, dispute, ids | {"v": log["version"] + 1}, setup.mentor)
    assert error_of(stale)["code"] == "version_mismatch"
    disputed = await gql(tenant, dispute, ids | {"v": log["version"]}, setup.mentor)
    assert disputed["data"]["disputeSessionLog"] == {
        "id": log["id"],
        "status": "DISPUTED",
        "disputeReason": "Not held",
        "version": log["version"] + 1,
    }
    logs = await gql(tenant, LOGS, {"pair": setup.pair["id"]}, setup.mentor)
    assert [e["node"]["status"] for e in logs["data"]["sessionLogs"]["edges"]] == ["DISPUTED"]

    move = """mutation($id: UUID!, $v: Int) {
      transitionPair(id: $id, to: PAUSED, note: "Holidays", version: $v) {
        status endNote version } }"""
    version = setup.pair["version"]
    old = await gql(tenant, move, {"id": setup.pair["id"], "v": version - 1}, setup.mentee)
    assert error_of(old)["code"] == "version_mismatch"
    paused = await gql(tenant, move, {"id": setup.pair["id"], "v": version}, setup.mentee)
    assert paused["data"]["transitionPair"]["status"] == "PAUSED"
    assert paused["data"]["transitionPair"]["version"] == version + 1
    read = await gql(
        tenant, "query($id: UUID!) { pair(id: $id) { status } }", {"id": setup.pair["id"]}
    )
    assert read["data"]["pair"]["status"] == "PAUSED"

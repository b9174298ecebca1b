"""Programs, objectives and consultations through GraphQL, and their batched loading."""

from typing import Any

from tests.api.graphql.test_employees_graphql import gql
from tests.api.programs_support import (
    add_objective,
    contribute,
    create_program,
    in_days,
    invite,
    move_to,
    open_consultation,
    program_manager,
)
from tests.conftest import StatementCounter, Tenant

PROGRAM = """
query($id: UUID!) {
  program(id: $id) {
    id name status version managerIds
    managers { id displayName }
    matchingSettings { minimumScore modes reverse { hard weight minSeniorityGap } }
    objectives { id title category position topicTags successIndicators { name targetValue unit baseline } }
    consultation { id status question contributions { nodes { id kind body status stakeholderId } } }
  }
}
"""

PROGRAMS = """
query($first: Int!, $after: String, $filter: ProgramFilterInput) {
  programs(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id name status objectives { id } consultation { id contributions { nodes { id } } } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

CREATE = """
mutation($input: ProgramCreateInput!) {
  createProgram(input: $input) { id name kind status version managerIds
    matchingSettings { minimumScore modes mutualLearning { weight minTopicOverlap } } }
}
"""

TRANSITION = """
mutation($id: UUID!, $to: ProgramStatus!, $waiver: String, $version: Int) {
  transitionProgram(id: $id, to: $to, waiverReason: $waiver, version: $version) {
    status version enrollingWaiver { reason waivedBy }
  }
}
"""


def error_of(result: dict[str, Any]) -> dict[str, Any]:
    assert result.get("errors"), result
    return dict(result["errors"][0]["extensions"])


async def test_create_update_and_read_a_program(tenant: Tenant) -> None:
    manager, as_manager = await program_manager(tenant)
    created = await gql(
        tenant,
        CREATE,
        {
            "input": {
                "name": "Digital fluency",
                "kind": "PEER",
                "startsOn": "2027-01-04",
                "matchingSettings": {"minimumScore": 0.6, "mutualLearning": {"weight": 0.5}},
            }
        },
        as_manager,
    )
    program = created["data"]["createProgram"]
    assert (program["kind"], program["status"], program["version"]) == ("PEER", "DRAFT", 1)
    assert program["managerIds"] == [manager["id"]]
    assert program["matchingSettings"] == {
        "minimumScore": 0.6,
        "modes": ["AUTOMATIC"],
        "mutualLearning": {"weight": 0.5, "minTopicOverlap": 0.0},
    }

    updated = await gql(
        tenant,
        """mutation($id: UUID!) { updateProgram(id: $id, version: 1,
             input: {name: "Fluency", cadenceDays: 14, endsOn: "2027-06-30"}) { name cadenceDays endsOn version } }""",
        {"id": program["id"]},
        as_manager,
    )
    assert updated["data"]["updateProgram"] == {
        "name": "Fluency",
        "cadenceDays": 14,
        "endsOn": "2027-06-30",
        "version": 2,
    }
    stale = await gql(
        tenant,
        'mutation($id: UUID!) { updateProgram(id: $id, version: 1, input: {name: "X"}) { version } }',
        {"id": program["id"]},
        as_manager,
    )
    assert error_of(stale)["code"] == "version_mismatch"
    backwards = await gql(
        tenant,
        'mutation($id: UUID!) { updateProgram(id: $id, version: 2, input: {endsOn: "2026-01-01"}) { version } }',
        {"id": program["id"]},
        as_manager,
    )
    extensions = error_of(backwards)
    # An end before the start breaks a business rule, as in REST.
    assert (extensions["status"], extensions["errors"][0]["field"]) == (409, "endsOn")

    read = await gql(tenant, PROGRAM, {"id": program["id"]}, as_manager)
    assert read["data"]["program"]["managers"] == [
        {"id": manager["id"], "displayName": f"{manager['given_name']} {manager['family_name']}"}
    ]
    assert read["data"]["program"]["consultation"] is None


async def test_invalid_input_and_permissions(tenant: Tenant, other_tenant: Tenant) -> None:
    invalid = await gql(
        tenant,
        CREATE,
        {"input": {"name": "", "matchingSettings": {"diversity": {"weight": 3}}}},
    )
    extensions = error_of(invalid)
    assert extensions["code"] == "validation_failed"
    assert {e["field"] for e in extensions["errors"]} == {
        "name",
        "matchingSettings.diversity.weight",
    }
    employee = tenant.as_user(await tenant.employee())
    denied = await gql(tenant, CREATE, {"input": {"name": "Mine"}}, employee)
    assert error_of(denied)["code"] == "forbidden"

    draft = await create_program(tenant)
    hidden = await gql(tenant, PROGRAM, {"id": draft["id"]}, employee)
    assert hidden["data"]["program"] is None
    assert error_of(hidden)["code"] == "program_not_found"
    foreign = await gql(other_tenant, PROGRAM, {"id": draft["id"]})
    assert error_of(foreign)["status"] == 404


async def test_transitions_and_waiver(tenant: Tenant) -> None:
    program = await create_program(tenant)
    illegal = await gql(tenant, TRANSITION, {"id": program["id"], "to": "ACTIVE"})
    extensions = error_of(illegal)
    assert extensions["code"] == "illegal_transition"
    assert extensions["allowed_transitions"] == ["consultation", "archived"]

    moved = await gql(tenant, TRANSITION, {"id": program["id"], "to": "CONSULTATION", "version": 1})
    assert moved["data"]["transitionProgram"]["status"] == "CONSULTATION"
    unmet = await gql(tenant, TRANSITION, {"id": program["id"], "to": "ENROLLING"})
    assert error_of(unmet)["unmet_conditions"] == ["objective_missing", "consultation_not_closed"]

    _manager, as_manager = await program_manager(tenant)
    refused = await gql(
        tenant,
        TRANSITION,
        {"id": program["id"], "to": "ENROLLING", "waiver": "We know our goals."},
        as_manager,
    )
    assert error_of(refused)["code"] == "waiver_forbidden"
    waived = await gql(
        tenant, TRANSITION, {"id": program["id"], "to": "ENROLLING", "waiver": "We know our goals."}
    )
    result = waived["data"]["transitionProgram"]
    assert result["status"] == "ENROLLING"
    assert result["enrollingWaiver"]["reason"] == "We know our goals."
    assert result["enrollingWaiver"]["waivedBy"].startswith("api_key:")
    archived = await gql(
        tenant, "mutation($id: UUID!) { archiveProgram(id: $id) { status } }", {"id": program["id"]}
    )
    assert archived["data"]["archiveProgram"]["status"] == "ARCHIVED"


async def test_objective_mutations(tenant: Tenant) -> None:
    program = await create_program(tenant)
    create = """
    mutation($programId: UUID!, $input: ObjectiveCreateInput!) {
      createObjective(programId: $programId, input: $input) {
        id title category position version topicTags successIndicators { name targetValue unit baseline }
      }
    }"""
    first = await gql(
        tenant,
        create,
        {
            "programId": program["id"],
            "input": {
                "title": "Executives run their own dashboards",
                "category": "DIGITAL_TRANSFORMATION",
                "topicTags": ["Data Viz"],
                "successIndicators": [{"name": "Dashboards", "targetValue": 20, "unit": "count"}],
            },
        },
    )
    a = first["data"]["createObjective"]
    assert a["topicTags"] == ["data-viz"]
    assert a["successIndicators"] == [
        {"name": "Dashboards", "targetValue": 20.0, "unit": "count", "baseline": None}
    ]
    second = await gql(
        tenant,
        create,
        {"programId": program["id"], "input": {"title": "Mixed teams", "category": "CULTURE"}},
    )
    b = second["data"]["createObjective"]
    assert b["position"] == 2
    unknown = await gql(
        tenant,
        create,
        {"programId": program["id"], "input": {"title": "X", "category": "SPORTS"}},
    )
    assert error_of(unknown)["code"] == "validation_failed"
    assert "ObjectiveCategory" in unknown["errors"][0]["message"]

    updated = await gql(
        tenant,
        """mutation($p: UUID!, $id: UUID!) { updateObjective(programId: $p, id: $id, version: 1,
             input: {priority: 1, title: "Dashboards for all"}) { title priority version } }""",
        {"p": program["id"], "id": a["id"]},
    )
    assert updated["data"]["updateObjective"] == {
        "title": "Dashboards for all",
        "priority": 1,
        "version": 2,
    }
    reordered = await gql(
        tenant,
        "mutation($p: UUID!, $ids: [UUID!]!) { reorderObjectives(programId: $p, objectiveIds: $ids) { id position } }",
        {"p": program["id"], "ids": [b["id"], a["id"]]},
    )
    assert reordered["data"]["reorderObjectives"] == [
        {"id": b["id"], "position": 1},
        {"id": a["id"], "position": 2},
    ]
    deleted = await gql(
        tenant,
        "mutation($p: UUID!, $id: UUID!) { deleteObjective(programId: $p, id: $id) }",
        {"p": program["id"], "id": b["id"]},
    )
    assert deleted["data"]["deleteObjective"] == b["id"]
    read = await gql(tenant, PROGRAM, {"id": program["id"]})
    assert [o["id"] for o in read["data"]["program"]["objectives"]] == [a["id"]]

    await move_to(tenant, program, "consultation")
    await gql(tenant, TRANSITION, {"id": program["id"], "to": "ENROLLING", "waiver": "Pilot ran."})
    await move_to(tenant, program, "matching", "active")
    locked = await gql(
        tenant,
        "mutation($p: UUID!, $id: UUID!) { updateObjective(programId: $p, id: $id, version: 3, input: {priority: 2}) { version } }",
        {"p": program["id"], "id": a["id"]},
    )
    assert error_of(locked)["code"] == "objectives_locked"
    assert error_of(locked)["status"] == 409


async def test_consultation_through_graphql(tenant: Tenant) -> None:
    _owner, as_owner = await program_manager(tenant)
    program = await create_program(tenant, as_owner)
    objective = await add_objective(tenant, program, as_owner)
    opened = await gql(
        tenant,
        """mutation($p: UUID!, $deadline: DateTime!) {
             openConsultation(programId: $p, input: {question: "What first?", deadline: $deadline}) {
               id status contributions { nodes { id } } } }""",
        {"p": program["id"], "deadline": in_days(7)},
        as_owner,
    )
    assert opened["data"]["openConsultation"]["status"] == "OPEN"
    alice, bob = await tenant.employee(), await tenant.employee()
    for person in (alice, bob):
        invited = await gql(
            tenant,
            """mutation($p: UUID!, $e: UUID!) {
                 inviteStakeholder(programId: $p, input: {employeeId: $e, role: FUTURE_MENTOR}) { id role employeeId } }""",
            {"p": program["id"], "e": person["id"]},
            as_owner,
        )
        assert invited["data"]["inviteStakeholder"]["employeeId"] == person["id"]

    submit = """
    mutation($p: UUID!, $input: ContributionInput!) {
      submitContribution(programId: $p, input: $input) { id kind status proposal { title category } }
    }"""
    proposal = await gql(
        tenant,
        submit,
        {
            "p": program["id"],
            "input": {
                "kind": "PROPOSED_OBJECTIVE",
                "proposal": {"title": "Inclusive language", "category": "DIVERSITY_INCLUSION"},
            },
        },
        tenant.as_user(alice),
    )
    alice_contribution = proposal["data"]["submitContribution"]
    assert alice_contribution["proposal"] == {
        "title": "Inclusive language",
        "category": "DIVERSITY_INCLUSION",
    }
    endorsement = await gql(
        tenant,
        submit,
        {"p": program["id"], "input": {"kind": "ENDORSEMENT", "objectiveId": objective["id"]}},
        tenant.as_user(bob),
    )
    bob_contribution = endorsement["data"]["submitContribution"]
    missing_body = await gql(
        tenant, submit, {"p": program["id"], "input": {"kind": "COMMENT"}}, tenant.as_user(bob)
    )
    assert error_of(missing_body)["errors"][0]["field"] == "body"

    # Each invitee sees their own contributions; the manager sees both; others see nothing.
    async def contributions_seen(headers: dict[str, str]) -> list[str] | None:
        result = await gql(tenant, PROGRAM, {"id": program["id"]}, headers)
        consultation = result["data"]["program"]["consultation"]
        return (
            None
            if consultation is None
            else [c["id"] for c in consultation["contributions"]["nodes"]]
        )

    assert await contributions_seen(tenant.as_user(alice)) == [alice_contribution["id"]]
    assert await contributions_seen(tenant.as_user(bob)) == [bob_contribution["id"]]
    assert await contributions_seen(as_owner) == [alice_contribution["id"], bob_contribution["id"]]
    assert await contributions_seen(tenant.as_user(await tenant.employee())) is None

    resolve = """
    mutation($p: UUID!, $id: UUID!, $input: ContributionResolutionInput!) {
      resolveContribution(programId: $p, id: $id, input: $input) { status resultingObjectiveId resolutionReason }
    }"""
    by_alice = await gql(
        tenant,
        resolve,
        {"p": program["id"], "id": alice_contribution["id"], "input": {"decision": "ACCEPTED"}},
        tenant.as_user(alice),
    )
    assert error_of(by_alice)["code"] == "not_program_manager"
    accepted = await gql(
        tenant,
        resolve,
        {
            "p": program["id"],
            "id": alice_contribution["id"],
            "input": {"decision": "ACCEPTED", "createObjective": True},
        },
        as_owner,
    )
    created_objective = accepted["data"]["resolveContribution"]["resultingObjectiveId"]
    assert created_objective is not None
    close = """mutation($p: UUID!) { closeConsultation(programId: $p, summary: "Agreed on two goals.") { status summary } }"""
    blocked = await gql(tenant, close, {"p": program["id"]}, as_owner)
    assert error_of(blocked)["code"] == "contributions_pending"
    assert error_of(blocked)["pending"] == 1
    declined = await gql(
        tenant,
        resolve,
        {
            "p": program["id"],
            "id": bob_contribution["id"],
            "input": {"decision": "DECLINED", "reason": "Already covered."},
        },
        as_owner,
    )
    assert declined["data"]["resolveContribution"]["status"] == "DECLINED"
    closed = await gql(tenant, close, {"p": program["id"]}, as_owner)
    assert closed["data"]["closeConsultation"] == {
        "status": "CLOSED",
        "summary": "Agreed on two goals.",
    }
    read = await gql(tenant, PROGRAM, {"id": program["id"]}, as_owner)
    assert [o["id"] for o in read["data"]["program"]["objectives"]] == [
        objective["id"],
        created_objective,
    ]
    enrolled = await gql(tenant, TRANSITION, {"id": program["id"], "to": "ENROLLING"}, as_owner)
    assert enrolled["data"]["transitionProgram"]["status"] == "ENROLLING"


async def test_programs_connection_pages_and_hides_drafts(tenant: Tenant) -> None:
    programs = [await create_program(tenant, name=f"P{i}") for i in range(3)]
    await move_to(tenant, programs[0], "consultation")
    await move_to(tenant, programs[2], "consultation")
    first = await gql(tenant, PROGRAMS, {"first": 2})
    connection = first["data"]["programs"]
    assert [e["node"]["id"] for e in connection["edges"]] == [p["id"] for p in programs[:2]]
    assert connection["pageInfo"]["hasNextPage"] is True
    rest = await gql(tenant, PROGRAMS, {"first": 2, "after": connection["pageInfo"]["endCursor"]})
    assert [e["node"]["id"] for e in rest["data"]["programs"]["edges"]] == [programs[2]["id"]]
    filtered = await gql(tenant, PROGRAMS, {"first": 10, "filter": {"status": "DRAFT"}})
    assert [e["node"]["id"] for e in filtered["data"]["programs"]["edges"]] == [programs[1]["id"]]
    employee = tenant.as_user(await tenant.employee())
    seen = await gql(tenant, PROGRAMS, {"first": 10}, employee)
    assert [e["node"]["id"] for e in seen["data"]["programs"]["edges"]] == [
        programs[0]["id"],
        programs[2]["id"],
    ]


async def test_nested_program_reads_run_a_constant_number_of_queries(
    tenant: Tenant, count_statements: StatementCounter
) -> None:
    manager, as_manager = await program_manager(tenant)
    invitee = await tenant.employee()
    for i in range(12):
        program = await create_program(tenant, as_manager, name=f"Program {i}")
        await add_objective(tenant, program, as_manager, title="A")
        await add_objective(tenant, program, as_manager, title="B")
        await open_consultation(tenant, program, as_manager)
        await invite(tenant, program, as_manager, employee_id=invitee["id"])
        response = await contribute(
            tenant, program, tenant.as_user(invitee), kind="comment", body="Count me in."
        )
        assert response.status_code == 201

    query = """
    query($first: Int!) {
      programs(first: $first) {
        edges { node { id managers { id }
          objectives { id }
          consultation { id contributions { nodes { id } } } } }
      }
    }"""

    async def statements_for(first: int, headers: dict[str, str]) -> int:
        count_statements.statements.clear()
        result = await gql(tenant, query, {"first": first}, headers)
        nodes = [e["node"] for e in result["data"]["programs"]["edges"]]
        assert len(nodes) == first
        assert all(len(n["objectives"]) == 2 for n in nodes)
        assert all(len(n["consultation"]["contributions"]["nodes"]) == 1 for n in nodes)
        assert all(n["managers"] == [{"id": manager["id"]}] for n in nodes)
        return count_statements.count

    for headers in (as_manager, tenant.as_user(invitee)):
        small, large = await statements_for(3, headers), await statements_for(12, headers)
        assert small == large, count_statements.statements
        # Authentication (2), the page with its manager and eligible-group links (3), then one
        # batch each for the managers' records, objectives, consultations, invitations and
        # contributions.
        assert large <= 11, count_statements.statements


async def test_later_mutations_read_what_earlier_ones_wrote(tenant: Tenant) -> None:
    program = await create_program(tenant)
    first = await add_objective(tenant, program, title="First")
    result = await gql(
        tenant,
        """mutation($p: UUID!, $missing: UUID!) {
             before: archiveProgram(id: $missing) { id }
             seen: updateProgram(id: $p, version: 1, input: {name: "Seen"}) { objectives { id } }
             added: createObjective(programId: $p, input: {title: "Second", category: CULTURE}) { id }
             after: updateProgram(id: $p, version: 2, input: {name: "After"}) { name objectives { title } }
           }""",
        {"p": program["id"], "missing": first["id"]},
    )
    # The failed mutation wrote nothing and stopped nothing.
    assert error_of(result)["code"] == "program_not_found"
    assert result["data"]["seen"]["objectives"] == [{"id": first["id"]}]
    assert result["data"]["after"] == {
        "name": "After",
        "objectives": [{"title": "First"}, {"title": "Second"}],
    }


async def test_text_the_database_cannot_hold_is_refused_in_graphql(tenant: Tenant) -> None:
    # PostgreSQL's text cannot hold NUL: the schema says so, and both databases refuse it.
    created = await gql(tenant, CREATE, {"input": {"name": "Digital\x00fluency"}})
    refusal = error_of(created)
    assert (refusal["code"], refusal["status"]) == ("validation_failed", 422)
    assert [e["field"] for e in refusal["errors"]] == ["name"]


async def test_versions_taken_by_objective_deletion_and_archiving(tenant: Tenant) -> None:
    program = await create_program(tenant)
    kept = await add_objective(tenant, program, title="Kept")
    dropped = await add_objective(tenant, program, title="Dropped")
    delete = """mutation($p: UUID!, $id: UUID!, $v: Int) {
      deleteObjective(programId: $p, id: $id, version: $v) }"""
    ids = {"p": program["id"], "id": dropped["id"]}
    stale = await gql(tenant, delete, ids | {"v": dropped["version"] + 1})
    assert error_of(stale)["code"] == "version_mismatch"
    deleted = await gql(tenant, delete, ids | {"v": dropped["version"]})
    assert deleted["data"] == {"deleteObjective": dropped["id"]}
    read = await gql(tenant, PROGRAM, {"id": program["id"]})
    assert [o["title"] for o in read["data"]["program"]["objectives"]] == [kept["title"]]

    archive = """mutation($id: UUID!, $v: Int) {
      archiveProgram(id: $id, version: $v) { id status version } }"""
    version = read["data"]["program"]["version"]
    old = await gql(tenant, archive, {"id": program["id"], "v": version - 1})
    assert error_of(old)["code"] == "version_mismatch"
    archived = await gql(tenant, archive, {"id": program["id"], "v": version})
    assert archived["data"]["archiveProgram"] == {
        "id": program["id"],
        "status": "ARCHIVED",
        "version": version + 1,
    }
    again = await gql(tenant, PROGRAM, {"id": program["id"]})
    assert again["data"]["program"]["status"] == "ARCHIVED"

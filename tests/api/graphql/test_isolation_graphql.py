"""Tenant isolation on every GraphQL query field: organisation B never reads A's data.

The fields come from the schema itself; a query field that takes an identifier and has no
entry in ``FIELDS`` fails the test, and so does one without identifiers missing in ``LISTS``.
"""

from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    get_named_type,
)
from strawberry.types.base import StrawberryOptional, get_object_definition
from strawberry.types.unset import UNSET

from app.api.graphql.schema import Mutation, Query, schema
from tests.api.isolation_support import World, build_world
from tests.conftest import Tenant

PROGRAM = "consulted_program"
MATCHING = {"programId": "matching_program"}
CIRCLES = {"programId": "circle_program"}
CIRCLE = CIRCLES | {"circleId": "circle"}

# How to fill each query field's identifier arguments from A's world.
FIELDS: dict[str, dict[str, str]] = {
    "employee": {"id": "employee"},
    "group": {"id": "group"},
    "program": {"id": PROGRAM},
    "mentorSuggestions": MATCHING | {"menteeId": "participant"},
    "participants": MATCHING,
    "participant": MATCHING | {"id": "participant"},
    "matchingRuns": MATCHING,
    "matchingRun": MATCHING | {"id": "run"},
    "pair": {"id": "pair"},
    "pairs": {"programId": "pair_program"},
    "sessionLogs": {"pairId": "pair"},
    "progress": {"pairId": "pair"},
    "pairFeedback": {"pairId": "pair"},
    "dashboard": {"programId": "pair_program"},
    "circles": CIRCLES,
    "circle": CIRCLES | {"id": "circle"},
    "circleMembers": CIRCLE,
    "circleThreads": CIRCLE,
    "threadPosts": CIRCLE | {"threadId": "thread"},
    "circleMeetings": CIRCLE,
    "mentorConfidence": CIRCLES,
    "workshops": CIRCLES,
    "workshop": {"id": "workshop"},
}
# Fields without identifiers: B's answer must hold nothing of A's.
LISTS = {"viewer", "employees", "groups", "programs", "consultations", "guestMentors"}


def _query_type() -> GraphQLObjectType:
    query = schema._schema.query_type
    assert query is not None
    return query


def _is_identifier(arg_type: Any) -> bool:
    return str(get_named_type(arg_type).name) == "UUID"


def _selection(output: GraphQLOutputType) -> str:
    """Enough of the answer to see whether anything of A's came back."""
    named = get_named_type(output)
    if not isinstance(named, GraphQLObjectType):
        return ""
    fields = named.fields
    if "edges" in fields:
        node = get_named_type(fields["edges"].type)
        assert isinstance(node, GraphQLObjectType)
        return "{ edges { node " + _selection(node.fields["node"].type) + " } }"
    if "id" in fields:
        return "{ __typename id }"
    return "{ __typename }"


def _query(name: str, values: dict[str, str]) -> str:
    field = _query_type().fields[name]
    args = []
    for arg, definition in field.args.items():
        if arg in values:
            args.append(f'{arg}: "{values[arg]}"')
        elif arg == "first":
            args.append("first: 10")
        elif isinstance(definition.type, GraphQLNonNull):
            raise AssertionError(f"{name}: no value for the required argument {arg}")
    written = f"({', '.join(args)})" if args else ""
    return f"{{ {name}{written} {_selection(field.type)} }}"


async def test_every_query_field_is_described() -> None:
    missing = []
    for name, field in _query_type().fields.items():
        identifiers = {a for a, d in field.args.items() if _is_identifier(d.type)}
        if identifiers:
            if name not in FIELDS or set(FIELDS[name]) != identifiers:
                missing.append(name)
        elif name not in LISTS:
            missing.append(name)
    assert missing == [], f"query fields without an isolation entry: {missing}"


def _check(world: World, name: str, answer: dict[str, Any], text: str) -> None:
    leaked = world.leaks(text)
    assert not leaked, (name, leaked, text)
    field = _query_type().fields[name]
    data = answer.get("data")
    value = None if data is None else data.get(name)
    if value is None:
        # Hidden: null (a nullable field) or a not-found error.
        errors = answer.get("errors") or []
        if isinstance(field.type, GraphQLNonNull):
            assert errors, (name, answer)
        for error in errors:
            assert error["extensions"]["status"] == 404, (name, error)
        return
    # Something came back: it must be empty (a list or connection of nothing).
    if isinstance(value, dict) and "edges" in value:
        assert value["edges"] == [], (name, value)
    else:
        nullable = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
        assert isinstance(nullable, GraphQLList), (name, value)
        assert value == [], (name, value)


async def test_another_organisation_reads_nothing(tenant: Tenant, other_tenant: Tenant) -> None:
    world = await build_world(tenant)
    checked = 0
    for name, mapping in FIELDS.items():
        values = {arg: world.ids[key] for arg, key in mapping.items()}
        query = _query(name, values)
        response = await other_tenant.client.post(
            "/graphql", json={"query": query}, headers=other_tenant.admin
        )
        assert response.status_code == 200, (name, response.text)
        sent = " ".join(values.values())
        assert not world.leaks(response.text, sent=sent), (name, response.text)
        _check(world, name, response.json(), response.text.replace(sent, ""))
        # The same query as A's administrator does find the data (the query is sound).
        mine = await tenant.client.post("/graphql", json={"query": query}, headers=tenant.admin)
        assert mine.json().get("data", {}).get(name) is not None, (name, mine.text)
        checked += 1
    for name in sorted(LISTS):
        response = await other_tenant.client.post(
            "/graphql", json={"query": _query(name, {})}, headers=other_tenant.admin
        )
        assert response.status_code == 200, (name, response.text)
        assert not world.leaks(response.text), (name, world.leaks(response.text))
        checked += 1
    assert checked == len(_query_type().fields)


# How to fill each mutation's identifier arguments from A's world.
MUTATIONS: dict[str, dict[str, str]] = {
    "updateEmployee": {"id": "employee"},
    "terminateEmployee": {"id": "employee"},
    "deactivateEmployee": {"id": "employee"},
    "updateProgram": {"id": PROGRAM},
    "transitionProgram": {"id": PROGRAM},
    "archiveProgram": {"id": PROGRAM},
    "createObjective": {"programId": PROGRAM},
    "updateObjective": {"programId": PROGRAM, "id": "objective"},
    "deleteObjective": {"programId": PROGRAM, "id": "objective"},
    "reorderObjectives": {"programId": PROGRAM, "objectiveIds": "objective"},
    "openConsultation": {"programId": PROGRAM},
    "updateConsultation": {"programId": PROGRAM},
    "inviteStakeholder": {"programId": PROGRAM},
    "closeConsultation": {"programId": PROGRAM},
    "submitContribution": {"programId": PROGRAM},
    "resolveContribution": {"programId": PROGRAM, "id": "contribution"},
    "enrol": MATCHING,
    "decideEnrolment": MATCHING | {"participantId": "participant"},
    "runMatching": MATCHING,
    "acceptProposals": MATCHING | {"runId": "run", "proposalIds": "proposal"},
    "rejectProposals": MATCHING | {"runId": "run", "proposalIds": "proposal"},
    "cancelMatchingRun": MATCHING | {"runId": "run"},
    "requestMentor": MATCHING | {"mentorId": "mentor_participant"},
    "answerMatchRequest": MATCHING | {"requestId": "match_request"},
    "logSession": {"pairId": "pair"},
    "confirmSessionLog": {"pairId": "pair", "logId": "session_log"},
    "disputeSessionLog": {"pairId": "pair", "logId": "session_log"},
    "transitionPair": {"id": "pair"},
    "createPairGoal": {"pairId": "pair"},
    "updatePairGoal": {"pairId": "pair", "goalId": "goal"},
    "writePairAgreement": {"pairId": "pair"},
    "acknowledgePairAgreement": {"pairId": "pair"},
    "submitPairFeedback": {"pairId": "pair"},
    "answerPairFitCheck": {"pairId": "pair"},
    "reviewPairMismatch": {"pairId": "pair"},
    "createCircle": CIRCLES,
    "autoFormCircles": CIRCLES,
    "joinCircle": CIRCLE | {"employeeId": "employee"},
    "startThread": CIRCLE,
    "addPost": CIRCLE | {"threadId": "thread"},
    "markPostHelpful": CIRCLE | {"threadId": "thread", "postId": "post"},
    "editThread": CIRCLE | {"threadId": "thread"},
    "deleteThread": CIRCLE | {"threadId": "thread"},
    "editPost": CIRCLE | {"threadId": "thread", "postId": "post"},
    "deletePost": CIRCLE | {"threadId": "thread", "postId": "post"},
    "scheduleCircleMeeting": CIRCLE,
    "respondToMeeting": CIRCLE | {"meetingId": "meeting"},
    "leaveCircle": CIRCLE | {"memberId": "circle_member"},
    "writeMeetingNotes": CIRCLE | {"meetingId": "meeting"},
    "recordMeetingAttendance": CIRCLE
    | {"meetingId": "meeting", "employeeId": "employee", "guestId": "guest"},
    "registerForWorkshop": {"workshopId": "workshop"},
    "cancelWorkshopRegistration": {"workshopId": "workshop"},
    "rateWorkshop": {"workshopId": "workshop"},
    "inviteGuestMentor": {"guestId": "guest", "circleId": "circle", "workshopId": "workshop"},
}
# Mutations without identifiers create in the caller's own organisation.
CREATIONS = {
    "createEmployee",
    "createProgram",
    "createWorkshop",
    "createGuestMentor",
    # The caller's own preferences: nothing of another organisation's to name.
    "updateNotificationPreferences",
}
# Inputs that the generated values below would not make valid.
INPUTS: dict[str, dict[str, Any]] = {
    "openConsultation": {"question": "Beta?", "deadline": "2031-01-01T00:00:00Z"},
    "updateConsultation": {"question": "Beta?"},
    "inviteStakeholder": {"role": "FUTURE_MENTOR"},
    "submitContribution": {"kind": "COMMENT", "body": "Beta"},
    "resolveContribution": {"decision": "DECLINED", "reason": "Beta reason"},
    "logSession": {"heldAt": "2026-01-05T10:00:00Z", "durationMinutes": 30, "format": "VIDEO"},
    "scheduleCircleMeeting": {"startsAt": "2031-01-05T10:00:00Z", "durationMinutes": 30},
}

# Identifier arguments of which a mutation takes exactly one; and arguments it needs besides.
LEFT_OUT = {"recordMeetingAttendance": {"guestId"}, "inviteGuestMentor": {"workshopId"}}
EXTRA: dict[str, dict[str, Any]] = {
    "respondToMeeting": {"rsvp": "YES"},
    "answerPairFitCheck": {"answer": "NOT_A_FIT"},
}


def _value(kind: Any, name: str) -> Any:
    """A plausible value of a GraphQL input type (required fields only)."""
    if isinstance(kind, GraphQLNonNull):
        return _value(kind.of_type, name)
    if isinstance(kind, GraphQLList):
        return [_value(kind.of_type, name)]
    if isinstance(kind, GraphQLEnumType):
        return next(iter(kind.values))
    if isinstance(kind, GraphQLInputObjectType):
        return {
            field: _value(definition.type, field)
            for field, definition in kind.fields.items()
            if isinstance(definition.type, GraphQLNonNull)
        }
    return {
        "Int": 3,
        "Float": 1.0,
        "Boolean": True,
        "String": "Beta text",
        "Date": "2031-01-06",
        "DateTime": "2031-01-05T10:00:00Z",
    }.get(kind.name, "Beta text")


def _mutation(name: str, world: World) -> tuple[str, dict[str, Any]]:
    mutation = schema._schema.mutation_type
    assert mutation is not None
    field = mutation.fields[name]
    ids = {arg: world.ids[key] for arg, key in MUTATIONS[name].items()}
    variables: dict[str, Any] = dict(EXTRA.get(name, {}))
    for arg, definition in field.args.items():
        if arg in LEFT_OUT.get(name, set()) or arg in variables:
            continue
        if arg in ids:
            listed = isinstance(get_named_type(definition.type), GraphQLList) or "[" in str(
                definition.type
            )
            variables[arg] = [ids[arg]] if listed else ids[arg]
        elif arg == "input" and name in INPUTS:
            variables[arg] = INPUTS[name]
        elif isinstance(definition.type, GraphQLNonNull) or arg == "version":
            variables[arg] = _value(definition.type, arg)
    declared = ", ".join(f"${a}: {field.args[a].type}" for a in variables)
    passed = ", ".join(f"{a}: ${a}" for a in variables)
    document = f"mutation({declared}) {{ {name}({passed}) {_selection(field.type)} }}"
    return document, variables


async def test_every_mutation_is_described() -> None:
    mutation = schema._schema.mutation_type
    assert mutation is not None
    missing = []
    for name, field in mutation.fields.items():
        identifiers = {a for a, d in field.args.items() if _is_identifier(d.type)}
        if identifiers:
            if name not in MUTATIONS or set(MUTATIONS[name]) != identifiers:
                missing.append(name)
        elif name not in CREATIONS:
            missing.append(name)
    assert missing == [], f"mutations without an isolation entry: {missing}"


async def test_another_organisation_changes_nothing(tenant: Tenant, other_tenant: Tenant) -> None:
    world = await build_world(tenant)
    failures = []
    statuses: dict[int, int] = {}
    for name in MUTATIONS:
        document, variables = _mutation(name, world)
        response = await other_tenant.client.post(
            "/graphql",
            json={"query": document, "variables": variables},
            headers=other_tenant.admin,
        )
        answer = response.json()
        errors = answer.get("errors") or []
        codes = [e.get("extensions", {}).get("status") for e in errors]
        for code in codes:
            statuses[code] = statuses.get(code, 0) + 1
        value = (answer.get("data") or {}).get(name)
        leaked = world.leaks(response.text, sent=f"{document} {variables}")
        if value is not None or codes != [404] or leaked:
            failures.append((name, leaked, response.text[:300]))
    assert failures == [], "\n".join(map(str, failures))


async def test_a_program_cannot_name_another_organisations_group(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    world = await build_world(tenant)
    document = """
    mutation($groups: [UUID!]) {
      createProgram(input: {name: "Beta", eligibleGroupIds: $groups}) { id }
    }
    """
    answers = []
    for group in (world.ids["group"], "0190a0a0-0000-7000-8000-000000000000"):
        response = await other_tenant.client.post(
            "/graphql",
            json={"query": document, "variables": {"groups": [group]}},
            headers=other_tenant.admin,
        )
        assert not world.leaks(response.text, sent=group), response.text
        [error] = response.json()["errors"]
        answers.append((error["extensions"]["code"], error["extensions"]["status"]))
    # A's group is answered exactly as one that exists nowhere.
    assert answers == [("group_not_found", 409), ("group_not_found", 409)]


def test_optional_arguments_have_defaults() -> None:
    """An optional argument without a default is required by Python but not by GraphQL: a
    client that leaves it out would get a 500 (writeMeetingNotes without ``notes`` did)."""
    found = [
        (kind.__name__, field.python_name, argument.python_name)
        for kind in (Query, Mutation)
        for field in get_object_definition(kind, strict=True).fields
        for argument in field.arguments
        if isinstance(argument.type, StrawberryOptional) and argument.default is UNSET
    ]
    assert found == []


async def test_meeting_notes_can_be_left_out(tenant: Tenant) -> None:
    world = await build_world(tenant)
    document = """
    mutation($programId: UUID!, $circleId: UUID!, $meetingId: UUID!) {
      writeMeetingNotes(programId: $programId, circleId: $circleId, meetingId: $meetingId,
                        version: 1) { notes version }
    }
    """
    variables = {
        "programId": world.ids["circle_program"],
        "circleId": world.ids["circle"],
        "meetingId": world.ids["meeting"],
    }
    response = await tenant.client.post(
        "/graphql",
        json={"query": document, "variables": variables},
        headers=world.headers["circle_manager"],
    )
    assert response.json() == {"data": {"writeMeetingNotes": {"notes": None, "version": 1}}}

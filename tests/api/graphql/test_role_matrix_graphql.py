"""The role matrix through GraphQL: nobody reads, by a query field, what is not theirs.

Every query field is classified; an unclassified one fails the test. Guest mentors have no
GraphQL at all (tested with the guest mentors); the others are the role matrix's outsiders.
"""

from typing import Any

from tests.api.graphql.test_isolation_graphql import (
    FIELDS,
    LISTS,
    MUTATIONS,
    _mutation,
    _query,
    _query_type,
)
from tests.api.isolation_support import build_world
from tests.api.test_role_matrix import EMPLOYEES, GUEST, MANAGER, outsiders
from tests.conftest import Tenant

EVERYONE = EMPLOYEES | {MANAGER}
# Field -> who of the outsiders must get nothing (null, an empty list, or a 403/404 error).
HIDDEN_FROM: dict[str, frozenset[str]] = {
    "participant": EVERYONE,
    "matchingRuns": EVERYONE,
    "matchingRun": EVERYONE,
    "mentorSuggestions": EVERYONE,
    "pair": EVERYONE,
    "sessionLogs": EVERYONE,
    "progress": EVERYONE,
    "pairFeedback": EVERYONE,
    "dashboard": EVERYONE,
    "circle": EVERYONE,
    "circleMembers": EVERYONE,
    "circleThreads": EVERYONE,
    "threadPosts": EVERYONE,
    "circleMeetings": EVERYONE,
    "mentorConfidence": EVERYONE,
    "programImpact": EVERYONE,
    "indicatorMeasurements": EVERYONE,
    # Everyone's own answers only: nothing of anyone else's.
    "myAssessmentAnswers": EVERYONE,
    "assessmentItems": frozenset(),
    # Filtered to the consultations each person runs or is invited to: none of the world's.
    "consultations": EVERYONE,
    "guestMentors": EMPLOYEES,  # any program manager hosts guest mentors
    # Group names help program managers set up programs (members: administrators only).
    "group": EMPLOYEES,
    "groups": EMPLOYEES,
    # Visible to every employee, or filtered to what each person may see:
    "employee": frozenset(),
    "employees": frozenset(),
    "program": frozenset(),
    "programs": frozenset(),
    "participants": frozenset(),
    "pairs": frozenset(),
    "circles": frozenset(),
    "workshops": frozenset(),
    "workshop": frozenset(),
    "viewer": frozenset(),
}


def _nothing(name: str, answer: dict[str, Any]) -> bool:
    value = (answer.get("data") or {}).get(name)
    if value is None:
        statuses = {e["extensions"].get("status") for e in answer.get("errors") or []}
        return statuses <= {403, 404}
    if isinstance(value, dict) and "edges" in value:
        return bool(value["edges"] == [])
    return bool(value == [])


async def test_every_query_field_is_classified() -> None:
    assert set(HIDDEN_FROM) == set(_query_type().fields)


async def test_nobody_reads_what_is_not_theirs(tenant: Tenant) -> None:
    world = await build_world(tenant)
    people = await outsiders(tenant, world)
    del people[GUEST]
    failures = []
    refused = 0
    for name, hidden in HIDDEN_FROM.items():
        values = {arg: world.ids[key] for arg, key in FIELDS.get(name, {}).items()}
        query = _query(name, values)
        if name in LISTS:
            assert not values
        for who in sorted(hidden):
            response = await tenant.client.post(
                "/graphql", json={"query": query}, headers=people[who]
            )
            if response.status_code != 200 or not _nothing(name, response.json()):
                failures.append((who, name, response.text[:200]))
            refused += 1
    assert failures == [], "\n".join(map(str, failures))
    assert refused == 19 * len(EVERYONE) + 3 * len(EMPLOYEES)


# Mutations an outsider may legitimately call on the world's records: their own enrolment,
# request, registration or circle membership. Every other mutation taking an identifier must
# be refused to each of them.
SELF_SERVICE = {
    "enrol",
    "requestMentor",
    "registerForWorkshop",
    "cancelWorkshopRegistration",
    "rateWorkshop",
    "joinCircle",
}
HOSTING = {"inviteGuestMentor"}  # any program manager hosts guest mentors, as in REST


async def test_nobody_changes_what_is_not_theirs(tenant: Tenant) -> None:
    world = await build_world(tenant)
    people = await outsiders(tenant, world)
    del people[GUEST]
    failures = []
    for name in MUTATIONS:
        if name in SELF_SERVICE:
            continue
        document, variables = _mutation(name, world)
        for who in sorted(EMPLOYEES if name in HOSTING else EVERYONE):
            response = await tenant.client.post(
                "/graphql", json={"query": document, "variables": variables}, headers=people[who]
            )
            answer = response.json()
            statuses = {e["extensions"].get("status") for e in answer.get("errors") or []}
            value = (answer.get("data") or {}).get(name)
            if value is not None or not statuses or not statuses <= {403, 404}:
                failures.append((who, name, response.text[:200]))
    assert failures == [], "\n".join(map(str, failures))


# A `read` key reads through GraphQL what it reads through REST (tests/api/test_role_matrix.py):
# what an administrator reads, but the guest mentors their hosts keep.
NOT_FOR_READ_KEYS = {"guestMentors"}


async def test_a_read_key_reads_and_never_writes(tenant: Tenant) -> None:
    world = await build_world(tenant)
    reporting = await tenant.api_key("read")
    failures = []
    for name in HIDDEN_FROM:
        if name == "viewer":
            continue  # who is asking: a different answer for each
        values = {arg: world.ids[key] for arg, key in FIELDS.get(name, {}).items()}
        query = {"query": _query(name, values)}
        answer = (await tenant.client.post("/graphql", json=query, headers=reporting)).json()
        if name in NOT_FOR_READ_KEYS:
            if not _nothing(name, answer):
                failures.append(("read", name, str(answer)[:200]))
            continue
        as_admin = (await tenant.client.post("/graphql", json=query, headers=tenant.admin)).json()
        if answer != as_admin or "errors" in answer:
            failures.append(("read", name, str(answer)[:200]))
    for name in MUTATIONS:
        document, variables = _mutation(name, world)
        response = await tenant.client.post(
            "/graphql", json={"query": document, "variables": variables}, headers=reporting
        )
        answer = response.json()
        statuses = {e["extensions"].get("status") for e in answer.get("errors") or []}
        if (answer.get("data") or {}).get(name) is not None or not statuses <= {403, 404}:
            failures.append(("write", name, response.text[:200]))
        if not statuses:
            failures.append(("write", name, response.text[:200]))
    assert failures == [], "\n".join(map(str, failures))

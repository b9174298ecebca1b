"""Every request body of the OpenAPI document has an example, and every example works.

Swagger UI's "Try it out" starts from a body's first example. Each one is sent here, as
published, to the operation it documents: a fresh organisation gets the objects the call
needs (``SETUPS``), the example's identifiers (app/domain/examples.py) are swapped for
theirs, its dates are moved to today, and the answer must be a success. A new operation
with a body fails `test_every_operation_with_a_body_is_set_up` until it has a setup here.
"""

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.domain import examples
from tests.api import support_network_support as support
from tests.api.impact_support import add_item, impact_program, participants
from tests.api.matching_support import enrolled, enrolling_program, proposals, run
from tests.api.pairs_support import PairSetup, make_pair, pair_url
from tests.api.pairs_support import enrol as enrol_directly
from tests.api.programs_support import (
    add_objective,
    contribute,
    create_program,
    invite,
    move_to,
    open_consultation,
    program_manager,
    url,
)
from tests.conftest import Tenant, make_tenant

Operation = tuple[str, str]
Headers = dict[str, str]


@dataclass
class Call:
    """Who sends the example, where, and the real identifiers its example ones stand for."""

    headers: Headers
    path: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)


Setup = Callable[[Tenant], Awaitable[Call]]
SETUPS: dict[Operation, Setup] = {}

API = "/api/v1"
P = f"{API}/programs/{{program_id}}"
C = f"{P}/circles/{{circle_id}}"
PAIR = f"{API}/pairs/{{pair_id}}"


def setup(method: str, path: str) -> Callable[[Setup], Setup]:
    def register(function: Setup) -> Setup:
        SETUPS[(method, path)] = function
        return function

    return register


async def ok(response: Any, status: int = 201) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return dict(response.json())


# --- access, employees, integrations -------------------------------------------------------


@setup("post", f"{API}/api-keys")
@setup("post", f"{API}/identity-providers")
@setup("post", f"{API}/integrations/hris/secrets")
@setup("put", f"{API}/integrations/hris/field-mapping")
@setup("post", f"{API}/webhook-subscriptions")
@setup("post", f"{API}/guest-mentors")
@setup("post", f"{API}/workshops")
async def as_admin(t: Tenant) -> Call:
    return Call(t.admin)


@setup("post", f"{API}/employees")
async def new_employee(t: Tenant) -> Call:
    manager = await t.employee()
    return Call(t.admin, ids={"MANAGER_ID": manager["id"]})


@setup("patch", f"{API}/employees/{{employee_id}}")
@setup("post", f"{API}/employees/{{employee_id}}/terminate")
async def an_employee(t: Tenant) -> Call:
    return Call(t.admin, {"employee_id": (await t.employee())["id"]})


@setup("patch", f"{API}/identity-providers/{{provider_id}}")
async def an_identity_provider(t: Tenant) -> Call:
    providers = await ok(await t.client.get(f"{API}/identity-providers", headers=t.admin), 200)
    return Call(t.admin, {"provider_id": providers["items"][0]["id"]})


@setup("patch", f"{API}/webhook-subscriptions/{{subscription_id}}")
async def a_subscription(t: Tenant) -> Call:
    made = await t.client.post(
        f"{API}/webhook-subscriptions",
        json={"url": "https://hooks.example.com/in", "event_types": ["employee.*"]},
        headers=t.admin,
    )
    return Call(t.admin, {"subscription_id": (await ok(made))["id"]})


# --- programs, objectives, consultation ----------------------------------------------------


@setup("post", f"{API}/programs")
async def program_with_manager(t: Tenant) -> Call:
    manager, _headers = await program_manager(t)
    return Call(t.admin, ids={"PROGRAM_MANAGER_ID": manager["id"]})


@setup("patch", P)
@setup("post", f"{P}/transitions")
@setup("post", f"{P}/objectives")
@setup("post", f"{P}/consultation")
async def draft_program(t: Tenant) -> Call:
    return Call(t.admin, {"program_id": (await create_program(t))["id"]})


@setup("patch", f"{P}/objectives/{{objective_id}}")
@setup("post", f"{P}/objectives/reorder")
async def objectives(t: Tenant) -> Call:
    program = await create_program(t)
    first = await add_objective(t, program)
    second = await add_objective(t, program, title="Managers lead hybrid teams")
    return Call(
        t.admin,
        {"program_id": program["id"], "objective_id": first["id"]},
        {"OBJECTIVE_ID": first["id"], "SECOND_OBJECTIVE_ID": second["id"]},
    )


@setup("patch", f"{P}/consultation")
@setup("post", f"{P}/consultation/close")
@setup("post", f"{P}/consultation/stakeholders")
async def consultation(t: Tenant) -> Call:
    program = await create_program(t)
    await open_consultation(t, program)
    employee = await t.employee()
    return Call(t.admin, {"program_id": program["id"]}, {"EMPLOYEE_ID": employee["id"]})


@setup("post", f"{P}/consultation/contributions")
async def stakeholder(t: Tenant) -> Call:
    program = await create_program(t)
    await open_consultation(t, program)
    person = await t.employee()
    await invite(t, program, employee_id=person["id"])
    return Call(t.as_user(person), {"program_id": program["id"]})


@setup("post", f"{P}/consultation/contributions/{{contribution_id}}/resolve")
async def proposed_objective(t: Tenant) -> Call:
    program = await create_program(t)
    await open_consultation(t, program)
    person = await t.employee()
    await invite(t, program, employee_id=person["id"])
    proposal = {"title": "Social selling", "category": "digital_transformation"}
    made = await contribute(
        t, program, t.as_user(person), kind="proposed_objective", proposal=proposal
    )
    return Call(t.admin, {"program_id": program["id"], "contribution_id": (await ok(made))["id"]})


# --- enrolment and matching ----------------------------------------------------------------


@setup("post", f"{P}/participants")
async def enrolling(t: Tenant) -> Call:
    program = await enrolling_program(t)
    employee = await t.employee()
    return Call(t.admin, {"program_id": program["id"]}, {"EMPLOYEE_ID": employee["id"]})


@setup("patch", f"{P}/participants/{{participant_id}}")
@setup("post", f"{P}/participants/{{participant_id}}/approve")
@setup("post", f"{P}/participants/{{participant_id}}/reject")
@setup("post", f"{P}/participants/{{participant_id}}/withdraw")
async def pending_mentor(t: Tenant) -> Call:
    program = await enrolling_program(t)
    participant = await enrolled(t, program, await t.employee(), "mentor", approve=False)
    return Call(t.admin, {"program_id": program["id"], "participant_id": participant["id"]})


async def _matchable(t: Tenant, **fields: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A program open for enrolment with two mentees and two mentors who fit each other."""
    program = await enrolling_program(t, **fields)
    await add_objective(t, program, topic_tags=["generative-ai"])
    wants = {"generative-ai": 5}
    people = []
    for _ in range(2):
        senior = await t.employee(seniority_level=12, birth_year=1968)
        people.append(await enrolled(t, program, senior, "mentee", learns=wants, mindset=5))
        junior = await t.employee(seniority_level=1, birth_year=2000)
        people.append(await enrolled(t, program, junior, "mentor", teaches=wants, mindset=5))
    return program, people


@setup("post", f"{P}/matching-runs")
async def matchable(t: Tenant) -> Call:
    program, _people = await _matchable(t)
    return Call(t.admin, {"program_id": program["id"]})


@setup("post", f"{P}/matching-runs/{{run_id}}/accept")
@setup("post", f"{P}/matching-runs/{{run_id}}/reject")
@setup("post", f"{P}/matching-runs/{{run_id}}/swap")
async def matching_run(t: Tenant) -> Call:
    program, _people = await _matchable(t)
    program = await move_to(t, program, "matching")
    finished = await ok(await run(t, program), 200)
    found = await proposals(t, program, finished["id"])
    assert len(found) == 2, found
    return Call(
        t.admin,
        {"program_id": program["id"], "run_id": finished["id"]},
        {"PROPOSAL_ID": found[0]["id"], "SECOND_PROPOSAL_ID": found[1]["id"]},
    )


async def _self_matching(t: Tenant) -> tuple[dict[str, Any], list[dict[str, Any]], Headers]:
    program, people = await _matchable(t, matching_settings={"modes": ["mentee_choice"]})
    mentee = await ok(
        await t.client.get(f"{API}/employees/{people[0]['employee_id']}", headers=t.admin), 200
    )
    return program, people, t.as_user(mentee)


@setup("post", f"{P}/match-requests")
async def mentee_choosing(t: Tenant) -> Call:
    program, people, mentee = await _self_matching(t)
    return Call(mentee, {"program_id": program["id"]}, {"MENTOR_PARTICIPANT_ID": people[1]["id"]})


async def _match_request(t: Tenant, by_mentor: bool) -> Call:
    program, people, mentee = await _self_matching(t)
    made = await t.client.post(
        url(program, "match-requests"), json={"mentor_id": people[1]["id"]}, headers=mentee
    )
    mentor = await ok(
        await t.client.get(f"{API}/employees/{people[1]['employee_id']}", headers=t.admin), 200
    )
    return Call(
        t.as_user(mentor) if by_mentor else mentee,
        {"program_id": program["id"], "request_id": (await ok(made))["id"]},
    )


@setup("post", f"{P}/match-requests/{{request_id}}/accept")
@setup("post", f"{P}/match-requests/{{request_id}}/decline")
async def request_to_mentor(t: Tenant) -> Call:
    return await _match_request(t, by_mentor=True)


@setup("post", f"{P}/match-requests/{{request_id}}/withdraw")
async def request_of_mentee(t: Tenant) -> Call:
    return await _match_request(t, by_mentor=False)


# --- pairs, session logs, feedback ---------------------------------------------------------


@setup("post", f"{P}/pairs")
async def approved_participants(t: Tenant) -> Call:
    program = await create_program(t)
    mentor = await enrol_directly(t, program, await t.employee(seniority_level=1), "mentor")
    mentee = await enrol_directly(t, program, await t.employee(seniority_level=5), "mentee")
    return Call(
        t.admin,
        {"program_id": program["id"]},
        {"MENTOR_PARTICIPANT_ID": mentor, "MENTEE_PARTICIPANT_ID": mentee},
    )


def _pair_call(pair: PairSetup, headers: Headers, **path: str) -> Call:
    return Call(headers, {"pair_id": pair.pair["id"], **path})


@setup("post", f"{PAIR}/transitions")
async def pair_for_manager(t: Tenant) -> Call:
    pair = await make_pair(t)
    return _pair_call(pair, pair.manager)


@setup("put", f"{PAIR}/agreement")
@setup("post", f"{PAIR}/session-logs")
async def pair_for_mentor(t: Tenant) -> Call:
    pair = await make_pair(t)
    return _pair_call(pair, pair.mentor | {"If-Match": f'"{pair.pair["version"]}"'})


@setup("post", f"{PAIR}/feedback")
async def pair_for_mentee(t: Tenant) -> Call:
    pair = await make_pair(t)
    return _pair_call(pair, pair.mentee)


@setup("post", f"{PAIR}/goals")
async def pair_with_objective(t: Tenant) -> Call:
    pair = await make_pair(t)
    objective = await add_objective(t, pair.program)
    call = _pair_call(pair, pair.mentor)
    call.ids["OBJECTIVE_ID"] = objective["id"]
    return call


@setup("patch", f"{PAIR}/goals/{{goal_id}}")
async def goal(t: Tenant) -> Call:
    pair = await make_pair(t)
    made = await t.client.post(
        pair_url(pair.pair, "goals"), json={"title": "Try Copilot"}, headers=pair.mentor
    )
    return _pair_call(pair, pair.mentor, goal_id=(await ok(made))["id"])


@setup("patch", f"{PAIR}/session-logs/{{log_id}}")
async def own_log(t: Tenant) -> Call:
    pair = await make_pair(t)
    log = await ok(await pair.log())
    return _pair_call(pair, pair.mentee, log_id=log["id"])


@setup("post", f"{PAIR}/session-logs/{{log_id}}/confirm")
@setup("post", f"{PAIR}/session-logs/{{log_id}}/dispute")
async def others_log(t: Tenant) -> Call:
    pair = await make_pair(t)
    log = await ok(await pair.log())
    return _pair_call(pair, pair.mentor, log_id=log["id"])


@setup("put", f"{PAIR}/fit-check")
async def first_session_confirmed(t: Tenant) -> Call:
    pair = await make_pair(t)
    log = await ok(await pair.log())
    confirmed = await t.client.post(
        pair_url(pair.pair, "session-logs", log["id"], "confirm"), json={}, headers=pair.mentor
    )
    await ok(confirmed, 200)
    return _pair_call(pair, pair.mentee)


@setup("put", f"{API}/me/notification-preferences")
async def a_person(t: Tenant) -> Call:
    return Call(t.as_user(await t.employee()))


# --- the support network -------------------------------------------------------------------


@dataclass
class Circle:
    program: dict[str, Any]
    manager: Headers
    members: list[dict[str, Any]]
    circle: dict[str, Any]

    def call(self, headers: Headers, **path: str) -> Call:
        return Call(
            headers,
            {"program_id": self.program["id"], "circle_id": self.circle["id"], **path},
            {"CIRCLE_ID": self.circle["id"], "MENTOR_EMPLOYEE_ID": self.members[0]["id"]},
        )

    def url(self, *parts: str) -> str:
        return support.circles_url(self.program, self.circle["id"], *parts)


async def _circle(t: Tenant) -> Circle:
    program, manager = await support.active_program(t)
    members = [await support.mentor(t, program) for _ in range(2)]
    made = await support.circle(t, program, manager, members)
    return Circle(program, manager, members, made)


@setup("post", f"{P}/circles")
async def mentors(t: Tenant) -> Call:
    program, manager = await support.active_program(t)
    mentor = await support.mentor(t, program)
    return Call(manager, {"program_id": program["id"]}, {"MENTOR_EMPLOYEE_ID": mentor["id"]})


@setup("post", f"{P}/circles/auto-form")
async def many_mentors(t: Tenant) -> Call:
    program, manager = await support.active_program(t)
    for _ in range(6):
        await support.mentor(t, program)
    return Call(manager, {"program_id": program["id"]})


@setup("patch", C)
@setup("post", f"{C}/meetings")
async def circle_for_manager(t: Tenant) -> Call:
    circle = await _circle(t)
    return circle.call(circle.manager)


@setup("post", f"{C}/members")
async def circle_to_join(t: Tenant) -> Call:
    circle = await _circle(t)
    newcomer = await support.mentor(t, circle.program)
    return circle.call(newcomer["headers"])


@setup("put", f"{C}/members/{{member_id}}/joining-confidence")
async def circle_member(t: Tenant) -> Call:
    circle = await _circle(t)
    members = await ok(await t.client.get(circle.url("members"), headers=t.admin), 200)
    member = next(m for m in members["items"] if m["employee_id"] == circle.members[0]["id"])
    return circle.call(circle.members[0]["headers"], member_id=member["id"])


@setup("post", f"{C}/threads")
@setup("post", f"{API}/calendar-feeds")
async def circle_for_member(t: Tenant) -> Call:
    circle = await _circle(t)
    return circle.call(circle.members[0]["headers"])


async def _thread(t: Tenant) -> tuple[Circle, dict[str, Any]]:
    circle = await _circle(t)
    made = await t.client.post(
        circle.url("threads"),
        json={"kind": "question", "title": "First session?", "body": "How do you start?"},
        headers=circle.members[0]["headers"],
    )
    return circle, await ok(made)


@setup("patch", f"{C}/threads/{{thread_id}}")
async def own_thread(t: Tenant) -> Call:
    circle, thread = await _thread(t)
    return circle.call(circle.members[0]["headers"], thread_id=thread["id"])


@setup("post", f"{C}/threads/{{thread_id}}/posts")
async def others_thread(t: Tenant) -> Call:
    circle, thread = await _thread(t)
    return circle.call(circle.members[1]["headers"], thread_id=thread["id"])


async def _post(t: Tenant) -> tuple[Circle, dict[str, Any], dict[str, Any]]:
    circle, thread = await _thread(t)
    made = await t.client.post(
        circle.url("threads", thread["id"], "posts"),
        json={"body": "With a question each."},
        headers=circle.members[1]["headers"],
    )
    return circle, thread, await ok(made)


@setup("patch", f"{C}/threads/{{thread_id}}/posts/{{post_id}}")
async def own_post(t: Tenant) -> Call:
    circle, thread, post = await _post(t)
    author = circle.members[1]["headers"] | {"If-Match": f'"{post["version"]}"'}
    return circle.call(author, thread_id=thread["id"], post_id=post["id"])


@setup("put", f"{C}/threads/{{thread_id}}/posts/{{post_id}}/helpful")
async def others_post(t: Tenant) -> Call:
    circle, thread, post = await _post(t)
    return circle.call(circle.members[0]["headers"], thread_id=thread["id"], post_id=post["id"])


async def _meeting(t: Tenant, days: float = 7) -> tuple[Circle, dict[str, Any]]:
    circle = await _circle(t)
    made = await t.client.post(
        circle.url("meetings"),
        json={"starts_at": support.at(days), "duration_minutes": 45},
        headers=circle.manager,
    )
    return circle, await ok(made)


@setup("patch", f"{C}/meetings/{{meeting_id}}")
@setup("post", f"{C}/meetings/{{meeting_id}}/attendance")
async def meeting_for_manager(t: Tenant) -> Call:
    circle, meeting = await _meeting(t)
    return circle.call(circle.manager, meeting_id=meeting["id"])


@setup("put", f"{C}/meetings/{{meeting_id}}/my-response")
async def meeting_for_member(t: Tenant) -> Call:
    circle, meeting = await _meeting(t)
    return circle.call(circle.members[0]["headers"], meeting_id=meeting["id"])


async def _workshop(t: Tenant) -> dict[str, Any]:
    made = await t.client.post(
        support.WORKSHOPS,
        json={
            "title": "Prompting",
            "starts_at": support.at(10),
            "ends_at": support.at(10.1),
            "capacity": 5,
        },
        headers=t.admin,
    )
    return await ok(made)


@setup("patch", f"{API}/workshops/{{workshop_id}}")
async def workshop(t: Tenant) -> Call:
    return Call(t.admin, {"workshop_id": (await _workshop(t))["id"]})


@setup("post", f"{API}/guest-mentors/{{guest_id}}/invitations")
async def guest_and_workshop(t: Tenant) -> Call:
    guest = await support.guest(t)
    made = await _workshop(t)
    return Call(t.admin, {"guest_id": guest["id"]}, {"WORKSHOP_ID": made["id"]})


async def _registered(t: Tenant) -> tuple[dict[str, Any], dict[str, Any], Headers]:
    made = await _workshop(t)
    person = t.as_user(await t.employee())
    registration = await t.client.post(
        f"{support.WORKSHOPS}/{made['id']}/registration", headers=person
    )
    return made, await ok(registration), person


@setup("put", f"{API}/workshops/{{workshop_id}}/registration/feedback")
async def registered_person(t: Tenant) -> Call:
    made, _registration, person = await _registered(t)
    return Call(person, {"workshop_id": made["id"]})


@setup("put", f"{API}/workshops/{{workshop_id}}/registrations/{{registration_id}}/attendance")
async def registration(t: Tenant) -> Call:
    made, registered, _person = await _registered(t)
    return Call(t.admin, {"workshop_id": made["id"], "registration_id": registered["id"]})


@setup("post", "/graphql")
async def employee(t: Tenant) -> Call:
    return Call(t.as_user(await t.employee()))


# --- impact --------------------------------------------------------------------------------

INDICATOR = f"{P}/objectives/{{objective_id}}/indicators/{{indicator}}"


@setup("post", f"{P}/assessment-items")
@setup("post", f"{INDICATOR}/measurements")
@setup("put", f"{INDICATOR}/binding")
async def impact_objective(t: Tenant) -> Call:
    program, objective, manager = await impact_program(t)
    return Call(
        manager,
        {"program_id": program["id"], "objective_id": objective["id"], "indicator": "0"},
        {"OBJECTIVE_ID": objective["id"]},
    )


@setup("put", f"{P}/assessment-answers/{{wave}}")
async def assessed_mentee(t: Tenant) -> Call:
    program, _objective, manager = await impact_program(t)
    [mentee] = await participants(t, program, "mentee", 1)
    item = await add_item(t, program, manager, "mentee", "I use collaborative tools with ease.")
    return Call(
        t.as_user(mentee),
        {"program_id": program["id"], "wave": "baseline"},
        {"ASSESSMENT_ITEM_ID": item["id"]},
    )


# --- sending -------------------------------------------------------------------------------


def body_operations(app: FastAPI) -> dict[Operation, Any]:
    """Each operation with a request body, and the body's first example (None without)."""
    document = app.openapi()
    schemas = document["components"]["schemas"]
    found: dict[Operation, Any] = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if "requestBody" not in operation:
                continue
            schema = operation["requestBody"]["content"]["application/json"]["schema"]
            refs = [schema, *schema.get("anyOf", [])]
            ref = next((s["$ref"] for s in refs if "$ref" in s), None)
            if ref is not None:
                schema = schemas[ref.rsplit("/", 1)[1]]
            found[(method, path)] = (schema.get("examples") or [None])[0]
    return found


_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})(?=[T\"])")


def to_today(text: str, today: date) -> str:
    """The example's dates moved by whole weeks, as if it were written today."""
    weeks = round((today - examples.EXAMPLE_TODAY).days / 7)
    shift = timedelta(weeks=weeks)
    return _DATE.sub(lambda m: (date.fromisoformat(m.group(1)) + shift).isoformat(), text)


def fill(path: str, values: dict[str, str]) -> str:
    return re.sub(r"\{([^}]+)\}", lambda m: values[m.group(1)], path)


async def send_example(
    app: FastAPI, client: httpx.AsyncClient, operation: Operation, example: Any
) -> str:
    """Send ``example`` to ``operation``; what went wrong, or an empty string."""
    method, path = operation
    tenant = await make_tenant(app, client, "Examples")
    call = await SETUPS[operation](tenant)
    text = json.dumps(example)
    for name, value in examples.IDENTIFIERS.items():
        if value in text:
            if name not in call.ids:
                return f"the example names {name}, which the setup does not provide"
            text = text.replace(value, call.ids[name])
    text = to_today(text, datetime.now(UTC).date())
    target = fill(path, call.path)
    headers = dict(call.headers)
    if "If-Match" not in headers and method in ("patch", "put"):
        current = await client.get(target, headers=headers)
        if current.status_code == 200 and "ETag" in current.headers:
            headers["If-Match"] = current.headers["ETag"]
        elif current.status_code == 200 and "version" in current.json():
            headers["If-Match"] = f'"{current.json()["version"]}"'
    response = await client.request(
        method.upper(),
        target,
        content=text,
        headers=headers | {"Content-Type": "application/json"},
    )
    if not 200 <= response.status_code < 300:
        return f"{response.status_code} {response.text[:400]}"
    if path == "/graphql" and response.json().get("errors"):
        return f"GraphQL errors: {response.text[:400]}"
    return ""


def test_every_operation_with_a_body_is_set_up(app: FastAPI) -> None:
    operations = body_operations(app)
    assert sorted(set(operations) - set(SETUPS)) == [], "add a setup to SETUPS"
    assert sorted(set(SETUPS) - set(operations)) == [], "a setup names no operation"
    assert [op for op, example in operations.items() if example is None] == []


async def test_every_request_example_is_accepted(
    app: FastAPI, client: httpx.AsyncClient, backend: str
) -> None:
    if backend != "sqlite":
        pytest.skip("the examples are checked once, on SQLite")
    failures = {}
    for operation, example in sorted(body_operations(app).items()):
        if operation not in SETUPS or example is None:
            continue
        problem = await send_example(app, client, operation, example)
        if problem:
            failures[f"{operation[0].upper()} {operation[1]}"] = problem
    assert failures == {}, json.dumps(failures, indent=1)

"""Tenant isolation on every REST route: organisation B never reaches organisation A's data.

Organisation A builds a small world through the public API; B's administrator then calls
every route with A's identifiers. Each answer must be a refusal (404, or a 4xx that refuses
before looking) and must not contain any of A's identifiers or names. A route that
``ROUTES`` (or ``LISTS``/``OWN_CREATES``) does not describe fails the test: add it there.
"""

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI

from tests.api import support_network_support as support
from tests.api.isolation_support import (
    API,
    OWN_TESTS,
    World,
    api_routes,
    build_world,
    fill,
    identifier_filters,
    params_of,
)
from tests.api.matching_support import enrolled, enrolling_program
from tests.api.programs_support import create_program, open_consultation, url
from tests.api.rest.test_hris_webhooks import event, person, signed
from tests.api.support_network_support import at
from tests.conftest import Tenant


def _program(key: str, **more: str) -> dict[str, str]:
    return {"program_id": key} | more


CONSULTED = _program("consulted_program")
MATCHING = _program("matching_program")
PAIR = {"pair_id": "pair"}
CIRCLE = _program("circle_program", circle_id="circle")
WORKSHOP = {"workshop_id": "workshop"}
GUEST = {"guest_id": "guest"}
SUBSCRIPTION = {"subscription_id": "subscription"}
P = f"{API}/programs/{{program_id}}"
C = f"{P}/circles/{{circle_id}}"

# How to fill each route's path parameters from A's world (parameter -> World.ids key).
ROUTES: dict[str, dict[str, str]] = {
    f"{API}/api-keys/{{key_id}}": {"key_id": "api_key"},
    f"{API}/identity-providers/{{provider_id}}": {"provider_id": "identity_provider"},
    f"{API}/employees/{{employee_id}}": {"employee_id": "employee"},
    f"{API}/employees/{{employee_id}}/deactivate": {"employee_id": "employee"},
    f"{API}/employees/{{employee_id}}/terminate": {"employee_id": "employee"},
    f"{API}/employees/{{employee_id}}/personal-data": {"employee_id": "employee"},
    f"{API}/groups/{{group_id}}": {"group_id": "group"},
    f"{API}/groups/{{group_id}}/members": {"group_id": "group"},
    P: CONSULTED,
    f"{P}/transitions": CONSULTED,
    f"{P}/archive": CONSULTED,
    f"{P}/overview": CONSULTED,
    f"{P}/objectives": CONSULTED,
    f"{P}/objectives/reorder": CONSULTED,
    f"{P}/objectives/{{objective_id}}": CONSULTED | {"objective_id": "objective"},
    f"{P}/consultation": CONSULTED,
    f"{P}/consultation/close": CONSULTED,
    f"{P}/consultation/stakeholders": CONSULTED,
    f"{P}/consultation/contributions": CONSULTED,
    f"{P}/consultation/contributions/{{contribution_id}}": CONSULTED
    | {"contribution_id": "contribution"},
    f"{P}/consultation/contributions/{{contribution_id}}/resolve": CONSULTED
    | {"contribution_id": "contribution"},
    f"{P}/participants": MATCHING,
    f"{P}/participants/{{participant_id}}": MATCHING | {"participant_id": "participant"},
    f"{P}/participants/{{participant_id}}/approve": MATCHING | {"participant_id": "participant"},
    f"{P}/participants/{{participant_id}}/reject": MATCHING | {"participant_id": "participant"},
    f"{P}/participants/{{participant_id}}/withdraw": MATCHING | {"participant_id": "participant"},
    f"{P}/matching-runs": MATCHING,
    f"{P}/matching-runs/{{run_id}}": MATCHING | {"run_id": "run"},
    f"{P}/matching-runs/{{run_id}}/proposals": MATCHING | {"run_id": "run"},
    f"{P}/matching-runs/{{run_id}}/accept": MATCHING | {"run_id": "run"},
    f"{P}/matching-runs/{{run_id}}/reject": MATCHING | {"run_id": "run"},
    f"{P}/matching-runs/{{run_id}}/swap": MATCHING | {"run_id": "run"},
    f"{P}/matching-runs/{{run_id}}/cancel": MATCHING | {"run_id": "run"},
    f"{P}/mentor-suggestions": MATCHING,
    f"{P}/match-requests": MATCHING,
    f"{P}/match-requests/{{request_id}}": MATCHING | {"request_id": "match_request"},
    f"{P}/match-requests/{{request_id}}/accept": MATCHING | {"request_id": "match_request"},
    f"{P}/match-requests/{{request_id}}/decline": MATCHING | {"request_id": "match_request"},
    f"{P}/match-requests/{{request_id}}/withdraw": MATCHING | {"request_id": "match_request"},
    f"{API}/integrations/hris/webhooks/{{organization_id}}": {"organization_id": "organization"},
    f"{API}/integrations/hris/secrets/{{secret_id}}": {"secret_id": "hris_secret"},
    f"{API}/integrations/hris/deliveries/{{delivery_id}}": {"delivery_id": "hris_delivery"},
    f"{API}/webhook-subscriptions/{{subscription_id}}": SUBSCRIPTION,
    f"{API}/webhook-subscriptions/{{subscription_id}}/deliveries": SUBSCRIPTION,
    f"{API}/webhook-subscriptions/{{subscription_id}}/deliveries/{{delivery_id}}": SUBSCRIPTION
    | {"delivery_id": "webhook_delivery"},
    f"{API}/webhook-subscriptions/{{subscription_id}}/deliveries/{{delivery_id}}/replay": (
        SUBSCRIPTION | {"delivery_id": "webhook_delivery"}
    ),
    f"{P}/pairs": _program("pair_program"),
    f"{API}/pairs/{{pair_id}}": PAIR,
    f"{API}/pairs/{{pair_id}}/transitions": PAIR,
    f"{API}/pairs/{{pair_id}}/agreement": PAIR,
    f"{API}/pairs/{{pair_id}}/agreement/acknowledge": PAIR,
    f"{API}/pairs/{{pair_id}}/goals": PAIR,
    f"{API}/pairs/{{pair_id}}/goals/{{goal_id}}": PAIR | {"goal_id": "goal"},
    f"{API}/pairs/{{pair_id}}/session-logs": PAIR,
    f"{API}/pairs/{{pair_id}}/session-logs/{{log_id}}": PAIR | {"log_id": "session_log"},
    f"{API}/pairs/{{pair_id}}/session-logs/{{log_id}}/confirm": PAIR | {"log_id": "session_log"},
    f"{API}/pairs/{{pair_id}}/session-logs/{{log_id}}/dispute": PAIR | {"log_id": "session_log"},
    f"{API}/pairs/{{pair_id}}/progress": PAIR,
    f"{API}/pairs/{{pair_id}}/feedback": PAIR,
    f"{API}/pairs/{{pair_id}}/fit-check": PAIR,
    f"{API}/pairs/{{pair_id}}/fit-check/review": PAIR,
    f"{P}/dashboard": _program("pair_program"),
    f"{P}/dashboard/pairs.csv": _program("pair_program"),
    f"{P}/circles": _program("circle_program"),
    f"{P}/circles/auto-form": _program("circle_program"),
    f"{P}/mentor-confidence": _program("circle_program"),
    C: CIRCLE,
    f"{C}/members": CIRCLE,
    f"{C}/members/{{member_id}}": CIRCLE | {"member_id": "circle_member"},
    f"{C}/members/{{member_id}}/joining-confidence": CIRCLE | {"member_id": "circle_member"},
    f"{C}/threads": CIRCLE,
    f"{C}/threads/{{thread_id}}": CIRCLE | {"thread_id": "thread"},
    f"{C}/threads/{{thread_id}}/posts": CIRCLE | {"thread_id": "thread"},
    f"{C}/threads/{{thread_id}}/posts/{{post_id}}": CIRCLE
    | {"thread_id": "thread", "post_id": "post"},
    f"{C}/threads/{{thread_id}}/posts/{{post_id}}/helpful": CIRCLE
    | {"thread_id": "thread", "post_id": "post"},
    f"{C}/meetings": CIRCLE,
    f"{C}/meetings/{{meeting_id}}": CIRCLE | {"meeting_id": "meeting"},
    f"{C}/meetings/{{meeting_id}}/my-response": CIRCLE | {"meeting_id": "meeting"},
    f"{C}/meetings/{{meeting_id}}/attendance": CIRCLE | {"meeting_id": "meeting"},
    f"{API}/workshops/{{workshop_id}}": WORKSHOP,
    f"{API}/workshops/{{workshop_id}}/registration": WORKSHOP,
    f"{API}/workshops/{{workshop_id}}/registration/feedback": WORKSHOP,
    f"{API}/workshops/{{workshop_id}}/registrations": WORKSHOP,
    f"{API}/workshops/{{workshop_id}}/registrations/{{registration_id}}/attendance": WORKSHOP
    | {"registration_id": "registration"},
    f"{API}/guest-mentors/{{guest_id}}": GUEST,
    f"{API}/guest-mentors/{{guest_id}}/token": GUEST,
    f"{API}/guest-mentors/{{guest_id}}/invitations": GUEST,
}

# Routes without path parameters that read: B's answer must hold nothing of A's.
LISTS = {
    f"{API}/me",
    f"{API}/organization",
    f"{API}/api-keys",
    f"{API}/identity-providers",
    f"{API}/employees",
    f"{API}/groups",
    f"{API}/audit-log",
    f"{API}/programs",
    f"{API}/consultations",
    f"{API}/integrations/hris/secrets",
    f"{API}/integrations/hris/field-mapping",
    f"{API}/integrations/hris/deliveries",
    f"{API}/webhook-subscriptions",
    f"{API}/pairs",
    f"{API}/session-logs",
    f"{API}/workshops",
    f"{API}/guest-mentors",
    f"{API}/guest-mentors/me",
    f"{API}/me/notification-preferences",
}


def _references(world: World) -> dict[tuple[str, str], dict[str, Any]]:
    """Bodies of B's creations that point at A's records: each must be refused."""
    ids = world.ids
    return {
        ("POST", f"{API}/calendar-feeds"): {"circle_id": ids["circle"]},
        ("POST", f"{API}/workshops"): {
            "title": "Beta workshop",
            "starts_at": at(3),
            "ends_at": at(3.1),
            "capacity": 3,
            "program_id": ids["circle_program"],
        },
        ("POST", f"{API}/programs"): {"name": "Beta program", "eligible_group_ids": [ids["group"]]},
        ("POST", f"{API}/employees"): {
            "email": "beta-person@beta.example",
            "given_name": "Beta",
            "family_name": "Person",
            "manager_id": ids["employee"],
        },
    }


# Query parameters that filter by an identifier: B filtering by A's records finds nothing.
FILTERS: dict[str, dict[str, str]] = {
    f"{P}/mentor-suggestions": {"mentee_id": "participant"},
    f"{API}/pairs": {"program_id": "pair_program", "employee_id": "employee"},
    f"{P}/pairs": {"employee_id": "employee"},
    f"{API}/session-logs": {"program_id": "pair_program"},
    f"{API}/workshops": {"program_id": "circle_program"},
}


# Routes without path parameters that create in the caller's own organisation only.
OWN_CREATES = {
    ("POST", f"{API}/api-keys"),
    ("POST", f"{API}/identity-providers"),
    ("POST", f"{API}/employees"),
    ("POST", f"{API}/programs"),
    ("POST", f"{API}/integrations/hris/secrets"),
    ("PUT", f"{API}/integrations/hris/field-mapping"),
    ("POST", f"{API}/webhook-subscriptions"),
    ("POST", f"{API}/calendar-feeds"),
    ("POST", f"{API}/workshops"),
    ("POST", f"{API}/guest-mentors"),
    ("PUT", f"{API}/me/notification-preferences"),
}


def body_for(method: str, path: str, world: World) -> dict[str, Any] | None:
    """A plausible body, so that a route gets as far as looking the record up."""
    ids = world.ids
    if method in ("GET", "DELETE"):
        return None
    plausible: dict[str, dict[str, Any]] = {
        f"{API}/employees/{{employee_id}}": {"department": "Beta"},
        f"{API}/identity-providers/{{provider_id}}": {"name": "Beta"},
        P: {"name": "Beta"},
        f"{P}/transitions": {"to": "enrolling"},
        f"{P}/objectives": {"title": "Beta", "category": "digital_transformation"},
        f"{P}/objectives/reorder": {"objective_ids": [ids["objective"]]},
        f"{P}/objectives/{{objective_id}}": {"title": "Beta"},
        f"{P}/consultation": {"question": "Beta?", "deadline": at(14)},
        f"{P}/consultation/close": {"summary": "Beta"},
        f"{P}/consultation/stakeholders": {"role": "future_mentor", "employee_id": ids["employee"]},
        f"{P}/consultation/contributions": {"kind": "comment", "body": "Beta"},
        f"{P}/consultation/contributions/{{contribution_id}}/resolve": {
            "decision": "declined",
            "reason": "Beta reason",
        },
        f"{P}/matching-runs/{{run_id}}/swap": {
            "proposal_ids": [ids["proposal"], "01900000-0000-7000-8000-000000000000"]
        },
        f"{P}/participants": {"employee_id": ids["employee"], "role": "mentee"},
        f"{P}/participants/{{participant_id}}": {"mindset": 3},
        f"{P}/matching-runs": {"dry_run": True},
        f"{P}/match-requests": {"mentor_id": ids["mentor_participant"]},
        f"{API}/webhook-subscriptions/{{subscription_id}}": {"description": "Beta"},
        f"{P}/pairs": {
            "mentor_participant_id": ids["mentor_participant"],
            "mentee_participant_id": ids["participant"],
        },
        f"{API}/pairs/{{pair_id}}/transitions": {"to": "paused"},
        f"{API}/pairs/{{pair_id}}/agreement": {"format": "video", "cadence_days": 7},
        f"{API}/pairs/{{pair_id}}/goals": {"title": "Beta"},
        f"{API}/pairs/{{pair_id}}/goals/{{goal_id}}": {"title": "Beta"},
        f"{API}/pairs/{{pair_id}}/session-logs": {
            "held_at": at(-1),
            "duration_minutes": 30,
            "format": "video",
        },
        f"{API}/pairs/{{pair_id}}/session-logs/{{log_id}}": {"duration_minutes": 20},
        f"{API}/pairs/{{pair_id}}/session-logs/{{log_id}}/dispute": {"reason": "Beta"},
        f"{API}/pairs/{{pair_id}}/feedback": {"stage": "end", "rating": 3, "would_recommend": 5},
        f"{API}/pairs/{{pair_id}}/fit-check": {"answer": "not_a_fit", "note": "Beta"},
        f"{P}/circles": {"name": "Beta"},
        f"{P}/circles/auto-form": {"target_size": 4},
        C: {"name": "Beta"},
        f"{C}/members": {"employee_id": ids["employee"]},
        f"{C}/members/{{member_id}}/joining-confidence": {"confidence": 3},
        f"{C}/threads": {"kind": "question", "title": "Beta", "body": "Beta"},
        f"{C}/threads/{{thread_id}}": {"title": "Beta"},
        f"{C}/threads/{{thread_id}}/posts": {"body": "Beta"},
        f"{C}/threads/{{thread_id}}/posts/{{post_id}}": {"body": "Beta"},
        f"{C}/threads/{{thread_id}}/posts/{{post_id}}/helpful": {"helpful": True},
        f"{C}/meetings": {"starts_at": at(5), "duration_minutes": 30},
        f"{C}/meetings/{{meeting_id}}": {"notes": "Beta"},
        f"{C}/meetings/{{meeting_id}}/my-response": {"rsvp": "yes"},
        f"{C}/meetings/{{meeting_id}}/attendance": {
            "employee_id": ids["employee"],
            "attended": True,
        },
        f"{API}/workshops/{{workshop_id}}": {"title": "Beta"},
        f"{API}/workshops/{{workshop_id}}/registration/feedback": {"rating": 3},
        f"{API}/workshops/{{workshop_id}}/registrations/{{registration_id}}/attendance": {
            "attended": True
        },
        f"{API}/guest-mentors/{{guest_id}}/invitations": {"circle_id": ids["circle"]},
    }
    return plausible.get(path, {})


def headers_for(method: str, headers: dict[str, str]) -> dict[str, str]:
    return headers | {"If-Match": '"1"'} if method in ("PATCH", "PUT") else headers


async def test_every_route_is_described(app: FastAPI) -> None:
    missing = []
    for method, path in api_routes(app):
        if path.startswith(OWN_TESTS):
            continue
        if params_of(path):
            if path not in ROUTES or set(ROUTES[path]) != set(params_of(path)):
                missing.append((method, path))
        elif method == "GET":
            if path not in LISTS:
                missing.append((method, path))
        elif (method, path) not in OWN_CREATES:
            missing.append((method, path))
    assert missing == [], f"routes without an isolation entry: {missing}"
    described = {path for _m, path in api_routes(app)}
    assert set(ROUTES) <= described, set(ROUTES) - described
    filters = identifier_filters(app)
    assert {p: sorted(f) for p, f in FILTERS.items()} == {p: sorted(f) for p, f in filters.items()}


# Routes that refuse before looking anything up, and how. Every other route must answer 404.
REFUSED_BEFORE_LOOKING = {
    # The HRIS receiver authenticates by signature, not by credentials: B's are no use.
    ("POST", f"{API}/integrations/hris/webhooks/{{organization_id}}"): 401,
}


async def test_another_organisation_reaches_nothing(
    app: FastAPI, tenant: Tenant, other_tenant: Tenant
) -> None:
    world = await build_world(tenant)
    world.ids["organization"] = str(tenant.organization_id)
    client, b = other_tenant.client, other_tenant.admin
    answered: dict[int, int] = {}
    failures = []
    # Reads first, then writes, deletions last, so a leak in one cannot hide another.
    order = {"GET": 0, "PATCH": 1, "PUT": 1, "POST": 2, "DELETE": 3}
    routes = sorted(api_routes(app), key=lambda r: (order[r[0]], r[1]))
    for method, path in routes:
        if path.startswith(OWN_TESTS) or not params_of(path):
            continue
        values = {name: world.ids[key] for name, key in ROUTES[path].items()}
        target, body = fill(path, values), body_for(method, path, world)
        response = await client.request(method, target, json=body, headers=headers_for(method, b))
        answered[response.status_code] = answered.get(response.status_code, 0) + 1
        leaked = world.leaks(response.text, sent=f"{target} {body}")
        expected = REFUSED_BEFORE_LOOKING.get((method, path), 404)
        if response.status_code != expected or leaked:
            failures.append((method, path, response.status_code, leaked, response.text[:200]))
    assert failures == [], "\n".join(map(str, failures))
    assert sum(answered.values()) == len(
        [r for r in api_routes(app) if params_of(r[1]) and not r[1].startswith(OWN_TESTS)]
    )

    for path in sorted(LISTS):
        response = await client.get(path, headers=b)
        assert response.status_code in (200, 403, 404), (path, response.text)
        assert not world.leaks(response.text), (path, world.leaks(response.text))

    # Lists filtered by A's identifiers, on B's own records or on A's (B's path has B's own
    # program where the route needs one: its filter must still find nothing of A's).
    own_program = await create_program(other_tenant, name="Beta program")
    for path, filters in FILTERS.items():
        params = {name: world.ids[key] for name, key in filters.items()}
        target = fill(path, {"program_id": own_program["id"]})
        response = await client.get(target, params=params, headers=b)
        assert response.status_code in (200, 404, 422), (path, response.text)
        leaked = world.leaks(response.text, sent=str(response.request.url))
        assert not leaked, (path, leaked)
        if response.status_code == 200:
            assert response.json() in ([], {"items": [], "next_cursor": None}), response.text

    for (method, path), body in _references(world).items():
        response = await client.request(method, path, json=body, headers=b)
        # 404 for a record the path names; 409 or 422 for one the body names.
        assert response.status_code in (404, 409, 422), (path, response.text)
        leaked = world.leaks(response.text, sent=str(body))
        assert not leaked, (path, leaked)

    # B signing an HRIS event with its own secret cannot write into A's directory.
    created = await client.post(
        f"{API}/integrations/hris/secrets", json={"name": "Beta HRIS"}, headers=b
    )
    assert created.status_code == 201, created.text
    payload = event("employee.created", datetime.now(UTC), **person(9, email="b@beta.example"))
    content, signed_headers = signed(created.json()["secret"], payload)
    response = await client.post(
        f"{API}/integrations/hris/webhooks/{tenant.organization_id}",
        content=content,
        headers=signed_headers,
    )
    assert response.status_code == 401, response.text
    listed = await tenant.client.get(f"{API}/employees?limit=200", headers=tenant.admin)
    assert "b@beta.example" not in listed.text

    # A's world is untouched: its pair, circle and program still read as before.
    admin = tenant.admin
    for key, template in (
        ("pair", f"{API}/pairs/{{id}}"),
        ("employee", f"{API}/employees/{{id}}"),
        ("api_key", f"{API}/api-keys/{{id}}"),
        ("subscription", f"{API}/webhook-subscriptions/{{id}}"),
        ("guest", f"{API}/guest-mentors/{{id}}"),
        ("workshop", f"{API}/workshops/{{id}}"),
    ):
        response = await tenant.client.get(template.format(id=world.ids[key]), headers=admin)
        assert response.status_code == 200, (key, response.text)
        assert "Beta" not in response.text, (key, response.text)


async def test_references_to_another_organisation_are_refused(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    """B's own records cannot be made to point at A's: people, objectives, circles."""
    world = await build_world(tenant)
    ids, b, client = world.ids, other_tenant.admin, other_tenant.client
    enrolling = await enrolling_program(other_tenant, name="Beta matching")
    active, _manager = await support.active_program(other_tenant, name="Beta circles")
    consulting = await create_program(other_tenant, name="Beta consultation")
    await open_consultation(other_tenant, consulting)
    b_guest = await support.guest(other_tenant)
    b_mentor = await other_tenant.employee()
    b_participant = await enrolled(other_tenant, enrolling, b_mentor, "mentor")
    attempts = [
        (
            url(enrolling, "participants"),
            {"employee_id": ids["employee"], "role": "mentee"},
        ),
        (
            url(enrolling, "pairs"),
            {
                "mentor_participant_id": b_participant["id"],
                "mentee_participant_id": ids["participant"],
            },
        ),
        (
            url(enrolling, "objectives", "reorder"),
            {"objective_ids": [ids["objective"]]},
        ),
        (
            url(consulting, "consultation", "stakeholders"),
            {"employee_id": ids["employee"], "role": "future_mentor"},
        ),
        (
            support.circles_url(active),
            {"name": "Beta ring", "member_employee_ids": [ids["employee"]]},
        ),
        (f"{support.GUESTS}/{b_guest['id']}/invitations", {"circle_id": ids["circle"]}),
        (f"{support.GUESTS}/{b_guest['id']}/invitations", {"workshop_id": ids["workshop"]}),
        (f"{API}/programs", {"name": "Beta restricted", "eligible_group_ids": [ids["group"]]}),
    ]
    for target, body in attempts:
        response = await client.post(target, json=body, headers=b)
        assert response.status_code in (404, 409, 422), (target, response.text)
        assert not world.leaks(response.text, sent=str(body)), (target, response.text)
        # A's identifier is answered exactly as one that exists nowhere.
        unknown = str(uuid.uuid4())
        text = json.dumps(body)
        for secret in world.secrets:
            text = text.replace(secret, unknown)
        control = await client.post(target, json=json.loads(text), headers=b)
        assert response.status_code == control.status_code, (target, control.text)
        assert _shape(response.json()) == _shape(control.json()), (target, control.text)


def _shape(problem: dict[str, Any]) -> tuple[Any, ...]:
    fields = sorted((e.get("field"), e.get("type")) for e in problem.get("errors") or [])
    return problem.get("code"), tuple(fields)

"""A small "world" of one organisation, built through the public API, for the isolation tests.

``World.ids`` names every resource a route's path can point at; ``World.secrets`` holds the
identifiers and names that must never show up in another organisation's answers.
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlmodel import select

from app.db.engine import unit_of_work
from app.domain.events.models import OutboxEvent
from app.domain.integrations.subscriptions.models import WebhookDelivery
from tests.api import support_network_support as support
from tests.api.matching_support import enrolled, enrolling_program, proposals, run
from tests.api.pairs_support import make_pair, pair_url, versioned
from tests.api.programs_support import (
    add_objective,
    contribute,
    create_program,
    invite,
    open_consultation,
    url,
)
from tests.api.rest.test_hris_webhooks import event, new_secret, person, send
from tests.conftest import Tenant

API = "/api/v1"
# Routes with their own tests: liveness, metrics, documentation, GraphQL, SCIM and the
# calendar feeds whose address is their secret.
OWN_TESTS = ("/health", "/ready", "/metrics", "/docs", "/redoc", "/openapi", "/graphql", "/scim")
PARAM = re.compile(r"\{([^}]+)\}")


def api_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path template) of every REST route under /api/v1, included routers too."""
    found: list[tuple[str, str]] = []

    def walk(routes: list[Any]) -> None:
        for route in routes:
            if hasattr(route, "original_router"):
                walk(route.original_router.routes)
            elif isinstance(route, APIRoute) and route.path.startswith(API + "/"):
                for method in sorted(set(route.methods or ()) - {"HEAD"}):
                    found.append((method, route.path))

    walk(app.router.routes)
    return found


def identifier_filters(app: FastAPI) -> dict[str, list[str]]:
    """Path template -> the query parameters of a route that take an identifier."""
    found: dict[str, list[str]] = {}

    def walk(routes: list[Any]) -> None:
        for route in routes:
            if hasattr(route, "original_router"):
                walk(route.original_router.routes)
            elif isinstance(route, APIRoute) and route.path.startswith(API + "/"):
                names = [
                    q.alias
                    for q in route.dependant.query_params
                    if "UUID" in str(q.field_info.annotation)
                ]
                if names:
                    found[route.path] = names

    walk(app.router.routes)
    return found


def params_of(path: str) -> list[str]:
    return PARAM.findall(path)


def fill(path: str, values: dict[str, str]) -> str:
    return PARAM.sub(lambda m: values[m.group(1)], path)


@dataclass
class World:
    tenant: Tenant
    ids: dict[str, str] = field(default_factory=dict)
    secrets: set[str] = field(default_factory=set)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def keep(self, key: str, body: dict[str, Any], *names: str) -> dict[str, Any]:
        self.ids[key] = str(body["id"])
        self.secrets.add(str(body["id"]))
        for name in names:
            if body.get(name):
                self.secrets.add(str(body[name]))
        return body

    def leaks(self, text: str, sent: str = "") -> set[str]:
        """A's identifiers and names in ``text``, but for those the caller sent itself
        (a problem document names the request's path as its ``instance``)."""
        return {secret for secret in self.secrets if secret in text and secret not in sent}


async def _ok(response: Any, status: int = 201) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return dict(response.json())


async def build_world(tenant: Tenant) -> World:
    world = World(tenant)
    client, admin = tenant.client, tenant.admin
    world.secrets.add(str(tenant.organization_id))
    world.secrets.add(tenant.slug)
    world.secrets.add("Alpha")  # every name and title of A's world starts with it

    employee = world.keep("employee", await tenant.employee(), "email", "external_id")
    world.headers["employee"] = tenant.as_user(employee)
    world.keep(
        "api_key",
        await _ok(
            await client.post(
                f"{API}/api-keys", json={"name": "A", "scopes": ["read"]}, headers=admin
            )
        ),
        "token",
    )
    providers = await _ok(await client.get(f"{API}/identity-providers", headers=admin), 200)
    world.keep("identity_provider", providers["items"][0], "issuer")

    # Consultation: a program with an objective, an open consultation, a stakeholder
    # and a contribution.
    consulted = world.keep("consulted_program", await create_program(tenant, name="Alpha Tide"))
    indicator = {"name": "Alpha adoption", "target_value": 80, "unit": "%", "baseline": 20}
    objective = world.keep(
        "objective",
        await add_objective(
            tenant, consulted, title="Alpha objective", success_indicators=[indicator]
        ),
    )
    impact = f"{API}/programs/{consulted['id']}"
    measured = await client.post(
        f"{impact}/objectives/{objective['id']}/indicators/0/measurements",
        json={"value": 41.5, "measured_on": "2026-01-31", "source": "Alpha survey"},
        headers=admin,
    )
    world.keep("measurement", await _ok(measured))
    item = await client.post(
        f"{impact}/assessment-items",
        json={"side": "mentee", "statement": "Alpha statement"},
        headers=admin,
    )
    world.keep("assessment_item", await _ok(item))
    # Not identifiers: a position and a wave, the same in every organisation.
    world.ids["indicator"], world.ids["wave"] = "0", "baseline"
    world.keep("consultation", await open_consultation(tenant, consulted))
    sponsor = await tenant.employee()
    world.keep("stakeholder", await invite(tenant, consulted, employee_id=sponsor["id"]))
    contribution = await contribute(
        tenant, consulted, tenant.as_user(sponsor), kind="comment", body="Alpha remark"
    )
    world.keep("contribution", await _ok(contribution))

    # Matching: a program open for enrolment, participants, a run with proposals, a request.
    matching = world.keep(
        "matching_program",
        await enrolling_program(
            tenant,
            name="Alpha Matching",
            matching_settings={"modes": ["mentee_choice", "automatic"]},
        ),
    )
    await add_objective(tenant, matching, topic_tags=["generative-ai"])
    wants = {"generative-ai": 5}
    mentee_person = await tenant.employee(seniority_level=12, birth_year=1968)
    mentee = world.keep(
        "participant",
        await enrolled(tenant, matching, mentee_person, "mentee", learns=wants, mindset=5),
    )
    mentors = []
    for _ in range(2):
        mentor_person = await tenant.employee(seniority_level=1, birth_year=2000)
        mentors.append(
            await enrolled(tenant, matching, mentor_person, "mentor", teaches=wants, mindset=5)
        )
    world.keep("mentor_participant", mentors[0])
    matching_run = world.keep("run", await _ok(await run(tenant, matching, dry_run=True), 200))
    found = await proposals(tenant, matching, matching_run["id"])
    assert found, "the run proposed no pair"
    world.keep("proposal", found[0])
    request = await client.post(
        url(matching, "match-requests"),
        json={"mentor_id": mentors[1]["id"], "message": "Alpha request"},
        headers=tenant.as_user(mentee_person),
    )
    world.keep("match_request", await _ok(request))
    del mentee

    # A pair with an agreement, a goal, a session log and feedback.
    setup = await make_pair(tenant, name="Alpha Pairing")
    world.keep("pair_program", setup.program)
    pair = world.keep("pair", setup.pair)
    world.headers |= {"pair_mentor": setup.mentor, "pair_mentee": setup.mentee}
    world.headers["pair_manager"] = setup.manager
    agreement = {"format": "video", "cadence_days": 10, "starts_on": "2027-01-11"}
    await _ok(
        await client.put(
            pair_url(pair, "agreement"), json=agreement, headers=versioned(setup.mentor, 1)
        ),
        200,
    )
    goal = await client.post(
        pair_url(pair, "goals"), json={"title": "Alpha goal"}, headers=setup.mentor
    )
    world.keep("goal", await _ok(goal))
    world.keep("session_log", await _ok(await setup.log(summary="Alpha summary")))
    feedback = await client.post(
        pair_url(pair, "feedback"),
        json={"stage": "mid", "rating": 4, "would_recommend": 8, "what_worked": "Alpha"},
        headers=setup.mentee,
    )
    world.keep("feedback", await _ok(feedback))

    # The support network: a circle with members, a thread, a post and a meeting.
    program, manager = await support.active_program(tenant, name="Alpha Circles")
    world.keep("circle_program", program)
    world.headers["circle_manager"] = manager
    alice = await support.mentor(tenant, program)
    bob = await support.mentor(tenant, program)
    world.headers["circle_member"] = alice["headers"]
    made = world.keep(
        "circle", await support.circle(tenant, program, manager, [alice, bob], name="Alpha ring")
    )
    members = await _ok(
        await client.get(support.circles_url(program, made["id"], "members"), headers=admin), 200
    )
    world.keep("circle_member", members["items"][0])
    thread = await client.post(
        support.circles_url(program, made["id"], "threads"),
        json={"kind": "question", "title": "Alpha thread", "body": "Alpha body"},
        headers=alice["headers"],
    )
    world.keep("thread", await _ok(thread))
    post = await client.post(
        support.circles_url(program, made["id"], "threads", world.ids["thread"], "posts"),
        json={"body": "Alpha reply"},
        headers=bob["headers"],
    )
    world.keep("post", await _ok(post))
    meeting = await client.post(
        support.circles_url(program, made["id"], "meetings"),
        json={"starts_at": support.at(7), "duration_minutes": 45},
        headers=manager,
    )
    world.keep("meeting", await _ok(meeting))

    # A workshop with a registration, and a guest mentor (invited to nothing).
    workshop = await client.post(
        support.WORKSHOPS,
        json={
            "title": "Alpha workshop",
            "starts_at": support.at(10),
            "ends_at": support.at(10.1),
            "capacity": 5,
        },
        headers=admin,
    )
    world.keep("workshop", await _ok(workshop))
    registration = await client.post(
        f"{support.WORKSHOPS}/{world.ids['workshop']}/registration",
        headers=world.headers["employee"],
    )
    world.keep("registration", await _ok(registration))
    guest = world.keep("guest", await support.guest(tenant), "token", "email")
    world.headers["guest"] = guest["headers"]

    # Integrations: an outbound subscription with a delivery, an HRIS secret and delivery.
    subscription = await client.post(
        f"{API}/webhook-subscriptions",
        json={"url": "https://hooks.alpha.example/in", "event_types": ["employee.*"]},
        headers=admin,
    )
    world.keep("subscription", await _ok(subscription), "secret", "url")
    # Paused, so that no dispatcher of another test ever tries to reach it.
    paused = await client.patch(
        f"{API}/webhook-subscriptions/{world.ids['subscription']}",
        json={"enabled": False},
        headers=versioned(admin, 1),
    )
    await _ok(paused, 200)
    world.ids["webhook_delivery"] = str(await _delivery(tenant, world.ids["subscription"]))
    world.secrets.add(world.ids["webhook_delivery"])
    secret = await new_secret(tenant)
    world.secrets.add(secret)
    secrets = await _ok(await client.get(f"{API}/integrations/hris/secrets", headers=admin), 200)
    world.keep("hris_secret", secrets["items"][0])
    payload = event("employee.created", datetime.now(UTC), **person(1, email="hris@alpha.example"))
    delivery = await send(tenant, secret, payload)
    world.keep("hris_delivery", delivery)

    # A group the identity provider pushed through SCIM, with the employee in it.
    scim = await tenant.api_key("scim")
    group = await client.post(
        "/scim/v2/Groups",
        json={
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": "Alpha allies",
            "externalId": "alpha-group-ext",
            "members": [{"value": employee["id"]}],
        },
        headers=scim,
    )
    world.keep("group", await _ok(group), "externalId")
    return world


async def _delivery(tenant: Tenant, subscription_id: str) -> uuid.UUID:
    """A delivery of one of the organisation's events (the dispatcher makes these)."""
    async with unit_of_work(tenant.app.state.session_factory) as session:
        outbox = (
            await session.exec(
                select(OutboxEvent)
                .where(OutboxEvent.organization_id == tenant.organization_id)
                .limit(1)
            )
        ).one()
        delivery = WebhookDelivery(
            organization_id=tenant.organization_id,
            subscription_id=uuid.UUID(subscription_id),
            event_id=outbox.id,
            event_type=outbox.type,
        )
        session.add(delivery)
        await session.flush()
        return delivery.id

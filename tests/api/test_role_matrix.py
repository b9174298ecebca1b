"""The role matrix: within one organisation, nobody reaches the routes that are not theirs.

People who hold no rights over the world that ``build_world`` makes call every route: a plain
employee (in no pair, no circle; registered for the workshop), the mentor of another pair of
the same program, a member of another circle of the same program, a program manager who
manages another program only, and a guest mentor invited to nothing. ``RULES`` classifies
every route (first match wins); a route that no rule classifies fails the test.
"""

import re
from typing import Any

from fastapi import FastAPI

from tests.api import support_network_support as support
from tests.api.isolation_support import API, OWN_TESTS, World, api_routes, build_world, fill
from tests.api.pairs_support import make_pair
from tests.api.programs_support import create_program, program_manager
from tests.api.test_isolation import ROUTES, body_for, headers_for
from tests.conftest import Tenant

EMPLOYEE, MANAGER, GUEST = "employee", "manager of another program", "guest mentor"
PAIR_MENTOR, CIRCLE_MEMBER = "mentor of another pair", "member of another circle"
EMPLOYEES = frozenset({EMPLOYEE, PAIR_MENTOR, CIRCLE_MEMBER})
EVERYONE = EMPLOYEES | {MANAGER, GUEST}

# Category -> the people above who must be refused (403 or 404).
DENIED: dict[str, frozenset[str]] = {
    "admin": EVERYONE,  # administrators only
    "program": EVERYONE,  # the program's managers (and administrators)
    "pair": EVERYONE,  # the pair's mentor and mentee, its program's managers
    "circle": EVERYONE,  # the circle's members and invited guests, its program's managers
    "private": EVERYONE,  # someone else's request or enrolment
    "hosts": EMPLOYEES | {GUEST},  # any program manager (creates programs, hosts)
    "people": frozenset({GUEST}),  # any employee of the organisation
    "guest_home": EMPLOYEES | {MANAGER},  # the guest mentor themself
    # Employees act on their own (enrolment, requests, contributions, lists filtered to
    # what they may see); a guest mentor has none of these.
    "own": frozenset({GUEST}),
    # What belongs to the caller as an employee (their notification preferences): neither a
    # guest mentor nor an API key has any.
    "mine": frozenset({GUEST}),
    # Nothing to refuse: invited guests too register for workshops, list what they were
    # invited to and subscribe to their calendar ...
    "anyone": frozenset(),
    # ... or the route takes no credentials at all (signed HRIS events, tested on their own).
    "signed": frozenset(),
}

ANY = ("GET", "POST", "PUT", "PATCH", "DELETE")
P = r"/programs/\{program_id\}"
RULES: list[tuple[tuple[str, ...], str, str]] = [
    (ANY, r"/api-keys", "admin"),
    (ANY, r"/identity-providers", "admin"),
    (ANY, r"/audit-log$", "admin"),
    (ANY, r"/webhook-subscriptions", "admin"),
    (ANY, r"/integrations/hris/(secrets|deliveries|field-mapping)", "admin"),
    (("POST",), r"/integrations/hris/webhooks/", "signed"),
    (ANY, r"/employees/\{employee_id\}/personal-data$", "admin"),
    (("POST",), r"/employees$", "admin"),
    (("PATCH",), r"/employees/\{employee_id\}$", "admin"),
    (("POST",), r"/employees/\{employee_id\}/(deactivate|terminate)$", "admin"),
    (("GET",), r"/employees(/\{employee_id\})?$", "people"),
    # Group names help set up programs; who is in a group is for administrators only.
    (("GET",), r"/groups/\{group_id\}/members$", "admin"),
    (("GET",), r"/groups(/\{group_id\})?$", "hosts"),
    (("GET",), r"/(me|organization)$", "people"),
    (("GET", "PUT"), r"/me/notification-preferences$", "mine"),
    (("GET",), r"/guest-mentors/me$", "guest_home"),
    (ANY, r"/guest-mentors", "hosts"),
    (("GET",), r"/(pairs|session-logs|consultations)$", "own"),
    (ANY, r"/pairs/\{pair_id\}", "pair"),
    (("POST",), r"/calendar-feeds$", "anyone"),
    (("POST",), r"/workshops$", "hosts"),
    (("GET",), r"/workshops$", "anyone"),
    (("GET",), r"/workshops/\{workshop_id\}$", "people"),
    (ANY, r"/workshops/\{workshop_id\}/registration(/feedback)?$", "anyone"),
    (ANY, r"/workshops/\{workshop_id\}", "program"),
    (("GET",), r"/programs$", "people"),
    (("POST",), r"/programs$", "hosts"),
    (("GET",), P + r"(/objectives(/\{objective_id\})?)?$", "people"),
    (("GET",), P + r"/circles$", "anyone"),
    ((("POST",)), P + r"/circles(/auto-form)?$", "program"),
    (ANY, P + r"/circles/\{circle_id\}", "circle"),
    (("GET", "POST"), P + r"/(participants|match-requests|mentor-suggestions)$", "own"),
    (("POST",), P + r"/consultation/contributions$", "own"),
    (ANY, P + r"/match-requests/\{request_id\}", "private"),
    (ANY, P + r"/participants/\{participant_id\}", "private"),
    (ANY, P, "program"),
]


def classify(method: str, path: str) -> str | None:
    relative = path.removeprefix(API)
    for methods, pattern, category in RULES:
        if method in methods and re.match(pattern, relative):
            return category
    return None


def create_bodies(world: World) -> dict[str, dict[str, Any]]:
    """Valid bodies for the creations, so a refusal is about who asks, not what they send."""
    return {
        f"{API}/api-keys": {"name": "K", "scopes": ["read"]},
        f"{API}/identity-providers": {
            "name": "IdP",
            "issuer": "https://idp.elsewhere.example",
            "audience": "x",
            "shared_secret": "s" * 40,
        },
        f"{API}/employees": {"email": "new@else.example", "given_name": "N", "family_name": "M"},
        f"{API}/webhook-subscriptions": {
            "url": "https://hooks.else.example/in",
            "event_types": ["employee.*"],
        },
        f"{API}/integrations/hris/secrets": {"name": "HRIS"},
        f"{API}/integrations/hris/field-mapping": {"fields": {"email": "mail"}},
        f"{API}/programs": {"name": "P", "starts_on": "2027-01-04", "ends_on": "2027-06-30"},
        f"{API}/guest-mentors": {
            "name": "G",
            "partner_organization": "Partner",
            "email": "g@partner.example",
            "consent": True,
            "consent_statement": "I agree.",
        },
        f"{API}/workshops": {
            "title": "W",
            "starts_at": support.at(3),
            "ends_at": support.at(3.1),
            "capacity": 3,
            "program_id": world.ids["circle_program"],
        },
    }


async def outsiders(tenant: Tenant, world: World) -> dict[str, dict[str, str]]:
    """The headers of people who hold no rights over ``world``."""
    _person, manager = await program_manager(tenant)
    await create_program(tenant, manager, name="Their own program")
    other_pair = await make_pair(
        tenant, program={"id": world.ids["pair_program"]}, manager=world.headers["pair_manager"]
    )
    circle_program = {"id": world.ids["circle_program"]}
    member = await support.mentor(tenant, circle_program)
    await support.circle(
        tenant, circle_program, world.headers["circle_manager"], [member], name="Another"
    )
    return {
        EMPLOYEE: world.headers["employee"],
        PAIR_MENTOR: other_pair.mentor,
        CIRCLE_MEMBER: member["headers"],
        MANAGER: manager,
        GUEST: world.headers["guest"],
    }


async def test_every_route_is_classified(app: FastAPI) -> None:
    unclassified = [
        (method, path)
        for method, path in api_routes(app)
        if not path.startswith(OWN_TESTS) and classify(method, path) is None
    ]
    assert unclassified == [], f"routes the role matrix does not classify: {unclassified}"


async def test_nobody_reaches_what_is_not_theirs(app: FastAPI, tenant: Tenant) -> None:
    world = await build_world(tenant)
    world.ids["organization"] = str(tenant.organization_id)
    # Routes about an employee point at someone else than the plain employee.
    someone = await tenant.employee()
    people = await outsiders(tenant, world)
    creations = create_bodies(world)
    refused: dict[str, int] = {}
    failures = []
    order = {"GET": 0, "PATCH": 1, "PUT": 1, "POST": 2, "DELETE": 3}
    for method, path in sorted(api_routes(app), key=lambda r: (order[r[0]], r[1])):
        if path.startswith(OWN_TESTS):
            continue
        category = classify(method, path)
        assert category is not None, (method, path)
        values = {name: world.ids[key] for name, key in ROUTES.get(path, {}).items()}
        if "employee_id" in values:
            values["employee_id"] = someone["id"]
        body = creations.get(path) if method in ("POST", "PUT") else None
        body = body if body is not None else body_for(method, path, world)
        for who in sorted(DENIED[category]):
            response = await tenant.client.request(
                method, fill(path, values), json=body, headers=headers_for(method, people[who])
            )
            if response.status_code not in (403, 404):
                failures.append((who, method, path, response.status_code, response.text[:200]))
            refused[who] = refused.get(who, 0) + 1
    assert failures == [], "\n".join(map(str, failures))
    # Every person was refused somewhere: the matrix is not empty for anyone.
    assert min(refused[who] for who in EMPLOYEES | {MANAGER}) > 50, refused
    assert refused[GUEST] > 80, refused
    # The guest's token still works: nobody above could revoke or rotate it.
    guest = people[GUEST]
    home = await tenant.client.get(f"{API}/guest-mentors/me", headers=guest)
    assert home.status_code == 200, home.text
    # What "anyone" may call holds nothing for a guest invited to nothing.
    workshops = await tenant.client.get(f"{API}/workshops", headers=guest)
    assert workshops.json()["items"] == [], workshops.text
    circles = await tenant.client.get(
        f"{API}/programs/{world.ids['circle_program']}/circles", headers=guest
    )
    assert circles.status_code == 404 or circles.json()["items"] == [], circles.text
    workshop = f"{API}/workshops/{world.ids['workshop']}/registration"
    for method in ("GET", "POST", "DELETE"):
        response = await tenant.client.request(method, workshop, headers=guest)
        assert response.status_code == 404, (method, response.text)


# What a `read` key (a reporting client, such as a BI tool) reads: everything of the
# organisation's mentoring (programs, consultations, enrolments, runs, pairs, the shared
# fields of their logs, progress, dashboards, circles), as the managers of every program
# read it; never the administration (credentials, identity providers, the audit trail,
# integrations, personal-data exports), nor what belongs to a host or a person (guest
# mentors' records, a workshop's registrations, one's own registration or suggestions).
# It changes nothing.
NOT_FOR_READ_KEYS = frozenset({"admin", "guest_home", "hosts", "mine"})
READ_KEYS_REFUSED = {
    f"{API}/workshops/{{workshop_id}}/registration": "the caller's own registration",
    f"{API}/workshops/{{workshop_id}}/registrations": "the workshop's organisers' list",
    f"{API}/programs/{{program_id}}/mentor-suggestions": "a mentee's own suggestions",
}

# Reads kept from employees and managers that reporting keys may make: the directory's
# groups and who is in them (as SCIM keys and administrators may).
READ_KEYS_ALSO = {
    f"{API}/groups",
    f"{API}/groups/{{group_id}}",
    f"{API}/groups/{{group_id}}/members",
}


async def test_a_read_key_reads_and_never_writes(app: FastAPI, tenant: Tenant) -> None:
    world = await build_world(tenant)
    world.ids["organization"] = str(tenant.organization_id)
    reporting = await tenant.api_key("read")
    creations = create_bodies(world)
    failures = []
    reads = 0
    for method, path in sorted(api_routes(app)):
        if path.startswith(OWN_TESTS):
            continue
        category = classify(method, path)
        assert category is not None, (method, path)
        values = {name: world.ids[key] for name, key in ROUTES.get(path, {}).items()}
        body = creations.get(path) if method in ("POST", "PUT") else None
        body = body if body is not None else body_for(method, path, world)
        response = await tenant.client.request(
            method, fill(path, values), json=body, headers=headers_for(method, reporting)
        )
        if category == "signed":
            expected: tuple[int, ...] = (401,)  # a key is no signature
        elif method == "GET" and (
            (category not in NOT_FOR_READ_KEYS and path not in READ_KEYS_REFUSED)
            or path in READ_KEYS_ALSO
        ):
            expected = (200,)
            reads += 1
        else:
            expected = (403, 404)
        if response.status_code not in expected:
            failures.append((method, path, response.status_code, response.text[:160]))
    assert failures == [], "\n".join(map(str, failures))
    assert reads > 40, reads

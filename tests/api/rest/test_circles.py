"""Mentor circles through REST: creation, visibility, joining, auto-forming, discussions."""

import asyncio
import uuid
from collections import Counter
from typing import Any

from sqlalchemy import text

from app.db.engine import unit_of_work
from app.domain.participants.models import ParticipantRole
from app.domain.programs.models import Program
from app.domain.support import circles
from app.domain.support.models import Circle
from tests.api.support_network_support import (
    active_program,
    circle,
    circles_url,
    enrol,
    mentor,
)
from tests.conftest import StatementCounter, Tenant, problem


async def test_manager_creates_circle_members_see_it_others_do_not(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    program, manager = await active_program(tenant)
    alice = await mentor(tenant, program)
    bob = await mentor(tenant, program)
    outsider = await mentor(tenant, program)
    made = await circle(tenant, program, manager, [alice, bob], facilitator_employee_id=alice["id"])
    assert made["member_count"] == 2
    assert made["facilitator"] == {"employee_id": alice["id"], "guest_id": None}

    for headers in (alice["headers"], manager, tenant.admin):
        response = await tenant.client.get(circles_url(program, made["id"]), headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["name"] == "Newcomers"
    # A mentor of the same program outside the circle, a plain employee, another tenant: 404.
    plain = tenant.as_user(await tenant.employee())
    _other_program, other_manager = await active_program(tenant)
    for headers in (outsider["headers"], plain, other_manager, other_tenant.admin):
        response = await tenant.client.get(circles_url(program, made["id"]), headers=headers)
        problem(response, 404)
    listed = await tenant.client.get(circles_url(program), headers=outsider["headers"])
    assert listed.json()["items"] == []
    listed = await tenant.client.get(circles_url(program), headers=alice["headers"])
    assert [c["id"] for c in listed.json()["items"]] == [made["id"]]


async def test_only_managers_create_and_members_must_be_mentors(tenant: Tenant) -> None:
    program, manager = await active_program(tenant)
    alice = await mentor(tenant, program)
    mentee = await tenant.employee()
    await enrol(tenant, program, mentee, role=ParticipantRole.MENTEE)
    response = await tenant.client.post(
        circles_url(program), json={"name": "Mine"}, headers=alice["headers"]
    )
    problem(response, 403, "not_program_manager")
    response = await tenant.client.post(
        circles_url(program),
        json={"name": "X", "member_employee_ids": [mentee["id"]]},
        headers=manager,
    )
    body = problem(response, 409)
    assert body["errors"][0]["field"] == "member_employee_ids.0"
    response = await tenant.client.post(
        circles_url(program), json={"name": "X", "colour": "red"}, headers=manager
    )
    problem(response, 422)


async def test_mentors_join_and_leave(tenant: Tenant) -> None:
    program, manager = await active_program(tenant)
    alice = await mentor(tenant, program)
    bob = await mentor(tenant, program)
    made = await circle(tenant, program, manager, [alice])
    joined = await tenant.client.post(
        circles_url(program, made["id"], "members"),
        json={"confidence": 2},
        headers=bob["headers"],
    )
    assert joined.status_code == 201, joined.text
    assert joined.json()["employee_id"] == bob["id"]
    assert joined.json()["confidence_at_joining"] == 2
    again = await tenant.client.post(
        circles_url(program, made["id"], "members"), json={}, headers=bob["headers"]
    )
    problem(again, 409, "already_member")
    # A member cannot add someone else; a non-mentor cannot join.
    carol = await mentor(tenant, program)
    response = await tenant.client.post(
        circles_url(program, made["id"], "members"),
        json={"employee_id": carol["id"]},
        headers=bob["headers"],
    )
    problem(response, 403)
    stranger = tenant.as_user(await tenant.employee())
    response = await tenant.client.post(
        circles_url(program, made["id"], "members"), json={}, headers=stranger
    )
    problem(response, 404)

    members = await tenant.client.get(
        circles_url(program, made["id"], "members"), headers=bob["headers"]
    )
    assert {m["employee_id"] for m in members.json()["items"]} == {alice["id"], bob["id"]}
    left = await tenant.client.delete(
        circles_url(program, made["id"], "members", joined.json()["id"]), headers=bob["headers"]
    )
    assert left.status_code == 204
    response = await tenant.client.get(circles_url(program, made["id"]), headers=bob["headers"])
    problem(response, 404)


async def test_auto_form_mixes_experience_and_spreads_departments(tenant: Tenant) -> None:
    program, manager = await active_program(tenant)
    people = []
    for i in range(8):
        people.append(
            await mentor(
                tenant,
                program,
                department="Engineering" if i % 2 == 0 else "Sales",
                seniority_level=1 + i % 4,
            )
        )
    response = await tenant.client.post(
        circles_url(program, "auto-form"), json={"target_size": 4}, headers=manager
    )
    assert response.status_code == 201, response.text
    formed = response.json()
    assert [c["member_count"] for c in formed] == [4, 4]
    assert [c["name"] for c in formed] == ["Circle 1", "Circle 2"]
    by_id = {p["id"]: p for p in people}
    for made in formed:
        members = await tenant.client.get(
            circles_url(program, made["id"], "members"), headers=manager
        )
        group = [by_id[m["employee_id"]] for m in members.json()["items"]]
        assert Counter(p["department"] for p in group) == {"Engineering": 2, "Sales": 2}
        levels = sorted(p["seniority_level"] for p in group)
        assert levels == [1, 2, 3, 4]  # one of each experience level
        assert made["facilitator"]["employee_id"] in {p["id"] for p in group}
    # Everyone is placed: a second run forms nothing.
    again = await tenant.client.post(
        circles_url(program, "auto-form"), json={"target_size": 4}, headers=manager
    )
    assert again.json() == []


async def test_discussions_anonymity_replies_and_pages(tenant: Tenant) -> None:
    program, manager = await active_program(tenant)
    alice = await mentor(tenant, program)
    bob = await mentor(tenant, program)
    made = await circle(tenant, program, manager, [alice, bob])
    threads = circles_url(program, made["id"], "threads")
    response = await tenant.client.post(
        threads,
        json={
            "kind": "question",
            "title": "My mentee is senior and intimidating",
            "body": "How do you start?",
            "tags": ["Confidence", "first meeting"],
            "anonymous": True,
        },
        headers=alice["headers"],
    )
    assert response.status_code == 201, response.text
    thread = response.json()
    assert thread["tags"] == ["confidence", "first-meeting"]
    seen_by_bob = await tenant.client.get(f"{threads}/{thread['id']}", headers=bob["headers"])
    assert seen_by_bob.json()["author"] is None
    assert seen_by_bob.json()["anonymous"] is True
    assert seen_by_bob.json()["mine"] is False
    seen_by_alice = await tenant.client.get(f"{threads}/{thread['id']}", headers=alice["headers"])
    assert (seen_by_alice.json()["author"], seen_by_alice.json()["mine"]) == (None, True)
    seen_by_manager = await tenant.client.get(f"{threads}/{thread['id']}", headers=manager)
    assert seen_by_manager.json()["author"] is None
    reader = await tenant.api_key("read")
    seen_by_reader = await tenant.client.get(f"{threads}/{thread['id']}", headers=reader)
    assert seen_by_reader.status_code == 200
    assert seen_by_reader.json()["author"] is None
    seen_by_admin = await tenant.client.get(f"{threads}/{thread['id']}", headers=tenant.admin)
    assert seen_by_admin.json()["author"] == {"employee_id": alice["id"], "guest_id": None}
    # Reading a circle's discussions from outside it is audited.
    audit = await tenant.client.get(
        "/api/v1/audit-log", params={"action": "circle_discussion.read"}, headers=tenant.admin
    )
    assert {e["subject_id"] for e in audit.json()["items"]} == {made["id"]}
    assert len(audit.json()["items"]) == 3  # the manager's, the read key's, the administrator's

    posts = f"{threads}/{thread['id']}/posts"
    answer = await tenant.client.post(
        posts, json={"body": "Ask about their goals first."}, headers=bob["headers"]
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["author"] == {"employee_id": bob["id"], "guest_id": None}
    reply = await tenant.client.post(
        posts,
        json={"body": "Thanks!", "reply_to_id": answer.json()["id"], "anonymous": True},
        headers=alice["headers"],
    )
    assert reply.json()["reply_to_id"] == answer.json()["id"]
    # Only the thread's author (or facilitator/manager) marks a reply helpful.
    helpful = f"{posts}/{answer.json()['id']}/helpful"
    problem(await tenant.client.put(helpful, json={}, headers=bob["headers"]), 403)
    marked = await tenant.client.put(helpful, json={"helpful": True}, headers=alice["headers"])
    assert marked.status_code == 200, marked.text
    assert marked.json()["helpful"] is True

    for i in range(3):
        await tenant.client.post(
            threads,
            json={"kind": "strategy", "title": f"Idea {i}", "body": "..."},
            headers=bob["headers"],
        )
    first = await tenant.client.get(
        threads, params={"limit": 2, "kind": "strategy"}, headers=bob["headers"]
    )
    assert [t["title"] for t in first.json()["items"]] == ["Idea 0", "Idea 1"]
    second = await tenant.client.get(
        threads,
        params={"limit": 2, "kind": "strategy", "cursor": first.json()["next_cursor"]},
        headers=bob["headers"],
    )
    assert [t["title"] for t in second.json()["items"]] == ["Idea 2"]
    assert second.json()["next_cursor"] is None
    tagged = await tenant.client.get(threads, params={"tag": "Confidence"}, headers=bob["headers"])
    assert [t["id"] for t in tagged.json()["items"]] == [thread["id"]]
    untagged = await tenant.client.get(threads, params={"tag": "other"}, headers=bob["headers"])
    assert untagged.json()["items"] == []
    problem(await tenant.client.get(threads, params={"tag": "!!"}, headers=bob["headers"]), 422)
    listed = await tenant.client.get(posts, headers=bob["headers"])
    assert [p["body"] for p in listed.json()["items"]] == [
        "Ask about their goals first.",
        "Thanks!",
    ]
    assert listed.json()["items"][1]["author"] is None

    # Outside the circle nothing of it exists.
    outsider = await mentor(tenant, program)
    problem(await tenant.client.get(threads, headers=outsider["headers"]), 404)
    problem(await tenant.client.get(posts, headers=outsider["headers"]), 404)


async def test_manager_changes_the_facilitator(tenant: Tenant) -> None:
    program, manager = await active_program(tenant)
    alice = await mentor(tenant, program)
    bob = await mentor(tenant, program)
    outsider = await mentor(tenant, program)
    made = await circle(tenant, program, manager, [alice, bob], facilitator_employee_id=alice["id"])
    url = circles_url(program, made["id"])
    problem(await tenant.client.patch(url, json={"name": "X"}, headers=manager), 428)
    versioned = manager | {"If-Match": '"1"'}
    response = await tenant.client.patch(
        url, json={"facilitator_employee_id": outsider["id"]}, headers=versioned
    )
    problem(response, 409)
    response = await tenant.client.patch(
        url, json={"name": "Night owls", "facilitator_employee_id": bob["id"]}, headers=versioned
    )
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "Night owls"
    assert response.json()["facilitator"]["employee_id"] == bob["id"]
    assert response.headers["etag"] == '"2"'
    problem(await tenant.client.patch(url, json={"name": "Y"}, headers=versioned), 412)
    problem(
        await tenant.client.patch(
            url, json={"name": "Y"}, headers=bob["headers"] | {"If-Match": '"2"'}
        ),
        403,
    )


async def test_listing_circles_costs_the_same_for_more_circles(
    tenant: Tenant, count_statements: StatementCounter
) -> None:
    program, manager = await active_program(tenant)
    alice = await mentor(tenant, program)
    url = circles_url(program)

    async def statements() -> int:
        before = count_statements.count
        response = await tenant.client.get(url, headers=manager)
        assert response.status_code == 200
        return count_statements.count - before

    await circle(tenant, program, manager, [alice])
    few = await statements()
    for i in range(5):
        await circle(tenant, program, manager, [alice], name=f"C{i}")
    assert await statements() == few


async def _until_blocked_or_done(tenant: Tenant, request: "asyncio.Task[Any]") -> None:
    """Wait until ``request`` waits for a lock or has finished (PostgreSQL); SQLite lets one
    writer in at a time, so there a request made during another's transaction waits anyway."""
    async with unit_of_work(tenant.app.state.session_factory) as session:
        assert session.bind is not None
        if session.bind.dialect.name != "postgresql":
            return
        waiting = text("SELECT count(*) FROM pg_locks WHERE NOT granted")
        while not request.done():
            if (await session.exec(waiting)).scalar_one():  # type: ignore[call-overload]
                return
            await asyncio.sleep(0.01)


async def test_a_circle_change_answers_the_member_count_it_leaves(tenant: Tenant) -> None:
    """A member joining while a manager renames the circle: the rename's answer counts them,
    since the join committed first."""
    program, manager = await active_program(tenant)
    alice = await mentor(tenant, program)
    bob = await mentor(tenant, program)
    made = await circle(tenant, program, manager, [alice])
    url = circles_url(program, made["id"])
    async with unit_of_work(tenant.app.state.session_factory) as session:
        program_row = await session.get(Program, uuid.UUID(program["id"]))
        circle_row = await session.get(Circle, uuid.UUID(made["id"]))
        assert program_row is not None
        assert circle_row is not None
        await circles.add_member(session, program_row, circle_row, employee_id=uuid.UUID(bob["id"]))
        rename = asyncio.create_task(
            tenant.client.patch(
                url, json={"name": "Renamed"}, headers=manager | {"If-Match": '"1"'}
            )
        )
        await _until_blocked_or_done(tenant, rename)
    answer = await rename
    assert answer.status_code == 200, answer.text
    assert answer.json()["member_count"] == 2
    read = await tenant.client.get(url, headers=manager)
    assert read.json()["member_count"] == 2

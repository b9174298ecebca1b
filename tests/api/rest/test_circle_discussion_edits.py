"""Editing and deleting circle threads and posts through REST: authors, moderators, outsiders."""

from typing import Any

from tests.api.support_network_support import (
    GUESTS,
    active_program,
    circle,
    circles_url,
    guest,
    mentor,
)
from tests.conftest import Tenant, problem


async def _discussion(
    tenant: Tenant, *, anonymous: bool = False
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], str, dict[str, Any], str]:
    """A circle of Alice (facilitator) and Bob; Bob's thread and Bob's first post in it."""
    program, manager = await active_program(tenant)
    alice = await mentor(tenant, program)
    bob = await mentor(tenant, program)
    made = await circle(tenant, program, manager, [alice, bob], facilitator_employee_id=alice["id"])
    threads = circles_url(program, made["id"], "threads")
    thread = await tenant.client.post(
        threads,
        json={"kind": "question", "title": "First steps", "body": "Where to start?"},
        headers=bob["headers"],
    )
    assert thread.status_code == 201, thread.text
    thread_url = f"{threads}/{thread.json()['id']}"
    post = await tenant.client.post(
        f"{thread_url}/posts",
        json={"body": "Start with goals.", "anonymous": anonymous},
        headers=bob["headers"],
    )
    assert post.status_code == 201, post.text
    context = {"program": program, "manager": manager, "circle": made}
    return context, alice, bob, thread_url, post.json(), f"{thread_url}/posts"


def _if_match(headers: dict[str, str], version: int) -> dict[str, str]:
    return headers | {"If-Match": f'"{version}"'}


async def test_author_edits_post_with_current_version(tenant: Tenant) -> None:
    _ctx, alice, bob, _thread, post, posts = await _discussion(tenant)
    assert (post["version"], post["edited_at"], post["deleted"]) == (1, None, False)
    url = f"{posts}/{post['id']}"
    edited = await tenant.client.patch(
        url, json={"body": "Start with their goals."}, headers=_if_match(bob["headers"], 1)
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["body"] == "Start with their goals."
    assert edited.json()["version"] == 2
    assert edited.json()["edited_at"] is not None
    assert edited.headers["ETag"] == '"2"'
    listed = await tenant.client.get(posts, headers=alice["headers"])
    seen = listed.json()["items"][0]
    assert (seen["body"], seen["version"]) == ("Start with their goals.", 2)
    assert seen["edited_at"] == edited.json()["edited_at"]

    # The version read before the edit is stale now; without If-Match the edit is refused.
    stale = await tenant.client.patch(
        url, json={"body": "Lost update"}, headers=_if_match(bob["headers"], 1)
    )
    problem(stale, 412, "version_mismatch")
    problem(await tenant.client.patch(url, json={"body": "x"}, headers=bob["headers"]), 428)
    listed = await tenant.client.get(posts, headers=alice["headers"])
    assert listed.json()["items"][0]["body"] == "Start with their goals."


async def test_author_edits_thread_title_and_body(tenant: Tenant) -> None:
    _ctx, alice, bob, thread_url, _post, _posts = await _discussion(tenant)
    read = await tenant.client.get(thread_url, headers=bob["headers"])
    assert read.headers["ETag"] == '"1"'
    edited = await tenant.client.patch(
        thread_url,
        json={"title": "First steps with a senior mentee", "tags": ["Confidence"]},
        headers=_if_match(bob["headers"], 1),
    )
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert body["title"] == "First steps with a senior mentee"
    assert body["body"] == "Where to start?"
    assert body["tags"] == ["confidence"]
    assert (body["version"], body["edited_at"] is not None) == (2, True)
    problem(
        await tenant.client.patch(
            thread_url, json={"title": "Mine now"}, headers=_if_match(alice["headers"], 2)
        ),
        403,
        "not_author",
    )
    problem(
        await tenant.client.patch(
            thread_url, json={"title": None}, headers=_if_match(bob["headers"], 2)
        ),
        422,
    )
    problem(
        await tenant.client.patch(
            thread_url, json={"title": "Again"}, headers=_if_match(bob["headers"], 1)
        ),
        412,
        "version_mismatch",
    )


async def test_another_member_neither_edits_nor_deletes_a_post(tenant: Tenant) -> None:
    ctx, _alice, bob, _thread, post, posts = await _discussion(tenant)
    carol = await mentor(tenant, ctx["program"])
    joined = await tenant.client.post(
        circles_url(ctx["program"], ctx["circle"]["id"], "members"),
        json={},
        headers=carol["headers"],
    )
    assert joined.status_code == 201, joined.text
    url = f"{posts}/{post['id']}"
    problem(
        await tenant.client.patch(
            url, json={"body": "Hijacked"}, headers=_if_match(carol["headers"], 1)
        ),
        403,
        "not_author",
    )
    problem(
        await tenant.client.delete(url, headers=carol["headers"]), 403, "not_author_or_moderator"
    )
    listed = await tenant.client.get(posts, headers=bob["headers"])
    item = listed.json()["items"][0]
    assert (item["body"], item["deleted"], item["version"]) == ("Start with goals.", False, 1)


async def test_moderators_delete_but_do_not_edit(tenant: Tenant) -> None:
    ctx, alice, bob, thread_url, post, posts = await _discussion(tenant)
    url = f"{posts}/{post['id']}"
    # Alice facilitates the circle: she removes Bob's post but cannot rewrite it.
    problem(
        await tenant.client.patch(
            url, json={"body": "Rewritten"}, headers=_if_match(alice["headers"], 1)
        ),
        403,
        "not_author",
    )
    problem(
        await tenant.client.patch(
            url, json={"body": "Rewritten"}, headers=_if_match(ctx["manager"], 1)
        ),
        403,
        "not_author",
    )
    reply = await tenant.client.post(
        posts, json={"body": "Thanks", "reply_to_id": post["id"]}, headers=alice["headers"]
    )
    deleted = await tenant.client.delete(url, headers=alice["headers"])
    assert deleted.status_code == 204, deleted.text
    listed = (await tenant.client.get(posts, headers=bob["headers"])).json()["items"]
    assert [p["id"] for p in listed] == [post["id"], reply.json()["id"]]
    gone = listed[0]
    assert (gone["body"], gone["deleted"], gone["version"]) == (None, True, 2)
    assert "Start with goals." not in str(listed)
    assert listed[1]["reply_to_id"] == post["id"]
    # A deleted post is not edited back to life, even by its author.
    problem(
        await tenant.client.patch(url, json={"body": "Back"}, headers=_if_match(bob["headers"], 2)),
        409,
        "post_deleted",
    )
    # The program's manager removes the reply; an administrator the thread.
    reply_url = f"{posts}/{reply.json()['id']}"
    assert (await tenant.client.delete(reply_url, headers=ctx["manager"])).status_code == 204
    assert (await tenant.client.delete(thread_url, headers=tenant.admin)).status_code == 204
    thread = (await tenant.client.get(thread_url, headers=bob["headers"])).json()
    assert (thread["title"], thread["body"], thread["deleted"]) == (None, None, True)
    listed_threads = await tenant.client.get(thread_url.rpartition("/")[0], headers=bob["headers"])
    assert [t["deleted"] for t in listed_threads.json()["items"]] == [True]
    assert len((await tenant.client.get(posts, headers=bob["headers"])).json()["items"]) == 2
    problem(
        await tenant.client.post(posts, json={"body": "Late"}, headers=bob["headers"]),
        409,
        "thread_deleted",
    )
    audit = await tenant.client.get("/api/v1/audit-log", headers=tenant.admin)
    actions = [e["action"] for e in audit.json()["items"]]
    assert actions.count("circle_post.removed") == 2
    assert actions.count("circle_thread.removed") == 1


async def test_author_deletes_own_post_and_thread(tenant: Tenant) -> None:
    _ctx, alice, bob, thread_url, post, posts = await _discussion(tenant)
    url = f"{posts}/{post['id']}"
    problem(await tenant.client.delete(url, headers=_if_match(bob["headers"], 7)), 412)
    assert (await tenant.client.delete(url, headers=bob["headers"])).status_code == 204
    listed = (await tenant.client.get(posts, headers=alice["headers"])).json()["items"]
    assert (listed[0]["body"], listed[0]["deleted"]) == (None, True)
    deleted = await tenant.client.delete(thread_url, headers=_if_match(bob["headers"], 1))
    assert deleted.status_code == 204, deleted.text
    thread = (await tenant.client.get(thread_url, headers=alice["headers"])).json()
    assert (thread["title"], thread["deleted"], thread["tags"]) == (None, True, [])


async def test_anonymous_author_edits_and_stays_anonymous(tenant: Tenant) -> None:
    _ctx, alice, bob, _thread, post, posts = await _discussion(tenant, anonymous=True)
    edited = await tenant.client.patch(
        f"{posts}/{post['id']}",
        json={"body": "Edited quietly"},
        headers=_if_match(bob["headers"], 1),
    )
    assert edited.status_code == 200, edited.text
    assert (edited.json()["mine"], edited.json()["anonymous"]) == (True, True)
    seen = (await tenant.client.get(posts, headers=alice["headers"])).json()["items"][0]
    assert seen["body"] == "Edited quietly"
    assert (seen["author"], seen["mine"], seen["anonymous"]) == (None, False, True)
    assert bob["id"] not in str(seen)
    as_admin = (await tenant.client.get(posts, headers=tenant.admin)).json()["items"][0]
    assert as_admin["author"] == {"employee_id": bob["id"], "guest_id": None}


async def test_outsiders_find_nothing_to_edit_or_delete(tenant: Tenant) -> None:
    ctx, _alice, bob, thread_url, post, posts = await _discussion(tenant)
    outsider = await mentor(tenant, ctx["program"])
    url = f"{posts}/{post['id']}"
    headers = _if_match(outsider["headers"], 1)
    problem(await tenant.client.patch(url, json={"body": "x"}, headers=headers), 404)
    problem(await tenant.client.delete(url, headers=outsider["headers"]), 404)
    problem(await tenant.client.patch(thread_url, json={"title": "x"}, headers=headers), 404)
    problem(await tenant.client.delete(thread_url, headers=outsider["headers"]), 404)
    item = (await tenant.client.get(posts, headers=bob["headers"])).json()["items"][0]
    assert (item["body"], item["deleted"]) == ("Start with goals.", False)


async def test_export_shows_edits_and_deletions_and_erase_still_works(tenant: Tenant) -> None:
    _ctx, alice, bob, _thread, post, posts = await _discussion(tenant)
    await tenant.client.patch(
        f"{posts}/{post['id']}",
        json={"body": "Secret plan B"},
        headers=_if_match(bob["headers"], 1),
    )
    second = await tenant.client.post(posts, json={"body": "Oops"}, headers=bob["headers"])
    await tenant.client.delete(f"{posts}/{second.json()['id']}", headers=bob["headers"])
    personal = f"/api/v1/employees/{bob['id']}/personal-data"
    exported = (await tenant.client.get(personal, headers=bob["headers"])).json()
    rows = {p["id"]: p for p in exported["discussion_posts"]}
    assert rows[post["id"]]["edited_at"] is not None
    assert rows[post["id"]]["deleted_at"] is None
    assert rows[second.json()["id"]]["deleted_at"] is not None

    assert (await tenant.client.delete(personal, headers=tenant.admin)).status_code == 204
    after = (await tenant.client.get(personal, headers=tenant.admin)).json()
    assert "Secret plan B" not in str(after)
    listed = (await tenant.client.get(posts, headers=alice["headers"])).json()["items"]
    assert [(p["body"], p["deleted"]) for p in listed] == [("[erased]", False), (None, True)]


async def test_guest_mentor_edits_and_deletes_their_own_words(tenant: Tenant) -> None:
    program, manager = await active_program(tenant)
    alice = await mentor(tenant, program)
    made = await circle(tenant, program, manager, [alice])
    visitor = await guest(tenant)
    invited = await tenant.client.post(
        f"{GUESTS}/{visitor['id']}/invitations", json={"circle_id": made["id"]}, headers=manager
    )
    assert invited.status_code == 201, invited.text
    threads = circles_url(program, made["id"], "threads")
    thread = await tenant.client.post(
        threads,
        json={"kind": "resource", "title": "Ada's checklist", "body": "Draft"},
        headers=visitor["headers"],
    )
    thread_url = f"{threads}/{thread.json()['id']}"
    edited = await tenant.client.patch(
        thread_url, json={"body": "Final"}, headers=_if_match(visitor["headers"], 1)
    )
    assert edited.status_code == 200, edited.text
    assert (edited.json()["body"], edited.json()["version"]) == ("Final", 2)
    problem(
        await tenant.client.patch(
            thread_url, json={"body": "Mine"}, headers=_if_match(alice["headers"], 2)
        ),
        403,
        "not_author",
    )
    problem(await tenant.client.delete(thread_url, headers=alice["headers"]), 403)
    assert (await tenant.client.delete(thread_url, headers=visitor["headers"])).status_code == 204
    seen = (await tenant.client.get(thread_url, headers=alice["headers"])).json()
    assert (seen["title"], seen["body"], seen["deleted"]) == (None, None, True)

"""Editing and deleting circle threads and posts through GraphQL."""

from typing import Any

from tests.api.graphql.test_employees_graphql import gql
from tests.api.graphql.test_pairs_graphql import error_of
from tests.api.support_network_support import active_program, circle, circles_url, mentor
from tests.conftest import Tenant

EDIT_POST = """
mutation($programId: UUID!, $circleId: UUID!, $threadId: UUID!, $postId: UUID!,
         $version: Int!, $body: String!) {
  editPost(programId: $programId, circleId: $circleId, threadId: $threadId, postId: $postId,
           version: $version, body: $body) {
    id body version editedAt deleted anonymous mine author { employeeId }
  }
}
"""

DELETE_POST = """
mutation($programId: UUID!, $circleId: UUID!, $threadId: UUID!, $postId: UUID!) {
  deletePost(programId: $programId, circleId: $circleId, threadId: $threadId, postId: $postId)
}
"""

EDIT_THREAD = """
mutation($programId: UUID!, $circleId: UUID!, $threadId: UUID!, $version: Int!,
         $input: ThreadUpdateInput!) {
  editThread(programId: $programId, circleId: $circleId, threadId: $threadId,
             version: $version, input: $input) { id title body version editedAt deleted }
}
"""

DELETE_THREAD = """
mutation($programId: UUID!, $circleId: UUID!, $threadId: UUID!) {
  deleteThread(programId: $programId, circleId: $circleId, threadId: $threadId)
}
"""

POSTS = """
query($programId: UUID!, $circleId: UUID!, $threadId: UUID!) {
  threadPosts(programId: $programId, circleId: $circleId, threadId: $threadId) {
    nodes { id body deleted version editedAt anonymous mine author { employeeId } }
  }
}
"""

THREADS = """
query($programId: UUID!, $circleId: UUID!) {
  circleThreads(programId: $programId, circleId: $circleId) { nodes { id title body deleted } }
}
"""


async def _discussion(
    tenant: Tenant, *, anonymous: bool = False
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, str]]:
    """Alice facilitates a circle with Bob; Bob opened a thread and posted in it."""
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
    post = await tenant.client.post(
        f"{threads}/{thread.json()['id']}/posts",
        json={"body": "Start with goals.", "anonymous": anonymous},
        headers=bob["headers"],
    )
    ids = {
        "programId": program["id"],
        "circleId": made["id"],
        "threadId": thread.json()["id"],
        "postId": post.json()["id"],
    }
    return alice, bob, {"program": program, "manager": manager}, ids


def _thread_ids(ids: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in ids.items() if k != "postId"}


async def test_author_edits_post_with_version_and_stale_version_is_refused(
    tenant: Tenant,
) -> None:
    alice, bob, _ctx, ids = await _discussion(tenant)
    edited = await gql(
        tenant, EDIT_POST, ids | {"version": 1, "body": "Goals first."}, bob["headers"]
    )
    post = edited["data"]["editPost"]
    assert (post["body"], post["version"], post["deleted"]) == ("Goals first.", 2, False)
    assert post["editedAt"] is not None
    stale = await gql(tenant, EDIT_POST, ids | {"version": 1, "body": "Lost"}, bob["headers"])
    assert stale["data"]["editPost"] is None
    assert error_of(stale)["code"] == "version_mismatch"
    listed = await gql(tenant, POSTS, _thread_ids(ids), alice["headers"])
    assert [p["body"] for p in listed["data"]["threadPosts"]["nodes"]] == ["Goals first."]


async def test_other_member_and_moderator_cannot_edit_moderator_deletes(tenant: Tenant) -> None:
    alice, bob, ctx, ids = await _discussion(tenant)
    carol = await mentor(tenant, ctx["program"])
    joined = await tenant.client.post(
        circles_url(ctx["program"], ids["circleId"], "members"), json={}, headers=carol["headers"]
    )
    assert joined.status_code == 201, joined.text
    variables = ids | {"version": 1, "body": "Rewritten"}
    for headers in (carol["headers"], alice["headers"], ctx["manager"]):
        refused = await gql(tenant, EDIT_POST, variables, headers)
        assert error_of(refused)["code"] == "not_author"
    refused = await gql(tenant, DELETE_POST, ids, carol["headers"])
    assert error_of(refused)["code"] == "not_author_or_moderator"
    deleted = await gql(tenant, DELETE_POST, ids, alice["headers"])
    assert deleted["data"]["deletePost"] == ids["postId"]
    nodes = (await gql(tenant, POSTS, _thread_ids(ids), bob["headers"]))["data"]["threadPosts"]
    assert [(p["id"], p["body"], p["deleted"]) for p in nodes["nodes"]] == [
        (ids["postId"], None, True)
    ]


async def test_thread_edit_and_deletion(tenant: Tenant) -> None:
    alice, bob, _ctx, ids = await _discussion(tenant)
    thread_ids = _thread_ids(ids)
    refused = await gql(
        tenant,
        EDIT_THREAD,
        thread_ids | {"version": 1, "input": {"title": "Mine"}},
        alice["headers"],
    )
    assert error_of(refused)["code"] == "not_author"
    edited = await gql(
        tenant,
        EDIT_THREAD,
        thread_ids | {"version": 1, "input": {"title": "First steps, senior mentee"}},
        bob["headers"],
    )
    thread = edited["data"]["editThread"]
    assert (thread["title"], thread["body"], thread["version"]) == (
        "First steps, senior mentee",
        "Where to start?",
        2,
    )
    assert thread["editedAt"] is not None
    stale = await gql(
        tenant, EDIT_THREAD, thread_ids | {"version": 1, "input": {"body": "x"}}, bob["headers"]
    )
    assert error_of(stale)["code"] == "version_mismatch"
    deleted = await gql(tenant, DELETE_THREAD, thread_ids, alice["headers"])
    assert deleted["data"]["deleteThread"] == ids["threadId"]
    listed = await gql(
        tenant,
        THREADS,
        {"programId": ids["programId"], "circleId": ids["circleId"]},
        bob["headers"],
    )
    assert listed["data"]["circleThreads"]["nodes"] == [
        {"id": ids["threadId"], "title": None, "body": None, "deleted": True}
    ]


async def test_anonymous_author_edits_and_outsider_finds_nothing(tenant: Tenant) -> None:
    alice, bob, ctx, ids = await _discussion(tenant, anonymous=True)
    edited = await gql(tenant, EDIT_POST, ids | {"version": 1, "body": "Quietly"}, bob["headers"])
    post = edited["data"]["editPost"]
    assert (post["body"], post["anonymous"], post["mine"], post["author"]) == (
        "Quietly",
        True,
        True,
        None,
    )
    seen = (await gql(tenant, POSTS, _thread_ids(ids), alice["headers"]))["data"]["threadPosts"]
    assert seen["nodes"][0]["author"] is None
    assert (seen["nodes"][0]["body"], seen["nodes"][0]["mine"]) == ("Quietly", False)

    outsider = await mentor(tenant, ctx["program"])
    for document, variables in (
        (EDIT_POST, ids | {"version": 2, "body": "x"}),
        (DELETE_POST, ids),
        (EDIT_THREAD, _thread_ids(ids) | {"version": 1, "input": {"title": "x"}}),
        (DELETE_THREAD, _thread_ids(ids)),
    ):
        hidden = await gql(tenant, document, variables, outsider["headers"])
        assert error_of(hidden)["code"] == "circle_not_found"
    after = (await gql(tenant, POSTS, _thread_ids(ids), bob["headers"]))["data"]["threadPosts"]
    assert (after["nodes"][0]["body"], after["nodes"][0]["deleted"]) == ("Quietly", False)


ADD_POST = """
mutation($programId: UUID!, $circleId: UUID!, $threadId: UUID!, $input: PostCreateInput!) {
  addPost(programId: $programId, circleId: $circleId, threadId: $threadId, input: $input) {
    id threadId replyToId body anonymous mine helpful version author { employeeId }
  }
}
"""

MARK_HELPFUL = """
mutation($programId: UUID!, $circleId: UUID!, $threadId: UUID!, $postId: UUID!,
         $helpful: Boolean) {
  markPostHelpful(programId: $programId, circleId: $circleId, threadId: $threadId,
                  postId: $postId, helpful: $helpful) { id helpful mine version }
}
"""


async def test_a_reply_is_added_and_marked_helpful_by_the_threads_author(tenant: Tenant) -> None:
    alice, bob, _ctx, ids = await _discussion(tenant)
    reply = {"body": "And write them down.", "replyToId": ids["postId"]}
    added = await gql(tenant, ADD_POST, _thread_ids(ids) | {"input": reply}, alice["headers"])
    post = added["data"]["addPost"]
    assert (post["threadId"], post["replyToId"], post["body"]) == (
        ids["threadId"],
        ids["postId"],
        "And write them down.",
    )
    assert (post["mine"], post["anonymous"], post["helpful"], post["version"]) == (
        True,
        False,
        False,
        1,
    )
    assert post["author"] == {"employeeId": alice["id"]}
    # Bob opened the thread: he marks Alice's reply helpful (the default), then takes it back.
    marked = await gql(
        tenant, MARK_HELPFUL, _thread_ids(ids) | {"postId": post["id"]}, bob["headers"]
    )
    assert marked["data"]["markPostHelpful"] == {
        "id": post["id"],
        "helpful": True,
        "mine": False,
        "version": 2,
    }
    unmarked = await gql(
        tenant,
        MARK_HELPFUL,
        _thread_ids(ids) | {"postId": post["id"], "helpful": False},
        bob["headers"],
    )
    assert unmarked["data"]["markPostHelpful"]["helpful"] is False
    listed = await gql(tenant, POSTS, _thread_ids(ids), alice["headers"])
    mine = {p["id"]: p["mine"] for p in listed["data"]["threadPosts"]["nodes"]}
    assert mine == {ids["postId"]: False, post["id"]: True}

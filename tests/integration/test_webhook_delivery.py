"""Outbound webhooks to a real HTTP receiver on 127.0.0.1 that the test starts and stops."""

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson
import pytest
from sqlmodel import col, update
from standardwebhooks.webhooks import Webhook

from app.db.engine import unit_of_work
from app.domain.integrations.subscriptions.dispatch import Dispatcher, DispatchPolicy
from app.domain.integrations.subscriptions.models import WebhookSubscription
from app.domain.integrations.worker import Worker
from tests.conftest import Tenant, problem

FAST = DispatchPolicy(
    retry_delays=(0.05,) * 6,
    timeout_seconds=2.0,
    disable_after_failures=2,
    allow_private_targets=True,  # the receiver listens on 127.0.0.1
)


@dataclass
class Receiver:
    """Records each request; answers ``statuses`` in turn, then 200."""

    statuses: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    port: int = 0
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/mentoring"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                code = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(code)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def envelopes(self) -> list[dict[str, Any]]:
        return [orjson.loads(body) for _, body in self.received]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
async def only_this_organisation(tenant: Tenant) -> None:
    """Disable what earlier tests subscribed in the shared database (the fuzz tests register
    subscriptions to unreachable addresses), so these dispatchers work only for this test."""
    async with unit_of_work(tenant.app.state.session_factory) as session:
        await session.exec(
            update(WebhookSubscription)
            .where(col(WebhookSubscription.organization_id) != tenant.organization_id)
            .values(enabled=False)
        )


@pytest.fixture
async def dispatcher(tenant: Tenant) -> AsyncIterator[Dispatcher]:
    worker = Dispatcher(tenant.app.state.session_factory, FAST)
    yield worker
    await worker.aclose()


async def subscribe(tenant: Tenant, url: str, *types: str) -> dict[str, Any]:
    response = await tenant.client.post(
        "/api/v1/webhook-subscriptions",
        json={"url": url, "event_types": list(types or ["employee.*"])},
        headers=tenant.admin,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def deliveries(tenant: Tenant, subscription: dict[str, Any]) -> list[dict[str, Any]]:
    response = await tenant.client.get(
        f"/api/v1/webhook-subscriptions/{subscription['id']}/deliveries", headers=tenant.admin
    )
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def drain(dispatcher: Dispatcher, done: Any, seconds: float = 30.0) -> None:
    """Run the dispatcher until ``done()`` holds (bounded in time: the test never hangs,
    and a busy machine only makes it slower, not wrong)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        await dispatcher.run_once()
        if done():
            return
        await asyncio.sleep(0.06)
    raise AssertionError("the dispatcher did not get there")


async def test_events_reach_the_subscriber_signed(
    tenant: Tenant, receiver: Receiver, dispatcher: Dispatcher
) -> None:
    subscription = await subscribe(tenant, receiver.url, "employee.*")
    uninterested = await subscribe(tenant, receiver.url, "pair.*")
    employee = await tenant.employee(email="sig@example.com")
    await drain(dispatcher, lambda: len(receiver.received) >= 1)
    await dispatcher.run_once()

    [(headers, body)] = receiver.received
    envelope = Webhook(subscription["secret"]).verify(body, headers)
    assert envelope["type"] == "employee.created"
    assert envelope["id"] == headers["webhook-id"]
    assert envelope["organization_id"] == str(tenant.organization_id)
    assert envelope["schema_version"] == 1
    assert envelope["occurred_at"].endswith("Z")
    assert envelope["data"]["employee"]["id"] == employee["id"]

    [delivery] = await deliveries(tenant, subscription)
    assert delivery["status"] == "succeeded"
    assert delivery["event_id"] == envelope["id"]
    detail = await tenant.client.get(
        f"/api/v1/webhook-subscriptions/{subscription['id']}/deliveries/{delivery['id']}",
        headers=tenant.admin,
    )
    assert [a["status_code"] for a in detail.json()["attempt_log"]] == [200]
    assert detail.json()["payload"] == envelope
    assert await deliveries(tenant, uninterested) == []
    shown = await tenant.client.get(
        f"/api/v1/webhook-subscriptions/{subscription['id']}", headers=tenant.admin
    )
    assert "secret" not in shown.json()


async def test_retries_while_the_receiver_fails_or_is_down(
    tenant: Tenant, receiver: Receiver, dispatcher: Dispatcher
) -> None:
    subscription = await subscribe(tenant, receiver.url)
    receiver.statuses = [500, 503]
    await tenant.employee(email="retry@example.com")
    await drain(dispatcher, lambda: len(receiver.received) >= 2)
    receiver.stop()  # down: connection refused
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        await asyncio.sleep(0.06)
        await dispatcher.run_once()
        if (await deliveries(tenant, subscription))[0]["attempts"] >= 3:
            break
    receiver.start()  # back, on the same port
    await drain(dispatcher, lambda: len(receiver.received) >= 3)
    ids = {headers["webhook-id"] for headers, _ in receiver.received}
    assert len(ids) == 1  # the same event id on every attempt
    assert {e["id"] for e in receiver.envelopes()} == ids

    [delivery] = await deliveries(tenant, subscription)
    assert delivery["status"] == "succeeded"
    detail = await tenant.client.get(
        f"/api/v1/webhook-subscriptions/{subscription['id']}/deliveries/{delivery['id']}",
        headers=tenant.admin,
    )
    log = detail.json()["attempt_log"]
    answered = [a["status_code"] for a in log if a["status_code"] is not None]
    assert answered == [500, 503, 200]  # every answer the receiver gave, in order
    down = [a for a in log if a["status_code"] is None]
    # While it was down, at least one attempt failed to connect (a busy machine may add a
    # timed-out attempt elsewhere, which is also retried and also logged).
    assert any("Connect" in a["error"] for a in down)
    assert log[-1]["status_code"] == 200


async def test_failed_deliveries_disable_the_subscription_and_can_be_replayed(
    tenant: Tenant, receiver: Receiver
) -> None:
    policy = DispatchPolicy(
        retry_delays=(0.02,),
        timeout_seconds=2.0,
        disable_after_failures=2,
        allow_private_targets=True,
    )
    worker = Dispatcher(tenant.app.state.session_factory, policy)
    subscription = await subscribe(tenant, receiver.url)
    receiver.statuses = [500] * 4
    await tenant.employee(email="one@example.com")
    await tenant.employee(email="two@example.com")
    await drain(worker, lambda: len(receiver.received) >= 4)
    await worker.run_once()
    url = f"/api/v1/webhook-subscriptions/{subscription['id']}"
    shown = (await tenant.client.get(url, headers=tenant.admin)).json()
    assert shown["enabled"] is False
    assert "2 failed deliveries" in shown["disabled_reason"]
    failed = await deliveries(tenant, subscription)
    assert [d["status"] for d in failed] == ["failed", "failed"]
    assert len(receiver.received) == 4  # two attempts each, then no more

    replay = f"{url}/deliveries/{failed[0]['id']}/replay"
    problem(await tenant.client.post(replay, headers=tenant.admin), 409, "subscription_disabled")
    enabled = await tenant.client.patch(
        url, json={"enabled": True}, headers=tenant.admin | {"If-Match": f'"{shown["version"]}"'}
    )
    assert enabled.status_code == 200, enabled.text
    assert enabled.json()["consecutive_failures"] == 0
    replayed = await tenant.client.post(replay, headers=tenant.admin)
    assert replayed.status_code == 202
    assert replayed.json()["status"] == "pending"
    await drain(worker, lambda: len(receiver.received) >= 5)
    await worker.aclose()
    assert receiver.received[-1][0]["webhook-id"] == failed[0]["event_id"]
    after = await deliveries(tenant, subscription)
    assert [d["status"] for d in after] == ["succeeded", "failed"]
    problem(await tenant.client.post(replay, headers=tenant.admin), 409, "delivery_not_failed")


async def test_several_workers_deliver_each_event_once(tenant: Tenant, receiver: Receiver) -> None:
    await subscribe(tenant, receiver.url)
    for n in range(12):
        await tenant.employee(email=f"many{n}@example.com")
    workers = [Worker(tenant.app.state.session_factory, FAST) for _ in range(3)]
    for _ in range(10):
        await asyncio.gather(*(w.run_once() for w in workers))
        if len(receiver.received) >= 12:
            break
    await asyncio.gather(*(w.run_once() for w in workers))
    for w in workers:
        await w.dispatcher.aclose()
    ids = [headers["webhook-id"] for headers, _ in receiver.received]
    assert len(ids) == 12
    assert len(set(ids)) == 12


async def test_subscription_rules(tenant: Tenant, other_tenant: Tenant) -> None:
    url = "/api/v1/webhook-subscriptions"
    for bad in (
        {"url": "ftp://example.com/x", "event_types": ["*"]},
        {"url": "http://example.com/x", "event_types": ["*"]},
        {"url": "https://user:pw@example.com/x", "event_types": ["*"]},
        {"url": "https://example.com/x", "event_types": ["Employee Created"]},
        {"url": "https://example.com/x", "event_types": []},
    ):
        problem(await tenant.client.post(url, json=bad, headers=tenant.admin), 422)
    created = await subscribe(tenant, "https://intranet.example.com/hooks", "pair.*", "*")
    assert created["event_types"] == ["*", "pair.*"]
    problem(
        await other_tenant.client.get(f"{url}/{created['id']}", headers=other_tenant.admin), 404
    )
    manager = await tenant.api_key("webhooks:manage")
    assert (await tenant.client.get(url, headers=manager)).status_code == 200
    reader = await tenant.api_key("read")
    problem(await tenant.client.get(url, headers=reader), 403)
    problem(await tenant.client.delete(f"{url}/{created['id']}", headers=reader), 403)
    deleted = await tenant.client.delete(f"{url}/{created['id']}", headers=manager)
    assert deleted.status_code == 204


async def test_private_addresses_are_never_contacted(tenant: Tenant, receiver: Receiver) -> None:
    guarded = Dispatcher(tenant.app.state.session_factory, DispatchPolicy(retry_delays=(0.01,)))
    subscription = await subscribe(tenant, receiver.url)
    await tenant.employee(email="ssrf@example.com")
    try:
        for _ in range(3):
            await guarded.run_once()
            await asyncio.sleep(0.05)
    finally:
        await guarded.aclose()
    assert receiver.received == []  # the loopback receiver was never reached
    [delivery] = await deliveries(tenant, subscription)
    detail = await tenant.client.get(
        f"/api/v1/webhook-subscriptions/{subscription['id']}/deliveries/{delivery['id']}",
        headers=tenant.admin,
    )
    log = detail.json()["attempt_log"]
    assert log
    assert all(a["status_code"] is None and "private or reserved" in a["error"] for a in log)


async def test_a_disabled_subscription_does_not_hold_up_others(
    tenant: Tenant, other_tenant: Tenant, receiver: Receiver
) -> None:
    policy = DispatchPolicy(retry_delays=(0.05,), concurrency=2, allow_private_targets=True)
    worker = Dispatcher(tenant.app.state.session_factory, policy)
    paused = await subscribe(tenant, receiver.url)
    shown = (
        await tenant.client.get(
            f"/api/v1/webhook-subscriptions/{paused['id']}", headers=tenant.admin
        )
    ).json()
    disabled = await tenant.client.patch(
        f"/api/v1/webhook-subscriptions/{paused['id']}",
        json={"enabled": False},
        headers=tenant.admin | {"If-Match": f'"{shown["version"]}"'},
    )
    assert disabled.status_code == 200, disabled.text
    for i in range(4):  # more than the worker sends at once
        await tenant.employee(email=f"paused{i}@example.com")
    active = await subscribe(other_tenant, receiver.url)
    await other_tenant.employee(email="live@example.com")
    try:
        await drain(worker, lambda: len(receiver.received) >= 1)
    finally:
        await worker.aclose()
    assert [e["organization_id"] for e in receiver.envelopes()] == [
        str(other_tenant.organization_id)
    ]
    assert all(d["attempts"] == 0 for d in await deliveries(tenant, paused))
    assert len(await deliveries(other_tenant, active)) == 1

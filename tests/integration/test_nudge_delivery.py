"""A subscriber on 127.0.0.1 receives `nudge.due` through the ordinary subscription delivery."""

from datetime import timedelta

from standardwebhooks.webhooks import Webhook

from app.domain.integrations.subscriptions.dispatch import Dispatcher
from tests.api.engagement_support import evaluate, today
from tests.api.pairs_support import make_pair
from tests.conftest import Tenant
from tests.integration import test_webhook_delivery as delivery
from tests.integration.test_webhook_delivery import Receiver, drain, subscribe

# The webhook delivery tests' fixtures: a receiver on 127.0.0.1, a fast dispatcher, and
# other organisations' subscriptions disabled.
receiver = delivery.receiver
dispatcher = delivery.dispatcher
only_this_organisation = delivery.only_this_organisation


async def test_a_subscriber_receives_each_nudge_once(
    tenant: Tenant, receiver: Receiver, dispatcher: Dispatcher
) -> None:
    subscription = await subscribe(tenant, receiver.url, "nudge.*")
    setup = await make_pair(tenant)
    due = today() + timedelta(days=14)
    assert (await evaluate(tenant, due)).nudges == 2
    await drain(dispatcher, lambda: len(receiver.received) >= 2)
    # Evaluated again, nothing new is sent.
    assert (await evaluate(tenant, due + timedelta(hours=1))).nudges == 0
    await dispatcher.run_once()
    assert len(receiver.received) == 2

    envelopes = [Webhook(subscription["secret"]).verify(body, h) for h, body in receiver.received]
    assert {e["type"] for e in envelopes} == {"nudge.due"}
    recipients = {e["data"]["recipient_employee_id"] for e in envelopes}
    assert recipients == {setup.mentor_employee["id"], setup.mentee_employee["id"]}
    data = envelopes[0]["data"]
    assert data["kind"] == "first_session"
    assert data["stage"] == "due"
    assert data["subject"] == {"type": "pair", "id": setup.pair["id"]}
    assert data["action"] == {
        "method": "POST",
        "path": f"/api/v1/pairs/{setup.pair['id']}/session-logs",
    }
    assert len({e["data"]["key"] for e in envelopes}) == 2

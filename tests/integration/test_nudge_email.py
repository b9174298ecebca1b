"""Nudges by e-mail, delivered to a real SMTP server (aiosmtpd) on 127.0.0.1.

Each test records ``nudge.due`` events as the engagement rules do and runs the worker's
e-mail step with an injected clock; what reaches the server is read back as parsed
messages, addressed to the test's own people (other tests' nudges may share the server).
"""

import asyncio
import socket
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from pydantic import ValidationError
from sqlmodel import col, delete, select, update

from app.config import Settings
from app.db.engine import unit_of_work
from app.domain.events.service import record_event
from app.domain.integrations.worker import Worker
from app.domain.notifications.mailer import MailPolicy, MailServer, NudgeMailer
from app.domain.notifications.models import (
    EmailDigest,
    NotificationCursor,
    NudgeMail,
    NudgeMailStatus,
)
from tests.conftest import Tenant

PARIS = ZoneInfo("Europe/Paris")
SENDER = "Mentoring <mentoring@acme.example>"
FRONT_END = "https://intranet.acme.example"


class Inbox:
    """What the SMTP server accepted: one parsed message per envelope."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content
        assert isinstance(content, bytes)
        message = message_from_bytes(content, policy=default)
        assert isinstance(message, EmailMessage)
        self.received.append(([str(r) for r in envelope.rcpt_tos], message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for recipients, message in self.received if address in recipients]


def body_of(message: EmailMessage, kind: str = "plain") -> str:
    part = message.get_body((kind,))
    assert part is not None, message.as_string()
    return str(part.get_content())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture(autouse=True)
async def only_this_organisation_waits(tenant: Tenant) -> None:
    """The suite's database holds the nudges other tests recorded (the engagement rules',
    thousands of them): taken in and set aside here, so that a pass, which serves a bounded
    number of people, serves this test's organisation."""
    step = NudgeMailer(
        tenant.app.state.session_factory,
        MailServer(host="127.0.0.1", port=1, sender=SENDER, security="none"),
        MailPolicy(),
    )
    async with unit_of_work(tenant.app.state.session_factory) as session:
        # Where an earlier test left the outbox cursor does not matter to this one.
        await session.exec(delete(NotificationCursor))
    while await step.take_in(datetime.now(UTC)):
        pass
    async with unit_of_work(tenant.app.state.session_factory) as session:
        await session.exec(
            update(NudgeMail)
            .where(
                col(NudgeMail.organization_id) != tenant.organization_id,
                col(NudgeMail.status) == NudgeMailStatus.PENDING,
            )
            .values(status=NudgeMailStatus.SKIPPED, skip_reason="another_test")
        )


def mailer(tenant: Tenant, port: int, **policy: Any) -> NudgeMailer:
    server = MailServer(host="127.0.0.1", port=port, sender=SENDER, security="none")
    return NudgeMailer(
        tenant.app.state.session_factory,
        server,
        MailPolicy(frontend_base_url=FRONT_END, **policy),
    )


def paris(hour: int, minute: int = 0, days: int = 0) -> datetime:
    """Today (Paris) plus ``days``, at this Paris time, as the UTC instant the clock shows."""
    day = datetime.now(PARIS).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS).astimezone(UTC)


async def nudge(
    tenant: Tenant,
    person: dict[str, Any],
    kind: str = "log_confirmation",
    stage: str = "due",
    **extra: Any,
) -> str:
    """A ``nudge.due`` event exactly as the engagement rules record it."""
    subject = uuid.uuid4()
    key = f"{kind}:{subject}:{stage}:{person['id']}"
    data = {
        "key": key,
        "kind": kind,
        "stage": stage,
        "recipient_employee_id": person["id"],
        "program_id": None,
        "subject": {"type": "session_log", "id": str(subject)},
        "due_at": "2026-12-08T09:00:00Z",
        "reason": f"Reason {kind} {subject.hex[:8]}",
        "action": {"method": "POST", "path": f"/api/v1/session-logs/{subject}/confirm"},
    } | extra
    async with unit_of_work(tenant.app.state.session_factory) as session:
        await record_event(
            session,
            organization_id=tenant.organization_id,
            type="nudge.due",
            subject_type="session_log",
            subject_id=subject,
            data=data,
        )
    return str(data["reason"])


async def test_a_nudge_arrives_once_in_english(tenant: Tenant, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    person = await tenant.employee(languages=["en"], given_name="Ada")
    reason = await nudge(tenant, person)
    step = mailer(tenant, port)

    await step.run_once(paris(10))
    [message] = inbox.to(person["email"])
    assert message["Subject"] == "Mentoring: Confirm a logged session"
    assert message["From"] == SENDER
    assert message["Content-Language"] == "en"
    body = body_of(message)
    assert body.startswith("Hello Ada,")
    assert reason in body
    assert f"{FRONT_END}/api/v1/session-logs/" in body
    assert "2026-12-08 10:00 (Europe/Paris)" in body  # due time in the person's zone
    assert reason in body_of(message, "html")

    # Twice more, later the same day: nothing new.
    await step.run_once(paris(10, 5))
    await step.run_once(paris(16))
    assert len(inbox.to(person["email"])) == 1
    async with unit_of_work(tenant.app.state.session_factory) as session:
        rows = (
            await session.exec(
                select(NudgeMail).where(NudgeMail.employee_id == uuid.UUID(person["id"]))
            )
        ).all()
    assert [(r.status, r.kind) for r in rows] == [(NudgeMailStatus.SENT, "log_confirmation")]


async def test_french_for_people_who_read_french(tenant: Tenant, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    person = await tenant.employee(languages=["fr-FR", "en"], given_name="Amélie")
    reason = await nudge(tenant, person, kind="feedback_due")
    await mailer(tenant, port).run_once(paris(11))
    [message] = inbox.to(person["email"])
    assert message["Subject"] == "Mentorat : Votre retour est attendu"
    assert message["Content-Language"] == "fr"
    body = body_of(message)
    assert body.startswith("Bonjour Amélie,")
    assert reason in body
    assert "Échéance : 08/12/2026 10:00 (Europe/Paris)" in body

    # Someone whose languages are neither: the service's default language.
    other = await tenant.employee(languages=["de"])
    await nudge(tenant, other, kind="feedback_due")
    await mailer(tenant, port, default_language="fr").run_once(paris(11))
    [german] = inbox.to(other["email"])
    assert german["Content-Language"] == "fr"


async def test_nothing_after_an_opt_out(tenant: Tenant, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    person = await tenant.employee()
    headers = tenant.as_user(person)
    url = "/api/v1/me/notification-preferences"
    muted = await tenant.client.put(
        url, json={"muted_kinds": ["log_confirmation"]}, headers=headers
    )
    assert muted.status_code == 200, muted.text
    await nudge(tenant, person, kind="log_confirmation")
    step = mailer(tenant, port)
    await step.run_once(paris(10))
    assert inbox.to(person["email"]) == []
    # Other kinds still come.
    wanted = await nudge(tenant, person, kind="session_overdue")
    await step.run_once(paris(10, 1))
    [message] = inbox.to(person["email"])
    assert wanted in body_of(message)
    assert "Confirm a logged session" not in body_of(message)

    # E-mail turned off: nothing at all, nor later once it is back on.
    off = await tenant.client.put(url, json={"email_enabled": False}, headers=headers)
    assert off.status_code == 200, off.text
    await nudge(tenant, person, kind="session_overdue", stage="urgent")
    await step.run_once(paris(10, 2, days=1))
    assert await tenant.client.put(url, json={}, headers=headers)
    await step.run_once(paris(10, 3, days=2))
    assert len(inbox.to(person["email"])) == 1
    async with unit_of_work(tenant.app.state.session_factory) as session:
        reasons = (
            await session.exec(
                select(NudgeMail.skip_reason)
                .where(NudgeMail.employee_id == uuid.UUID(person["id"]))
                .order_by(col(NudgeMail.received_at))
            )
        ).all()
    assert reasons == ["opted_out", None, "email_off"]


async def test_not_during_quiet_hours(tenant: Tenant, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    step = mailer(tenant, port)
    # The defaults: nothing from 20:00 to 08:00, the person's time.
    night = await tenant.employee()
    await nudge(tenant, night)
    await step.run_once(paris(22))
    await step.run_once(paris(7, 59, days=1))
    assert inbox.to(night["email"]) == []
    await step.run_once(paris(8, 0, days=1))
    assert len(inbox.to(night["email"])) == 1

    # Their own quiet hours, in their own time zone: 12:00-14:00 in New York.
    lunch = await tenant.employee(timezone="America/New_York")
    put = await tenant.client.put(
        "/api/v1/me/notification-preferences",
        json={"quiet_hours": {"start": "12:00", "end": "14:00"}},
        headers=tenant.as_user(lunch),
    )
    assert put.status_code == 200, put.text
    assert put.json()["timezone"] == "America/New_York"
    await nudge(tenant, lunch, stage="urgent")
    new_york = ZoneInfo("America/New_York")
    day = datetime.now(new_york).date() + timedelta(days=1)

    def there(hour: int) -> datetime:
        return datetime.combine(day, time(hour), tzinfo=new_york).astimezone(UTC)

    await step.run_once(there(13))
    assert inbox.to(lunch["email"]) == []
    await step.run_once(there(14))
    [message] = inbox.to(lunch["email"])
    assert message["Subject"].startswith("[Urgent] Mentoring:")


async def test_one_digest_a_day_and_urgent_ones_besides(
    tenant: Tenant, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    person = await tenant.employee()
    reasons = [
        await nudge(tenant, person, kind=kind)
        for kind in ("log_confirmation", "feedback_due", "workshop_tomorrow")
    ]
    step = mailer(tenant, port)
    await step.run_once(paris(9))
    [digest] = inbox.to(person["email"])
    assert digest["Subject"] == "Mentoring: 3 things to do"
    assert all(reason in body_of(digest) for reason in reasons)

    # A fourth item the same day waits for tomorrow's digest...
    later = await nudge(tenant, person, kind="pair_inactive")
    await step.run_once(paris(15))
    await step.run_once(paris(23, 59))
    assert len(inbox.to(person["email"])) == 1
    # ... unless something urgent comes: then it goes at once, with what was waiting.
    urgent = await nudge(tenant, person, kind="session_overdue", stage="urgent")
    await step.run_once(paris(19))
    assert len(inbox.to(person["email"])) == 2
    second = inbox.to(person["email"])[1]
    assert second["Subject"] == "[Urgent] Mentoring: 2 things to do"
    assert later in body_of(second)
    assert urgent in body_of(second)
    # The next morning: today's first item goes at once (after quiet hours).
    next_item = await nudge(tenant, person, kind="feedback_due")
    await step.run_once(paris(8, 30, days=1))
    assert len(inbox.to(person["email"])) == 3
    assert next_item in body_of(inbox.to(person["email"])[2])
    async with unit_of_work(tenant.app.state.session_factory) as session:
        digests = (
            await session.exec(
                select(EmailDigest)
                .where(EmailDigest.employee_id == uuid.UUID(person["id"]))
                .order_by(col(EmailDigest.claimed_at))
            )
        ).all()
    assert [(d.items, d.urgent) for d in digests] == [(3, False), (2, True), (1, False)]


async def test_an_email_carries_only_the_reason_kind_and_action(
    tenant: Tenant, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    person = await tenant.employee()
    await nudge(
        tenant,
        person,
        private_note="PRIVATE-NOTE-never-mailed",
        author={"given_name": "Anonymous-Author-Name"},
        subject={"type": "pair_feedback", "id": "SUBJECT-never-mailed"},
    )
    await mailer(tenant, port).run_once(paris(10))
    [message] = inbox.to(person["email"])
    raw = message.as_string()
    for secret in ("PRIVATE-NOTE", "Anonymous-Author", "SUBJECT-never"):
        assert secret not in raw


async def test_two_workers_send_each_nudge_once(tenant: Tenant, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    people = [await tenant.employee() for _ in range(3)]
    for person in people:
        await nudge(tenant, person)
        await nudge(tenant, person, kind="feedback_due")
    first, second = mailer(tenant, port), mailer(tenant, port)
    await asyncio.gather(first.run_once(paris(10)), second.run_once(paris(10)))
    await asyncio.gather(first.run_once(paris(10, 1)), second.run_once(paris(10, 1)))
    for person in people:
        [digest] = inbox.to(person["email"])
        assert digest["Subject"] == "Mentoring: 2 things to do"


async def test_a_server_that_refuses_is_tried_again(
    tenant: Tenant, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    person = await tenant.employee()
    await nudge(tenant, person)
    await mailer(tenant, _free_port()).run_once(paris(10))  # nobody listens there
    async with unit_of_work(tenant.app.state.session_factory) as session:
        [row] = (
            await session.exec(
                select(NudgeMail).where(NudgeMail.employee_id == uuid.UUID(person["id"]))
            )
        ).all()
        assert (row.status, row.attempts) == (NudgeMailStatus.PENDING, 1)
        # The failed attempt did not spend the day's digest.
        assert (
            await session.exec(
                select(EmailDigest).where(EmailDigest.employee_id == uuid.UUID(person["id"]))
            )
        ).all() == []
    step = mailer(tenant, port)
    await step.run_once(paris(10))  # before the retry delay
    assert inbox.to(person["email"]) == []
    await step.run_once(paris(10, 2))
    assert len(inbox.to(person["email"])) == 1


async def test_export_and_erasure(tenant: Tenant, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    person = await tenant.employee()
    headers = tenant.as_user(person)
    put = await tenant.client.put(
        "/api/v1/me/notification-preferences",
        json={"muted_kinds": ["pair_inactive"]},
        headers=headers,
    )
    assert put.status_code == 200, put.text
    await nudge(tenant, person)
    step = mailer(tenant, port)
    await step.run_once(paris(10))
    await nudge(tenant, person, kind="feedback_due")  # waits for tomorrow's digest
    await step.run_once(paris(11))
    url = f"/api/v1/employees/{person['id']}/personal-data"
    exported = (await tenant.client.get(url, headers=headers)).json()
    assert [p["muted_kinds"] for p in exported["notification_preferences"]] == [["pair_inactive"]]
    assert [(m["kind"], m["status"]) for m in exported["nudge_emails"]] == [
        ("log_confirmation", "sent"),
        ("feedback_due", "pending"),
    ]
    assert [d["items"] for d in exported["email_digests"]] == [1]

    erased = await tenant.client.delete(url, headers=tenant.admin)
    assert erased.status_code == 204, erased.text
    after = (await tenant.client.get(url, headers=tenant.admin)).json()
    assert after["notification_preferences"] == []
    assert [(m["status"], m["skip_reason"]) for m in after["nudge_emails"]] == [
        ("sent", None),
        ("skipped", "erased"),
    ]
    await step.run_once(paris(9, days=1))
    assert len(inbox.to(person["email"])) == 1


async def test_the_worker_sends_them_when_email_is_on(
    tenant: Tenant, smtp: tuple[Inbox, int], database_url: str
) -> None:
    inbox, port = smtp
    person = await tenant.employee()
    # No quiet hours: the worker runs on the real clock, whatever the hour of this test.
    put = await tenant.client.put(
        "/api/v1/me/notification-preferences",
        json={"quiet_hours": None},
        headers=tenant.as_user(person),
    )
    assert put.status_code == 200, put.text
    await nudge(tenant, person, kind="workshop_tomorrow")
    settings = Settings(
        database_url=database_url,
        environment="test",
        email_enabled=True,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security="none",
        email_from=SENDER,
    )
    worker = Worker.from_settings(tenant.app.state.session_factory, settings)
    try:
        await worker.run_once()
        await worker.run_once()
    finally:
        await worker.dispatcher.aclose()
    [message] = inbox.to(person["email"])
    assert message["Subject"] == "Mentoring: Your workshop is tomorrow"
    # Off by default, and on only with a sender.
    assert Worker.from_settings(tenant.app.state.session_factory, Settings()).mailer is None
    with pytest.raises(ValidationError):
        Settings(email_enabled=True)


async def test_an_item_is_mailed_once_whatever_the_events(
    tenant: Tenant, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    person = await tenant.employee()
    # The same item and stage announced twice (its idempotency key): one line, once.
    subject = uuid.uuid4()
    key = f"feedback_due:{subject}:due:{person['id']}"
    await nudge(tenant, person, kind="feedback_due", key=key)
    await nudge(tenant, person, kind="feedback_due", key=key)
    step = mailer(tenant, port)
    await step.run_once(paris(10))
    [message] = inbox.to(person["email"])
    assert message["Subject"] == "Mentoring: Your feedback is due"
    await nudge(tenant, person, kind="feedback_due", key=key)
    await step.run_once(paris(10, days=1))
    assert len(inbox.to(person["email"])) == 1


async def test_a_worker_that_stops_mid_send_leaves_nothing_behind(
    tenant: Tenant, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    person = await tenant.employee()
    await nudge(tenant, person)
    step = mailer(tenant, port)
    await step.take_in(paris(10))
    # A worker claims the person's items, then stops before sending.
    async with unit_of_work(tenant.app.state.session_factory) as session:
        claim = await step._claim(
            session, tenant.organization_id, uuid.UUID(person["id"]), paris(10)
        )
    assert claim is not None
    await step.run_once(paris(10, 5))  # still under the claim's lease
    assert inbox.to(person["email"]) == []
    await step.run_once(paris(10, 11))  # the lease ran out: sent by the next worker
    assert len(inbox.to(person["email"])) == 1

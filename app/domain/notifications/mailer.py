"""The worker's e-mail step: ``nudge.due`` events to people's mailboxes, once each.

1. *take in* (``intake.py``): read the outbox's new ``nudge.due`` events and add one
   :class:`NudgeMail` row per event; the row is unique per event, so two workers reading
   the same events add it once.
2. *send*: for each person with rows waiting, in short transactions none of which is open
   during the SMTP conversation: drop what they opted out of, wait out their quiet hours
   (in their time zone) and, unless an item is urgent, tomorrow when today's digest went
   out; then claim every waiting row (a conditional update that only one worker wins) in
   one new :class:`EmailDigest` (one ordinary digest per person and local day, held by a
   unique index), send it, and mark it sent, or put the rows back to be tried later.

A worker that dies between the claim and the record leaves rows ``sending``: after
``lease`` they wait again and go out in the next digest (the person may then get an item
twice; never none).
"""

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import aiosmtplib
from sqlalchemy import delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.db.engine import unit_of_work
from app.domain.employees.models import Employee, EmployeeStatus
from app.domain.events.models import OutboxEvent
from app.domain.notifications import intake
from app.domain.notifications.compose import DueItem, Recipient, compose
from app.domain.notifications.delivery import MailPolicy, MailServer
from app.domain.notifications.models import (
    EmailDigest,
    NotificationPreference,
    NudgeMail,
    NudgeMailStatus,
)
from app.domain.notifications.service import email_language, parse_local_time, preference_of

__all__ = ["MailPolicy", "MailServer", "NudgeMailer", "in_quiet_hours"]

log = logging.getLogger("app.notifications.mailer")


def in_quiet_hours(moment: time, start: str | None, end: str | None) -> bool:
    if start is None or end is None:
        return False
    begins, ends = parse_local_time(start), parse_local_time(end)
    if begins < ends:
        return begins <= moment < ends
    return moment >= begins or moment < ends  # over midnight


def _next(local: datetime, moment: time) -> datetime:
    """The next time the clock of ``local``'s zone shows ``moment``, in UTC."""
    assert local.tzinfo is not None
    candidate = datetime.combine(local.date(), moment, tzinfo=local.tzinfo)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), moment, tzinfo=local.tzinfo)
    return candidate.astimezone(UTC)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


class _Taken(Exception):
    """Another worker claimed some of the rows first."""


@dataclass(frozen=True, slots=True)
class _Claim:
    digest_id: uuid.UUID
    mail_ids: list[uuid.UUID]
    recipient: Recipient
    items: list[DueItem]


@dataclass
class NudgeMailer:
    factory: async_sessionmaker[AsyncSession]
    server: MailServer
    policy: MailPolicy

    async def run_once(self, now: datetime | None = None) -> int:
        """One pass; ``now`` is the clock (tests move it). Returns e-mails sent and events
        taken in."""
        now = now or utcnow()
        handled = 0
        while taken := await self.take_in(now):
            handled += taken
        await self.release_expired(now)
        limit = asyncio.Semaphore(self.policy.concurrency)

        async def one(organization_id: uuid.UUID, employee_id: uuid.UUID) -> int:
            async with limit:
                return await self.send_to(organization_id, employee_id, now)

        people = await self.waiting_people(now)
        return handled + sum(await asyncio.gather(*(one(*person) for person in people)))

    async def take_in(self, now: datetime) -> int:
        async with unit_of_work(self.factory) as session:
            return await intake.take_in(session, self.policy, now)

    async def release_expired(self, now: datetime) -> None:
        """Rows claimed by a worker that stopped before recording the outcome wait again."""
        async with unit_of_work(self.factory) as session:
            expired = select(EmailDigest.id).where(
                col(EmailDigest.sent_at).is_(None),
                col(EmailDigest.claimed_at) < now - self.policy.lease,
            )
            stale = list((await session.exec(expired)).all())
            if not stale:
                return
            await session.exec(
                update(NudgeMail)
                .where(
                    col(NudgeMail.digest_id).in_(stale),
                    col(NudgeMail.status) == NudgeMailStatus.SENDING,
                )
                .values(status=NudgeMailStatus.PENDING, digest_id=None)
            )
            await session.exec(delete(EmailDigest).where(col(EmailDigest.id).in_(stale)))

    async def waiting_people(self, now: datetime) -> list[tuple[uuid.UUID, uuid.UUID]]:
        async with unit_of_work(self.factory) as session:
            # Those waiting longest first: a pass serves a bounded number of people, and the
            # next pass the next ones.
            rows = await session.exec(
                select(NudgeMail.organization_id, NudgeMail.employee_id)
                .where(
                    NudgeMail.status == NudgeMailStatus.PENDING,
                    col(NudgeMail.employee_id).is_not(None),
                    (col(NudgeMail.not_before).is_(None)) | (col(NudgeMail.not_before) <= now),
                )
                .group_by(col(NudgeMail.organization_id), col(NudgeMail.employee_id))
                .order_by(func.min(NudgeMail.received_at))
                .limit(self.policy.people_per_pass)
            )
            return [(org, person) for org, person in rows if person is not None]

    async def send_to(
        self, organization_id: uuid.UUID, employee_id: uuid.UUID, now: datetime
    ) -> int:
        try:
            async with unit_of_work(self.factory) as session:
                claim = await self._claim(session, organization_id, employee_id, now)
        except (_Taken, IntegrityError):
            return 0  # another worker is sending to this person, or sent today's digest
        if claim is None:
            return 0
        try:
            message = compose(
                claim.recipient,
                claim.items,
                sender=self.server.sender,
                base_url=self.policy.frontend_base_url,
            )
            await self.server.send(message)
        except (aiosmtplib.SMTPException, OSError, TimeoutError, ValueError) as exc:
            log.warning("e-mail to %s not sent: %s", employee_id, exc)
            await self._put_back(claim, now)
            return 0
        async with unit_of_work(self.factory) as session:
            await session.exec(
                update(EmailDigest)
                .where(col(EmailDigest.id) == claim.digest_id)
                .values(sent_at=now, message_id=str(message["Message-ID"])[:255])
            )
            await session.exec(
                update(NudgeMail)
                .where(col(NudgeMail.id).in_(claim.mail_ids))
                .values(status=NudgeMailStatus.SENT, sent_at=now)
            )
        return 1

    async def _claim(
        self,
        session: AsyncSession,
        organization_id: uuid.UUID,
        employee_id: uuid.UUID,
        now: datetime,
    ) -> _Claim | None:
        waiting = list(
            (
                await session.exec(
                    select(NudgeMail)
                    .where(
                        NudgeMail.organization_id == organization_id,
                        NudgeMail.employee_id == employee_id,
                        NudgeMail.status == NudgeMailStatus.PENDING,
                    )
                    .order_by(col(NudgeMail.received_at), col(NudgeMail.id))
                )
            ).all()
        )
        employee = await session.get(Employee, employee_id)
        preference = await preference_of(session, organization_id, employee_id)
        kept = await self._drop_unwanted(session, waiting, employee, preference)
        if not kept or employee is None or employee.email is None:
            return None
        zone = _zone(employee.timezone)
        local = now.astimezone(zone)
        start, end = preference.quiet_hours_start, preference.quiet_hours_end
        if in_quiet_hours(local.time(), start, end):
            assert end is not None
            self._defer(kept, _next(local, parse_local_time(end)))
            return None
        urgent = any(mail.stage == "urgent" for mail in kept)
        if not urgent and await self._sent_today(session, employee_id, local.date()):
            self._defer(kept, _next(local, time(0)))  # tomorrow's digest
            return None
        language = email_language(employee.languages) or self.policy.default_language
        digest = EmailDigest(
            organization_id=organization_id,
            employee_id=employee_id,
            local_date=local.date(),
            urgent=urgent,
            language=language,
            items=len(kept),
            claimed_at=now,
        )
        session.add(digest)
        await session.flush()  # the daily limit's unique index speaks here
        ids = [mail.id for mail in kept]
        claimed = await session.exec(
            update(NudgeMail)
            .where(col(NudgeMail.id).in_(ids), col(NudgeMail.status) == NudgeMailStatus.PENDING)
            .values(status=NudgeMailStatus.SENDING, digest_id=digest.id)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != len(ids):
            raise _Taken
        events = await session.exec(
            select(OutboxEvent).where(col(OutboxEvent.id).in_([m.event_id for m in kept]))
        )
        items = [DueItem.from_event(e.data if isinstance(e.data, dict) else {}) for e in events]
        recipient = Recipient(
            name=" ".join((employee.given_name or employee.display_name).split()),
            address=employee.email,
            language=language,
            timezone=zone.key,
        )
        return _Claim(digest.id, ids, recipient, items)

    async def _drop_unwanted(
        self,
        session: AsyncSession,
        waiting: list[NudgeMail],
        employee: Employee | None,
        preference: NotificationPreference,
    ) -> list[NudgeMail]:
        """Mark skipped what must never be sent; the rest, each item once."""
        reachable = (
            employee is not None
            and all(mail.organization_id == employee.organization_id for mail in waiting)
            and employee.status == EmployeeStatus.ACTIVE
            and employee.email is not None
            and employee.erased_at is None
        )
        already = set()
        if waiting and employee is not None:
            sent = await session.exec(
                select(NudgeMail.key).where(
                    NudgeMail.organization_id == employee.organization_id,
                    NudgeMail.employee_id == employee.id,
                    col(NudgeMail.status).in_([NudgeMailStatus.SENT, NudgeMailStatus.SENDING]),
                    col(NudgeMail.key).in_([m.key for m in waiting]),
                )
            )
            already = set(sent.all())
        kept = []
        for mail in waiting:
            reason = None
            if not reachable:
                reason = "unreachable"
            elif not preference.email_enabled:
                reason = "email_off"
            elif mail.kind in preference.muted_kinds:
                reason = "opted_out"
            elif mail.key in already:
                reason = "duplicate"
            if reason is None:
                already.add(mail.key)
                kept.append(mail)
            else:
                mail.status = NudgeMailStatus.SKIPPED
                mail.skip_reason = reason
        await session.flush()
        return kept

    @staticmethod
    def _defer(mails: list[NudgeMail], until: datetime) -> None:
        """Out of the queue's way until ``until`` (a change of preferences brings them back)."""
        for mail in mails:
            mail.not_before = until

    async def _sent_today(self, session: AsyncSession, employee_id: uuid.UUID, day: date) -> bool:
        found = await session.exec(
            select(EmailDigest.id).where(
                EmailDigest.employee_id == employee_id,
                EmailDigest.local_date == day,
                col(EmailDigest.urgent).is_(False),
            )
        )
        return found.first() is not None

    async def _put_back(self, claim: _Claim, now: datetime) -> None:
        """A failed send: the rows wait again (later), the day's digest is not spent."""
        async with unit_of_work(self.factory) as session:
            mails = (
                await session.exec(select(NudgeMail).where(col(NudgeMail.id).in_(claim.mail_ids)))
            ).all()
            for mail in mails:
                mail.attempts += 1
                mail.digest_id = None
                if mail.attempts > len(self.policy.retry_delays):
                    mail.status = NudgeMailStatus.SKIPPED
                    mail.skip_reason = "undeliverable"
                else:
                    mail.status = NudgeMailStatus.PENDING
                    mail.not_before = now + self.policy.retry_delays[mail.attempts - 1]
            await session.flush()
            await session.exec(delete(EmailDigest).where(col(EmailDigest.id) == claim.digest_id))

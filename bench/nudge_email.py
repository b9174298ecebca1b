"""Nudges by e-mail at scale: N people with K due items each, sent to a local SMTP server.

Seeds one organisation with N employees (half read French) and K ``nudge.due`` events per
person in a fresh database, starts an SMTP server (aiosmtpd) on 127.0.0.1, then runs the
worker's e-mail step until it has nothing left, and prints how long it took, e-mails per
second, SQL statements per e-mail, and the cost of an idle pass (what each worker spends
every poll when there is nothing to send).

    .venv/bin/python -m bench.nudge_email --backend sqlite --people 1000 --items 3
    .venv/bin/python -m bench.nudge_email --backend postgresql --people 1000 --items 3
"""

import argparse
import asyncio
import socket
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiosmtpd.controller import Controller
from sqlalchemy import event

from app.config import Settings
from app.db.engine import create_engine, create_session_factory, unit_of_work
from app.db.migrations import upgrade
from app.domain.access import service as access
from app.domain.employees.models import Employee
from app.domain.events.service import record_event
from app.domain.notifications.mailer import MailPolicy, MailServer, NudgeMailer
from bench.directory import _database

KINDS = ("log_confirmation", "feedback_due", "session_overdue", "workshop_tomorrow")


class Counter:
    def __init__(self) -> None:
        self.messages = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _seed(factory: Any, people: int, items: int) -> None:
    async with unit_of_work(factory) as session:
        organization, _key, _token = await access.create_organization(session, "Bench Org")
        rows = [
            Employee(
                organization_id=organization.id,
                email=f"person{i}@bench.example",
                given_name=f"Given{i}",
                family_name=f"Family{i}",
                languages=["fr"] if i % 2 else ["en"],
                timezone="Europe/Paris",
            )
            for i in range(people)
        ]
        session.add_all(rows)
        await session.flush()
        for person in rows:
            for n in range(items):
                subject = uuid.uuid4()
                await record_event(
                    session,
                    organization_id=organization.id,
                    type="nudge.due",
                    subject_type="pair",
                    subject_id=subject,
                    data={
                        "key": f"{KINDS[n % 4]}:{subject}:due:{person.id}",
                        "kind": KINDS[n % 4],
                        "stage": "due",
                        "recipient_employee_id": str(person.id),
                        "program_id": None,
                        "subject": {"type": "pair", "id": str(subject)},
                        "due_at": "2026-12-08T09:00:00Z",
                        "reason": "Your pair's agreed cadence is every 14 days.",
                        "action": {"method": "POST", "path": f"/api/v1/pairs/{subject}/x"},
                    },
                )


async def main(backend: str, people: int, items: int) -> None:
    with tempfile.TemporaryDirectory() as workdir:
        url, drop = await _database(backend, Path(workdir))
        await asyncio.to_thread(upgrade, url)
        engine = create_engine(Settings(database_url=url))
        statements = 0

        def count(*_args: Any) -> None:
            nonlocal statements
            statements += 1

        try:
            factory = create_session_factory(engine)
            await _seed(factory, people, items)
            counter, port = Counter(), _free_port()
            controller = Controller(counter, hostname="127.0.0.1", port=port)
            controller.start()
            mailer = NudgeMailer(
                factory,
                MailServer(
                    host="127.0.0.1", port=port, sender="bench@bench.example", security="none"
                ),
                MailPolicy(),
            )
            paris = ZoneInfo("Europe/Paris")
            day = datetime.now(paris).date()
            now = datetime.combine(day, clock(10), tzinfo=paris).astimezone(UTC)
            event.listen(engine.sync_engine, "before_cursor_execute", count)
            started = time.perf_counter()
            passes = 0
            while await mailer.run_once(now):
                passes += 1
                now += timedelta(seconds=1)
            elapsed = time.perf_counter() - started
            sent_statements = statements
            statements = 0
            idle_started = time.perf_counter()
            await mailer.run_once(now)
            idle = time.perf_counter() - idle_started
            controller.stop()
            print(
                f"{backend}: {people} people x {items} items -> {counter.messages} e-mails in "
                f"{elapsed:.1f} s over {passes} passes ({counter.messages / elapsed:.0f} e-mails/s, "
                f"{sent_statements / max(counter.messages, 1):.1f} statements per e-mail); "
                f"idle pass {idle * 1000:.1f} ms, {statements} statements"
            )
        finally:
            await engine.dispose()
            await drop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--items", type=int, default=3)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.backend, arguments.people, arguments.items))

"""The background loop: apply HRIS deliveries left waiting, dispatch outbound webhooks,
e-mail nudges (when e-mail is on), recompute pairs' health every so often, and run queued
matching runs.

It runs inside the API process by default and as ``mentorship worker`` in production;
any number of copies can run at once (see ``app.db.locking``). Matching runs are computed
in a process of their own that the loop starts (and starts again should it die), with its
own database engine: a run of minutes of CPU holds up neither the API's requests (they do
not even share the interpreter's lock) nor the other queues.
"""

import asyncio
import contextlib
import logging
import multiprocessing
import os
import time
from dataclasses import dataclass, field
from datetime import timedelta
from multiprocessing.synchronize import Event as ProcessEvent

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from app.config import Settings
from app.db.engine import create_engine, create_session_factory
from app.domain.integrations.hris.webhooks import apply_waiting
from app.domain.integrations.subscriptions.dispatch import Dispatcher, DispatchPolicy
from app.domain.matching.job import MatchingJobs
from app.domain.notifications.mailer import MailPolicy, MailServer, NudgeMailer
from app.domain.progress.health_check import check_pair_health

log = logging.getLogger("app.integrations.worker")


@dataclass
class Worker:
    factory: async_sessionmaker[AsyncSession]
    policy: DispatchPolicy = field(default_factory=DispatchPolicy)
    # A delivery still ``received`` this long after it arrived was not applied in-process.
    hris_sweep_after: timedelta = timedelta(seconds=30)
    poll_seconds: float = 1.0
    # How often pairs' health is recomputed (app/domain/progress/health_check.py).
    pair_health_every: timedelta = timedelta(minutes=15)
    # With settings, matching runs get a process and an engine of their own; without, they
    # run on the caller's loop with ``factory``.
    settings: Settings | None = None
    # How long to wait before starting the matching process again after it died.
    matching_restart_seconds: float = 5.0
    # Sends ``nudge.due`` events by e-mail; None while e-mail is off.
    mailer: NudgeMailer | None = None

    @classmethod
    def from_settings(
        cls, factory: async_sessionmaker[AsyncSession], settings: Settings
    ) -> "Worker":
        policy = DispatchPolicy(
            retry_delays=tuple(settings.webhook_retry_delays_seconds),
            timeout_seconds=settings.webhook_timeout_seconds,
            lease_seconds=max(60.0, settings.webhook_timeout_seconds * 3),
            disable_after_failures=settings.webhook_disable_after_failures,
            allow_private_targets=settings.webhook_allow_private_targets,
        )
        mailer = None
        if settings.email_enabled:
            mailer = NudgeMailer(
                factory, MailServer.from_settings(settings), MailPolicy.from_settings(settings)
            )
        return cls(
            factory,
            policy,
            hris_sweep_after=timedelta(seconds=settings.hris_sweep_after_seconds),
            poll_seconds=settings.worker_poll_seconds,
            pair_health_every=timedelta(seconds=settings.pair_health_interval_seconds),
            settings=settings,
            mailer=mailer,
        )

    def __post_init__(self) -> None:
        self.dispatcher = Dispatcher(self.factory, self.policy)
        self._pair_health_due = 0.0

    async def run_once(self) -> int:
        """One pass over both queues; the number of items handled."""
        applied = await apply_waiting(self.factory, older_than=self.hris_sweep_after)
        if time.monotonic() >= self._pair_health_due:
            self._pair_health_due = time.monotonic() + self.pair_health_every.total_seconds()
            await check_pair_health(self.factory)
        dispatched = await self.dispatcher.run_once()
        mailed = await self.mailer.run_once() if self.mailer is not None else 0
        return applied + dispatched + mailed

    async def run(self, stop: asyncio.Event) -> None:
        matching = asyncio.create_task(self.run_matching(stop))
        try:
            while not stop.is_set():
                try:
                    busy = await self.run_once()
                except Exception:
                    log.exception("integration worker pass failed")
                    busy = 0
                if not busy:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), timeout=self.poll_seconds)
        finally:
            stop.set()
            await matching
            await self.dispatcher.aclose()

    async def run_matching(self, stop: asyncio.Event) -> None:
        """Run queued matching runs until ``stop`` is set (a run under way goes back to the
        queue)."""
        if self.settings is None:
            await MatchingJobs(self.factory, stopping=stop.is_set).run(self.poll_seconds)
            return
        context = multiprocessing.get_context("spawn")  # no fork of a process with threads
        stopping = context.Event()
        while not stop.is_set():
            process = context.Process(
                target=run_matching_process,
                args=(self.settings, stopping, self.poll_seconds),
                name="mentorship-matching",
                daemon=True,
            )
            process.start()
            try:
                while process.is_alive() and not stop.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), timeout=0.5)
            finally:
                if process.is_alive():  # stopping: the run under way goes back to the queue
                    stopping.set()
                    await asyncio.to_thread(process.join, 30)
                    if process.is_alive():
                        process.terminate()
            if not stop.is_set():
                log.error("the matching process ended (%s); starting it again", process.exitcode)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.matching_restart_seconds)


def run_matching_process(settings: Settings, stopping: ProcessEvent, poll_seconds: float) -> None:
    """The matching process: queued runs, one at a time, until ``stopping`` is set.

    It runs at a lower CPU priority: on a machine it shares with the API and the database, a
    run takes longer rather than slowing their answers down.
    """
    from app.observability import configure_logging

    configure_logging(settings.log_level, settings.log_json)
    with contextlib.suppress(OSError):
        os.nice(settings.matching_nice)

    async def main() -> None:
        engine = create_engine(settings)
        try:
            jobs = MatchingJobs(create_session_factory(engine), stopping=stopping.is_set)
            await jobs.run(poll_seconds)
        finally:
            await engine.dispose()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())

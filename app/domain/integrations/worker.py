"""The background loop: apply HRIS deliveries left waiting, dispatch outbound webhooks,
recompute pairs' health every so often.

It runs inside the API process by default and as ``mentorship worker`` in production;
any number of copies can run at once (see ``app.db.locking``).
"""

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from app.config import Settings
from app.domain.integrations.hris.webhooks import apply_waiting
from app.domain.integrations.subscriptions.dispatch import Dispatcher, DispatchPolicy
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
        return cls(
            factory,
            policy,
            hris_sweep_after=timedelta(seconds=settings.hris_sweep_after_seconds),
            poll_seconds=settings.worker_poll_seconds,
            pair_health_every=timedelta(seconds=settings.pair_health_interval_seconds),
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
        return applied + await self.dispatcher.run_once()

    async def run(self, stop: asyncio.Event) -> None:
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
            await self.dispatcher.aclose()

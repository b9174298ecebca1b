"""Matching runs as jobs: claimed by a worker, computed off the event loop, saved in batches.

A worker claims the oldest queued run (``skip_locked``, so several workers share the queue)
and holds it under a lease: a token of its own and an expiry that each progress report
renews. Every write of the worker checks the token, so a run that a manager cancelled, or
that another worker took over after the lease ran out, is never written by this one again.

The stages (loading, scoring, solving, explaining, saving) are reported as they start; the
CPU work runs in a thread, and a heartbeat reports the pairs scored every second meanwhile.
Proposals are written in short transactions of ``batch_size`` rows (SQLite lets one writer
at a time in), then one transaction completes the run and writes ``matching_run.completed``
to the outbox. A run that cannot be computed fails with a stable code and a reason
(``matching_run.failed``); a run whose worker died is taken over once its lease ran out,
and fails as ``worker_lost`` after ``max_attempts``. A worker that is stopping puts its run
back in the queue.
"""

import asyncio
import contextlib
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import and_, col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import new_id, utcnow
from app.db.engine import unit_of_work
from app.db.locking import skip_locked
from app.domain.errors import DomainError
from app.domain.events.service import record_event
from app.domain.matching import computation
from app.domain.matching.candidates import Pool, build_pool, pool_rows
from app.domain.matching.run_models import (
    MatchingProposal,
    MatchingRun,
    MatchingRunCreate,
    ProposalStatus,
    RunProgress,
    RunStage,
    RunStatus,
)
from app.domain.matching.runs import drop_proposals, require_matchable, run_event
from app.domain.programs.models import Program

log = logging.getLogger("app.matching.jobs")
T = TypeVar("T")


class RunLost(Exception):
    """The run is no longer this worker's: cancelled, or taken over after its lease."""


class RunReleased(Exception):
    """The worker is stopping: the run goes back to the queue."""


@dataclass(frozen=True)
class Claim:
    run_id: uuid.UUID
    token: uuid.UUID
    program_id: uuid.UUID
    organization_id: uuid.UUID
    request: MatchingRunCreate
    requested_by: str


@dataclass
class Tracker:
    """A run's progress, shared by the thread that computes and the heartbeat."""

    progress: RunProgress = field(default_factory=RunProgress)
    lost: threading.Event = field(default_factory=threading.Event)
    stopping: Callable[[], bool] = lambda: False

    def check(self) -> None:
        if self.lost.is_set():
            raise RunLost
        if self.stopping():
            raise RunReleased

    def scored(self, pairs: int) -> None:
        """Called by the scorer after each slice (in its thread)."""
        self.check()
        self.progress.pairs_scored = pairs


class MatchingJobs:
    """Runs queued matching runs, one at a time."""

    def __init__(
        self,
        factory: async_sessionmaker[AsyncSession],
        *,
        lease_seconds: float = 120.0,
        heartbeat_seconds: float = 1.0,
        max_attempts: int = 3,
        keep: int | None = None,  # candidates per mentee (graph.default_keep when None)
        batch_size: int = 500,
        stopping: Callable[[], bool] = lambda: False,
    ) -> None:
        self.factory = factory
        self.lease = timedelta(seconds=lease_seconds)
        self.heartbeat_seconds = heartbeat_seconds
        self.max_attempts = max_attempts
        self.keep = keep
        self.batch_size = batch_size
        self.stopping = stopping

    async def run_once(self, run_id: uuid.UUID | None = None) -> int:
        """Run the oldest due run (or ``run_id`` if it is due); the number run (0 or 1)."""
        claim = await self.claim(run_id)
        if claim is None:
            return 0
        await self.execute(claim)
        return 1

    async def run(self, poll_seconds: float = 1.0) -> None:
        """Run queued runs until ``stopping()``."""
        while not self.stopping():
            try:
                busy = await self.run_once()
            except Exception:
                log.exception("matching worker pass failed")
                busy = 0
            if not busy:
                for _ in range(max(1, round(poll_seconds / 0.1))):
                    if self.stopping():
                        return
                    await asyncio.sleep(0.1)

    async def claim(self, run_id: uuid.UUID | None = None) -> Claim | None:
        """Take the oldest run that is queued, or running under a lease that ran out."""
        while True:
            async with unit_of_work(self.factory) as session:
                now = utcnow()
                statement = (
                    select(MatchingRun)
                    .where(
                        or_(
                            col(MatchingRun.status) == RunStatus.QUEUED,
                            and_(
                                col(MatchingRun.status) == RunStatus.RUNNING,
                                col(MatchingRun.lease_expires_at) < now,
                            ),
                        )
                    )
                    .order_by(col(MatchingRun.created_at), col(MatchingRun.id))
                    .limit(1)
                )
                if run_id is not None:
                    statement = statement.where(MatchingRun.id == run_id)
                run = (await session.exec(skip_locked(session, statement))).first()
                if run is None:
                    return None
                if run.attempts >= self.max_attempts:
                    # Its workers died each time (say, out of memory): do not try forever.
                    await drop_proposals(session, run.id)
                    await _end(
                        session,
                        run,
                        RunStatus.FAILED,
                        "worker_lost",
                        f"The run was interrupted {run.attempts} times.",
                    )
                    continue
                run.attempts += 1
                run.status = RunStatus.RUNNING
                run.started_at = run.started_at or now
                run.lease_token = new_id()
                run.lease_expires_at = now + self.lease
                run.progress = RunProgress(stage=RunStage.LOADING).model_dump(mode="json")
                return Claim(
                    run_id=run.id,
                    token=run.lease_token,
                    program_id=run.program_id,
                    organization_id=run.organization_id,
                    request=MatchingRunCreate.model_validate(
                        {**run.options, "dry_run": run.dry_run}
                    ),
                    requested_by=run.requested_by,
                )

    async def execute(self, claim: Claim) -> None:
        tracker = Tracker(RunProgress(stage=RunStage.LOADING), stopping=self.stopping)
        heartbeat = asyncio.create_task(self._heartbeat(claim, tracker))
        try:
            pool, problem, outcome = await self._compute(claim, tracker)
            await self._save(claim, tracker, pool, problem, outcome)
        except RunLost:
            log.info("matching run %s was cancelled or taken over", claim.run_id)
        except RunReleased:
            await self._release(claim)
        except DomainError as error:
            # Say, a pair to keep whose people were paired since, or a program closed since.
            words = [error.detail] + [f"{e['field']}: {e['message']}" for e in error.errors]
            await self._fail(claim, error.code, " ".join(words))
        except Exception:
            log.exception("matching run %s failed", claim.run_id)
            await self._fail(
                claim, "internal_error", "The run stopped on an unexpected error; run it again."
            )
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat

    async def report(self, claim: Claim, tracker: Tracker) -> None:
        """Write the progress and renew the lease; ``RunLost`` if the run is not ours."""
        async with unit_of_work(self.factory) as session:
            run = await self._hold(session, claim)
            run.progress = tracker.progress.model_dump(mode="json")
            run.lease_expires_at = utcnow() + self.lease

    async def _stage(self, claim: Claim, tracker: Tracker, stage: RunStage, **counts: int) -> None:
        tracker.check()
        tracker.progress = tracker.progress.model_copy(update={"stage": stage, **counts})
        await self.report(claim, tracker)

    async def _heartbeat(self, claim: Claim, tracker: Tracker) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_seconds)
            try:
                await self.report(claim, tracker)
            except RunLost:
                tracker.lost.set()  # the thread scoring stops at its next slice
                return
            except Exception:
                log.warning("progress of matching run %s not saved", claim.run_id, exc_info=True)

    async def _hold(self, session: AsyncSession, claim: Claim) -> MatchingRun:
        """The run, locked, if this worker still holds it."""
        statement = (
            select(MatchingRun)
            .where(
                MatchingRun.id == claim.run_id,
                MatchingRun.lease_token == claim.token,
                MatchingRun.status == RunStatus.RUNNING,
            )
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        run = (await session.exec(statement)).first()
        if run is None:
            raise RunLost
        return run

    async def _compute(
        self, claim: Claim, tracker: Tracker
    ) -> tuple[Pool, computation.Problem, computation.Outcome]:
        async with unit_of_work(self.factory) as session:
            program = await session.get(Program, claim.program_id)
            if program is None:
                raise RunLost
            require_matchable(program)
            rows = await pool_rows(session, program)
        pool = await _off_loop(tracker, build_pool, rows)
        problem = await _off_loop(tracker, computation.problem, pool, claim.request)
        await self._stage(claim, tracker, RunStage.SCORING, pairs_to_score=problem.pairs_to_score)
        graph = await _off_loop(
            tracker, computation.graph, pool, problem, keep=self.keep, scored=tracker.scored
        )
        await self._stage(claim, tracker, RunStage.SOLVING, candidate_pairs=graph.edges)
        assignment = await _off_loop(tracker, computation.solve, problem, graph)
        await self._stage(claim, tracker, RunStage.EXPLAINING)
        outcome = await _off_loop(tracker, computation.outcome, pool, problem, assignment)
        return pool, problem, outcome

    async def _save(
        self,
        claim: Claim,
        tracker: Tracker,
        pool: Pool,
        problem: computation.Problem,
        outcome: computation.Outcome,
    ) -> None:
        await self._stage(claim, tracker, RunStage.SAVING)
        rows = proposal_rows(
            claim.run_id, claim.program_id, claim.organization_id, problem, outcome
        )
        for start in range(0, max(len(rows), 1), self.batch_size):
            tracker.check()
            async with unit_of_work(self.factory) as session:
                await self._hold(session, claim)
                if start == 0:  # what an interrupted attempt saved
                    await drop_proposals(session, claim.run_id)
                if rows:
                    batch = rows[start : start + self.batch_size]
                    await session.exec(insert(MatchingProposal), params=batch)
        async with unit_of_work(self.factory) as session:
            run = await self._hold(session, claim)
            tracker.progress.stage = RunStage.DONE
            await _complete(session, run, tracker.progress, pool, problem, outcome)

    async def _fail(self, claim: Claim, code: str, detail: str) -> None:
        with contextlib.suppress(RunLost):
            async with unit_of_work(self.factory) as session:
                run = await self._hold(session, claim)
                await drop_proposals(session, run.id)
                await _end(session, run, RunStatus.FAILED, code, detail)

    async def _release(self, claim: Claim) -> None:
        """Back to the queue, as if never started (the attempt is not counted)."""
        with contextlib.suppress(RunLost):
            async with unit_of_work(self.factory) as session:
                run = await self._hold(session, claim)
                await drop_proposals(session, run.id)
                run.status = RunStatus.QUEUED
                run.attempts = max(0, run.attempts - 1)
                run.lease_token = None
                run.lease_expires_at = None
                run.progress = RunProgress().model_dump(mode="json")


async def run_in_transaction(session: AsyncSession, run: MatchingRun) -> None:
    """Run a queued run to its end in the caller's transaction, on the event loop.

    For callers that build a whole world in one transaction (the demo organisation): no
    worker could see the run before it commits. Requests queue runs for the workers instead.
    """
    program = await session.get(Program, run.program_id)
    assert program is not None
    require_matchable(program)
    pool = build_pool(await pool_rows(session, program))
    problem = computation.problem(
        pool, MatchingRunCreate.model_validate({**run.options, "dry_run": run.dry_run})
    )
    graph = computation.graph(pool, problem)
    outcome = computation.outcome(pool, problem, computation.solve(problem, graph))
    run.status = RunStatus.RUNNING
    run.started_at = utcnow()
    rows = proposal_rows(run.id, run.program_id, run.organization_id, problem, outcome)
    if rows:
        await session.exec(insert(MatchingProposal), params=rows)
    progress = RunProgress(
        stage=RunStage.DONE,
        pairs_to_score=problem.pairs_to_score,
        pairs_scored=problem.pairs_to_score,
        candidate_pairs=graph.edges,
    )
    await _complete(session, run, progress, pool, problem, outcome)


def proposal_rows(
    run_id: uuid.UUID,
    program_id: uuid.UUID,
    organization_id: uuid.UUID,
    problem: computation.Problem,
    outcome: computation.Outcome,
) -> list[dict[str, Any]]:
    """The run's proposals, ready for one multi-row insert."""
    now = utcnow()
    kept = {(mentee.id, mentor.id) for mentee, mentor in problem.kept}
    return [
        {
            "id": new_id(),
            "organization_id": organization_id,
            "run_id": run_id,
            "program_id": program_id,
            "mentee_id": mentee.id,
            "mentor_id": mentor.id,
            "mentee_employee_id": mentee.employee_id,
            "mentor_employee_id": mentor.employee_id,
            "score": score,
            "explanation": document,
            "kept": (mentee.id, mentor.id) in kept,
            "status": ProposalStatus.PROPOSED.value,
            "created_at": now,
            "updated_at": now,
        }
        for mentee, mentor, score, document in sorted(
            outcome.pairs, key=lambda p: (p[0].id, p[1].id)
        )
    ]


async def _complete(
    session: AsyncSession,
    run: MatchingRun,
    progress: RunProgress,
    pool: Pool,
    problem: computation.Problem,
    outcome: computation.Outcome,
) -> None:
    """The proposals are saved: the run records who was left out and why, and completes."""
    unmatched = computation.unmatched_documents(pool, outcome)
    run.unmatched = unmatched
    run.refused = problem.refused
    run.summary = computation.summary(pool, outcome, len(unmatched)).model_dump(mode="json")
    run.progress = progress.model_dump(mode="json")
    await _end(session, run, RunStatus.COMPLETED)


async def _off_loop(tracker: Tracker, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``function`` in a thread, so the event loop keeps serving; then check the run."""
    result = await asyncio.to_thread(function, *args, **kwargs)
    tracker.check()
    return result


async def _end(
    session: AsyncSession,
    run: MatchingRun,
    status: RunStatus,
    code: str | None = None,
    detail: str | None = None,
) -> None:
    """The run ends: its lease goes, and the outbox says how."""
    run.status = status
    run.error_code, run.error = code, detail
    run.finished_at = utcnow()
    run.lease_token = None
    run.lease_expires_at = None
    await session.flush()
    event = await record_event(
        session,
        organization_id=run.organization_id,
        type=f"matching_run.{status}",
        subject_type="matching_run",
        subject_id=run.id,
        data=run_event(run),
    )
    event.actor = run.requested_by

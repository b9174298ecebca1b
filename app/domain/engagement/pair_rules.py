"""Items about a pair's mentoring: agreement, sessions, logs, feedback, inactivity.

Each function is one item source: one or two statements over every pair in scope (the
pair's people, then its program's managers where they are told too).
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, exists, func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.engagement.models import AgendaKind, Due, Recipient, SubjectType
from app.domain.engagement.rules import (
    Scope,
    at,
    days,
    employees,
    item,
    pair_start,
    setting,
    stamp,
)
from app.domain.pairs.models import Pair, PairStatus
from app.domain.programs.engagement_settings import InactivityAction
from app.domain.programs.models import Program, ProgramManager
from app.domain.progress.figures import counted_logs
from app.domain.progress.health import DEFAULT_CADENCE_DAYS
from app.domain.progress.models import FeedbackStage, PairFeedback
from app.domain.session_logs.models import LogStatus, Owner, SessionLog

# A completed pair's end feedback stays on the agenda this long after it ended.
END_FEEDBACK_WINDOW_DAYS = 60


def pair_started() -> ColumnElement[Any]:
    return func.coalesce(Pair.started_on, Pair.agreement_starts_on, Pair.created_at)


def last_held(scope: Scope, *, managed: bool = False) -> Any:
    """Each pair's last session that counts; for a person, only the pairs the rule reads
    (theirs, or with ``managed`` their programs')."""
    statement = select(SessionLog.pair_id, func.max(SessionLog.held_at).label("last_at")).where(
        *counted_logs(), *scope.tenant(SessionLog.organization_id)
    )
    if not scope.everyone:
        mine = select(Pair.id).where(*scope.tenant(Pair.organization_id))
        if managed:
            mine = mine.join(
                ProgramManager, col(ProgramManager.program_id) == Pair.program_id
            ).where(*scope.for_employee(ProgramManager.employee_id))
        else:
            mine = mine.where(*_sides(scope))
        statement = statement.where(col(SessionLog.pair_id).in_(mine))
    return statement.group_by(col(SessionLog.pair_id)).subquery()


def _sides(scope: Scope) -> list[ColumnElement[bool]]:
    if scope.everyone:
        return []
    if scope.employee_id is None:
        return [col(Pair.id).is_(None)]
    return [
        or_(
            col(Pair.mentor_employee_id) == scope.employee_id,
            col(Pair.mentee_employee_id) == scope.employee_id,
        )
    ]


def _pairs(scope: Scope, *columns: Any) -> Any:
    """Pairs (with their program) in scope, the caller's own when the scope is a person."""
    return (
        select(  # type: ignore[call-overload]
            Pair.id,
            Pair.organization_id,
            Pair.program_id,
            Pair.mentor_employee_id,
            Pair.mentee_employee_id,
            Pair.started_on,
            Pair.agreement_starts_on,
            Pair.created_at,
            setting("urgent_after_days"),
            *columns,
        )
        .join(Program, col(Program.id) == Pair.program_id)
        .where(*scope.tenant(Pair.organization_id), *_sides(scope))
    )


def _managed(scope: Scope, *columns: Any) -> Any:
    """The same pairs with one row per manager of their program (the caller, for a person)."""
    return (
        select(  # type: ignore[call-overload]
            Pair.id,
            Pair.organization_id,
            Pair.program_id,
            ProgramManager.employee_id,
            # Where the mentee is in ``_pairs``' rows, so both read alike.
            col(ProgramManager.employee_id).label("manager"),
            Pair.started_on,
            Pair.agreement_starts_on,
            Pair.created_at,
            setting("urgent_after_days"),
            *columns,
        )
        .join(Program, col(Program.id) == Pair.program_id)
        .join(ProgramManager, col(ProgramManager.program_id) == Program.id)
        .where(
            *scope.tenant(Pair.organization_id),
            *scope.for_employee(ProgramManager.employee_id),
        )
    )


async def agreement_acknowledgement(session: AsyncSession, scope: Scope) -> list[Due]:
    """A side that has not acknowledged the agreement written (or rewritten) days ago."""
    limit = setting("agreement_acknowledgement_days")
    rows = await session.exec(
        _pairs(
            scope,
            Pair.agreement_updated_at,
            Pair.mentor_acknowledged_at,
            Pair.mentee_acknowledged_at,
            limit,
        ).where(
            col(Pair.status).in_([PairStatus.PROPOSED, PairStatus.ACTIVE, PairStatus.PAUSED]),
            col(Pair.agreement_updated_at).is_not(None),
            or_(
                col(Pair.mentor_acknowledged_at).is_(None),
                col(Pair.mentee_acknowledged_at).is_(None),
            ),
            scope.elapsed(Pair.agreement_updated_at) >= limit,
        )
    )
    found = []
    for row in rows.all():
        pair_id, org, program_id, mentor, mentee, *_start_cols, urgent = row[:9]
        written, mentor_ack, mentee_ack, after = row[9:]
        due = at(written) + days(after)
        waiting = [p for p, ack in ((mentor, mentor_ack), (mentee, mentee_ack)) if ack is None]
        for recipient in employees(*waiting):
            if not _mine(scope, recipient):
                continue
            found.append(
                item(
                    scope,
                    org,
                    recipient,
                    kind=AgendaKind.AGREEMENT_ACKNOWLEDGEMENT,
                    subject=(SubjectType.PAIR, pair_id),
                    program_id=program_id,
                    reason=(
                        f"Your pair's agreement has waited {after} days for your acknowledgement."
                    ),
                    due_at=due,
                    urgent_at=due + days(urgent),
                    action=("POST", f"/pairs/{pair_id}/agreement/acknowledge"),
                    round=stamp(at(written)),
                )
            )
    return found


def _mine(scope: Scope, recipient: Recipient) -> bool:
    return scope.everyone or recipient.employee_id == scope.employee_id


def _both(
    scope: Scope,
    rows: Sequence[Any],
    kind: AgendaKind,
    reason: str,
    action: tuple[str, str],
    due_of: Any,
    round_of: Any = None,
) -> list[Due]:
    """An item for each side of each pair row (``due_of(row)`` says when it is due)."""
    found = []
    for row in rows:
        pair_id, org, program_id, mentor, mentee = row[:5]
        due = due_of(row)
        for recipient in employees(mentor, mentee):
            if not _mine(scope, recipient):
                continue
            found.append(
                item(
                    scope,
                    org,
                    recipient,
                    kind=kind,
                    subject=(SubjectType.PAIR, pair_id),
                    program_id=program_id,
                    reason=reason.format(row=row),
                    due_at=due,
                    urgent_at=due + days(row[8]),
                    action=(action[0], action[1].format(pair=pair_id)),
                    round=round_of(row) if round_of else "",
                )
            )
    return found


async def first_session(session: AsyncSession, scope: Scope) -> list[Due]:
    """An active pair with no session (that counts) days after it started."""
    limit = setting("first_session_days")
    any_log = exists().where(col(SessionLog.pair_id) == Pair.id, *counted_logs())
    rows = await session.exec(
        _pairs(scope, limit).where(
            col(Pair.status) == PairStatus.ACTIVE,
            ~any_log,
            scope.elapsed(pair_started()) >= limit,
        )
    )
    return _both(
        scope,
        rows.all(),
        AgendaKind.FIRST_SESSION,
        "Your pair started {row[9]} days ago or more and has not logged a first session.",
        ("POST", "/pairs/{pair}/session-logs"),
        lambda row: pair_start(row[5], row[6], row[7]) + days(row[9]),
    )


async def session_overdue(session: AsyncSession, scope: Scope) -> list[Due]:
    """The next session is late against the pair's own cadence (its agreement's, else the
    program's), before the pair counts as inactive."""
    last = last_held(scope)
    cadence = func.coalesce(Pair.agreement_cadence_days, Program.cadence_days, DEFAULT_CADENCE_DAYS)
    grace = setting("session_grace_days")
    rows = await session.exec(
        _pairs(scope, last.c.last_at, cadence, grace)
        .join(last, last.c.pair_id == Pair.id)
        .where(
            col(Pair.status) == PairStatus.ACTIVE,
            scope.elapsed(last.c.last_at) >= cadence + grace,
            scope.elapsed(last.c.last_at) < setting("inactive_warning_days"),
        )
    )
    return _both(
        scope,
        rows.all(),
        AgendaKind.SESSION_OVERDUE,
        "Your pair agreed to meet every {row[10]} days; the last session was longer ago.",
        ("POST", "/pairs/{pair}/session-logs"),
        lambda row: at(row[9]) + days(row[10] + row[11]),
        lambda row: stamp(at(row[9])),
    )


async def log_confirmation(session: AsyncSession, scope: Scope) -> list[Due]:
    """A logged session waiting for the other side's confirmation."""
    limit = setting("log_confirmation_days")
    rows = await session.exec(
        _pairs(scope, SessionLog.id, SessionLog.author_side, SessionLog.created_at, limit)
        .join(SessionLog, col(SessionLog.pair_id) == Pair.id)
        .where(
            col(Pair.status).in_([PairStatus.ACTIVE, PairStatus.PAUSED]),
            col(SessionLog.status) == LogStatus.PENDING,
            col(SessionLog.deleted_at).is_(None),
            scope.elapsed(SessionLog.created_at) >= limit,
        )
    )
    found = []
    for row in rows.all():
        pair_id, org, program_id, mentor, mentee = row[:5]
        urgent = row[8]
        log_id, author_side, created, after = row[9:]
        recipient = Recipient(employee_id=mentee if author_side == Owner.MENTOR else mentor)
        if not _mine(scope, recipient):
            continue
        due = at(created) + days(after)
        found.append(
            item(
                scope,
                org,
                recipient,
                kind=AgendaKind.LOG_CONFIRMATION,
                subject=(SubjectType.LOG, log_id),
                program_id=program_id,
                reason="A session your partner logged waits for you to confirm or dispute it.",
                due_at=due,
                urgent_at=due + days(urgent),
                action=("POST", f"/pairs/{pair_id}/session-logs/{log_id}/confirm"),
            )
        )
    return found


def _answered(stage: FeedbackStage, side: Any) -> Any:
    return exists().where(
        col(PairFeedback.pair_id) == Pair.id,
        col(PairFeedback.employee_id) == side,
        col(PairFeedback.stage) == stage,
    )


def _feedback_items(
    scope: Scope, rows: Sequence[Any], kind: AgendaKind, reason: str, due_of: Any
) -> list[Due]:
    found = []
    for row in rows:
        pair_id, org, program_id, mentor, mentee = row[:5]
        mentor_done, mentee_done = row[9], row[10]
        due = due_of(row)
        waiting = [p for p, done in ((mentor, mentor_done), (mentee, mentee_done)) if not done]
        for recipient in employees(*waiting):
            if not _mine(scope, recipient):
                continue
            found.append(
                item(
                    scope,
                    org,
                    recipient,
                    kind=kind,
                    subject=(SubjectType.PAIR, pair_id),
                    program_id=program_id,
                    reason=reason,
                    due_at=due,
                    urgent_at=due + days(row[8]),
                    action=("POST", f"/pairs/{pair_id}/feedback"),
                )
            )
    return found


async def mid_feedback(session: AsyncSession, scope: Scope) -> list[Due]:
    """Mid feedback, due a set number of days after the pair started."""
    limit = setting("mid_feedback_days")
    mentor_done = _answered(FeedbackStage.MID, Pair.mentor_employee_id)
    mentee_done = _answered(FeedbackStage.MID, Pair.mentee_employee_id)
    rows = await session.exec(
        _pairs(scope, mentor_done, mentee_done, limit).where(
            col(Pair.status).in_([PairStatus.ACTIVE, PairStatus.PAUSED]),
            scope.elapsed(pair_started()) >= limit,
            ~(mentor_done & mentee_done),
        )
    )
    return _feedback_items(
        scope,
        rows.all(),
        AgendaKind.MID_FEEDBACK,
        "Your mid-program feedback is due: how is the mentoring going?",
        lambda row: pair_start(row[5], row[6], row[7]) + days(row[11]),
    )


async def end_feedback(session: AsyncSession, scope: Scope) -> list[Due]:
    """End feedback: some days before the program ends, or once the pair has completed."""
    before = setting("end_feedback_days_before")
    mentor_done = _answered(FeedbackStage.END, Pair.mentor_employee_id)
    mentee_done = _answered(FeedbackStage.END, Pair.mentee_employee_id)
    ending = (
        col(Pair.status).in_([PairStatus.ACTIVE, PairStatus.PAUSED])
        & col(Program.ends_on).is_not(None)
        & (scope.elapsed(Program.ends_on) >= -before)
    )
    completed = (col(Pair.status) == PairStatus.COMPLETED) & (
        scope.elapsed(Pair.ended_at) <= END_FEEDBACK_WINDOW_DAYS
    )
    rows = await session.exec(
        _pairs(scope, mentor_done, mentee_done, Program.ends_on, Pair.ended_at, before).where(
            or_(ending, completed), ~(mentor_done & mentee_done)
        )
    )

    def due_of(row: Any) -> Any:
        ends_on, ended_at, days_before = row[11], row[12], row[13]
        planned = at(ends_on) - days(days_before) if ends_on is not None else None
        if ended_at is not None and (planned is None or ended_at < planned):
            return at(ended_at)
        return planned

    return _feedback_items(
        scope,
        rows.all(),
        AgendaKind.END_FEEDBACK,
        "Your end-of-mentoring feedback is due: what did the mentoring bring?",
        due_of,
    )


async def pair_inactive(session: AsyncSession, scope: Scope) -> list[Due]:
    """An active pair without a session for the warning delay: its people and its program's
    managers are told before the pair is paused or ended."""
    found_rows = []
    for managed in (False, True):
        last = last_held(scope, managed=managed)
        quiet_since = func.coalesce(last.c.last_at, pair_started())
        warning = setting("inactive_warning_days")
        columns = (last.c.last_at, warning, setting("inactive_action_days"))
        statement = (_managed if managed else _pairs)(scope, *columns, setting("inactive_action"))
        rows = await session.exec(
            statement.outerjoin(last, last.c.pair_id == Pair.id).where(
                col(Pair.status) == PairStatus.ACTIVE, scope.elapsed(quiet_since) >= warning
            )
        )
        found_rows.append(rows.all())
    sides, managed_rows = found_rows

    def due_of(row: Any) -> Any:
        since = at(row[9]) if row[9] is not None else pair_start(row[5], row[6], row[7])
        return since + days(row[10])

    def reason(row: Any) -> str:
        verb = "ended" if row[12] == InactivityAction.END else "paused"
        return (
            f"No session for {row[10]} days or more: the pair will be {verb} after {row[11]} "
            "days without one."
        )

    found = []
    for row in sides:
        found += _both(
            scope,
            [row],
            AgendaKind.PAIR_INACTIVE,
            reason(row),
            ("POST", "/pairs/{pair}/session-logs"),
            due_of,
            lambda r: stamp(due_of(r)),
        )
    for row in managed_rows:
        pair_id, org, program_id, manager = row[:4]
        due = due_of(row)
        found.append(
            item(
                scope,
                org,
                Recipient(employee_id=manager),
                kind=AgendaKind.PAIR_INACTIVE,
                subject=(SubjectType.PAIR, pair_id),
                program_id=program_id,
                reason=reason(row),
                due_at=due,
                urgent_at=due + days(row[8]),
                action=("POST", f"/pairs/{pair_id}/transitions"),
                round=stamp(due),
            )
        )
    return found

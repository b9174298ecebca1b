"""Use cases of session logs: log, read, list, edit, confirm or dispute, delete.

- Either person of an active or paused pair logs a session; the other confirms or
  disputes it. Changing the shared facts of a log (author only) asks for confirmation
  again.
- Each side writes their own `learned`, rating and private note. A private note is read
  back for its author only: every query of notes filters on the caller's employee id.
- The author may delete a log within ``DELETE_WINDOW`` of logging it; an administrator
  may soft-delete any log (it then disappears from every read and every figure).
- Managers, administrators and ``read`` keys read logs (never notes); their reads are audited.
"""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain import pagination
from app.domain.access.principal import Principal
from app.domain.concurrency import check_version, flush_versioned
from app.domain.errors import Conflict, Forbidden, Invalid, NotFound, field_error
from app.domain.events.service import record_event
from app.domain.pairs import access
from app.domain.pairs import repository as pair_statements
from app.domain.pairs.access import Side
from app.domain.pairs.models import Pair, PairStatus
from app.domain.pairs.service import audit_read, load_pair
from app.domain.session_logs.models import (
    LOG_REQUIRED_ON_UPDATE,
    SHARED_FIELDS,
    ActionItem,
    LogStatus,
    Owner,
    SessionLog,
    SessionLogConfirm,
    SessionLogCreate,
    SessionLogDispute,
    SessionLogNote,
    SessionLogRead,
    SessionLogUpdate,
    SideFields,
)

# How long after logging a session its author may still delete the log.
DELETE_WINDOW = timedelta(hours=24)
# A little leeway for clocks: a session "held" a few minutes ahead is not refused.
FUTURE_LEEWAY = timedelta(minutes=5)
LOGGABLE = frozenset({PairStatus.ACTIVE, PairStatus.PAUSED})


def to_read(log: SessionLog, private_note: str | None = None) -> SessionLogRead:
    return SessionLogRead(
        id=log.id,
        pair_id=log.pair_id,
        program_id=log.program_id,
        author_employee_id=log.author_employee_id,
        author_side=log.author_side,
        held_at=log.held_at,
        duration_minutes=log.duration_minutes,
        format=log.format,
        topics=log.topics,
        summary=log.summary,
        mentor_learned=log.mentor_learned,
        mentee_learned=log.mentee_learned,
        action_items=[ActionItem.model_validate(i) for i in log.action_items],
        mentor_rating=log.mentor_rating,
        mentee_rating=log.mentee_rating,
        status=log.status,
        dispute_reason=log.dispute_reason,
        responded_at=log.responded_at,
        private_note=private_note,
        created_at=log.created_at,
        updated_at=log.updated_at,
        version=log.version,
    )


# Built once: read with every page of logs, and building an IN of a page of ids costs more
# than running it.
_OWN_NOTES = select(SessionLogNote.log_id, SessionLogNote.body).where(
    SessionLogNote.organization_id == bindparam("organization_id"),
    SessionLogNote.author_employee_id == bindparam("author_employee_id"),
    col(SessionLogNote.log_id).in_(bindparam("log_ids", expanding=True)),
)


async def own_notes(
    session: AsyncSession, principal: Principal, log_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """The caller's own private notes on these logs; nobody else's, whoever asks."""
    if principal.is_machine or principal.employee_id is None or not log_ids:
        return {}
    params = {
        "organization_id": principal.organization_id,
        "author_employee_id": principal.employee_id,
        "log_ids": list(log_ids),
    }
    rows = await session.exec(_OWN_NOTES, params=params)
    return dict(rows.all())


async def reads(
    session: AsyncSession, principal: Principal, logs: Sequence[SessionLog]
) -> list[SessionLogRead]:
    notes = await own_notes(session, principal, [log.id for log in logs])
    return [to_read(log, notes.get(log.id)) for log in logs]


def _check_held_at(value: Any) -> None:
    if value is not None and value > utcnow() + FUTURE_LEEWAY:
        raise Invalid(
            "A session is logged once it has taken place.",
            errors=[field_error("held_at", "must not be in the future", "future")],
        )


def _set_action_items(log: SessionLog, items: list[ActionItem]) -> None:
    log.action_items = [item.model_dump(mode="json") for item in items]
    open_items = [item for item in items if not item.done]
    log.open_action_items = len(open_items)
    dues: list[date] = [item.due for item in open_items if item.due is not None]
    log.next_due_on = min(dues) if dues else None


def _apply_side(log: SessionLog, side: Side, data: SideFields, changes: set[str]) -> bool:
    touched = False
    if "learned" in changes:
        attribute = "mentor_learned" if side == Side.MENTOR else "mentee_learned"
        touched |= getattr(log, attribute) != data.learned
        setattr(log, attribute, data.learned)
    if "rating" in changes:
        attribute = "mentor_rating" if side == Side.MENTOR else "mentee_rating"
        touched |= getattr(log, attribute) != data.rating
        setattr(log, attribute, data.rating)
    return touched


async def _write_note(
    session: AsyncSession, principal: Principal, log: SessionLog, body: str | None
) -> None:
    assert principal.employee_id is not None
    existing = (
        await session.exec(
            select(SessionLogNote).where(
                SessionLogNote.log_id == log.id,
                SessionLogNote.author_employee_id == principal.employee_id,
            )
        )
    ).first()
    if body is None or not body.strip():
        if existing is not None:
            await session.delete(existing)
    elif existing is None:
        session.add(
            SessionLogNote(
                organization_id=log.organization_id,
                log_id=log.id,
                author_employee_id=principal.employee_id,
                body=body,
            )
        )
    else:
        existing.body = body
        existing.updated_at = utcnow()
    await session.flush()


async def _event(session: AsyncSession, principal: Principal, log: SessionLog, kind: str) -> None:
    # The snapshot never carries a private note.
    await record_event(
        session,
        organization_id=log.organization_id,
        type=f"session_log.{kind}",
        subject_type="session_log",
        subject_id=log.id,
        data=to_read(log),
        actor=principal,
    )


async def create_log(
    session: AsyncSession, principal: Principal, pair_id: uuid.UUID, data: SessionLogCreate
) -> tuple[SessionLog, str | None]:
    seen = await load_pair(session, principal, pair_id)
    pair = seen.pair
    side = access.require_side(principal, pair, "log their sessions")
    if pair.status not in LOGGABLE:
        raise Conflict("Sessions are logged while the pair is active.", code="pair_not_active")
    _check_held_at(data.held_at)
    assert principal.employee_id is not None
    log = SessionLog(
        organization_id=pair.organization_id,
        pair_id=pair.id,
        program_id=pair.program_id,
        author_employee_id=principal.employee_id,
        author_side=Owner(side.value),
        held_at=data.held_at,
        duration_minutes=data.duration_minutes,
        format=data.format,
        topics=data.topics,
        summary=data.summary,
    )
    _set_action_items(log, data.action_items)
    _apply_side(log, side, data, data.model_fields_set)
    session.add(log)
    await session.flush()
    if data.private_note:
        await _write_note(session, principal, log, data.private_note)
    await _event(session, principal, log, "created")
    return log, data.private_note or None


def log_not_found() -> NotFound:
    return NotFound("Session log not found.", code="session_log_not_found")


async def _load_log(
    session: AsyncSession, pair: Pair, log_id: uuid.UUID, *, lock: bool = False
) -> SessionLog:
    statement = select(SessionLog).where(
        SessionLog.id == log_id,
        SessionLog.pair_id == pair.id,
        col(SessionLog.deleted_at).is_(None),
    )
    if lock:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    log = (await session.exec(statement)).first()
    if log is None:
        raise log_not_found()
    return log


async def get_log(
    session: AsyncSession, principal: Principal, pair_id: uuid.UUID, log_id: uuid.UUID
) -> SessionLogRead:
    seen = await load_pair(session, principal, pair_id)
    log = await _load_log(session, seen.pair, log_id)
    await audit_read(session, principal, seen.pair, "session_log")
    return (await reads(session, principal, [log]))[0]


_LOG_ROWS = select(*SessionLog.__table__.columns)  # type: ignore[attr-defined]


async def list_logs(
    session: AsyncSession,
    principal: Principal,
    pair_id: uuid.UUID,
    *,
    limit: int | None,
    cursor: str | None,
    status: LogStatus | None = None,
) -> pagination.Page[SessionLogRead]:
    """A pair's logs, oldest logged first."""
    seen = await load_pair(session, principal, pair_id)
    await audit_read(session, principal, seen.pair, "session_log")
    # Rows, not entities: a page is only read, and loading 50 objects into the session's
    # identity map (state, instrumented attributes) cost more than the query. The rows have
    # the entity's attribute names, which is all that to_read and the cursors look at.
    statement = _LOG_ROWS.where(
        SessionLog.pair_id == seen.pair.id, col(SessionLog.deleted_at).is_(None)
    )
    if status is not None:
        statement = statement.where(SessionLog.status == status.value)
    page = await pagination.paginate(
        session,
        statement,
        keys=[SessionLog.id],
        limit=limit,
        cursor=cursor,
    )
    return pagination.Page(
        items=await reads(session, principal, page.items),
        next_cursor=page.next_cursor,
        cursors=page.cursors,
        has_previous=page.has_previous,
    )


async def update_log(
    session: AsyncSession,
    principal: Principal,
    pair_id: uuid.UUID,
    log_id: uuid.UUID,
    data: SessionLogUpdate,
    expected_version: int | None,
) -> SessionLog:
    seen = await load_pair(session, principal, pair_id)
    side = access.require_side(principal, seen.pair, "change their session logs")
    log = await _load_log(session, seen.pair, log_id, lock=True)
    check_version(log.version, expected_version, "session log")
    given = set(data.model_fields_set)
    shared = given & SHARED_FIELDS
    if shared and log.author_employee_id != principal.employee_id:
        raise Forbidden(
            "Only the author changes what the log says happened; confirm or dispute it.",
            code="not_log_author",
        )
    changes = data.model_dump(include=shared)
    cleared = sorted(n for n in LOG_REQUIRED_ON_UPDATE if n in changes and changes[n] is None)
    if cleared:
        raise Invalid(
            "Some required fields cannot be cleared.",
            errors=[field_error(n, "cannot be null", "required") for n in cleared],
        )
    _check_held_at(changes.get("held_at"))
    touched = False
    for name in shared:
        if name == "action_items":
            before = log.action_items
            _set_action_items(log, data.action_items or [])
            touched |= before != log.action_items
        elif getattr(log, name) != getattr(data, name):
            setattr(log, name, getattr(data, name))
            touched = True
    if touched and log.status != LogStatus.PENDING:
        # What was confirmed or disputed is not what the log says any more.
        log.status = LogStatus.PENDING
        log.dispute_reason = None
        log.responded_at = None
    touched |= _apply_side(log, side, data, given)
    if touched:
        log.updated_at = utcnow()
        await flush_versioned(session, "session log")
        await _event(session, principal, log, "updated")
    if "private_note" in given:
        await _write_note(session, principal, log, data.private_note)
    return log


async def _respond(
    session: AsyncSession,
    principal: Principal,
    pair_id: uuid.UUID,
    log_id: uuid.UUID,
    expected_version: int | None,
) -> tuple[SessionLog, Side]:
    seen = await load_pair(session, principal, pair_id)
    side = access.require_side(principal, seen.pair, "confirm their session logs")
    log = await _load_log(session, seen.pair, log_id, lock=True)
    if expected_version is not None:
        check_version(log.version, expected_version, "session log")
    if log.author_employee_id == principal.employee_id:
        raise Forbidden("The other participant confirms or disputes a log.", code="own_session_log")
    if log.status != LogStatus.PENDING:
        raise Conflict(f"The log is already {log.status}.", code="session_log_already_answered")
    return log, side


async def confirm_log(
    session: AsyncSession,
    principal: Principal,
    pair_id: uuid.UUID,
    log_id: uuid.UUID,
    data: SessionLogConfirm,
    expected_version: int | None,
) -> SessionLog:
    log, side = await _respond(session, principal, pair_id, log_id, expected_version)
    log.status = LogStatus.CONFIRMED
    log.responded_at = utcnow()
    _apply_side(log, side, data, data.model_fields_set)
    log.updated_at = utcnow()
    await flush_versioned(session, "session log")
    if "private_note" in data.model_fields_set:
        await _write_note(session, principal, log, data.private_note)
    await _event(session, principal, log, "confirmed")
    return log


async def dispute_log(
    session: AsyncSession,
    principal: Principal,
    pair_id: uuid.UUID,
    log_id: uuid.UUID,
    data: SessionLogDispute,
    expected_version: int | None,
) -> SessionLog:
    log, _side = await _respond(session, principal, pair_id, log_id, expected_version)
    log.status = LogStatus.DISPUTED
    log.dispute_reason = data.reason
    log.responded_at = utcnow()
    log.updated_at = utcnow()
    await flush_versioned(session, "session log")
    await _event(session, principal, log, "disputed")
    return log


async def delete_log(
    session: AsyncSession,
    principal: Principal,
    pair_id: uuid.UUID,
    log_id: uuid.UUID,
    expected_version: int | None,
) -> None:
    """The author removes their log within the window; an administrator soft-deletes it."""
    seen = await load_pair(session, principal, pair_id)
    log = await _load_log(session, seen.pair, log_id, lock=True)
    if expected_version is not None:
        check_version(log.version, expected_version, "session log")
    if principal.is_admin:
        log.deleted_at = utcnow()
        log.deleted_by = principal.actor
        await flush_versioned(session, "session log")
    elif log.author_employee_id == principal.employee_id and not principal.is_machine:
        if utcnow() - log.created_at > DELETE_WINDOW:
            raise Conflict(
                f"A log can be deleted within {int(DELETE_WINDOW.total_seconds() // 3600)} "
                "hours of logging it; ask an administrator.",
                code="delete_window_passed",
            )
        await session.exec(delete(SessionLogNote).where(col(SessionLogNote.log_id) == log.id))
        await session.delete(log)
        await session.flush()
    else:
        raise Forbidden(
            "Only the author (soon after logging) or an administrator deletes a log.",
            code="not_log_author",
        )
    await record_event(
        session,
        organization_id=seen.pair.organization_id,
        type="session_log.deleted",
        subject_type="session_log",
        subject_id=log_id,
        data={"id": str(log_id), "pair_id": str(seen.pair.id)},
        actor=principal,
    )


async def last_logs_by_pair_ids(
    session: AsyncSession, organization_id: uuid.UUID, pair_ids: Sequence[uuid.UUID], per_pair: int
) -> dict[uuid.UUID, list[SessionLog]]:
    """Each pair's latest ``per_pair`` logs (newest first), in one query."""
    grouped: dict[uuid.UUID, list[SessionLog]] = defaultdict(list)
    if not pair_ids:
        return grouped
    from sqlalchemy import func

    ranked = (
        select(
            col(SessionLog.id).label("id"),
            func.row_number()
            .over(
                partition_by=col(SessionLog.pair_id),
                order_by=(col(SessionLog.held_at).desc(), col(SessionLog.id).desc()),
            )
            .label("rank"),
        )
        .where(
            SessionLog.organization_id == organization_id,
            col(SessionLog.pair_id).in_(pair_ids),
            col(SessionLog.deleted_at).is_(None),
        )
        .subquery()
    )
    rows = await session.exec(
        select(SessionLog)
        .join(ranked, col(SessionLog.id) == ranked.c.id)
        .where(ranked.c.rank <= per_pair)
        .order_by(col(SessionLog.held_at).desc(), col(SessionLog.id).desc())
    )
    for log in rows.all():
        grouped[log.pair_id].append(log)
    return grouped


async def list_visible_logs(
    session: AsyncSession,
    principal: Principal,
    *,
    program_id: uuid.UUID | None,
    status: LogStatus | None,
    limit: int | None,
    cursor: str | None,
) -> pagination.Page[SessionLogRead]:
    """Every log of the pairs the caller may see (all of them for administrators and
    ``read`` keys)."""
    statement = select(SessionLog).where(
        SessionLog.organization_id == principal.organization_id,
        col(SessionLog.deleted_at).is_(None),
    )
    if access.visible_pairs(principal) is not None:
        # A semi-join keeps the scan in the logs' own order, so a page stops at its limit.
        seen = pair_statements.visible_in(select(Pair.id), principal)
        statement = statement.where(col(SessionLog.pair_id).in_(seen))
    if program_id is not None:
        statement = statement.where(SessionLog.program_id == program_id)
    if status is not None:
        statement = statement.where(SessionLog.status == status.value)
    page = await pagination.paginate(
        session, statement, keys=[SessionLog.id], limit=limit, cursor=cursor
    )
    pair_ids = {log.pair_id for log in page.items}
    if pair_ids:
        pairs = await session.exec(
            pair_statements.of_organization(principal.organization_id).where(
                col(Pair.id).in_(pair_ids)
            )
        )
        for pair in pairs.all():
            await audit_read(session, principal, pair, "session_log")
    return pagination.Page(
        items=await reads(session, principal, page.items),
        next_cursor=page.next_cursor,
        cursors=page.cursors,
        has_previous=page.has_previous,
    )

"""The floor: the same SQL as the service's hot paths, with nothing else around it.

A bare Starlette app on an asyncpg pool. Each route verifies the employee's JWT the way the
service does (the identity provider looked up by issuer, the token checked with PyJWT, the
employee looked up by e-mail) and then runs the statements the service runs for that
request, in one transaction, as captured from the service itself (see bench/README.md). The
service's throughput is reported as a fraction of this one's, so the figure says what the
framework, validation, authorization rules and serialization cost on top of the database.

    MENTOR_FLOOR_DSN=postgresql://... uvicorn bench.floor_app:app --workers 2
"""

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import asyncpg
import jwt
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

IDP_SQL = (
    "SELECT version, created_at, updated_at, organization_id, id, name, issuer, audience, "
    "identity_claim, enabled, jwks, jwks_url, public_key_pem, shared_secret "
    "FROM identity_providers WHERE issuer = $1 AND enabled IS true"
)
EMPLOYEE_SQL = (
    "SELECT version, created_at, updated_at, organization_id, id, external_id, email, "
    "user_name, given_name, family_name, job_title, department, location, manager_id, "
    "seniority_level, birth_year, hire_date, languages, timezone, status, role, terminated_on, "
    "source_updated_at, pending_manager_external_id, erased_at "
    "FROM employees WHERE organization_id = $1 AND email = $2"
)
PAIR_SQL = (
    "SELECT version, created_at, updated_at, organization_id, id, program_id, mentor_id, "
    "mentee_id, mentor_employee_id, mentee_employee_id, status, origin, matching_run_id, score, "
    "explanation, started_on, ended_at, end_reason, end_note, agreement_format, "
    "agreement_cadence_days, agreement_channel, agreement_ground_rules, "
    "agreement_confidentiality, agreement_starts_on, agreement_updated_at, "
    "mentor_acknowledged_at, mentee_acknowledged_at, health, health_checked_at "
    "FROM pairs WHERE id = $1 AND organization_id = $2"
)
PROGRAM_SQL = (
    "SELECT version, created_at, updated_at, organization_id, id, name, description, kind, "
    "starts_on, ends_on, cadence_days, meeting_minutes, default_mentor_capacity, status, "
    "status_changed_at, archived_from, matching_settings, enrolling_waiver_reason, "
    "enrolling_waived_by, enrolling_waived_at FROM programs WHERE id = $1"
)
MANAGERS_SQL = (
    "SELECT program_id, organization_id, id, employee_id FROM program_managers "
    "WHERE program_id = ANY($1::uuid[]) ORDER BY id"
)
LOG_FIGURES_SQL = (
    "SELECT pair_id, count(*), coalesce(sum(duration_minutes), 0), max(held_at), "
    "coalesce(sum(mentor_rating), 0), count(mentor_rating), coalesce(sum(mentee_rating), 0), "
    "count(mentee_rating), coalesce(sum(open_action_items), 0), min(next_due_on) "
    "FROM session_logs WHERE organization_id = $1 AND deleted_at IS NULL AND status != $2 "
    "AND pair_id = ANY($3::uuid[]) GROUP BY pair_id"
)
GOALS_SQL = (
    "SELECT pair_id, count(*), coalesce(sum(CASE WHEN status = 'achieved' THEN 1 ELSE 0 END), 0), "
    "sum(progress) FROM pair_goals WHERE organization_id = $1 AND pair_id = ANY($2::uuid[]) "
    "GROUP BY pair_id"
)
LOG_COLUMNS = (
    "version, created_at, updated_at, organization_id, id, pair_id, program_id, "
    "author_employee_id, author_side, held_at, duration_minutes, format, topics, summary, "
    "mentor_learned, mentee_learned, action_items, open_action_items, next_due_on, "
    "mentor_rating, mentee_rating, status, dispute_reason, responded_at, deleted_at, deleted_by"
)
LOGS_PAGE_SQL = (
    f"SELECT {LOG_COLUMNS} FROM session_logs WHERE pair_id = $1 AND deleted_at IS NULL "
    "ORDER BY id LIMIT $2"
)
NOTES_SQL = (
    "SELECT log_id, body FROM session_log_notes WHERE organization_id = $1 "
    "AND author_employee_id = $2 AND log_id = ANY($3::uuid[])"
)
INSERT_LOG_SQL = (
    f"INSERT INTO session_logs ({LOG_COLUMNS}) VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8, $9, "
    "$10, $11, $12, $13, NULL, NULL, '[]', 0, NULL, NULL, NULL, 'pending', NULL, NULL, NULL, "
    f"NULL) RETURNING {LOG_COLUMNS}"
)
INSERT_EVENT_SQL = (
    "INSERT INTO outbox_events (organization_id, id, type, occurred_at, subject_type, "
    "subject_id, data, schema_version, actor, dispatched_at) "
    "VALUES ($1, $2, 'session_log.created', $3, 'session_log', $4, $5, 1, $6, NULL)"
)


def _json(data: object, status: int = 200) -> Response:
    return Response(
        orjson.dumps(data, default=str), status_code=status, media_type="application/json"
    )


class Denied(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


async def _employee(request: Request, connection: asyncpg.Connection) -> asyncpg.Record:
    token = request.headers.get("authorization", "").removeprefix("Bearer ")
    issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
    provider = await connection.fetchrow(IDP_SQL, issuer)
    if provider is None:
        raise Denied(401)
    claims = jwt.decode(
        token, provider["shared_secret"], algorithms=["HS256"], audience=provider["audience"]
    )
    employee = await connection.fetchrow(EMPLOYEE_SQL, provider["organization_id"], claims["email"])
    if employee is None or employee["status"] != "active":
        raise Denied(401)
    return employee


async def _pair(
    request: Request, connection: asyncpg.Connection, employee: asyncpg.Record
) -> tuple[asyncpg.Record, asyncpg.Record]:
    pair = await connection.fetchrow(
        PAIR_SQL, uuid.UUID(request.path_params["pair_id"]), employee["organization_id"]
    )
    if pair is None:
        raise Denied(404)
    program = await connection.fetchrow(PROGRAM_SQL, pair["program_id"])
    managers = await connection.fetch(MANAGERS_SQL, [pair["program_id"]])
    people = {pair["mentor_employee_id"], pair["mentee_employee_id"]}
    if employee["id"] not in people and employee["id"] not in {m["employee_id"] for m in managers}:
        raise Denied(404)
    return pair, program


def _route(handler: Any) -> Any:
    async def endpoint(request: Request) -> Response:
        try:
            async with request.app.state.pool.acquire() as connection, connection.transaction():
                employee = await _employee(request, connection)
                response: Response = await handler(request, connection, employee)
                return response
        except Denied as denied:
            return _json({"status": denied.status}, denied.status)

    return endpoint


async def progress(
    request: Request, connection: asyncpg.Connection, employee: asyncpg.Record
) -> Response:
    pair, program = await _pair(request, connection, employee)
    organization = employee["organization_id"]
    logs = await connection.fetchrow(LOG_FIGURES_SQL, organization, "disputed", [pair["id"]])
    goals = await connection.fetchrow(GOALS_SQL, organization, [pair["id"]])
    cadence = pair["agreement_cadence_days"] or program["cadence_days"] or 14
    last = logs[3] if logs else None
    days = (datetime.now(UTC) - last).total_seconds() / 86400 if last else None
    return _json(
        {
            "pair_id": pair["id"],
            "status": pair["status"],
            "cadence_days": cadence,
            "sessions": logs[1] if logs else 0,
            "minutes": logs[2] if logs else 0,
            "last_session_at": last,
            "days_since_last_session": days,
            "goals_total": goals[1] if goals else 0,
            "goals_achieved": goals[2] if goals else 0,
            "health": "at_risk" if days is not None and days > 2 * cadence else "on_track",
        }
    )


def _log(record: asyncpg.Record) -> dict[str, Any]:
    row = dict(record)
    for key in ("topics", "action_items"):
        row[key] = orjson.loads(row[key])
    return row


async def session_logs(
    request: Request, connection: asyncpg.Connection, employee: asyncpg.Record
) -> Response:
    pair, _program = await _pair(request, connection, employee)
    limit = int(request.query_params.get("limit", "50"))
    records = await connection.fetch(LOGS_PAGE_SQL, pair["id"], limit + 1)
    page = records[:limit]
    notes = await connection.fetch(
        NOTES_SQL, employee["organization_id"], employee["id"], [r["id"] for r in page]
    )
    mine = {n["log_id"]: n["body"] for n in notes}
    items = [_log(r) | {"private_note": mine.get(r["id"])} for r in page]
    cursor = str(items[-1]["id"]) if len(records) > limit else None
    return _json({"items": items, "next_cursor": cursor})


async def log_session(
    request: Request, connection: asyncpg.Connection, employee: asyncpg.Record
) -> Response:
    body = orjson.loads(await request.body())
    pair, _program = await _pair(request, connection, employee)
    now = datetime.now(UTC)
    side = "mentor" if employee["id"] == pair["mentor_employee_id"] else "mentee"
    record = await connection.fetchrow(
        INSERT_LOG_SQL,
        1,
        now,
        employee["organization_id"],
        uuid.uuid4(),
        pair["id"],
        pair["program_id"],
        employee["id"],
        side,
        datetime.fromisoformat(body["held_at"]),
        body["duration_minutes"],
        body["format"],
        orjson.dumps(body.get("topics", [])).decode(),
        body.get("summary"),
    )
    row = _log(record)
    await connection.execute(
        INSERT_EVENT_SQL,
        employee["organization_id"],
        uuid.uuid4(),
        now,
        record["id"],
        orjson.dumps(row, default=str).decode(),
        f"employee:{employee['id']}",
    )
    return _json(row, 201)


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    app.state.pool = await asyncpg.create_pool(
        os.environ["MENTOR_FLOOR_DSN"], min_size=2, max_size=10
    )
    yield
    await app.state.pool.close()


app = Starlette(
    routes=[
        Route("/api/v1/pairs/{pair_id}/progress", _route(progress)),
        Route("/api/v1/pairs/{pair_id}/session-logs", _route(session_logs), methods=["GET"]),
        Route("/api/v1/pairs/{pair_id}/session-logs", _route(log_session), methods=["POST"]),
    ],
    lifespan=lifespan,
)

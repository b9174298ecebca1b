"""The floor: the same SQL as the service's hot paths, with nothing else around it.

A bare Starlette app on an asyncpg pool: look the API key up by hash, then run the read or
write. The service's throughput is reported as a fraction of this one's, so the figure says
what the framework, validation, authorization and serialization cost on top of the database.

    MENTOR_FLOOR_DSN=postgresql://... uvicorn bench.floor_app:app --workers 2
"""

import hashlib
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import asyncpg
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

KEY_SQL = (
    "SELECT id, organization_id, scopes, revoked_at, expires_at FROM api_keys WHERE key_hash = $1"
)
EMPLOYEE_COLUMNS = (
    "id, external_id, email, given_name, family_name, job_title, department, location, "
    "manager_id, seniority_level, birth_year, hire_date, languages, timezone, status, role, "
    "created_at, updated_at, version"
)


def _json(data: object, status: int = 200) -> Response:
    return Response(
        orjson.dumps(data, default=str), status_code=status, media_type="application/json"
    )


async def _organization(request: Request, connection: asyncpg.Connection) -> uuid.UUID | None:
    token = request.headers.get("authorization", "").removeprefix("Bearer ")
    key = await connection.fetchrow(KEY_SQL, hashlib.sha256(token.encode()).hexdigest())
    if key is None or key["revoked_at"] is not None:
        return None
    return key["organization_id"]  # type: ignore[no-any-return]


def _row(record: asyncpg.Record) -> dict[str, object]:
    return {k: (orjson.loads(v) if k == "languages" else v) for k, v in record.items()}


async def employee(request: Request) -> Response:
    async with request.app.state.pool.acquire() as connection, connection.transaction():
        organization = await _organization(request, connection)
        if organization is None:
            return _json({"status": 401}, 401)
        record = await connection.fetchrow(
            f"SELECT {EMPLOYEE_COLUMNS} FROM employees WHERE id = $1 AND organization_id = $2",
            uuid.UUID(request.path_params["employee_id"]),
            organization,
        )
    if record is None:
        return _json({"status": 404}, 404)
    return _json(_row(record))


async def employees(request: Request) -> Response:
    limit = int(request.query_params.get("limit", "50"))
    async with request.app.state.pool.acquire() as connection, connection.transaction():
        organization = await _organization(request, connection)
        if organization is None:
            return _json({"status": 401}, 401)
        records = await connection.fetch(
            f"SELECT {EMPLOYEE_COLUMNS} FROM employees WHERE organization_id = $1 "
            "ORDER BY id LIMIT $2",
            organization,
            limit + 1,
        )
    items = [_row(r) for r in records[:limit]]
    return _json(
        {"items": items, "next_cursor": str(items[-1]["id"]) if len(records) > limit else None}
    )


async def create_employee(request: Request) -> Response:
    body = orjson.loads(await request.body())
    now = datetime.now(UTC)
    async with request.app.state.pool.acquire() as connection, connection.transaction():
        organization = await _organization(request, connection)
        if organization is None:
            return _json({"status": 401}, 401)
        ident = uuid.uuid4()
        record = await connection.fetchrow(
            f"INSERT INTO employees (id, organization_id, email, given_name, family_name, "
            "seniority_level, languages, timezone, status, role, created_at, updated_at, version) "
            "VALUES ($1, $2, $3, $4, $5, 0, '[]', 'UTC', 'active', 'employee', $6, $6, 1) "
            f"RETURNING {EMPLOYEE_COLUMNS}",
            ident,
            organization,
            body["email"].lower(),
            body["given_name"],
            body["family_name"],
            now,
        )
        await connection.execute(
            "INSERT INTO outbox_events (id, organization_id, type, occurred_at, subject_type, "
            "subject_id, data, schema_version) VALUES ($1, $2, 'employee.created', $3, 'employee', "
            "$4, $5, 1)",
            uuid.uuid4(),
            organization,
            now,
            ident,
            orjson.dumps(_row(record), default=str).decode(),
        )
    return _json(_row(record), 201)


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    app.state.pool = await asyncpg.create_pool(
        os.environ["MENTOR_FLOOR_DSN"], min_size=2, max_size=10
    )
    yield
    await app.state.pool.close()


app = Starlette(
    routes=[
        Route("/api/v1/employees/{employee_id}", employee),
        Route("/api/v1/employees", employees, methods=["GET"]),
        Route("/api/v1/employees", create_employee, methods=["POST"]),
    ],
    lifespan=lifespan,
)

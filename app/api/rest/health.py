"""Liveness, readiness and metrics: what load balancers and Prometheus call."""

import hmac
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel
from sqlalchemy import text

from app.api.deps import bearer_scheme
from app.api.problems import responses
from app.db.migrations import current_revisions
from app.domain.errors import Unauthorized, Unavailable
from app.observability import metrics_payload

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready"]
    database: Literal["ok"]
    migrations: Literal["at_head"]


@router.get("/health", summary="Liveness: the process is up")
async def health() -> Health:
    return Health(status="ok")


@router.get(
    "/ready",
    summary="Readiness: the database answers and its schema is current",
    responses=responses(503),
)
async def ready(request: Request) -> Readiness:
    engine = request.app.state.engine
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        current = await current_revisions(engine)
    except Exception as exc:  # any failure to reach the database means not ready
        raise Unavailable("The database is unreachable.", code="database_unavailable") from exc
    if current != request.app.state.migration_heads:
        raise Unavailable(
            "The database schema is not at the code's migration head; run `mentorship migrate`.",
            code="migrations_pending",
            current=sorted(current),
            expected=sorted(request.app.state.migration_heads),
        )
    return Readiness(status="ready", database="ok", migrations="at_head")


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    description="Needs the operator's metrics token (`MENTOR_METRICS_TOKEN`) as a bearer token.",
    response_class=Response,
    responses={
        200: {"content": {"text/plain": {"schema": {"type": "string"}}}, "description": "Metrics"},
        **responses(401),
    },
)
async def metrics(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Response:
    expected = request.app.state.settings.metrics_token
    given = credentials.credentials if credentials else ""
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise Unauthorized("Metrics need the operator's metrics token.", code="unauthenticated")
    payload, content_type = metrics_payload()
    return Response(payload, media_type=content_type)

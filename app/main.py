"""The ASGI application: routers, GraphQL, error handlers, middleware and lifespan."""

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from asgi_correlation_id import CorrelationIdMiddleware
from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from app import __version__
from app.api import problems
from app.api.deps import reject_unknown_query_parameters
from app.api.graphql import ide as graphql_ide
from app.api.graphql.schema import create_router as create_graphql_router
from app.api.limits import BodyLimitMiddleware, RequestRateLimiter
from app.api.rest import (
    access,
    audit,
    circle_meetings,
    circles,
    consultations,
    employees,
    engagement,
    groups,
    health,
    hris,
    impact,
    matching,
    notifications,
    pair_fit,
    pairs,
    privacy,
    programs,
    progress,
    session_logs,
    webhook_subscriptions,
    workshops,
)
from app.api.scim import create_scim_app
from app.api.security_headers import SecurityHeadersMiddleware
from app.config import Settings, get_settings
from app.db.engine import create_engine, create_session_factory
from app.db.migrations import head_revisions
from app.domain.access.authentication import AuthSettings
from app.domain.access.tokens import JWKSCache
from app.domain.integrations.worker import Worker
from app.domain.schemas import TIME_ZONE_MARK, TIME_ZONE_SCHEMA
from app.observability import ObservabilityMiddleware, configure_logging, is_valid_request_id

DESCRIPTION = """
Run reverse-mentoring programs from your intranet and HR systems.

**Authentication.** Every call but `/health` and `/ready` needs a bearer token: an API key
(`Authorization: Bearer mk_...`) for machine clients, or a JWT signed by your organisation's
identity provider for an employee.

**Integrations.** HRIS webhooks (`/api/v1/integrations/hris/webhooks/{organization_id}`)
authenticate by their Standard Webhooks signature instead. SCIM 2.0 provisioning lives at
`/scim/v2` (an API key with the `scim` scope; described by its own `/Schemas` and
`/ResourceTypes`). Subscribers receive events signed per Standard Webhooks.

**Errors** are RFC 9457 `application/problem+json` documents with a stable `code`: 422 when a
request does not fit this document (no value is converted from another type: `false` is not 0),
409 when it fits but breaks a business rule this document cannot state, 404 for an identifier
that names nothing in your organisation.
**Lists** use cursor pagination: `?limit=&cursor=` answers `{"items": [...], "next_cursor": ...}`.
**Updates** need the `ETag` you read in `If-Match`.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = create_engine(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        task = None
        if settings.run_worker_in_process:
            # HRIS deliveries left waiting and outbound webhooks; `mentorship worker` does the
            # same in its own process when this is turned off.
            worker = Worker.from_settings(app.state.session_factory, settings)
            task = asyncio.create_task(worker.run(stop))
        yield
        stop.set()
        if task is not None:
            await task
        await engine.dispose()

    app = FastAPIOffline(
        title="Reverse Mentoring API",
        generate_unique_id_function=_operation_id,
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        dependencies=[Depends(reject_unknown_query_parameters)],
        openapi_tags=[
            {"name": "access", "description": "The caller and their organisation."},
            {"name": "api-keys", "description": "Credentials of machine clients."},
            {"name": "identity-providers", "description": "Who signs employees' JWTs."},
            {"name": "employees", "description": "The employee directory."},
            {
                "name": "groups",
                "description": "Groups the identity provider pushes (SCIM), and their members.",
            },
            {
                "name": "programs",
                "description": "Mentoring programs: their managers, settings and lifecycle.",
            },
            {"name": "objectives", "description": "What every pair of a program works toward."},
            {"name": "matching", "description": "Enrolment, matching runs and self-matching."},
            {
                "name": "engagement",
                "description": "What each person has to do next: agendas, and nudges as events.",
            },
            {
                "name": "consultations",
                "description": "Stakeholders consulted on a program's purpose, and their answers.",
            },
            {
                "name": "hris",
                "description": "HRIS sync: signed webhooks, their secrets, field mapping, log.",
            },
            {
                "name": "webhook-subscriptions",
                "description": "Events sent to your systems, signed per Standard Webhooks.",
            },
            {"name": "privacy", "description": "A person's right of access and to erasure."},
            {"name": "audit", "description": "Who did what: administrators and managers."},
            {"name": "graphql", "description": "The same services through GraphQL."},
            {"name": "operations", "description": "Health, readiness and metrics."},
        ],
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = create_session_factory(engine)
    app.state.auth = AuthSettings(
        jwks_cache=JWKSCache(ttl_seconds=settings.jwks_cache_seconds),
        leeway_seconds=settings.jwt_leeway_seconds,
        touch_interval_seconds=settings.api_key_touch_interval_seconds,
        cache_seconds=settings.auth_cache_seconds,
    )
    app.state.migration_heads = head_revisions(settings.database_url)
    app.state.rate_limiter = RequestRateLimiter(
        settings.rate_limit, settings.rate_limit_storage_url
    )

    problems.install(app)
    # Routes are matched in order, one pattern after the other: the pairs' day-to-day (their
    # logs and progress) comes first, as most requests are about it.
    app.include_router(session_logs.router)
    app.include_router(progress.router)
    app.include_router(engagement.router)
    app.include_router(pairs.router)
    app.include_router(pair_fit.router)
    app.include_router(create_graphql_router())
    app.include_router(health.router)
    app.include_router(access.router)
    app.include_router(employees.router)
    app.include_router(groups.router)
    app.include_router(audit.router)
    app.include_router(privacy.router)
    app.include_router(programs.router)
    app.include_router(impact.router)
    app.include_router(consultations.router)
    app.include_router(matching.router)
    app.include_router(hris.router)
    app.include_router(webhook_subscriptions.router)
    app.include_router(circles.router)
    app.include_router(circle_meetings.router)
    app.include_router(workshops.router)
    app.include_router(notifications.router)
    app.mount("/scim/v2", create_scim_app(app), name="scim")
    app.mount(
        graphql_ide.STATIC_URL, StaticFiles(directory=graphql_ide.STATIC_DIR), name="graphiql"
    )

    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(ObservabilityMiddleware)
    app.add_middleware(
        CorrelationIdMiddleware, header_name="X-Request-ID", validator=is_valid_request_id
    )
    # Outermost, so that refusals (401, 404, 429...) also carry CORS headers a browser can read.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_allowed_origins,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Authorization", "If-Match", "Content-Type", "X-Request-ID"],
        expose_headers=["ETag", "Location", "X-Request-ID", "Retry-After"],
        max_age=600,
    )

    # Outside even Starlette's error middleware, so that a 500 carries the headers too.
    build_middleware_stack = app.build_middleware_stack
    app.build_middleware_stack = lambda: SecurityHeadersMiddleware(  # type: ignore[method-assign]
        build_middleware_stack(), served_over_https=settings.served_over_https
    )
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _operation_id(route: APIRoute) -> str:
    """The handler's name (``list_pairs``), which code generators turn into method names."""
    return route.name


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    document = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(
        "Problem", problems.Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    )
    for defn in (
        problems.Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        .get("$defs", {})
        .items()
    ):
        schemas.setdefault(*defn)
    schemas["Problem"].pop("$defs", None)
    # Named once, referred to by every field that takes a time zone (app/domain/schemas.py).
    schemas["TimeZone"] = TIME_ZONE_SCHEMA
    _refer_to_time_zones(schemas)
    too_large = problems.responses(413)[413]
    conflict = problems.responses(409)[409]
    for path in document.get("paths", {}).values():
        for operation in path.values():
            if "requestBody" in operation:
                # Every body is capped (app/api/limits.py), whatever the operation, and what
                # it says may break a business rule (409, app/domain/errors.py's Invalid).
                operation.setdefault("responses", {}).setdefault(
                    "413", {"description": too_large["description"]}
                )
                operation["responses"].setdefault("409", {"description": conflict["description"]})
            if "428" in operation.get("responses", {}):
                _require_if_match(operation)
            for status, response in operation.get("responses", {}).items():
                if status.isdigit() and int(status) >= 400:
                    # Errors are problem+json only, whatever the operation's success type.
                    response["content"] = {
                        problems.PROBLEM_MEDIA_TYPE: {
                            "schema": {"$ref": "#/components/schemas/Problem"}
                        }
                    }
    _describe_graphql(document["paths"].get("/graphql", {}))
    for path in document["paths"].values():
        for operation in path.values():
            problems.name_codes(operation)
    app.openapi_schema = document
    return document


def _refer_to_time_zones(node: Any) -> None:
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    for child in children:
        if isinstance(child, dict) and child.pop(TIME_ZONE_MARK, False):
            child.pop("type", None)
            child["$ref"] = "#/components/schemas/TimeZone"
        else:
            _refer_to_time_zones(child)


def _require_if_match(operation: dict[str, Any]) -> None:
    """An operation that answers 428 without If-Match requires the header: say so."""
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "header" and parameter.get("name") == "If-Match":
            parameter["required"] = True
            parameter["schema"] = {"type": "string", "title": "If-Match"}


GRAPHQL_EXAMPLE = {
    "query": (
        "query MyPairs($first: Int!) { viewer { role employee { givenName } } "
        "pairs(first: $first) { nodes { id status health startedOn } } }"
    ),
    "variables": {"first": 10},
    "operationName": "MyPairs",
}


def _describe_graphql(item: dict[str, Any]) -> None:
    """strawberry's routes know nothing of our problems; say what they do and may answer."""
    problem = {problems.PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    errors = {
        "400": {"description": "The body is not a GraphQL request.", "content": problem},
        "401": {
            "description": "Missing, invalid or expired credentials.",
            "content": problem,
            problems.CODES_EXTENSION: list(problems.BEARER_CODES),
        },
        "429": {"description": problems.responses(429)[429]["description"], "content": problem},
    }
    guest_token = {
        "description": "A guest mentor's token, which opens the guest routes only.",
        "content": problem,
        problems.CODES_EXTENSION: [problems.GUEST_CREDENTIAL_CODE],
    }
    if "get" in item:
        item["get"].update(
            summary="GraphiQL, the in-browser GraphQL IDE",
            description="An HTML page; send `Accept: text/html`. Queries go through POST.",
            responses={**item["get"]["responses"], **errors},
        )
        item["get"]["responses"]["200"]["content"] = {"text/html": {"schema": {"type": "string"}}}
        if "404" in item["get"]["responses"]:
            item["get"]["responses"]["404"][problems.CODES_EXTENSION] = ["not_found"]
    if "post" in item:
        item["post"].update(
            summary="Run a GraphQL query or mutation",
            description=(
                "The same services as the REST API. Errors come back in `errors[]` with the REST "
                "problem's code in `extensions.code`."
            ),
            requestBody={
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["query"],
                            "properties": {
                                "query": {"type": "string", "minLength": 1},
                                "variables": {"type": ["object", "null"]},
                                "operationName": {"type": ["string", "null"]},
                                "extensions": {"type": ["object", "null"]},
                            },
                            "examples": [GRAPHQL_EXAMPLE],
                        }
                    }
                },
            },
            responses={**item["post"]["responses"], **errors, "404": guest_token},
        )


def build_app() -> FastAPI:
    """Factory for uvicorn (``--factory``): configures logging from the environment."""
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    app = create_app(settings)
    settle_heap()
    return app


# Young-generation threshold of the cyclic garbage collector while serving (CPython's default
# is 700 allocations). A request allocates tens of thousands of objects, nearly all freed by
# reference counting when it ends; at 700 a page of 50 session logs ran about 340 young
# collections every 180 requests and spent 1.7 ms of each request collecting, at 20,000 it
# ran 6 and 0.35 ms (bench/load.py's data, in process).
GC_THRESHOLDS = (20_000, 50, 100)


def settle_heap() -> None:
    """The server's garbage collection, once the application is built.

    What is loaded by now (modules, schemas, compiled models: most of the process's objects)
    lives as long as the process. Frozen, the collector stops walking it on every full
    collection (a page of 50 session logs: 11.5 -> 8.3 ms of CPU per request under load),
    and young collections run every ``GC_THRESHOLDS[0]`` allocations instead of 700.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)

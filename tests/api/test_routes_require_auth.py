"""Every route but health, readiness and the documentation needs credentials.

SCIM routes (a mounted application at /scim/v2) answer SCIM's own error document, as RFC
7644 §3.12 requires of them; every other route answers problem+json.
"""

import re
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import Mount, Route

from tests.conftest import problem, scim_error

PUBLIC = {"/health", "/ready", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
PUBLIC_PREFIXES = ("/static-offline-docs", "/static-graphiql")
SCIM_PREFIX = "/scim/v2"


def all_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every route the app serves, including included routers."""
    found: list[tuple[str, str]] = []

    def walk(routes: list[Any], prefix: str = "") -> None:
        for route in routes:
            if hasattr(route, "original_router"):
                walk(route.original_router.routes, prefix)
            elif isinstance(route, (APIRoute, Route)):
                for method in sorted(route.methods or {"GET"}):
                    if method != "HEAD":
                        found.append((method, prefix + route.path))
            elif isinstance(route, Mount) and route.path == SCIM_PREFIX:
                walk(route.routes, route.path)
            elif isinstance(route, Mount):
                found.append(("GET", route.path + "/{path}"))

    walk(app.router.routes)
    return found


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "01900000-0000-7000-8000-000000000000", path)


async def test_walk_finds_the_api(app: FastAPI) -> None:
    routes = all_routes(app)
    assert ("GET", "/api/v1/employees") in routes
    assert ("PATCH", "/api/v1/employees/{employee_id}") in routes
    assert ("POST", "/graphql") in routes
    assert ("PATCH", "/scim/v2/Users/{user_id}") in routes
    assert ("POST", "/api/v1/integrations/hris/webhooks/{organization_id}") in routes
    assert len(routes) > 20


async def test_every_private_route_answers_401_without_credentials(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    checked = 0
    for method, path in all_routes(app):
        if path in PUBLIC or path.startswith(PUBLIC_PREFIXES):
            continue
        headers = {"Content-Type": "application/json"}
        for auth in (None, "Bearer mk_invalid", "Bearer eyJhbGciOiJub25lIn0.e30."):
            if auth:
                headers["Authorization"] = auth
            response = await client.request(method, concrete(path), headers=headers, content=b"{}")
            assert response.status_code == 401, (method, path, auth, response.text)
            if path.startswith(SCIM_PREFIX):
                scim_error(response, 401)
            else:
                problem(response, 401)
        checked += 1
    assert checked > 15


async def test_public_routes_answer_without_credentials(client: httpx.AsyncClient) -> None:
    assert (await client.get("/health")).json() == {"status": "ok"}
    ready = await client.get("/ready")
    assert ready.status_code == 200
    assert ready.json()["migrations"] == "at_head"
    assert (await client.get("/openapi.json")).json()["openapi"].startswith("3.1")
    docs = await client.get("/docs")
    assert docs.status_code == 200
    # Swagger UI is served from this service, not from a CDN (it must work offline).
    assert "/static-offline-docs/swagger-ui-bundle.js" in docs.text
    assert "cdn.jsdelivr" not in docs.text
    assert "unpkg.com" not in docs.text
    asset = await client.get("/static-offline-docs/swagger-ui-bundle.js")
    assert asset.status_code == 200
    assert len(asset.content) > 100_000
    graphiql = await client.get("/graphql", headers={"Accept": "text/html"})
    assert graphiql.status_code == 200
    assert "graphiql" in graphiql.text.lower()


async def test_metrics_need_the_operator_token(client: httpx.AsyncClient) -> None:
    await client.get("/health")
    problem(await client.get("/metrics"), 401)
    problem(await client.get("/metrics", headers={"Authorization": "Bearer wrong"}), 401)
    response = await client.get(
        "/metrics", headers={"Authorization": "Bearer metrics-secret-for-tests"}
    )
    assert response.status_code == 200
    assert (
        'mentorship_http_requests_total{method="GET",route="/health",status="200"}' in response.text
    )


async def test_unknown_routes_and_methods_are_problems(client: httpx.AsyncClient) -> None:
    problem(await client.get("/nope"), 404)
    problem(await client.put("/health"), 405)

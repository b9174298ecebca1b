"""CPU per request, in process: where the service's own time goes, without sockets or wrk.

Seeds the same temporary PostgreSQL database as bench/load.py (a program of 200 pairs and
20,000 session logs, one pair's mentor signed in with a JWT), then calls the ASGI app
directly, one request after the other, and prints the process CPU time and wall time per
request of each scenario: the best of --repeats rounds of --requests requests, after a
warm-up. The scenarios are bench/load.py's, plus `GET /api/v1/me` and `/health` as
references. Writes are deleted at the end, and the database is dropped.

    .venv/bin/python -m bench.request_cost --requests 300 --repeats 5
    .venv/bin/python -m bench.request_cost --requests 300 --repeats 1 --profile 60

--profile needs pyinstrument: `.venv/bin/pip install -c constraints.txt -e '.[bench]'`.
"""

import argparse
import asyncio
import json
import time
from typing import Any

from app.config import Settings
from app.main import create_app, settle_heap
from bench.load import drop_database, forget_writes, prepare_database, scenarios


async def request(app: Any, scope: dict[str, Any], payload: bytes) -> None:
    """One request straight through the ASGI app; fails on anything but a success."""
    sent = False
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": payload, "more_body": False}
        await asyncio.Event().wait()  # the client never disconnects
        raise AssertionError

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    await app({**scope, "state": {}}, receive, send)
    if not statuses or statuses[0] >= 300:
        raise RuntimeError(f"{scope['method']} {scope['path']} answered {statuses}")


async def measure(
    url: str,
    token: str,
    pair_id: str,
    requests: int,
    repeats: int,
    profile: int = 0,
    server_heap: bool = True,
) -> list[tuple[str, float, float]]:
    app = create_app(
        Settings(database_url=url, run_worker_in_process=False, rate_limit="1000000000/minute")
    )
    if server_heap:
        settle_heap()  # as `mentorship serve` does once the app is built
    cases = [("reference: GET /health", "GET", "/health", None)]
    cases.append(("reference: GET /api/v1/me", "GET", "/api/v1/me", None))
    cases += [(s.name, s.method, s.path, s.body) for s in scenarios(pair_id)]
    results = []
    async with app.router.lifespan_context(app):
        for name, method, target, body in cases:
            path, _, query = target.partition("?")
            payload = (body or "").encode()
            headers = [
                (b"host", b"bench"),
                (b"authorization", f"Bearer {token}".encode()),
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
            ]

            scope = {
                "type": "http",
                "asgi": {"version": "3.0"},
                "http_version": "1.1",
                "method": method,
                "scheme": "http",
                "path": path,
                "raw_path": path.encode(),
                "query_string": query.encode(),
                "root_path": "",
                "headers": headers,
                "client": ("127.0.0.1", 1),
                "server": ("127.0.0.1", 80),
            }

            async def call(scope: dict[str, Any] = scope, payload: bytes = payload) -> None:
                await request(app, scope, payload)

            for _ in range(50):
                await call()
            best = (float("inf"), float("inf"))
            for _ in range(repeats):
                cpu, wall = time.process_time(), time.perf_counter()
                for _ in range(requests):
                    await call()
                best = min(
                    best,
                    (
                        (time.process_time() - cpu) / requests * 1000,
                        (time.perf_counter() - wall) / requests * 1000,
                    ),
                )
            results.append((name, *best))
            if profile:
                print(f"\n== {name}: {requests} requests under pyinstrument, top {profile} ==")
                print(await _profile(call, requests, profile))
    await app.state.engine.dispose()
    return results


async def _profile(call: Any, requests: int, lines: int) -> str:
    """pyinstrument's call tree of ``requests`` calls, cut to its first ``lines`` lines."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005, async_mode="disabled")
    profiler.start()
    for _ in range(requests):
        await call()
    profiler.stop()
    text = profiler.output_text(unicode=False, color=False, time="percent_of_total")
    return "\n".join(text.splitlines()[:lines])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=300, help="requests per round")
    parser.add_argument("--repeats", type=int, default=5, help="rounds; the best is kept")
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="LINES",
        help="also print each scenario's pyinstrument tree, cut to LINES lines",
    )
    parser.add_argument(
        "--default-gc",
        action="store_true",
        help="leave the garbage collector as Python starts it (not frozen, default thresholds)",
    )
    args = parser.parse_args()

    url, token, pair_id = asyncio.run(prepare_database())
    try:
        results = asyncio.run(
            measure(
                url,
                token,
                pair_id,
                args.requests,
                args.repeats,
                args.profile,
                server_heap=not args.default_gc,
            )
        )
    finally:
        asyncio.run(forget_writes(url.replace("postgresql+asyncpg://", "postgresql://")))
        asyncio.run(drop_database(url))
    print(f"\nin process, PostgreSQL, best of {args.repeats} x {args.requests} requests")
    print(f"{'scenario':<28} {'CPU ms/request':>15} {'wall ms/request':>16}")
    for name, cpu, wall in results:
        print(f"{name:<28} {cpu:>15.2f} {wall:>16.2f}")
    print(json.dumps({name: round(cpu, 2) for name, cpu, _ in results}))


if __name__ == "__main__":
    main()

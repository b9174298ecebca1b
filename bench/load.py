"""HTTP load on loopback: the service against a bare Starlette + asyncpg floor.

For 1 and 2 uvicorn workers, runs wrk against each scenario for a fixed time on the service
(`mentorship serve`) and on bench/floor_app.py (the same SQL, nothing else), on a temporary
PostgreSQL database seeded with a program of 200 pairs and 20,000 session logs, as one
pair's mentor (a JWT), and prints throughput, p50 and p99 latency, and the service/floor
throughput ratio. Scenarios: a pair's progress, a page of 50 session logs, logging a
session, and the pair with its progress through GraphQL. Then, with hey, each scenario at a
constant rate (half the floor's throughput by default) for the latency at a fixed offered
load. The service runs under uvicorn (uvloop, httptools), granian, or both. Needs wrk and
hey (`make loadtools`). Bounded: every run stops after --duration seconds; servers are
stopped and the database dropped at the end.

    .venv/bin/python -m bench.load --duration 10 --connections 32 --servers uvicorn,granian
"""

import argparse
import asyncio
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
import jwt

from app.config import Settings
from app.db.migrations import upgrade
from app.main import create_app
from bench.pairs import _seed

PG_ADMIN = os.environ.get("MENTOR_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
PAIRS = 200
LOGS = 20_000
ISSUER = "https://idp.load.example"
AUDIENCE = "mentorship-load"
SUMMARY = "Prompting for the monthly report (load test)."


@dataclass
class Scenario:
    name: str
    method: str
    path: str
    body: str | None = None
    lua: str | None = None  # a wrk script, for bodies that must differ per request
    floor: str | None = None  # the floor scenario it compares with, when not its own name


def scenarios(pair_id: str) -> list[Scenario]:
    graphql = json.dumps(
        {
            "query": "query($id: UUID!) { pair(id: $id) { id status progress { sessions minutes"
            " lastSessionAt daysSinceLastSession goalsTotal goalsAchieved health } } }",
            "variables": {"id": pair_id},
        }
    )
    log = json.dumps(
        {
            "held_at": "2026-11-01T10:00:00+00:00",
            "duration_minutes": 45,
            "format": "video",
            "topics": ["generative-ai"],
            "summary": SUMMARY,
        }
    )
    return [
        Scenario("read: pair progress", "GET", f"/api/v1/pairs/{pair_id}/progress"),
        Scenario("list: 50 session logs", "GET", f"/api/v1/pairs/{pair_id}/session-logs?limit=50"),
        Scenario("write: log a session", "POST", f"/api/v1/pairs/{pair_id}/session-logs", log),
        Scenario("read via GraphQL", "POST", "/graphql", graphql, floor="read: pair progress"),
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def prepare_database() -> tuple[str, str, str]:
    """A new database with a program of pairs and their logs; a JWT of one pair's mentor."""
    name = f"mentorship_load_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(PG_ADMIN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    url = f"postgresql+asyncpg://{PG_ADMIN.split('://', 1)[1].rsplit('/', 1)[0]}/{name}"
    await asyncio.to_thread(upgrade, url)
    app = create_app(Settings(database_url=url, run_worker_in_process=False))
    admin_key, _program_id, pair_id = await _seed(app, PAIRS, LOGS)
    secret = secrets.token_urlsafe(32)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://load") as client:
        created = await client.post(
            "/api/v1/identity-providers",
            json={"name": "Load", "issuer": ISSUER, "audience": AUDIENCE, "shared_secret": secret},
            headers={"Authorization": f"Bearer {admin_key}"},
        )
        assert created.status_code == 201, created.text
    await app.state.engine.dispose()
    now = datetime.now(UTC)
    # person0 is the mentor of the first pair (bench/pairs.py seeds them in that order).
    claims = {"iss": ISSUER, "aud": AUDIENCE, "email": "person0@bench.example", "iat": now}
    token = jwt.encode(claims | {"exp": now + timedelta(hours=2)}, secret, algorithm="HS256")
    return url, token, str(pair_id)


async def forget_writes(dsn: str) -> None:
    connection = await asyncpg.connect(dsn)
    await connection.execute("DELETE FROM session_logs WHERE summary = $1", SUMMARY)
    await connection.execute("DELETE FROM outbox_events WHERE type = 'session_log.created'")
    await connection.execute("VACUUM ANALYZE session_logs")
    await connection.close()


async def drop_database(url: str) -> None:
    admin = await asyncpg.connect(PG_ADMIN)
    await admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    await admin.close()


def start(command: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    # The server's stderr goes to a file, never to a pipe nobody reads: a server that writes
    # more than the pipe's 64 KiB (a traceback for each request wrk cuts off at the end of
    # a run) would block on its next write and stop answering, and every later run against
    # it would measure nothing.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True
        )
        deadline = time.monotonic() + 180  # a loaded machine takes its time to import
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/api/v1/pairs/x/progress", timeout=1
                )
            except urllib.error.HTTPError:
                return process  # answering (401 without a key)
            except OSError:
                time.sleep(0.2)
                continue
            return process
        os.killpg(process.pid, signal.SIGKILL)
        log.seek(0)
        raise RuntimeError(f"{' '.join(command)} did not start: {log.read()[-2000:].decode()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def wrk(
    port: int, scenario: Scenario, token: str, duration: int, connections: int
) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        if scenario.lua:
            script.write(scenario.lua)
        else:
            body = json.dumps(scenario.body) if scenario.body else "nil"
            script.write(
                f'wrk.method = "{scenario.method}"\n'
                f"wrk.body = {body}\n"
                'wrk.headers["Content-Type"] = "application/json"\n'
            )
    output = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(connections),
            "-d",
            f"{duration}s",
            "--latency",
            # Slow answers count as answers (wrk's default gives up after 2 s, and the
            # figures of a loaded machine then show nothing at all).
            "--timeout",
            "30s",
            "-H",
            f"Authorization: Bearer {token}",
            "-s",
            script.name,
            f"http://127.0.0.1:{port}{scenario.path}",
        ],
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=True,
    ).stdout
    Path(script.name).unlink()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)

    def percentile(p: str) -> float:
        match = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", output)
        assert match, output
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    return {
        "rps": rps,
        "p50": percentile("50"),
        "p99": percentile("99"),
        "errors": float(errors.group(1)) if errors else 0.0,
    }


def hey(port: int, scenario: Scenario, token: str, duration: int, rate: float) -> dict[str, float]:
    """A constant offered load: ``rate`` requests a second for ``duration`` seconds.

    hey's workers each send at a fixed pace (-q per worker), enough of them that a slow
    answer does not hold the next request back; p50/p99 are computed from every request's
    latency (its CSV output), so queueing shows in them instead of lowering the rate.
    """
    workers = max(4, round(rate / 10))
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as body:
        body.write(scenario.body or "")
    command = [
        "hey",
        "-z",
        f"{duration}s",
        "-c",
        str(workers),
        "-q",
        f"{rate / workers:.3f}",
        "-m",
        scenario.method,
        "-H",
        f"Authorization: Bearer {token}",
        "-T",
        "application/json",
        "-o",
        "csv",
    ]
    if scenario.body:
        command += ["-D", body.name]
    command.append(f"http://127.0.0.1:{port}{scenario.path}")
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 60, check=False
    )
    output = done.stdout
    Path(body.name).unlink()
    if done.returncode != 0 or len(output.splitlines()) < 2:
        print(f"hey: {' '.join(command)}: {done.returncode} {done.stderr[-500:]}", file=sys.stderr)
    latencies: list[float] = []
    errors = 0
    for line in output.splitlines()[1:]:
        fields = line.split(",")
        if len(fields) < 7:
            continue
        latencies.append(float(fields[0]) * 1000)
        errors += not fields[6].startswith("2")
    latencies.sort()

    def percentile(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else 0.0

    return {
        "rps": len(latencies) / duration,
        "p50": percentile(0.50),
        "p99": percentile(0.99),
        "max": latencies[-1] if latencies else 0.0,
        "errors": float(errors),
    }


def command_for(kind: str, port: int, workers: int) -> list[str]:
    if kind == "floor":
        app, factory = "bench.floor_app:app", []
    else:
        app, factory = "app.main:build_app", ["--factory"]
    if kind in ("floor", "uvicorn"):
        # uvicorn[standard]: uvloop and httptools, as `mentorship serve` runs it.
        return [
            sys.executable,
            "-m",
            "uvicorn",
            app,
            *factory,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
            "--loop",
            "uvloop",
            "--http",
            "httptools",
        ]
    return [
        str(Path(sys.executable).parent / "granian"),
        "--interface",
        "asgi",
        app,
        *factory,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--loop",
        "uvloop",
        "--log-level",
        "warning",
        "--no-access-log",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument(
        "--servers",
        default="uvicorn",
        help="ASGI servers to run the service with: uvicorn, granian (comma-separated)",
    )
    parser.add_argument(
        "--rate-share",
        type=float,
        default=0.5,
        help="then offer this share of the floor's throughput at a constant rate (hey); 0: skip",
    )
    args = parser.parse_args()
    for tool in ("wrk", "hey") if args.rate_share else ("wrk",):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is needed: make loadtools (apt-get install wrk hey)")
    servers = args.servers.split(",")

    url, token, pair_id = asyncio.run(prepare_database())
    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    base_env = {
        **os.environ,
        "MENTOR_DATABASE_URL": url,
        "MENTOR_FLOOR_DSN": dsn,
        "MENTOR_RATE_LIMIT": "1000000000/minute",
        "MENTOR_LOG_LEVEL": "WARNING",
    }
    saturated: dict[tuple[str, int, str], dict[str, float]] = {}
    steady: dict[tuple[str, int, str], dict[str, float]] = {}
    try:
        for workers in [int(w) for w in args.workers.split(",")]:
            # The floor first: the constant rate offered to every server is a share of its
            # throughput.
            for kind in ("floor", *servers):
                port = free_port()
                process = start(command_for(kind, port, workers), base_env, port)
                try:
                    # Warm up every worker (imports, pools, caches) before measuring.
                    wrk(port, scenarios(pair_id)[0], token, 3, args.connections)
                    for scenario in scenarios(pair_id):
                        if kind == "floor" and scenario.floor:
                            continue
                        saturated[kind, workers, scenario.name] = wrk(
                            port, scenario, token, args.duration, args.connections
                        )
                    for scenario in scenarios(pair_id) if args.rate_share else []:
                        if kind == "floor" and scenario.floor:
                            continue
                        floor = saturated["floor", workers, scenario.floor or scenario.name]
                        steady[kind, workers, scenario.name] = hey(
                            port, scenario, token, args.duration, floor["rps"] * args.rate_share
                        )
                finally:
                    stop(process)
                    # The next runs read the data as seeded, not grown by this run's writes.
                    asyncio.run(forget_writes(dsn))
    finally:
        asyncio.run(drop_database(url))

    print(f"\n{args.connections} connections, {args.duration} s per run, PostgreSQL, loopback")
    print(
        f"{'scenario':<24} {'server':<8} {'workers':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}"
        f" {'floor req/s':>12} {'ratio':>6} {'non-2xx':>8}"
    )
    for (kind, workers, name), service in saturated.items():
        if kind == "floor":
            continue
        floor = saturated[
            "floor", workers, next(s.floor or s.name for s in scenarios(pair_id) if s.name == name)
        ]
        print(
            f"{name:<24} {kind:<8} {workers:>7} {service['rps']:>8.0f} {service['p50']:>8.2f}"
            f" {service['p99']:>8.2f} {floor['rps']:>12.0f} {service['rps'] / floor['rps']:>6.2f}"
            f" {service['errors']:>8.0f}"
        )
    if steady:
        print(f"\nconstant rate: {args.rate_share:g} of the floor's throughput, {args.duration} s")
        print(
            f"{'scenario':<24} {'server':<8} {'workers':>7} {'offered':>8} {'done/s':>8}"
            f" {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'non-2xx':>8}"
        )
        for (kind, workers, name), result in steady.items():
            floor = saturated[
                "floor",
                workers,
                next(s.floor or s.name for s in scenarios(pair_id) if s.name == name),
            ]
            print(
                f"{name:<24} {kind:<8} {workers:>7} {floor['rps'] * args.rate_share:>8.0f}"
                f" {result['rps']:>8.0f} {result['p50']:>8.2f} {result['p99']:>8.2f}"
                f" {result['max']:>8.1f} {result['errors']:>8.0f}"
            )


if __name__ == "__main__":
    main()

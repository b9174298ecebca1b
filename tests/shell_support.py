"""Run documented shell lines (``export`` and ``curl``) against the app, and check answers.

What the README, the tour and ``mentorship seed-demo`` tell people to paste is executed
here as written: shell words are split with ``shlex`` (POSIX rules, so a quoting mistake in
a document fails here too), ``$NAME`` is expanded in the URL and the headers as a shell
would (bodies are single-quoted in the documents, so they are taken as they are), and the
request goes to the app in process. Only the curl options the documents use are accepted,
so a document cannot rely on one these tests do not understand.
"""

import re
import shlex
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.matching.job import MatchingJobs

ANY = "…"  # in an excerpt, a value that is there but varies (an id, a date)
_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")
_EXPORT = re.compile(r"^export ([A-Za-z_][A-Za-z0-9_]*)=(\S+)")


@dataclass
class ShellRequest:
    method: str
    path: str  # with the query string
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None


def expand(text: str, env: Mapping[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        if name not in env:
            raise KeyError(f"${name} is not set (export it first)")
        return env[name]

    return _VARIABLE.sub(value, text)


def parse_curl(command: str, env: Mapping[str, str]) -> ShellRequest:
    """The request a ``curl`` command line sends."""
    words = shlex.split(command.replace("\\\n", " "))
    assert words, "an empty command"
    assert words[0] == "curl", f"not a curl command: {command!r}"
    method: str | None = None
    url: str | None = None
    headers: dict[str, str] = {}
    body: str | None = None
    rest = iter(words[1:])
    for word in rest:
        if word in ("-s", "-sS", "--silent"):
            continue
        if word in ("-X", "--request"):
            method = next(rest)
        elif word in ("-H", "--header"):
            name, _, value = expand(next(rest), env).partition(":")
            headers[name.strip()] = value.strip()
        elif word in ("-d", "--data", "--data-raw"):
            body = next(rest)
        elif word.startswith("-"):
            raise AssertionError(f"curl option {word!r} is not one the documents may use")
        else:
            assert url is None, f"two URLs in {command!r}"
            url = expand(word, env)
    assert url is not None, f"no URL in {command!r}"
    parts = urlsplit(url)
    assert parts.scheme in ("http", "https"), f"not an absolute URL: {url}"
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return ShellRequest(method or ("POST" if body is not None else "GET"), path, headers, body)


async def send(client: httpx.AsyncClient, request: ShellRequest) -> httpx.Response:
    return await client.request(
        request.method,
        request.path,
        headers=request.headers,
        content=request.body.encode() if request.body is not None else None,
    )


@dataclass
class Pasted:
    """Lines pasted into a shell: the variables they export and the commands they run."""

    env: dict[str, str]
    commands: list[str]


def paste(lines: Iterable[str], env: Mapping[str, str] | None = None) -> Pasted:
    """Read pasted lines: ``export`` lines set variables, ``curl`` lines are commands (a line
    ending with a backslash continues on the next), comments and blank lines are skipped."""
    pasted = Pasted(dict(env or {}), [])
    pending = ""
    for raw in lines:
        line = pending + raw.rstrip()
        pending = ""
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        exported = _EXPORT.match(stripped)
        if exported:
            pasted.env[exported.group(1)] = exported.group(2).strip("'\"")
        elif stripped.startswith("curl "):
            pasted.commands.append(stripped)
        else:
            raise AssertionError(f"a pasted line that is neither export nor curl: {line!r}")
    return pasted


def mismatch(expected: Any, actual: Any, where: str = "$") -> str | None:
    """Where ``actual`` differs from the excerpt ``expected``, or None when it matches.

    An object matches when every key shown is there with a matching value (others may be
    there too); a list when each element shown matches some element of the answer; ``…``
    matches any value that is there.
    """
    if expected == ANY:
        return None
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{where}: expected an object, got {actual!r}"
        for key, value in expected.items():
            if key not in actual:
                return f"{where}.{key}: missing"
            found = mismatch(value, actual[key], f"{where}.{key}")
            if found:
                return found
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return f"{where}: expected a list, got {actual!r}"
        for index, item in enumerate(expected):
            if all(mismatch(item, candidate) for candidate in actual):
                return f"{where}[{index}]: no element matches {item!r} in {actual!r}"
        return None
    booleans = isinstance(expected, bool) or isinstance(actual, bool)
    if expected != actual or (booleans and type(expected) is not type(actual)):
        return f"{where}: expected {expected!r}, got {actual!r}"
    return None


async def run_pasted(
    client: httpx.AsyncClient, pasted: Pasted, factory: async_sessionmaker[AsyncSession]
) -> list[httpx.Response]:
    """Send the pasted commands in order, as the person following them would: a queued
    matching run's id goes into ``$RUN``, and a worker runs it before the next command."""
    env = dict(pasted.env)
    answers = []
    for command in pasted.commands:
        response = await send(client, parse_curl(command, env))
        answers.append(response)
        if response.status_code == 202 and "/matching-runs" in command:
            env["RUN"] = response.json()["id"]
            assert await MatchingJobs(factory).run_once(uuid.UUID(env["RUN"]))
    return answers

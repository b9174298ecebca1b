"""Real browsers: an intranet page on another origin calls the API (CORS); GraphiQL renders.

A page served on one loopback origin runs in headless Chromium with a development token: it
reads a list, reads a program's ETag and updates the program with ``If-Match``. The same page
from an origin that is not allowed is refused by the browser. Chromium comes from the
machine's packages (`make services` installs it).
"""

import asyncio
import json
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from tests.api.programs_support import create_program
from tests.conftest import LiveServer, Tenant, live_settings, serve

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Headless, and none of the background traffic that this machine's closed network refuses.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--virtual-time-budget=20000",
]
REQUEST_ID = "3f2a7c1e-9b4d-4e8a-a1c6-5d2e8f0b7a94"

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Intranet</title></head><body>loading<script>
const api = %(api)s, token = %(token)s, program = %(program)s, requestId = %(request_id)s;
const auth = {Authorization: "Bearer " + token};
(async () => {
  const out = {};
  try {
    const list = await fetch(api + "/api/v1/employees?limit=5",
                             {headers: {...auth, "X-Request-ID": requestId}});
    out.list = list.status;
    out.items = (await list.json()).items.length;
    out.requestId = list.headers.get("X-Request-ID");
    const read = await fetch(api + "/api/v1/programs/" + program, {headers: auth});
    out.etag = read.headers.get("ETag");
    const update = await fetch(api + "/api/v1/programs/" + program, {
      method: "PATCH",
      headers: {...auth, "If-Match": out.etag, "Content-Type": "application/json"},
      body: JSON.stringify({description: "Edited from the intranet"}),
    });
    out.update = update.status;
    out.newEtag = update.headers.get("ETag");
    out.description = (await update.json()).description;
  } catch (error) {
    out.error = String(error);
  }
  document.body.textContent = JSON.stringify(out);
})();
</script></body></html>
"""


class Pages:
    """Pages served on a loopback port; ``pages["/"] = html`` publishes one."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = pages.get(self.path, "").encode()
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]


@contextmanager
def page_server() -> Iterator[Pages]:
    pages = Pages()
    thread = threading.Thread(target=pages.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield pages
    finally:
        pages.server.shutdown()
        thread.join(timeout=5)


def run_in_browser(url: str, profile: Path) -> dict[str, Any]:
    """Load ``url`` in headless Chromium and read the JSON the page wrote into its body."""
    assert CHROMIUM, "Chromium is not installed: run `make services`"
    dom = dump_dom(url, profile)
    body = re.search(r"<body>(.*)</body>", dom, re.DOTALL)
    assert body, dom[-2000:]
    return dict(json.loads(body.group(1)))


async def test_an_intranet_page_on_an_allowed_origin_reads_and_updates(
    tenant: Tenant, database_url: str, tmp_path: Path
) -> None:
    manager = await tenant.employee()
    program = await create_program(tenant, manager_ids=[manager["id"]])
    token = tenant.token(manager["email"])
    with page_server() as pages:
        allowed = f"http://127.0.0.1:{pages.port}"
        with serve(live_settings(database_url, cors_allowed_origins=[allowed])) as api:
            pages.pages["/"] = PAGE % {
                "api": json.dumps(api.url),
                "token": json.dumps(token),
                "program": json.dumps(program["id"]),
                "request_id": json.dumps(REQUEST_ID),
            }
            seen = await asyncio.to_thread(run_in_browser, f"{allowed}/", tmp_path / "allowed")
            # The same page from another origin: "localhost" is not "127.0.0.1".
            other = f"http://localhost:{pages.port}"
            refused = await asyncio.to_thread(run_in_browser, f"{other}/", tmp_path / "refused")
            async with httpx.AsyncClient(base_url=api.url) as client:
                preflight = await client.options(
                    "/api/v1/employees",
                    headers={
                        "Origin": other,
                        "Access-Control-Request-Method": "GET",
                        "Access-Control-Request-Headers": "authorization",
                    },
                )
    assert seen == {
        "list": 200,
        "items": 1,
        "requestId": REQUEST_ID,
        "etag": '"1"',
        "update": 200,
        "newEtag": '"2"',
        "description": "Edited from the intranet",
    }, seen
    assert "Failed to fetch" in refused.get("error", ""), refused
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers


def dump_dom(url: str, profile: Path) -> str:
    """The page's DOM once its scripts have run, as headless Chromium renders it."""
    assert CHROMIUM, "Chromium is not installed: run `make services`"
    completed = subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    return completed.stdout


async def test_graphiql_renders_its_example_from_local_assets(
    live_server: LiveServer, tmp_path: Path
) -> None:
    dom = await asyncio.to_thread(dump_dom, f"{live_server.url}/graphql", tmp_path)
    # The editors hold the example query and the headers template: the page's scripts (served
    # by the service itself, no CDN) ran.
    assert "graphiql-container" in dom
    assert "MyPairs" in dom
    assert "Bearer &lt;a token printed by" in dom

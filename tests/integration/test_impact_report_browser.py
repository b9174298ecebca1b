"""The printable impact report in a real browser: Debian's Chromium renders it, prints it to
PDF, asks for nothing but the page itself, and shows the figures the JSON answer holds."""

import asyncio
import re
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.api.impact_support import add_item, answer, impact_program, indicator_url, participants
from tests.api.programs_support import url
from tests.conftest import Tenant
from tests.integration.test_browser import CHROMIUM, CHROMIUM_FLAGS, dump_dom


class ReportServer:
    """Serves one page on a loopback port, with the headers the service sent, and records
    every request the browser makes."""

    def __init__(self, page: str, headers: dict[str, str]) -> None:
        self.requested: list[str] = []
        requested = self.requested

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                requested.append(self.path)
                body = page.encode() if self.path == "/report" else b""
                self.send_response(200 if body else 404)
                for name in ("Content-Type", "Content-Security-Policy", "Content-Language"):
                    self.send_header(name, headers[name.lower()])
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/report"


@contextmanager
def serving(page: str, headers: dict[str, str]) -> Iterator[ReportServer]:
    server = ReportServer(page, headers)
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.server.shutdown()
        thread.join(timeout=5)


def print_to_pdf(page_url: str, profile: Path, pdf: Path) -> None:
    assert CHROMIUM, "Chromium is not installed: run `make services`"
    subprocess.run(
        [
            CHROMIUM,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf}",
            "--no-pdf-header-footer",
            page_url,
        ],
        capture_output=True,
        timeout=90,
        check=False,
    )


def _figures(dom: str) -> dict[str, str]:
    found = re.findall(r'data-figure="([^"]+)" data-value="([^"]*)"', dom)
    return {name: unescape(value) for name, value in found}


def _at(report: dict[str, Any], dotted: str) -> Any:
    value: Any = report
    for part in dotted.split("."):
        value = value[int(part)] if part.isdigit() else value[part]
    return value


def _shown(value: Any) -> str:
    if value is None:
        return ""
    return str(value).lower() if isinstance(value, bool) else str(value)


async def _program_with_figures(tenant: Tenant) -> tuple[dict[str, Any], dict[str, str]]:
    program, objective, manager = await impact_program(tenant)
    for value, on in ((35, "2025-03-31"), (62.5, "2025-09-30")):
        response = await tenant.client.post(
            indicator_url(program, objective, 0, "measurements"),
            json={"value": value, "measured_on": on},
            headers=manager,
        )
        assert response.status_code == 201, response.text
    item = await add_item(tenant, program, manager, "mentee", "I use collaborative tools.")
    hired = {"hire_date": "2020-05-01", "department": "Engineering", "seniority_level": 3}
    mentees = await participants(tenant, program, "mentee", 6, **hired)
    for n, person in enumerate(mentees):
        await answer(tenant, program, person, "baseline", {item["id"]: 2})
        await answer(tenant, program, person, "end", {item["id"]: 2 + n % 3})
    for _ in range(6):
        await tenant.employee(**hired)
    return program, manager


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_the_report_renders_prints_and_matches_the_json(
    tenant: Tenant, tmp_path: Path, language: str
) -> None:
    program, manager = await _program_with_figures(tenant)
    report = (await tenant.client.get(url(program, "impact"), headers=manager)).json()
    response = await tenant.client.get(
        url(program, "impact.html"), headers=manager | {"Accept-Language": language}
    )
    assert response.status_code == 200, response.text
    with serving(response.text, dict(response.headers)) as server:
        dom = await asyncio.to_thread(dump_dom, server.url, tmp_path / "dom")
        pdf = tmp_path / "report.pdf"
        await asyncio.to_thread(print_to_pdf, server.url, tmp_path / "pdf", pdf)
    # It rendered: the title, three charts drawn as SVG, in the language asked for.
    assert f'<html lang="{language}">' in dom
    assert dom.count("<svg") == 3, dom[:500]
    assert ("Rapport d'impact" if language == "fr" else "Impact report") in dom
    assert pdf.read_bytes().startswith(b"%PDF"), "the page did not print"
    # Nothing was asked for but the page (a browser may ask for an icon on its own).
    assert [p for p in server.requested if p != "/favicon.ico"] == ["/report", "/report"]
    # Every figure on the page is the JSON answer's.
    figures = _figures(dom)
    assert len(figures) >= 15, figures
    for name, value in figures.items():
        assert value == _shown(_at(report, name)), (name, value, _at(report, name))
    assert figures["learning.0.mean_change"] == "1.0"
    assert figures["retention.comparison.size"] == "6"

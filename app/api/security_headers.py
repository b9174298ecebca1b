"""Security headers on every response, added where the response starts (pure ASGI).

- ``X-Content-Type-Options: nosniff`` everywhere: a browser never second-guesses a content
  type (a CSV or a JSON document is never run as a script or rendered as HTML).
- ``Referrer-Policy: no-referrer`` everywhere: links followed from the documentation pages
  never leak the address they came from (a calendar feed's address is its credential).
- ``Cache-Control: no-store`` on every response to a request that carried a credential (a
  bearer token, a Standard Webhooks signature, a calendar feed's secret address): personal
  data must not stay in a browser's or a shared proxy's cache.
- ``Strict-Transport-Security`` when the service is served over HTTPS (behind a
  TLS-terminating proxy, ``MENTOR_SERVED_OVER_HTTPS``): browsers then never try plain HTTP.
"""

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HSTS_MAX_AGE_SECONDS = 31_536_000  # one year, the value browsers' preload lists expect

_CREDENTIAL_HEADERS = (b"authorization", b"webhook-signature")
# Addresses that are credentials themselves: calendar applications send no header.
_CREDENTIAL_PATHS = ("/calendar-feeds/",)


def _carries_credential(scope: Scope) -> bool:
    if any(name in _CREDENTIAL_HEADERS for name, _value in scope["headers"]):
        return True
    path: str = scope["path"]
    return path.startswith(_CREDENTIAL_PATHS)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, served_over_https: bool = False) -> None:
        self.app = app
        self.always = [
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
        ]
        if served_over_https:
            self.always.append(("Strict-Transport-Security", f"max-age={HSTS_MAX_AGE_SECONDS}"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        private = _carries_credential(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.always:
                    headers[name] = value
                if private:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)

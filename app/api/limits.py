"""Request limits enforced before the application reads anything."""

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.problems import problem_response


class BodyLimitMiddleware:
    """Refuse request bodies over ``max_bytes`` with a 413 problem.

    A declared Content-Length is checked up front; a chunked body is counted as it streams
    and the request fails as soon as it crosses the limit, so nothing large is buffered.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length":
                if not value.isdigit() or int(value) > self.max_bytes:
                    response = problem_response(
                        None,
                        413,
                        f"The request body exceeds {self.max_bytes} bytes.",
                        code="payload_too_large",
                    )
                    await response(scope, receive, send)
                    return
                break
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(413, f"The request body exceeds {self.max_bytes} bytes.")
            return message

        await self.app(scope, counting_receive, send)

"""Request limits enforced before the application reads anything."""

import logging
import math
import time

import limits
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.storage import storage_from_string
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.problems import problem_response
from app.domain.access.principal import Principal
from app.domain.errors import DomainError

log = logging.getLogger("app.limits")


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


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
    title = "Too many requests"


class RequestRateLimiter:
    """Per-caller request budget (sliding window), backed by the `limits` library.

    If the storage is unreachable the request goes through: losing the limiter must not
    take the API down with it.
    """

    def __init__(self, limit: str, storage_url: str) -> None:
        self.item = limits.parse(limit)
        self.limiter = SlidingWindowCounterRateLimiter(storage_from_string(storage_url))

    async def check(self, principal: Principal, response: Response) -> None:
        key = principal.actor
        try:
            allowed = await self.limiter.hit(self.item, key)
            stats = await self.limiter.get_window_stats(self.item, key)
        except Exception:  # the storage (Redis) is down: fail open, loudly
            log.warning("rate limiter storage unavailable", exc_info=True)
            return
        reset = max(0, math.ceil(stats.reset_time - time.time()))
        headers = {
            "RateLimit-Limit": str(self.item.amount),
            "RateLimit-Remaining": str(stats.remaining),
            "RateLimit-Reset": str(reset),
        }
        if not allowed:
            raise RateLimited(
                f"Rate limit of {self.item} exceeded; retry in {max(reset, 1)} s.",
                retry_after=max(reset, 1),
                headers=headers,
            )
        response.headers.update(headers)

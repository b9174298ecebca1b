"""The errors a business rule can raise; adapters turn them into problem+json or GraphQL errors."""

from typing import Any, ClassVar


class DomainError(Exception):
    """Base class. ``code`` is stable and machine-readable; ``detail`` is for humans."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    title: ClassVar[str] = "Bad request"

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code  # type: ignore[misc]
        self.errors = errors or []
        self.extra = extra


class NotFound(DomainError):
    status = 404
    code = "not_found"
    title = "Not found"


class Conflict(DomainError):
    status = 409
    code = "conflict"
    title = "Conflict"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    title = "Forbidden"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"
    title = "Unauthorized"


class Malformed(DomainError):
    """A request the server cannot read, though it fits the published schema: an opaque
    token (a cursor) that the server never handed out."""

    status = 400
    code = "bad_request"
    title = "Bad request"


class Invalid(DomainError):
    """Input that fits the published schema but breaks a business rule about its values:
    a rule across several values (an end before a start), or against what is stored or the
    time (an expiry in the past, a manager who reports to the employee).

    409: the schema states everything a request must be on its own (types, bounds, patterns,
    formats), and what is refused as not fitting it is 422 ``validation_failed``.
    """

    status = 409
    code = "invalid"
    title = "Business rule"


class ValidationFailed(DomainError):
    """Input that does not fit the published schema, found by the domain rather than by the
    schema's validation (GraphQL's `first`, which GraphQL cannot bound)."""

    status = 422
    code = "validation_failed"
    title = "Invalid input"


class PreconditionFailed(DomainError):
    status = 412
    code = "precondition_failed"
    title = "Precondition failed"


class PreconditionRequired(DomainError):
    status = 428
    code = "precondition_required"
    title = "Precondition required"


def field_error(
    field: str, message: str, kind: str = "invalid", location: str | None = None
) -> dict[str, Any]:
    error = {"field": field, "message": message, "type": kind}
    if location is not None:
        error["location"] = location
    return error


class Unavailable(DomainError):
    """A dependency (the database) cannot serve the request now; retrying later may work."""

    status = 503
    code = "service_unavailable"
    title = "Service unavailable"

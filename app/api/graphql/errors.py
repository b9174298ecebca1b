"""GraphQL errors carry the REST problem's code in ``extensions.code``; surprises are masked."""

import logging

import strawberry
from graphql.error import GraphQLError
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionContext

from app.api.problems import data_exception
from app.domain.errors import DomainError

log = logging.getLogger("app.errors")


def _unstorable(original: Exception | None) -> bool:
    """A value the database cannot hold (a NUL character in a text, say): the request is
    wrong, not the service, as REST answers it."""
    return isinstance(original, DBAPIError) and data_exception(original)


def _is_unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    if original is None or isinstance(original, (DomainError, ValidationError)):
        return False
    return not isinstance(original, GraphQLError) and not _unstorable(original)


class Schema(strawberry.Schema):
    """Logs only the errors nobody expected; a refused request is not an incident."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        unexpected = [e for e in errors if _is_unexpected(e)]
        if unexpected:
            super().process_errors(unexpected, execution_context)


class ProblemErrors(MaskErrors):
    """Domain errors keep their message and gain ``code``/``status``; the rest is masked."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_is_unexpected, error_message="Unexpected error.")

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [self._convert(error) for error in errors]

    def _convert(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if isinstance(original, DomainError):
            extensions = {"code": original.code, "status": original.status, **original.extra}
            if original.errors:
                extensions["errors"] = original.errors
            return self._rebuild(error, error.message, extensions)
        if isinstance(original, ValidationError):
            fields = [
                {
                    "field": ".".join(str(p) for p in e["loc"]),
                    "message": e["msg"],
                    "type": e["type"],
                }
                for e in original.errors()
            ]
            return self._rebuild(
                error,
                "The input has invalid fields; see extensions.errors.",
                {"code": "validation_failed", "status": 422, "errors": fields},
            )
        if original is None or isinstance(original, GraphQLError):
            extensions = dict(error.extensions or {})
            extensions.setdefault("code", "graphql_validation_failed")
            return self._rebuild(error, error.message, extensions)
        if _unstorable(original):
            return self._rebuild(
                error,
                "A value cannot be stored as sent (for example, text with a NUL character).",
                {"code": "unstorable_value", "status": 422},
            )
        if isinstance(original, IntegrityError):
            return self._rebuild(
                error,
                "The change conflicts with another one made at the same time; retry.",
                {"code": "concurrent_conflict", "status": 409},
            )
        if isinstance(original, (OperationalError, InterfaceError, ConnectionError, OSError)):
            return self._rebuild(
                error,
                "The database is unreachable; retry shortly.",
                {"code": "database_unavailable", "status": 503},
            )
        log.error("unhandled GraphQL error", exc_info=original)
        return self._rebuild(error, self.error_message, {"code": "internal_error", "status": 500})

    @staticmethod
    def _rebuild(error: GraphQLError, message: str, extensions: dict[str, object]) -> GraphQLError:
        return GraphQLError(
            message=message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions=extensions,
        )

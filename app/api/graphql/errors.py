"""GraphQL errors carry the REST problem's code in ``extensions.code``; surprises are masked.

Every error gets a code, whatever stage refused the request, and the same mistake gets the
same code as in REST:

- ``malformed_query`` (400): the document does not parse (REST's ``malformed_json``);
- ``query_too_complex`` (400): over the limits of depth, aliases or tokens;
- ``validation_failed`` (422): the document or its values do not fit the schema (an unknown
  field, an argument of the wrong type or out of range, an invalid input), as REST answers
  for a body or a parameter that does not fit its schema;
- a domain error's own code and status otherwise (``not_found``, ``conflict``...).

Field names in ``extensions.errors`` are GraphQL's: camelCase, and the domain's paging
names (REST's ``limit`` and ``cursor``) become the arguments ``first`` and ``after``.
"""

import logging
from collections.abc import Iterable
from typing import Any

import strawberry
from graphql.error import GraphQLError, GraphQLSyntaxError
from graphql.validation import ASTValidationRule, ValidationContext
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.utils.str_converters import to_camel_case

from app.api.problems import data_exception
from app.domain.errors import DomainError

log = logging.getLogger("app.errors")

MALFORMED_QUERY = "malformed_query"
QUERY_TOO_COMPLEX = "query_too_complex"
VALIDATION_FAILED = "validation_failed"

# The domain speaks REST's paging words; GraphQL's connections take `first` and `after`.
_GRAPHQL_NAMES = {"limit": "first", "cursor": "after"}


def graphql_field_name(path: str) -> str:
    """A domain field path (``matching_settings.minimum_score``) as GraphQL names it."""
    return ".".join(_GRAPHQL_NAMES.get(part, to_camel_case(part)) for part in path.split("."))


def _graphql_errors(errors: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {**error, "field": graphql_field_name(str(error["field"]))}
        if "field" in error
        else dict(error)
        for error in errors
    ]


class _CodingContext:
    """A validation context whose reported errors carry a code (the limits' rules report
    through the context they are given, not through their own ``report_error``)."""

    def __init__(self, context: ValidationContext, code: str) -> None:
        self._context = context
        self._code = code

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)

    def report_error(self, error: GraphQLError) -> None:
        error.extensions = {**(error.extensions or {}), "code": self._code, "status": 400}
        self._context.report_error(error)


def coded_rule(rule: type[ASTValidationRule], code: str) -> type[ASTValidationRule]:
    """A validation rule whose errors carry ``code``."""

    class Coded(rule):  # type: ignore[misc, valid-type]
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(_CodingContext(context, code))

    Coded.__name__ = rule.__name__
    return Coded


def _unstorable(original: Exception | None) -> bool:
    """A value the database cannot hold (a NUL character in a text, say): the request is
    wrong, not the service, as REST answers it."""
    return isinstance(original, DBAPIError) and data_exception(original)


def _is_unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    if original is None or isinstance(original, (DomainError, ValidationError)):
        return False
    return not isinstance(original, GraphQLError) and not _unstorable(original)


def _pydantic_errors(error: ValidationError) -> list[dict[str, Any]]:
    return [
        {
            "field": ".".join(str(p) for p in e["loc"]) or "input",
            "message": e["msg"],
            "type": e["type"],
        }
        for e in error.errors()
    ]


def _rebuild(error: GraphQLError, message: str, extensions: dict[str, Any]) -> GraphQLError:
    return GraphQLError(
        message=message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=extensions,
    )


def coded(error: GraphQLError, masked_message: str = "Unexpected error.") -> GraphQLError:
    """``error`` with its code (and status, and GraphQL field names) in ``extensions``."""
    original = error.original_error
    if isinstance(original, DomainError):
        extensions = {"code": original.code, "status": original.status, **original.extra}
        if original.errors:
            extensions["errors"] = _graphql_errors(original.errors)
        return _rebuild(error, error.message, extensions)
    if isinstance(original, ValidationError):
        return _rebuild(
            error,
            "The input has invalid fields; see extensions.errors.",
            {
                "code": VALIDATION_FAILED,
                "status": 422,
                "errors": _graphql_errors(_pydantic_errors(original)),
            },
        )
    if original is None or isinstance(original, GraphQLError):
        extensions = dict(error.extensions or {})
        if "code" not in extensions:
            extensions.update(_document_error(error))
        return _rebuild(error, error.message, extensions)
    if _unstorable(original):
        return _rebuild(
            error,
            "A value cannot be stored as sent (for example, text with a NUL character).",
            {"code": "unstorable_value", "status": 422},
        )
    if isinstance(original, IntegrityError):
        return _rebuild(
            error,
            "The change conflicts with another one made at the same time; retry.",
            {"code": "concurrent_conflict", "status": 409},
        )
    if isinstance(original, (OperationalError, InterfaceError, ConnectionError, OSError)):
        return _rebuild(
            error,
            "The database is unreachable; retry shortly.",
            {"code": "database_unavailable", "status": 503},
        )
    log.error("unhandled GraphQL error", exc_info=original)
    return _rebuild(error, masked_message, {"code": "internal_error", "status": 500})


def _document_error(error: GraphQLError) -> dict[str, Any]:
    if isinstance(error, GraphQLSyntaxError):
        # graphql-core's parser refuses an over-long document with a syntax error of its own.
        if "tokens" in error.message and "Document contains more than" in error.message:
            return {"code": QUERY_TOO_COMPLEX, "status": 400}
        return {"code": MALFORMED_QUERY, "status": 400}
    return {"code": VALIDATION_FAILED, "status": 422}


class Schema(strawberry.Schema):
    """Logs only the errors nobody expected; a refused request is not an incident."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        unexpected = [e for e in errors if _is_unexpected(e)]
        if unexpected:
            super().process_errors(unexpected, execution_context)

    async def execute(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        result = await super().execute(*args, **kwargs)
        # A document that does not even parse is refused before the extensions that code the
        # other errors see it (the parser cache raises from its hook).
        if result.errors and any(not (e.extensions or {}).get("code") for e in result.errors):
            result.errors = [
                e if (e.extensions or {}).get("code") else coded(e) for e in result.errors
            ]
        return result


class ProblemErrors(MaskErrors):
    """Domain errors keep their message and gain ``code``/``status``; the rest is masked."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_is_unexpected, error_message="Unexpected error.")

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [coded(error, self.error_message) for error in errors]

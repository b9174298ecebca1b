"""The GraphQL schema: one Query and one Mutation assembled from each module's parts."""

from typing import Any

import strawberry
from cross_web import HTTPException
from graphql.validation import ASTValidationRule
from starlette.exceptions import HTTPException as StarletteHTTPException
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as max_aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as max_depth_rule
from strawberry.fastapi import GraphQLRouter
from strawberry.types.unset import UNSET

from app.api.graphql.access import AccessQuery
from app.api.graphql.consultations import ConsultationMutation, ConsultationQuery
from app.api.graphql.context import get_context
from app.api.graphql.derived import prepare_conversions
from app.api.graphql.employees import EmployeeMutation, EmployeeQuery
from app.api.graphql.errors import QUERY_TOO_COMPLEX, ProblemErrors, Schema, coded_rule
from app.api.graphql.groups import GroupQuery
from app.api.graphql.ide import offline_graphiql_html
from app.api.graphql.impact import ImpactMutation, ImpactQuery
from app.api.graphql.matching import MatchingMutation, MatchingQuery
from app.api.graphql.notifications import NotificationMutation
from app.api.graphql.pair_fit import PairFitMutation
from app.api.graphql.pairs import PairMutation, PairQuery
from app.api.graphql.programs import ProgramMutation, ProgramQuery
from app.api.graphql.support import SupportMutation, SupportQuery


@strawberry.type
class Query(
    AccessQuery,
    EmployeeQuery,
    GroupQuery,
    ProgramQuery,
    ConsultationQuery,
    MatchingQuery,
    PairQuery,
    SupportQuery,
    ImpactQuery,
):
    pass


@strawberry.type
class Mutation(
    EmployeeMutation,
    ProgramMutation,
    ConsultationMutation,
    MatchingMutation,
    PairMutation,
    PairFitMutation,
    SupportMutation,
    NotificationMutation,
    ImpactMutation,
):
    pass


# The limits' rules are built once: the validation cache is keyed by the rules as well as the
# document, so rules built per request (as QueryDepthLimiter and MaxAliasesLimiter do) would
# never let it hit.
LIMIT_RULES: list[type[ASTValidationRule]] = [
    coded_rule(max_depth_rule(10, None, None), QUERY_TOO_COMPLEX),
    coded_rule(max_aliases_rule(30), QUERY_TOO_COMPLEX),
]
# Documents parsed and validated once per distinct text: clients send the same few queries
# again and again. Bounded, so unique texts cannot grow memory.
DOCUMENT_CACHE_SIZE = 512

schema = Schema(
    query=Query,
    mutation=Mutation,
    extensions=[
        ProblemErrors,
        lambda: AddValidationRules(LIMIT_RULES),
        # Bounds the size of a document (and so the fields it can ask for) before parsing.
        lambda: MaxTokensLimiter(max_token_count=4000),
        lambda: ParserCache(maxsize=DOCUMENT_CACHE_SIZE),
        lambda: ValidationCache(maxsize=DOCUMENT_CACHE_SIZE),
    ],
)

prepare_conversions()


# The members of a GraphQL-over-HTTP request, as the OpenAPI document describes the body.
_REQUEST_MEMBERS: dict[str, tuple[type, ...]] = {
    "query": (str,),
    "variables": (dict, type(None)),
    "operationName": (str, type(None)),
    "extensions": (dict, type(None)),
}


def _check_request(body: dict[str, Any]) -> None:
    """A body of the wrong shape is refused as malformed (400), before any GraphQL runs."""
    wrong = [
        name
        for name, kinds in _REQUEST_MEMBERS.items()
        if name in body and not isinstance(body[name], kinds)
    ]
    if wrong:
        raise HTTPException(400, f"Wrong types in the request: {', '.join(wrong)}.")
    if not body.get("query"):
        raise HTTPException(400, "The body must hold a `query`, a GraphQL document.")


class ServiceGraphQLRouter(GraphQLRouter[object, None]):
    """strawberry's router, with GraphiQL served locally and refusals as problem documents."""

    @property
    def graphql_ide_html(self) -> str:
        return offline_graphiql_html()

    def parse_json(self, data: str | bytes) -> Any:
        try:
            parsed = super().parse_json(data)
        except UnicodeDecodeError as exc:
            raise HTTPException(400, "The body is not valid UTF-8 JSON.") from exc
        if not isinstance(parsed, (dict, list)):
            raise HTTPException(400, "The body must be a JSON object with a `query`.")
        if isinstance(parsed, dict):
            _check_request(parsed)
        return parsed

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        try:
            return await super().run(request, context=context, root_value=root_value)
        except HTTPException as exc:
            # A request that is not GraphQL at all (wrong content type, no query): answer it
            # like every other refusal, as application/problem+json.
            raise StarletteHTTPException(exc.status_code, exc.reason) from exc


def create_router() -> GraphQLRouter[object, None]:
    return ServiceGraphQLRouter(
        schema,
        path="/graphql",
        context_getter=get_context,
        graphql_ide="graphiql",
        allow_queries_via_get=False,
        tags=["graphql"],
    )

"""The GraphQL schema: one Query and one Mutation assembled from each module's parts."""

import strawberry
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter
from strawberry.fastapi import GraphQLRouter

from app.api.graphql.access import AccessQuery
from app.api.graphql.consultations import ConsultationMutation
from app.api.graphql.context import get_context
from app.api.graphql.employees import EmployeeMutation, EmployeeQuery
from app.api.graphql.errors import ProblemErrors, Schema
from app.api.graphql.ide import offline_graphiql_html
from app.api.graphql.programs import ProgramMutation, ProgramQuery


@strawberry.type
class Query(AccessQuery, EmployeeQuery, ProgramQuery):
    pass


@strawberry.type
class Mutation(EmployeeMutation, ProgramMutation, ConsultationMutation):
    pass


schema = Schema(
    query=Query,
    mutation=Mutation,
    extensions=[
        ProblemErrors,
        lambda: QueryDepthLimiter(max_depth=10),
        lambda: MaxAliasesLimiter(max_alias_count=30),
    ],
)


class OfflineGraphQLRouter(GraphQLRouter[object, None]):
    @property
    def graphql_ide_html(self) -> str:
        return offline_graphiql_html()


def create_router() -> GraphQLRouter[object, None]:
    return OfflineGraphQLRouter(
        schema,
        path="/graphql",
        context_getter=get_context,
        graphql_ide="graphiql",
        allow_queries_via_get=False,
        tags=["graphql"],
    )
